"""Multipart uploads: create, parts, list (paginated), complete rules, abort, part copy,
checksums, and boto3's managed transfers."""

from __future__ import annotations

import base64
import hashlib
import os
import zlib
from pathlib import Path
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig

from tests.s3.helpers import client_error

#: large parts over HTTP; parts joined by PostgreSQL's rows
pytestmark = pytest.mark.modes("server", "postgres")

MIB = 1024 * 1024


def _mpu(s3: Any, bucket: str, key: str, parts: list[bytes], **kw: Any) -> tuple[str, list[dict[str, Any]]]:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, **kw)["UploadId"]
    done = []
    for i, data in enumerate(parts, 1):
        r = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=i, Body=data)
        done.append({"PartNumber": i, "ETag": r["ETag"]})
    return upload_id, done


def test_complete_links_parts(s3: Any, bucket: str) -> None:
    parts = [os.urandom(5 * MIB), os.urandom(5 * MIB + 123), b"tail"]
    upload_id, done = _mpu(s3, bucket, "big", parts, ContentType="video/mp4", Metadata={"a": "b"})
    res = s3.complete_multipart_upload(
        Bucket=bucket, Key="big", UploadId=upload_id, MultipartUpload={"Parts": done}
    )
    md5s = b"".join(hashlib.md5(p).digest() for p in parts)
    assert res["ETag"] == f'"{hashlib.md5(md5s).hexdigest()}-3"'
    assert res["Key"] == "big" and res["Bucket"] == bucket
    data = b"".join(parts)
    got = s3.get_object(Bucket=bucket, Key="big")
    assert got["ContentType"] == "video/mp4"
    assert got["Metadata"] == {"a": "b"}
    assert got["ContentLength"] == len(data)
    assert got["Body"].read() == data
    part2 = s3.get_object(Bucket=bucket, Key="big", PartNumber=2)
    assert part2["PartsCount"] == 3
    assert part2["ContentRange"] == f"bytes {5 * MIB}-{10 * MIB + 122}/{len(data)}"
    assert part2["Body"].read() == parts[1]
    rng = s3.get_object(Bucket=bucket, Key="big", Range=f"bytes={5 * MIB - 2}-{5 * MIB + 1}")["Body"].read()
    assert rng == data[5 * MIB - 2 : 5 * MIB + 2]
    attrs = s3.get_object_attributes(Bucket=bucket, Key="big", ObjectAttributes=["ObjectParts", "ObjectSize"])
    assert attrs["ObjectSize"] == len(data)
    assert attrs["ObjectParts"]["TotalPartsCount"] == 3
    assert client_error(s3.list_parts, Bucket=bucket, Key="big", UploadId=upload_id)["Code"] == "NoSuchUpload"


def test_complete_errors(s3: Any, bucket: str) -> None:
    upload_id, done = _mpu(s3, bucket, "k", [b"a" * 100, b"b" * 100])
    err = client_error(
        s3.complete_multipart_upload,
        Bucket=bucket,
        Key="k",
        UploadId=upload_id,
        MultipartUpload={"Parts": list(reversed(done))},
    )
    assert err["Code"] == "InvalidPartOrder"
    assert (
        err["Message"]
        == "The list of parts was not in ascending order. Parts must be ordered by part number."
    )
    err = client_error(
        s3.complete_multipart_upload,
        Bucket=bucket,
        Key="k",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"0000"'}]},
    )
    assert err["Code"] == "InvalidPart"
    assert err["PartNumber"] == "1"
    err = client_error(
        s3.complete_multipart_upload,
        Bucket=bucket,
        Key="k",
        UploadId=upload_id,
        MultipartUpload={"Parts": [*done, {"PartNumber": 3, "ETag": done[0]["ETag"]}]},
    )
    assert err["Code"] == "InvalidPart"
    err = client_error(
        s3.complete_multipart_upload,
        Bucket=bucket,
        Key="k",
        UploadId=upload_id,
        MultipartUpload={"Parts": done},
    )
    assert err["Code"] == "EntityTooSmall"
    assert err["Message"] == "Your proposed upload is smaller than the minimum allowed size"
    assert err["MinSizeAllowed"] == str(5 * MIB)
    # a single small part is fine (the last part may be small)
    res = s3.complete_multipart_upload(
        Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={"Parts": done[:1]}
    )
    assert res["ETag"].endswith('-1"')
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"a" * 100
    err = client_error(s3.upload_part, Bucket=bucket, Key="k", UploadId="nope", PartNumber=1, Body=b"x")
    assert err["Code"] == "NoSuchUpload"
    assert err["Status"] == 404
    up = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    err = client_error(s3.upload_part, Bucket=bucket, Key="k", UploadId=up, PartNumber=10001, Body=b"x")
    assert err["Code"] == "InvalidArgument"


