"""Directory buckets: created with a zone Location and a Directory Bucket configuration, listed
by ListDirectoryBuckets and not ListBuckets, CreateSession credentials (the SDK's own session
handshake), objects in S3 Express One Zone and RenameObject."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from botocore.config import Config

from tests.s3.conftest import unique
from tests.s3.helpers import client_error

ZONE = "use1-az4"


def _config(zone: str = ZONE) -> dict[str, Any]:
    return {
        "Location": {"Type": "AvailabilityZone", "Name": zone},
        "Bucket": {"Type": "Directory", "DataRedundancy": "SingleAvailabilityZone"},
    }


@pytest.fixture
def directory(s3: Any) -> str:
    name = f"{unique('dir')}--{ZONE}--x-s3"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration=_config())
    return name


def test_create_and_list(s3: Any, directory: str, bucket: str) -> None:
    listed = s3.list_directory_buckets()["Buckets"]
    assert [(b["Name"], b["BucketRegion"]) for b in listed] == [(directory, "us-east-1")]
    assert listed[0]["BucketArn"] == f"arn:aws:s3express:us-east-1:123456789012:bucket/{directory}"
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == [bucket]
    again = client_error(s3.create_bucket, Bucket=directory, CreateBucketConfiguration=_config())
    assert again["Code"] == "BucketAlreadyOwnedByYou"


def test_directory_names_need_their_configuration(s3: Any) -> None:
    name = f"{unique('dir')}--{ZONE}--x-s3"
    assert client_error(s3.create_bucket, Bucket=name)["Code"] == "InvalidRequest"
    wrong_zone = client_error(s3.create_bucket, Bucket=name, CreateBucketConfiguration=_config("use1-az5"))
    assert wrong_zone["Code"] == "InvalidBucketName"
    assert s3.list_directory_buckets()["Buckets"] == []


def test_list_directory_buckets_pages(s3: Any) -> None:
    names = sorted(f"{unique('dir')}--{ZONE}--x-s3" for _ in range(3))
    for name in names:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration=_config())
    first = s3.list_directory_buckets(MaxDirectoryBuckets=2)
    assert [b["Name"] for b in first["Buckets"]] == names[:2]
    rest = s3.list_directory_buckets(MaxDirectoryBuckets=2, ContinuationToken=first["ContinuationToken"])
    assert [b["Name"] for b in rest["Buckets"]] == names[2:] and "ContinuationToken" not in rest


def test_session_and_objects(s3: Any, directory: str) -> None:
    session = s3.create_session(Bucket=directory)
    creds = session["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and creds["SessionToken"]
    lifetime = creds["Expiration"] - dt.datetime.now(dt.UTC)
    assert dt.timedelta(minutes=4) < lifetime <= dt.timedelta(minutes=5, seconds=5)
    assert session["ServerSideEncryption"] == "AES256"
    s3.put_object(Bucket=directory, Key="logs/a.txt", Body=b"hello")
    head = s3.head_object(Bucket=directory, Key="logs/a.txt")
    assert head["StorageClass"] == "EXPRESS_ONEZONE"


def test_rename_object(s3: Any, directory: str) -> None:
    s3.put_object(Bucket=directory, Key="a.txt", Body=b"first")
    s3.put_object(Bucket=directory, Key="b.txt", Body=b"second")
    refused = client_error(
        s3.rename_object, Bucket=directory, Key="b.txt", RenameSource="a.txt", DestinationIfNoneMatch="*"
    )
    assert (refused["Code"], refused["Status"]) == ("PreconditionFailed", 412)
    s3.rename_object(Bucket=directory, Key="c.txt", RenameSource=f"{directory}/a.txt")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=directory)["Contents"]]
    assert keys == ["b.txt", "c.txt"]
    assert s3.get_object(Bucket=directory, Key="c.txt")["Body"].read() == b"first"
    s3.rename_object(Bucket=directory, Key="b.txt", RenameSource="c.txt")
    assert s3.get_object(Bucket=directory, Key="b.txt")["Body"].read() == b"first"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=directory)["Contents"]] == ["b.txt"]
    missing = client_error(s3.rename_object, Bucket=directory, Key="d.txt", RenameSource="nope.txt")
    assert missing["Code"] == "NoSuchKey"


def test_general_purpose_buckets_have_no_sessions_or_renames(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    for call in (
        lambda: s3.rename_object(Bucket=bucket, Key="b", RenameSource=f"{bucket}/a"),
        lambda: s3.create_session(Bucket=bucket),
    ):
        err = client_error(call)
        assert (err["Code"], err["Status"]) == ("NotImplemented", 501)
    assert s3.get_object(Bucket=bucket, Key="a")["Body"].read() == b"x"


@pytest.mark.modes("server")
def test_over_http_with_a_custom_endpoint(make_client: Any) -> None:
    """With an ``endpoint_url``, botocore would open a session before CreateBucket (its S3
    Express control endpoint rule is for AWS's hosts): such clients turn session auth off."""
    s3 = make_client(
        "s3", config=Config(s3={"disable_s3_express_session_auth": True}, retries={"max_attempts": 1})
    )
    name = f"{unique('dir')}--{ZONE}--x-s3"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration=_config())
    s3.put_object(Bucket=name, Key="a.txt", Body=b"over http")
    s3.rename_object(Bucket=name, Key="b.txt", RenameSource="a.txt")
    assert s3.get_object(Bucket=name, Key="b.txt")["Body"].read() == b"over http"
    # (a plain GET / at a custom endpoint is ListBuckets; ListDirectoryBuckets' own parameter
    # tells them apart)
    assert [b["Name"] for b in s3.list_directory_buckets(MaxDirectoryBuckets=10)["Buckets"]] == [name]
