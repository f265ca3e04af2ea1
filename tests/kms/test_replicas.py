"""Multi-Region keys: replicas share the key id and material, so a ciphertext made in one Region
decrypts in another; the primary Region can move."""

from __future__ import annotations

from typing import Any

from tests.kms.conftest import error_of


def test_replicate_and_decrypt_in_another_region(kms: Any, aws_client: Any, new_key: Any) -> None:
    key = new_key(MultiRegion=True, Description="global")
    assert key["KeyId"].startswith("mrk-") and key["MultiRegion"] is True
    assert key["MultiRegionConfiguration"]["MultiRegionKeyType"] == "PRIMARY"
    out = kms.replicate_key(
        KeyId=key["KeyId"], ReplicaRegion="eu-west-1", Tags=[{"TagKey": "t", "TagValue": "1"}]
    )
    replica = out["ReplicaKeyMetadata"]
    assert replica["Arn"] == key["Arn"].replace("us-east-1", "eu-west-1") and replica["KeyId"] == key["KeyId"]
    assert replica["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    assert replica["MultiRegionConfiguration"]["PrimaryKey"] == {"Arn": key["Arn"], "Region": "us-east-1"}
    assert out["ReplicaTags"] == [{"TagKey": "t", "TagValue": "1"}]
    config = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"]
    assert config["ReplicaKeys"] == [{"Arn": replica["Arn"], "Region": "eu-west-1"}]
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"everywhere", EncryptionContext={"a": "b"})[
        "CiphertextBlob"
    ]
    europe = aws_client("kms", region="eu-west-1")
    opened = europe.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})
    assert (opened["Plaintext"], opened["KeyId"]) == (b"everywhere", replica["Arn"])
    assert (
        error_of(lambda: kms.replicate_key(KeyId=key["KeyId"], ReplicaRegion="eu-west-1"))[0]
        == "AlreadyExistsException"
    )
    single = new_key()
    assert error_of(lambda: kms.replicate_key(KeyId=single["KeyId"], ReplicaRegion="eu-west-1")) == (
        "UnsupportedOperationException",
        f"{single['Arn']} is not a multi-Region key.",
    )
    kms.update_primary_region(KeyId=key["KeyId"], PrimaryRegion="eu-west-1")
    assert (
        kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["MultiRegionConfiguration"]["MultiRegionKeyType"]
        == "REPLICA"
    )
    europe.rotate_key_on_demand(KeyId=key["KeyId"])
    again = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"after")["CiphertextBlob"]
    assert europe.decrypt(CiphertextBlob=again)["Plaintext"] == b"after"
    assert europe.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})["Plaintext"] == b"everywhere"
