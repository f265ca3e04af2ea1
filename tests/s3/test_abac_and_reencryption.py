"""Bucket ABAC (the status, its hold on bucket tagging, the bucket's tags as aws:ResourceTag
condition keys) and UpdateObjectEncryption (an object re-encrypted in place under SSE-KMS)."""

from __future__ import annotations

import json
from typing import Any

from awsmock.auth import set_initial_no_auth_action_count
from awsmock.state.store import Store
from tests.helpers import inprocess_client_factory
from tests.s3.helpers import client_error

ACCOUNT = "123456789012"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_abac_status_and_bucket_tagging(s3: Any, bucket: str) -> None:
    assert s3.get_bucket_abac(Bucket=bucket)["AbacStatus"] == {"Status": "Disabled"}
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": "blue"}]})
    s3.put_bucket_abac(Bucket=bucket, AbacStatus={"Status": "Enabled"})
    assert s3.get_bucket_abac(Bucket=bucket)["AbacStatus"] == {"Status": "Enabled"}
    for call in (
        lambda: s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": "red"}]}),
        lambda: s3.delete_bucket_tagging(Bucket=bucket),
    ):
        assert client_error(call)["Code"] == "AccessDenied"
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "team", "Value": "blue"}]
    s3.put_bucket_abac(Bucket=bucket, AbacStatus={"Status": "Disabled"})
    s3.delete_bucket_tagging(Bucket=bucket)


def test_abac_makes_bucket_tags_condition_keys(app: Any, store: Store) -> None:
    make = inprocess_client_factory(app)
    set_initial_no_auth_action_count(store, 10)
    s3, iam = make("s3"), make("iam")
    for name, team in (("abac-blue", "blue"), ("abac-red", "red")):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "team", "Value": team}]})
        s3.put_object(Bucket=name, Key="k", Body=team.encode())
    s3.put_bucket_abac(Bucket="abac-blue", AbacStatus={"Status": "Enabled"})
    iam.create_user(UserName="blue-reader")
    # (the tenth free action is the policy below; from then on every request is authorized)
    key = iam.create_access_key(UserName="blue-reader")["AccessKey"]
    iam.put_user_policy(
        UserName="blue-reader",
        PolicyName="by-tag",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": "*",
                        "Condition": {"StringEquals": {"aws:ResourceTag/team": ["blue", "red"]}},
                    }
                ],
            }
        ),
    )
    user = make("s3", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    assert user.get_object(Bucket="abac-blue", Key="k")["Body"].read() == b"blue"
    # ABAC is off on the red bucket: its tags are no condition keys, so the condition fails
    assert client_error(user.get_object, Bucket="abac-red", Key="k")["Code"] == "AccessDenied"


def test_update_object_encryption(s3: Any, versioned: str) -> None:
    put = s3.put_object(Bucket=versioned, Key="doc", Body=b"secret", Metadata={"a": "b"})
    before = s3.head_object(Bucket=versioned, Key="doc")
    assert before["ServerSideEncryption"] == "AES256"
    s3.update_object_encryption(
        Bucket=versioned,
        Key="doc",
        ObjectEncryption={"SSEKMS": {"KMSKeyArn": KEY_ARN, "BucketKeyEnabled": True}},
    )
    after = s3.head_object(Bucket=versioned, Key="doc")
    assert (after["ServerSideEncryption"], after["SSEKMSKeyId"], after["BucketKeyEnabled"]) == (
        "aws:kms",
        KEY_ARN,
        True,
    )
    same = ("ETag", "LastModified", "VersionId", "Metadata", "ContentLength")
    assert {k: after[k] for k in same} == {k: before[k] for k in same}
    assert after["VersionId"] == put["VersionId"]
    assert s3.get_object(Bucket=versioned, Key="doc")["Body"].read() == b"secret"
    bad = client_error(
        s3.update_object_encryption,
        Bucket=versioned,
        Key="doc",
        ObjectEncryption={"SSEKMS": {"KMSKeyArn": "not-a-kms-key-arn-at-all"}},
    )
    assert bad["Code"] == "InvalidArgument"
    missing = client_error(
        s3.update_object_encryption,
        Bucket=versioned,
        Key="nope",
        ObjectEncryption={"SSEKMS": {"KMSKeyArn": KEY_ARN}},
    )
    assert missing["Code"] == "NoSuchKey"
