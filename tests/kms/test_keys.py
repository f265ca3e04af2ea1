"""Keys' lifecycle through boto3: create, describe, list, enable and disable, deletion windows on
a frozen clock, descriptions, tags, key policies, aliases; errors in AWS's words."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine

from tests.kms.conftest import error_of

ACCOUNT = "123456789012"


def test_create_key_defaults_and_describe_by_every_name(kms: Any, new_key: Any) -> None:
    meta = new_key(Description="orders", Tags=[{"TagKey": "team", "TagValue": "a"}])
    assert meta["Arn"] == f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{meta['KeyId']}"
    assert {k: meta[k] for k in ("KeyUsage", "KeySpec", "KeyState", "Origin", "KeyManager", "Enabled")} == {
        "KeyUsage": "ENCRYPT_DECRYPT",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "KeyState": "Enabled",
        "Origin": "AWS_KMS",
        "KeyManager": "CUSTOMER",
        "Enabled": True,
    }
    assert meta["EncryptionAlgorithms"] == ["SYMMETRIC_DEFAULT"]
    assert meta["MultiRegion"] is False and meta["Description"] == "orders"
    kms.create_alias(AliasName="alias/orders", TargetKeyId=meta["KeyId"])
    for name in (meta["KeyId"], meta["Arn"], "alias/orders", f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/orders"):
        assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == meta["KeyId"]
    assert kms.list_resource_tags(KeyId=meta["KeyId"])["Tags"] == [{"TagKey": "team", "TagValue": "a"}]


def test_key_names_that_name_nothing(kms: Any, new_key: Any) -> None:
    missing = "0b2ad402-0000-46ac-0000-000000000000"
    arn = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{missing}"
    assert error_of(lambda: kms.describe_key(KeyId=missing)) == (
        "NotFoundException",
        f"Key '{arn}' does not exist",
    )
    assert error_of(lambda: kms.describe_key(KeyId="not-a-key")) == (
        "NotFoundException",
        "Invalid keyId not-a-key",
    )
    assert error_of(lambda: kms.describe_key(KeyId="alias/none")) == (
        "NotFoundException",
        f"Alias arn:aws:kms:us-east-1:{ACCOUNT}:alias/none is not found.",
    )
    key = new_key()
    elsewhere = key["Arn"].replace("us-east-1", "us-west-2")
    assert error_of(lambda: kms.describe_key(KeyId=elsewhere)) == (
        "NotFoundException",
        "Invalid arn us-west-2",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            {"KeySpec": "ECC_NIST_P256"},
            "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec ECC_NIST_P256",
        ),
        (
            {"KeySpec": "HMAC_256", "KeyUsage": "ENCRYPT_DECRYPT"},
            "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec HMAC_256",
        ),
        (
            {"KeySpec": "RSA_2048", "CustomerMasterKeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"},
            "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.",
        ),
    ],
)
def test_create_key_refuses_incompatible_specs(kms: Any, args: dict[str, Any], message: str) -> None:
    assert error_of(lambda: kms.create_key(**args)) == ("ValidationException", message)
    assert kms.list_keys()["Keys"] == []


def test_list_keys_pages_with_markers(kms: Any, new_key: Any) -> None:
    made = sorted(new_key()["KeyId"] for _ in range(3))
    first = kms.list_keys(Limit=2)
    assert first["Truncated"] is True and len(first["Keys"]) == 2
    rest = kms.list_keys(Limit=2, Marker=first["NextMarker"])
    assert rest["Truncated"] is False and "NextMarker" not in rest
    assert sorted(k["KeyId"] for k in first["Keys"] + rest["Keys"]) == made
    assert error_of(lambda: kms.list_keys(Marker="bogus"))[0] == "InvalidMarkerException"


def test_disable_and_enable(kms: Any, new_key: Any) -> None:
    key = new_key()
    kms.disable_key(KeyId=key["KeyId"])
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (meta["KeyState"], meta["Enabled"]) == ("Disabled", False)
    assert error_of(lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")) == (
        "DisabledException",
        f"{key['Arn']} is disabled.",
    )
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["KeyId"] == key["Arn"]


def test_scheduled_deletion_happens_at_its_date(kms: Any, new_key: Any) -> None:
    start = dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        key = new_key()
        kms.create_alias(AliasName="alias/doomed", TargetKeyId=key["KeyId"])
        out = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
        assert out["KeyId"] == key["Arn"] and out["KeyState"] == "PendingDeletion"
        assert out["DeletionDate"] == start + dt.timedelta(days=7) and out["PendingWindowInDays"] == 7
        meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        assert (meta["KeyState"], meta["Enabled"], meta["PendingDeletionWindowInDays"]) == (
            "PendingDeletion",
            False,
            7,
        )
        pending = f"{key['Arn']} is pending deletion."
        assert error_of(lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")) == (
            "KMSInvalidStateException",
            pending,
        )
        assert error_of(lambda: kms.enable_key(KeyId=key["KeyId"])) == ("KMSInvalidStateException", pending)
        assert error_of(lambda: kms.schedule_key_deletion(KeyId=key["KeyId"])) == (
            "KMSInvalidStateException",
            pending,
        )
        clock.move_to(start + dt.timedelta(days=7) - dt.timedelta(seconds=1))
        assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingDeletion"
        clock.move_to(start + dt.timedelta(days=7))
        missing = ("NotFoundException", f"Key '{key['Arn']}' does not exist")
        assert error_of(lambda: kms.describe_key(KeyId=key["KeyId"])) == missing
        assert kms.list_keys()["Keys"] == [] and kms.list_aliases()["Aliases"] == []
        # the alias went with its key: its name is free again
        other = new_key()
        kms.create_alias(AliasName="alias/doomed", TargetKeyId=other["KeyId"])
        assert [a["TargetKeyId"] for a in kms.list_aliases()["Aliases"]] == [other["KeyId"]]


def test_cancel_deletion_leaves_the_key_disabled(kms: Any, new_key: Any) -> None:
    key = new_key()
    assert error_of(lambda: kms.cancel_key_deletion(KeyId=key["KeyId"])) == (
        "KMSInvalidStateException",
        f"{key['Arn']} is not pending deletion.",
    )
    assert kms.schedule_key_deletion(KeyId=key["KeyId"])["PendingWindowInDays"] == 30
    assert kms.cancel_key_deletion(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (meta["KeyState"], meta["Enabled"]) == ("Disabled", False)
    assert "DeletionDate" not in meta


@pytest.mark.parametrize(
    ("days", "bound"), [(6, "greater than or equal to 7"), (31, "less than or equal to 30")]
)
def test_the_pending_window_is_7_to_30_days(kms: Any, new_key: Any, days: int, bound: str) -> None:
    key = new_key()
    assert error_of(lambda: kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=days)) == (
        "ValidationException",
        f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to satisfy constraint: "
        f"Member must have value {bound}",
    )
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"


def test_update_description(kms: Any, new_key: Any) -> None:
    key = new_key(Description="old")
    kms.update_key_description(KeyId=key["KeyId"], Description="new")
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Description"] == "new"


def test_tags(kms: Any, new_key: Any) -> None:
    key = new_key()
    kms.tag_resource(
        KeyId=key["KeyId"], Tags=[{"TagKey": "b", "TagValue": "2"}, {"TagKey": "a", "TagValue": "1"}]
    )
    kms.tag_resource(KeyId=key["Arn"], Tags=[{"TagKey": "a", "TagValue": "one"}])
    assert kms.list_resource_tags(KeyId=key["KeyId"])["Tags"] == [
        {"TagKey": "a", "TagValue": "one"},
        {"TagKey": "b", "TagValue": "2"},
    ]
    page = kms.list_resource_tags(KeyId=key["KeyId"], Limit=1)
    assert page["Truncated"] is True
    assert kms.list_resource_tags(KeyId=key["KeyId"], Marker=page["NextMarker"])["Tags"] == [
        {"TagKey": "b", "TagValue": "2"}
    ]
    kms.untag_resource(KeyId=key["KeyId"], TagKeys=["a", "zz"])
    assert kms.list_resource_tags(KeyId=key["KeyId"])["Tags"] == [{"TagKey": "b", "TagValue": "2"}]
    code, _message = error_of(
        lambda: kms.tag_resource(KeyId=key["KeyId"], Tags=[{"TagKey": "aws:x", "TagValue": "1"}])
    )
    assert code == "TagException"
    many = [{"TagKey": f"k{i}", "TagValue": "v"} for i in range(50)]
    assert error_of(lambda: kms.tag_resource(KeyId=key["KeyId"], Tags=many))[0] == "TagException"
    assert len(kms.list_resource_tags(KeyId=key["KeyId"])["Tags"]) == 1


def test_default_key_policy_and_put_key_policy(kms: Any, new_key: Any) -> None:
    key = new_key()
    text = kms.get_key_policy(KeyId=key["KeyId"])["Policy"]
    assert json.loads(text) == {
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    assert kms.list_key_policies(KeyId=key["KeyId"])["PolicyNames"] == ["default"]
    mine = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "kms:*", "Resource": "*"}
            ],
        }
    )
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=mine)
    assert kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"] == mine
    lockout = json.dumps(
        {
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "kms:Encrypt", "Resource": "*"}
            ]
        }
    )
    assert error_of(lambda: kms.put_key_policy(KeyId=key["KeyId"], Policy=lockout)) == (
        "MalformedPolicyDocumentException",
        "The new key policy will not allow you to update the key policy in the future.",
    )
    kms.put_key_policy(KeyId=key["KeyId"], Policy=lockout, BypassPolicyLockoutSafetyCheck=True)
    assert (
        error_of(lambda: kms.put_key_policy(KeyId=key["KeyId"], Policy="{not json"))[0]
        == "MalformedPolicyDocumentException"
    )
    assert error_of(lambda: kms.create_key(Policy=lockout))[0] == "MalformedPolicyDocumentException"


def test_aliases(kms: Any, new_key: Any) -> None:
    one, two = new_key(), new_key()
    kms.create_alias(AliasName="alias/app", TargetKeyId=one["Arn"])
    assert error_of(lambda: kms.create_alias(AliasName="alias/app", TargetKeyId=two["KeyId"])) == (
        "AlreadyExistsException",
        f"An alias with the name arn:aws:kms:us-east-1:{ACCOUNT}:alias/app already exists",
    )
    assert error_of(lambda: kms.create_alias(AliasName="app", TargetKeyId=one["KeyId"])) == (
        "ValidationException",
        'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    )
    assert error_of(lambda: kms.create_alias(AliasName="alias/aws/mine", TargetKeyId=one["KeyId"]))[0] == (
        "InvalidAliasNameException"
    )
    kms.update_alias(AliasName="alias/app", TargetKeyId=two["KeyId"])
    assert kms.describe_key(KeyId="alias/app")["KeyMetadata"]["KeyId"] == two["KeyId"]
    assert kms.list_aliases(KeyId=one["KeyId"])["Aliases"] == []
    [entry] = kms.list_aliases(KeyId=two["KeyId"])["Aliases"]
    assert (entry["AliasName"], entry["AliasArn"], entry["TargetKeyId"]) == (
        "alias/app",
        f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/app",
        two["KeyId"],
    )
    signer = new_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    assert (
        error_of(lambda: kms.update_alias(AliasName="alias/app", TargetKeyId=signer["KeyId"]))[0]
        == "ValidationException"
    )
    kms.delete_alias(AliasName="alias/app")
    assert error_of(lambda: kms.delete_alias(AliasName="alias/app")) == (
        "NotFoundException",
        f"Alias arn:aws:kms:us-east-1:{ACCOUNT}:alias/app is not found.",
    )


def test_dry_run_changes_nothing(kms: Any, new_key: Any) -> None:
    key = new_key()
    assert error_of(lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", DryRun=True)) == (
        "DryRunOperationException",
        "The request would have succeeded, but the DryRun option is set.",
    )
    assert kms.get_key_last_usage(KeyId=key["KeyId"])["KeyLastUsage"] == {}
    kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")
    usage = kms.get_key_last_usage(KeyId=key["KeyId"])["KeyLastUsage"]
    assert usage["Operation"] == "Encrypt"