def test_abort_and_list(s3: Any, bucket: str) -> None:
    ids = {}
    for key in ("a/1", "a/2", "b/1", "c"):
        ids[key] = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    second = s3.create_multipart_upload(Bucket=bucket, Key="c")["UploadId"]
    listed = s3.list_multipart_uploads(Bucket=bucket)
    assert [(u["Key"], u["UploadId"]) for u in listed["Uploads"]] == [
        ("a/1", ids["a/1"]),
        ("a/2", ids["a/2"]),
        ("b/1", ids["b/1"]),
        ("c", ids["c"]),
        ("c", second),
    ]
    assert listed["IsTruncated"] is False
    page = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=2)
    assert page["IsTruncated"] is True
    assert (page["NextKeyMarker"], page["NextUploadIdMarker"]) == ("a/2", ids["a/2"])
    rest = s3.list_multipart_uploads(Bucket=bucket, KeyMarker="a/2", UploadIdMarker=ids["a/2"])
    assert [u["Key"] for u in rest["Uploads"]] == ["b/1", "c", "c"]
    grouped = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in grouped["CommonPrefixes"]] == ["a/", "b/"]
    assert [u["Key"] for u in grouped["Uploads"]] == ["c", "c"]
    assert [u["Key"] for u in s3.list_multipart_uploads(Bucket=bucket, Prefix="a/")["Uploads"]] == [
        "a/1",
        "a/2",
    ]
    s3.abort_multipart_upload(Bucket=bucket, Key="c", UploadId=second)
    err = client_error(s3.abort_multipart_upload, Bucket=bucket, Key="c", UploadId=second)
    assert err["Code"] == "NoSuchUpload"
    assert len(s3.list_multipart_uploads(Bucket=bucket)["Uploads"]) == 4


def test_list_parts_paginated(s3: Any, bucket: str) -> None:
    upload_id, _ = _mpu(s3, bucket, "k", [bytes([i]) * 10 for i in range(5)])
    page = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, MaxParts=2)
    assert [p["PartNumber"] for p in page["Parts"]] == [1, 2]
    assert page["IsTruncated"] is True and page["NextPartNumberMarker"] == 2
    page = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, PartNumberMarker=2)
    assert [p["PartNumber"] for p in page["Parts"]] == [3, 4, 5]
    assert page["Parts"][0]["Size"] == 10
    assert page["Parts"][0]["ETag"] == f'"{hashlib.md5(bytes([2]) * 10).hexdigest()}"'
    all_parts = [
        p["PartNumber"]
        for pg in s3.get_paginator("list_parts").paginate(
            Bucket=bucket, Key="k", UploadId=upload_id, PaginationConfig={"PageSize": 2}
        )
        for p in pg["Parts"]
    ]
    assert all_parts == [1, 2, 3, 4, 5]


