"""Additional checksums: validated on upload, stored, returned with ChecksumMode=ENABLED."""

from __future__ import annotations

import base64
import hashlib
import zlib
from typing import Any

import pytest

from tests.s3.helpers import client_error

#: aws-chunked bodies and trailing checksums as they travel over HTTP
pytestmark = pytest.mark.modes("server")

DATA = b"123456789"
CRC32C = base64.b64encode(bytes.fromhex("e3069283")).decode()
CRC64NVME = base64.b64encode(bytes.fromhex("ae8b14860a799888")).decode()


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


EXPECTED = {
    "CRC32": b64(zlib.crc32(DATA).to_bytes(4, "big")),
    "CRC32C": CRC32C,
    "CRC64NVME": CRC64NVME,
    "SHA1": b64(hashlib.sha1(DATA).digest()),
    "SHA256": b64(hashlib.sha256(DATA).digest()),
}


@pytest.mark.parametrize("alg", sorted(EXPECTED))
def test_checksum_given_value_round_trip(s3: Any, bucket: str, alg: str) -> None:
    put = s3.put_object(Bucket=bucket, Key="c", Body=DATA, **{f"Checksum{alg}": EXPECTED[alg]})
    assert put[f"Checksum{alg}"] == EXPECTED[alg]
    head = s3.head_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert head[f"Checksum{alg}"] == EXPECTED[alg]
    assert head["ChecksumType"] == "FULL_OBJECT"
    got = s3.get_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert got[f"Checksum{alg}"] == EXPECTED[alg]
    assert got["Body"].read() == DATA
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"][0]
    assert listed["ChecksumAlgorithm"] == [alg]


@pytest.mark.parametrize("alg", sorted(EXPECTED))
def test_checksum_mismatch_is_bad_digest(s3: Any, bucket: str, alg: str) -> None:
    wrong = EXPECTED["SHA1"] if alg != "SHA1" else EXPECTED["SHA256"]
    wrong = {"CRC32": b64(b"\0\0\0\1"), "CRC32C": b64(b"\0\0\0\1"), "CRC64NVME": b64(b"\0" * 7 + b"\1")}.get(
        alg, wrong
    )
    err = client_error(s3.put_object, Bucket=bucket, Key="c", Body=DATA, **{f"Checksum{alg}": wrong})
    assert err["Code"] == "BadDigest"
    assert err["Status"] == 400
    assert client_error(s3.head_object, Bucket=bucket, Key="c")["Status"] == 404


def test_sdk_computed_checksums(s3: Any, bucket: str) -> None:
    # boto3 computes CRC32 by default (trailer); SHA256 when asked
    s3.put_object(Bucket=bucket, Key="d", Body=DATA)
    head = s3.head_object(Bucket=bucket, Key="d", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == EXPECTED["CRC32"]
    s3.put_object(Bucket=bucket, Key="s", Body=DATA, ChecksumAlgorithm="SHA256")
    assert (
        s3.head_object(Bucket=bucket, Key="s", ChecksumMode="ENABLED")["ChecksumSHA256"] == EXPECTED["SHA256"]
    )
    assert "ChecksumSHA256" not in s3.head_object(Bucket=bucket, Key="s")
