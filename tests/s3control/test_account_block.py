"""The account's public access block: Get/Put/DeletePublicAccessBlock, and S3 enforcing it on
the account's buckets (combined with each bucket's own block, the most restrictive winning)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
import requests

from awsmock import mock_aws, set_initial_no_auth_action_count

from .conftest import ACCOUNT, error_of

ALL_OFF = dict.fromkeys(
    ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), False
)


def public_policy(bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/*",
                }
            ],
        }
    )


def test_put_get_delete(control: Any) -> None:
    code, message, status, _ = error_of(lambda: control.get_public_access_block(AccountId=ACCOUNT))
    assert (code, message, status) == (
        "NoSuchPublicAccessBlockConfiguration",
        "The public access block configuration was not found",
        404,
    )
    control.put_public_access_block(
        AccountId=ACCOUNT,
        PublicAccessBlockConfiguration={"BlockPublicAcls": True, "RestrictPublicBuckets": True},
    )
    got = control.get_public_access_block(AccountId=ACCOUNT)["PublicAccessBlockConfiguration"]
    assert got == {**ALL_OFF, "BlockPublicAcls": True, "RestrictPublicBuckets": True}
    control.put_public_access_block(
        AccountId=ACCOUNT, PublicAccessBlockConfiguration={"IgnorePublicAcls": True}
    )
    got = control.get_public_access_block(AccountId=ACCOUNT)["PublicAccessBlockConfiguration"]
    assert got == {**ALL_OFF, "IgnorePublicAcls": True}  # a put replaces the whole block
    control.delete_public_access_block(AccountId=ACCOUNT)
    control.delete_public_access_block(AccountId=ACCOUNT)  # (nothing to delete: still fine)
    assert error_of(lambda: control.get_public_access_block(AccountId=ACCOUNT))[0] == (
        "NoSuchPublicAccessBlockConfiguration"
    )


def test_another_account_is_refused(control: Any) -> None:
    code, _, status, _ = error_of(
        lambda: control.put_public_access_block(
            AccountId="210987654321", PublicAccessBlockConfiguration={"BlockPublicAcls": True}
        )
    )
    assert (code, status) == ("AccessDenied", 403)
    assert error_of(lambda: control.get_public_access_block(AccountId=ACCOUNT))[2] == 404  # nothing set


def test_block_public_policy_and_acls_enforced_on_buckets(control: Any, s3: Any) -> None:
    s3.create_bucket(Bucket="guarded")
    control.put_public_access_block(
        AccountId=ACCOUNT, PublicAccessBlockConfiguration={"BlockPublicPolicy": True, "BlockPublicAcls": True}
    )
    refused = [
        lambda: s3.put_bucket_policy(Bucket="guarded", Policy=public_policy("guarded")),
        lambda: s3.put_bucket_acl(Bucket="guarded", ACL="public-read"),
        lambda: s3.put_object(Bucket="guarded", Key="k", Body=b"x", ACL="public-read"),
        lambda: s3.put_object(
            Bucket="guarded",
            Key="k",
            Body=b"x",
            GrantRead='uri="http://acs.amazonaws.com/groups/global/AllUsers"',
        ),
        lambda: s3.create_multipart_upload(Bucket="guarded", Key="m", ACL="authenticated-read"),
        lambda: s3.create_bucket(Bucket="guarded-too", ACL="public-read-write"),
    ]
    for call in refused:
        code, message, status, _ = error_of(call)
        assert (code, message, status) == ("AccessDenied", "Access Denied", 403)
    # nothing of it happened
    assert error_of(lambda: s3.get_bucket_policy(Bucket="guarded"))[0] == "NoSuchBucketPolicy"
    assert error_of(lambda: s3.head_object(Bucket="guarded", Key="k"))[2] == 404
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["guarded"]
    grants = s3.get_bucket_acl(Bucket="guarded")["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    # private ACLs and non-public policies pass
    s3.put_object(Bucket="guarded", Key="k", Body=b"x", ACL="private")
    account_only = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::guarded/*",
                }
            ]
        }
    )
    s3.put_bucket_policy(Bucket="guarded", Policy=account_only)
    # once the account's block is gone, the bucket's own (none) applies
    control.delete_public_access_block(AccountId=ACCOUNT)
    s3.put_bucket_policy(Bucket="guarded", Policy=public_policy("guarded"))
    s3.put_bucket_acl(Bucket="guarded", ACL="public-read")


def test_most_restrictive_of_bucket_and_account_wins(control: Any, s3: Any) -> None:
    s3.create_bucket(Bucket="own-block")
    s3.put_public_access_block(
        Bucket="own-block", PublicAccessBlockConfiguration={**ALL_OFF, "BlockPublicPolicy": True}
    )
    control.put_public_access_block(
        AccountId=ACCOUNT, PublicAccessBlockConfiguration={"BlockPublicAcls": True}
    )
    assert error_of(lambda: s3.put_bucket_policy(Bucket="own-block", Policy=public_policy("own-block")))[
        0
    ] == ("AccessDenied")  # the bucket's setting
    assert error_of(lambda: s3.put_bucket_acl(Bucket="own-block", ACL="public-read"))[0] == "AccessDenied"
    s3.delete_public_access_block(Bucket="own-block")
    s3.put_bucket_policy(Bucket="own-block", Policy=public_policy("own-block"))
    assert error_of(lambda: s3.put_bucket_acl(Bucket="own-block", ACL="public-read"))[0] == "AccessDenied"


@pytest.mark.parametrize("restrict", [False, True])
def test_restrict_public_buckets_shuts_out_anonymous_callers(restrict: bool) -> None:
    @mock_aws
    @set_initial_no_auth_action_count(4)
    def scenario() -> None:
        s3 = boto3.client("s3", region_name="us-east-1")
        control = boto3.client("s3control", region_name="us-east-1")
        s3.create_bucket(Bucket="public-b")
        s3.put_object(Bucket="public-b", Key="k", Body=b"hi")
        s3.put_bucket_policy(Bucket="public-b", Policy=public_policy("public-b"))
        control.put_public_access_block(
            AccountId=ACCOUNT, PublicAccessBlockConfiguration={"RestrictPublicBuckets": restrict}
        )
        # requests are authenticated from here on: an unsigned one counts on the bucket policy
        answer = requests.get("https://public-b.s3.amazonaws.com/k", timeout=10)
        if restrict:
            assert answer.status_code == 403 and b"<Code>AccessDenied</Code>" in answer.content
        else:
            assert (answer.status_code, answer.content) == (200, b"hi")

    scenario()
