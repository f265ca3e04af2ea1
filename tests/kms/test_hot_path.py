"""What the fast Encrypt/Decrypt path must keep: the last use recorded on every operation, exactly
(GetKeyLastUsage names the last request, whichever it was), and a master key that follows the
state it belongs to when a snapshot is restored or the state is reset."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

import awsmock
from awsmock import mock_aws


def _last_use(kms: Any, key_id: str) -> dict[str, Any]:
    usage: dict[str, Any] = kms.get_key_last_usage(KeyId=key_id)["KeyLastUsage"]
    return usage


def test_every_operation_is_the_last_use_with_its_request_id(kms: Any, new_key: Any) -> None:
    key = new_key()["KeyId"]
    other = new_key()["KeyId"]
    assert _last_use(kms, key) == {}
    sent = kms.encrypt(KeyId=key, Plaintext=b"secret")
    first = _last_use(kms, key)
    assert first["Operation"] == "Encrypt"
    assert first["KmsRequestId"] == sent["ResponseMetadata"]["RequestId"]
    opened = kms.decrypt(CiphertextBlob=sent["CiphertextBlob"])
    again = kms.decrypt(CiphertextBlob=sent["CiphertextBlob"])
    last = _last_use(kms, key)
    assert (last["Operation"], last["KmsRequestId"]) == ("Decrypt", again["ResponseMetadata"]["RequestId"])
    assert again["ResponseMetadata"]["RequestId"] != opened["ResponseMetadata"]["RequestId"]
    assert last["CloudTrailEventId"] != first["CloudTrailEventId"]
    assert last["Timestamp"] >= first["Timestamp"]
    assert _last_use(kms, other) == {}  # each key its own
    moved = kms.re_encrypt(CiphertextBlob=sent["CiphertextBlob"], DestinationKeyId=other)
    for key_id in (key, other):  # both keys of a ReEncrypt record it
        use = _last_use(kms, key_id)
        assert (use["Operation"], use["KmsRequestId"]) == (
            "ReEncrypt",
            moved["ResponseMetadata"]["RequestId"],
        )


def test_a_failed_operation_is_not_a_use(kms: Any, new_key: Any) -> None:
    key = new_key()["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext={"a": "1"})["CiphertextBlob"]
    with pytest.raises(ClientError):
        kms.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "2"})
    assert _last_use(kms, key)["Operation"] == "Encrypt"


def test_a_change_of_the_key_is_seen_by_the_next_decrypt(kms: Any, new_key: Any) -> None:
    key = new_key()["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"x")["CiphertextBlob"]
    kms.disable_key(KeyId=key)  # a change of the key's row, read again by the next request
    with pytest.raises(ClientError) as disabled:
        kms.decrypt(CiphertextBlob=blob)
    assert disabled.value.response["Error"]["Code"] == "DisabledException"
    kms.enable_key(KeyId=key)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"


@mock_aws
def test_the_master_key_follows_restores_and_resets() -> None:
    kms = boto3.client("kms", region_name="us-east-1")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    before = kms.encrypt(KeyId=key, Plaintext=b"kept")["CiphertextBlob"]
    awsmock.snapshot("kms-hot-path")
    awsmock.reset()
    # a new state: a new master key, made with the first key
    fresh = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=fresh, Plaintext=b"new")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"new"
    with pytest.raises(ClientError) as gone:
        kms.decrypt(CiphertextBlob=before)
    assert gone.value.response["Error"]["Code"] == "AccessDeniedException"
    awsmock.restore("kms-hot-path")  # the snapshot's master key again
    assert kms.decrypt(CiphertextBlob=before)["Plaintext"] == b"kept"
    assert (
        kms.decrypt(CiphertextBlob=kms.encrypt(KeyId=key, Plaintext=b"after")["CiphertextBlob"])["Plaintext"]
        == b"after"
    )
    with pytest.raises(ClientError):  # the key made after the snapshot is not in it
        kms.decrypt(CiphertextBlob=blob)


def test_a_snapshot_started_in_another_activation_decrypts_its_blobs() -> None:
    with mock_aws():
        kms = boto3.client("kms", region_name="us-east-1")
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        blob = kms.encrypt(KeyId=key, Plaintext=b"x")["CiphertextBlob"]
        awsmock.snapshot("kms-other-state")
    with mock_aws():  # another state, another master key
        kms = boto3.client("kms", region_name="us-east-1")
        other = kms.create_key()["KeyMetadata"]["KeyId"]
        assert (
            kms.decrypt(CiphertextBlob=kms.encrypt(KeyId=other, Plaintext=b"y")["CiphertextBlob"])[
                "Plaintext"
            ]
            == b"y"
        )
    with mock_aws(snapshot="kms-other-state"):
        kms = boto3.client("kms", region_name="us-east-1")
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"
