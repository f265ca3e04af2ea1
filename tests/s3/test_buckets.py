"""Buckets: create rules, head, delete, list, location, cross-account names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.s3.conftest import unique
from tests.s3.helpers import client_error


def test_create_head_delete(s3: Any) -> None:
    name = unique()
    assert s3.create_bucket(Bucket=name)["Location"] == f"/{name}"
    head = s3.head_bucket(Bucket=name)
    assert head["BucketRegion"] == "us-east-1"
    assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] is None
    s3.delete_bucket(Bucket=name)
    err = client_error(s3.head_bucket, Bucket=name)
    assert err["Status"] == 404
    err = client_error(s3.delete_bucket, Bucket=name)
    assert err["Code"] == "NoSuchBucket"
    assert err["Message"] == "The specified bucket does not exist"
    assert err["BucketName"] == name


@pytest.mark.parametrize(
    "name",
    [
        "ab",
        "UPPER-case",
        "a..b",
        "-lead",
        "trail-",
        "192.168.1.1",
        "xn--abc",
        "x" * 64,
        "bad_underscore",
        "foo-s3alias",
    ],
)
def test_invalid_names(s3: Any, name: str) -> None:
    err = client_error(s3.create_bucket, Bucket=name)
    assert err["Code"] == "InvalidBucketName"
    assert err["Message"] == "The specified bucket is not valid."


def test_location_constraints(make_client: Any) -> None:
    east = make_client("s3", region="us-east-1")
    west = make_client("s3", region="eu-west-1")
    name = unique()
    err = client_error(
        east.create_bucket, Bucket=name, CreateBucketConfiguration={"LocationConstraint": "us-east-1"}
    )
    assert err["Code"] == "InvalidLocationConstraint"
    err = client_error(west.create_bucket, Bucket=name)
    assert err["Code"] == "IllegalLocationConstraintException"
    assert err["Message"] == (
        "The unspecified location constraint is incompatible for the region specific "
        "endpoint this request was sent to."
    )
    err = client_error(
        west.create_bucket, Bucket=name, CreateBucketConfiguration={"LocationConstraint": "ap-south-1"}
    )
    assert err["Code"] == "IllegalLocationConstraintException"
    assert err["Message"].startswith("The ap-south-1 location constraint is incompatible")
    err = client_error(
        west.create_bucket, Bucket=name, CreateBucketConfiguration={"LocationConstraint": "nope"}
    )
    assert err["Code"] == "InvalidLocationConstraint"
    west.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert west.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"
    assert west.head_bucket(Bucket=name)["BucketRegion"] == "eu-west-1"
    err = client_error(
        west.create_bucket, Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    assert err["Code"] == "BucketAlreadyOwnedByYou"
    assert err["Status"] == 409


def test_recreate_in_us_east_1_succeeds(s3: Any, bucket: str) -> None:
    assert s3.create_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_name_owned_by_another_account(make_client: Any) -> None:
    mine = make_client("s3")
    other = make_client("s3", aws_access_key_id="111122223333")
    name = unique()
    mine.create_bucket(Bucket=name)
    err = client_error(other.create_bucket, Bucket=name)
    assert err["Code"] == "BucketAlreadyExists"
    assert err["Status"] == 409
    assert name not in [b["Name"] for b in other.list_buckets()["Buckets"]]
    err = client_error(other.put_object, Bucket=name, Key="k", Body=b"x")
    assert err["Code"] == "AccessDenied"


def test_delete_not_empty(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    err = client_error(s3.delete_bucket, Bucket=bucket)
    assert err["Code"] == "BucketNotEmpty"
    assert err["Message"] == "The bucket you tried to delete is not empty"
    assert err["Status"] == 409
    s3.delete_object(Bucket=bucket, Key="k")
    s3.delete_bucket(Bucket=bucket)


def test_delete_versioned_not_empty_until_versions_gone(s3: Any, versioned: str) -> None:
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    s3.delete_object(Bucket=versioned, Key="k")
    assert client_error(s3.delete_bucket, Bucket=versioned)["Code"] == "BucketNotEmpty"
    for v in s3.list_object_versions(Bucket=versioned).get("Versions", []) + s3.list_object_versions(
        Bucket=versioned
    ).get("DeleteMarkers", []):
        s3.delete_object(Bucket=versioned, Key=v["Key"], VersionId=v["VersionId"])
    s3.delete_bucket(Bucket=versioned)


def test_list_buckets_prefix_and_pages(s3: Any) -> None:
    names = sorted(unique("lst") for _ in range(5))
    for n in names:
        s3.create_bucket(Bucket=n)
    s3.create_bucket(Bucket=unique("other"))
    listed = s3.list_buckets(Prefix="lst-")
    assert [b["Name"] for b in listed["Buckets"]] == names
    assert listed["Owner"]["ID"]
    assert "ContinuationToken" not in listed
    seen: list[str] = []
    token = None
    while True:
        kw = {"Prefix": "lst-", "MaxBuckets": 2}
        if token:
            kw["ContinuationToken"] = token
        page = s3.list_buckets(**kw)
        seen += [b["Name"] for b in page["Buckets"]]
        token = page.get("ContinuationToken")
        if not token:
            break
    assert seen == names
    assert all(b["BucketRegion"] == "us-east-1" for b in listed["Buckets"])
    paginated = [
        b["Name"]
        for p in s3.get_paginator("list_buckets").paginate(Prefix="lst-", PaginationConfig={"PageSize": 2})
        for b in p["Buckets"]
    ]
    assert paginated == names


def test_list_buckets_by_region_with_creation_dates(make_client: Any) -> None:
    east = make_client("s3", region="us-east-1")
    west = make_client("s3", region="eu-west-1")
    before = datetime.now(UTC).replace(microsecond=0)
    in_west, in_east = unique("rgw"), unique("rge")
    west.create_bucket(Bucket=in_west, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    east.create_bucket(Bucket=in_east)
    listed = east.list_buckets(BucketRegion="eu-west-1")["Buckets"]
    assert in_west in [b["Name"] for b in listed] and in_east not in [b["Name"] for b in listed]
    assert {b["BucketRegion"] for b in listed} == {"eu-west-1"}
    (mine,) = [b for b in east.list_buckets(Prefix=in_east)["Buckets"]]
    assert mine["BucketRegion"] == "us-east-1"
    assert before - timedelta(seconds=1) <= mine["CreationDate"] <= datetime.now(UTC) + timedelta(seconds=1)


def test_create_bucket_with_canned_acl_and_ownership(s3: Any) -> None:
    name = unique()
    s3.create_bucket(Bucket=name, ACL="public-read")
    grants = s3.get_bucket_acl(Bucket=name)["Grants"]
    assert {
        "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
        "Permission": "READ",
    } in grants
    other = unique()
    s3.create_bucket(Bucket=other, ObjectOwnership="BucketOwnerEnforced")
    rules = s3.get_bucket_ownership_controls(Bucket=other)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    err = client_error(s3.put_object, Bucket=other, Key="k", Body=b"x", ACL="public-read")
    assert err["Code"] == "AccessControlListNotSupported"


def test_request_ids_look_like_s3s(s3: Any, bucket: str) -> None:
    """16 upper-case hex digits in ``x-amz-request-id`` (other services' ids are UUIDs), the
    same id in an error's body; ``x-amz-id-2`` beside it."""
    import re

    ok = s3.head_bucket(Bucket=bucket)["ResponseMetadata"]
    assert re.fullmatch(r"[0-9A-F]{16}", ok["RequestId"]) and ok["HTTPHeaders"]["x-amz-id-2"]
    bodies: list[bytes] = []
    s3.meta.events.register(
        "before-parse.s3.GetObject", lambda response_dict, **_: bodies.append(response_dict["body"])
    )
    err = client_error(s3.get_object, Bucket=bucket, Key="missing")
    request_id = err["Headers"]["x-amz-request-id"]
    assert re.fullmatch(r"[0-9A-F]{16}", request_id)
    assert f"<RequestId>{request_id}</RequestId>".encode() in bodies[-1]