def test_upload_part_copy_with_ranges(s3: Any, bucket: str) -> None:
    src = os.urandom(6 * MIB)
    s3.put_object(Bucket=bucket, Key="src", Body=src)
    up = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    p1 = s3.upload_part_copy(
        Bucket=bucket,
        Key="dst",
        UploadId=up,
        PartNumber=1,
        CopySource={"Bucket": bucket, "Key": "src"},
        CopySourceRange=f"bytes=0-{5 * MIB}",
    )
    p2 = s3.upload_part_copy(
        Bucket=bucket,
        Key="dst",
        UploadId=up,
        PartNumber=2,
        CopySource=f"{bucket}/src",
        CopySourceRange="bytes=10-19",
    )
    assert p2["CopyPartResult"]["ETag"] == f'"{hashlib.md5(src[10:20]).hexdigest()}"'
    err = client_error(
        s3.upload_part_copy,
        Bucket=bucket,
        Key="dst",
        UploadId=up,
        PartNumber=3,
        CopySource=f"{bucket}/src",
        CopySourceRange=f"bytes=0-{6 * MIB}",
    )
    assert err["Code"] == "InvalidArgument"
    err = client_error(
        s3.upload_part_copy,
        Bucket=bucket,
        Key="dst",
        UploadId=up,
        PartNumber=3,
        CopySource=f"{bucket}/src",
        CopySourceIfMatch='"nope"',
    )
    assert err["Code"] == "PreconditionFailed"
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="dst",
        UploadId=up,
        MultipartUpload={
            "Parts": [
                {"PartNumber": 1, "ETag": p1["CopyPartResult"]["ETag"]},
                {"PartNumber": 2, "ETag": p2["CopyPartResult"]["ETag"]},
            ]
        },
    )
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == src[: 5 * MIB + 1] + src[10:20]


def _upload_parts(
    s3: Any, bucket: str, key: str, upload_id: str, parts: list[bytes], algorithm: str
) -> list[dict[str, Any]]:
    """Each of ``parts`` uploaded with an ``algorithm`` checksum: the parts CompleteMultipartUpload takes."""
    member = f"Checksum{algorithm}"
    done = []
    for i, data in enumerate(parts, 1):
        r = s3.upload_part(
            Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=i, Body=data, ChecksumAlgorithm=algorithm
        )
        done.append({"PartNumber": i, "ETag": r["ETag"], member: r[member]})
    return done


def test_composite_and_full_object_checksums(s3: Any, bucket: str) -> None:
    parts = [b"x" * (5 * MIB), b"y" * 10]
    up = s3.create_multipart_upload(Bucket=bucket, Key="c", ChecksumAlgorithm="SHA256")
    assert up["ChecksumAlgorithm"] == "SHA256" and up["ChecksumType"] == "COMPOSITE"
    done = _upload_parts(s3, bucket, "c", up["UploadId"], parts, "SHA256")
    for data, part in zip(parts, done, strict=True):
        assert part["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    res = s3.complete_multipart_upload(
        Bucket=bucket, Key="c", UploadId=up["UploadId"], MultipartUpload={"Parts": done}
    )
    inner = b"".join(hashlib.sha256(p).digest() for p in parts)
    expected = base64.b64encode(hashlib.sha256(inner).digest()).decode() + "-2"
    assert res["ChecksumSHA256"] == expected
    head = s3.head_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == expected and head["ChecksumType"] == "COMPOSITE"

    up = s3.create_multipart_upload(
        Bucket=bucket, Key="f", ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT"
    )
    done = _upload_parts(s3, bucket, "f", up["UploadId"], parts, "CRC32")
    res = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="f",
        UploadId=up["UploadId"],
        MultipartUpload={"Parts": done},
        ChecksumType="FULL_OBJECT",
    )
    full = base64.b64encode(zlib.crc32(b"".join(parts)).to_bytes(4, "big")).decode()
    assert res["ChecksumCRC32"] == full and res["ChecksumType"] == "FULL_OBJECT"
    err = client_error(
        s3.create_multipart_upload,
        Bucket=bucket,
        Key="g",
        ChecksumAlgorithm="SHA1",
        ChecksumType="FULL_OBJECT",
    )
    assert err["Code"] == "InvalidRequest"


def test_upload_file_and_download_file(s3: Any, bucket: str, tmp_path: Path) -> None:
    data = os.urandom(12 * MIB + 17)
    src = tmp_path / "src.bin"
    src.write_bytes(data)
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB, max_concurrency=2)
    s3.upload_file(str(src), bucket, "transfer.bin", Config=config)
    head = s3.head_object(Bucket=bucket, Key="transfer.bin")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-3"')
    dst = tmp_path / "dst.bin"
    s3.download_file(bucket, "transfer.bin", str(dst), Config=config)
    assert dst.read_bytes() == data
