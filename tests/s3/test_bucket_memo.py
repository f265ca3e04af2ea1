"""An in-memory state remembers S3 buckets across requests (``Store.memo``): whatever changes a
bucket or its configuration, the next object request sees the bucket as it is."""

from __future__ import annotations

from typing import Any

import boto3

from awsmock import mock_aws

from .helpers import client_error


def _s3(access_key: str = "testing") -> Any:
    return boto3.client(
        "s3", region_name="us-east-1", aws_access_key_id=access_key, aws_secret_access_key="testing"
    )


@mock_aws
def test_versioning_turned_on_after_writes_versions_the_next_write() -> None:
    s3 = _s3()
    s3.create_bucket(Bucket="memo-bucket")
    assert s3.put_object(Bucket="memo-bucket", Key="k", Body=b"one").get("VersionId") is None
    s3.put_bucket_versioning(Bucket="memo-bucket", VersioningConfiguration={"Status": "Enabled"})
    version = s3.put_object(Bucket="memo-bucket", Key="k", Body=b"two")["VersionId"]
    assert version != "null"
    versions = s3.list_object_versions(Bucket="memo-bucket")["Versions"]
    assert sorted(v["VersionId"] for v in versions) == sorted(["null", version])


@mock_aws
def test_default_encryption_set_after_writes_applies_to_the_next_write() -> None:
    s3 = _s3()
    s3.create_bucket(Bucket="memo-bucket")
    assert s3.put_object(Bucket="memo-bucket", Key="k", Body=b"one")["ServerSideEncryption"] == "AES256"
    s3.put_bucket_encryption(
        Bucket="memo-bucket",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    assert s3.put_object(Bucket="memo-bucket", Key="k", Body=b"two")["ServerSideEncryption"] == "aws:kms"
    s3.delete_bucket_encryption(Bucket="memo-bucket")
    assert s3.head_object(Bucket="memo-bucket", Key="k")["ServerSideEncryption"] == "aws:kms"
    assert s3.put_object(Bucket="memo-bucket", Key="k", Body=b"three")["ServerSideEncryption"] == "AES256"


@mock_aws
def test_a_deleted_bucket_is_gone_for_the_next_write() -> None:
    s3 = _s3()
    s3.create_bucket(Bucket="memo-bucket")
    s3.put_object(Bucket="memo-bucket", Key="k", Body=b"one")  # remembered from here on
    s3.delete_object(Bucket="memo-bucket", Key="k")
    s3.delete_bucket(Bucket="memo-bucket")
    assert client_error(s3.put_object, Bucket="memo-bucket", Key="k", Body=b"two")["Code"] == "NoSuchBucket"


@mock_aws
def test_a_bucket_made_again_by_another_account_is_theirs() -> None:
    mine, theirs = _s3(), _s3("111122223333")
    mine.create_bucket(Bucket="memo-bucket")
    mine.put_object(Bucket="memo-bucket", Key="k", Body=b"one")  # remembered from here on
    mine.delete_object(Bucket="memo-bucket", Key="k")
    mine.delete_bucket(Bucket="memo-bucket")
    theirs.create_bucket(Bucket="memo-bucket")
    assert client_error(mine.put_object, Bucket="memo-bucket", Key="k", Body=b"two")["Code"] == "AccessDenied"
    theirs.put_object(Bucket="memo-bucket", Key="k", Body=b"three")
    assert theirs.get_object(Bucket="memo-bucket", Key="k")["Body"].read() == b"three"
    # remembered for their requests, checked for mine
    assert (
        client_error(mine.put_object, Bucket="memo-bucket", Key="k", Body=b"four")["Code"] == "AccessDenied"
    )
