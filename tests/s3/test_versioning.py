"""Versioning: enabled and suspended, version ids, delete markers, the null version."""

from __future__ import annotations

from typing import Any

import pytest

from tests.s3.helpers import client_error

#: version rows and their latest flag under PostgreSQL's isolation
pytestmark = pytest.mark.modes("postgres")


def test_versioning_status(s3: Any, bucket: str) -> None:
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"


def test_versions_and_delete_markers(s3: Any, versioned: str) -> None:
    b = versioned
    v1 = s3.put_object(Bucket=b, Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=b, Key="k", Body=b"two")["VersionId"]
    assert v1 != v2 and len(v1) == 32
    assert s3.get_object(Bucket=b, Key="k")["Body"].read() == b"two"
    got = s3.get_object(Bucket=b, Key="k", VersionId=v1)
    assert got["Body"].read() == b"one" and got["VersionId"] == v1
    assert s3.head_object(Bucket=b, Key="k", VersionId=v1)["ContentLength"] == 3
    dm = s3.delete_object(Bucket=b, Key="k")
    assert dm["DeleteMarker"] is True
    marker = dm["VersionId"]
    err = client_error(s3.get_object, Bucket=b, Key="k")
    assert err["Code"] == "NoSuchKey"
    assert err["Headers"].get("x-amz-delete-marker") == "true"
    err = client_error(s3.get_object, Bucket=b, Key="k", VersionId=marker)
    assert (err["Code"], err["Status"]) == ("MethodNotAllowed", 405)
    assert "Contents" not in s3.list_objects_v2(Bucket=b)
    versions = s3.list_object_versions(Bucket=b)
    assert [(v["VersionId"], v["IsLatest"]) for v in versions["Versions"]] == [(v2, False), (v1, False)]
    assert [(d["VersionId"], d["IsLatest"]) for d in versions["DeleteMarkers"]] == [(marker, True)]
    res = s3.delete_object(Bucket=b, Key="k", VersionId=marker)
    assert res["DeleteMarker"] is True and res["VersionId"] == marker
    assert s3.get_object(Bucket=b, Key="k")["Body"].read() == b"two"
    s3.delete_object(Bucket=b, Key="k", VersionId=v2)
    assert s3.get_object(Bucket=b, Key="k")["Body"].read() == b"one"
    err = client_error(s3.get_object, Bucket=b, Key="k", VersionId=v2)
    assert err["Code"] == "NoSuchVersion"
    err = client_error(s3.get_object, Bucket=b, Key="k", VersionId="not-a-version")
    assert (err["Code"], err["Message"]) == ("InvalidArgument", "Invalid version id specified")


def test_null_version_and_suspended(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"before")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["VersionId"]
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"before"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"suspended")
    assert put["VersionId"] == "null"
    ids = [v["VersionId"] for v in s3.list_object_versions(Bucket=bucket)["Versions"]]
    assert ids == ["null", v1]  # the old null version was replaced
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"suspended"
    dm = s3.delete_object(Bucket=bucket, Key="k")
    assert dm["DeleteMarker"] is True and dm["VersionId"] == "null"
    listing = s3.list_object_versions(Bucket=bucket)
    assert [v["VersionId"] for v in listing["Versions"]] == [v1]
    assert [d["VersionId"] for d in listing["DeleteMarkers"]] == ["null"]


def test_list_versions_markers_prefix_delimiter(s3: Any, versioned: str) -> None:
    b = versioned
    ids: dict[str, list[str]] = {}
    for key in ("a/1", "a/2", "b", "c"):
        for n in range(2):
            ids.setdefault(key, []).insert(
                0, s3.put_object(Bucket=b, Key=key, Body=f"{key}{n}".encode())["VersionId"]
            )
    page = s3.list_object_versions(Bucket=b, MaxKeys=3)
    assert page["IsTruncated"] is True
    assert [(v["Key"], v["VersionId"]) for v in page["Versions"]] == [
        ("a/1", ids["a/1"][0]),
        ("a/1", ids["a/1"][1]),
        ("a/2", ids["a/2"][0]),
    ]
    assert (page["NextKeyMarker"], page["NextVersionIdMarker"]) == ("a/2", ids["a/2"][0])
    rest = s3.list_object_versions(Bucket=b, KeyMarker="a/2", VersionIdMarker=ids["a/2"][0])
    assert (rest["Versions"][0]["Key"], rest["Versions"][0]["VersionId"]) == ("a/2", ids["a/2"][1])
    assert len(rest["Versions"]) == 5
    after_key = s3.list_object_versions(Bucket=b, KeyMarker="b")
    assert {v["Key"] for v in after_key["Versions"]} == {"c"}
    grouped = s3.list_object_versions(Bucket=b, Delimiter="/")
    assert [p["Prefix"] for p in grouped["CommonPrefixes"]] == ["a/"]
    assert {v["Key"] for v in grouped["Versions"]} == {"b", "c"}
    assert {v["Key"] for v in s3.list_object_versions(Bucket=b, Prefix="a/")["Versions"]} == {"a/1", "a/2"}
    all_versions = [
        v["VersionId"]
        for p in s3.get_paginator("list_object_versions").paginate(Bucket=b, PaginationConfig={"PageSize": 3})
        for v in p.get("Versions", [])
    ]
    assert len(all_versions) == 8


def test_copy_and_tag_by_version(s3: Any, versioned: str) -> None:
    b = versioned
    v1 = s3.put_object(Bucket=b, Key="src", Body=b"one")["VersionId"]
    s3.put_object(Bucket=b, Key="src", Body=b"two")
    res = s3.copy_object(Bucket=b, Key="dst", CopySource={"Bucket": b, "Key": "src", "VersionId": v1})
    assert res["CopySourceVersionId"] == v1
    assert res["VersionId"]
    assert s3.get_object(Bucket=b, Key="dst")["Body"].read() == b"one"
    s3.put_object_tagging(Bucket=b, Key="src", VersionId=v1, Tagging={"TagSet": [{"Key": "v", "Value": "1"}]})
    assert s3.get_object_tagging(Bucket=b, Key="src", VersionId=v1)["TagSet"] == [{"Key": "v", "Value": "1"}]
    assert s3.get_object_tagging(Bucket=b, Key="src")["TagSet"] == []
    deleted = s3.delete_objects(
        Bucket=b, Delete={"Objects": [{"Key": "src", "VersionId": v1}, {"Key": "dst"}]}
    )
    entries = {d["Key"]: d for d in deleted["Deleted"]}
    assert entries["src"]["VersionId"] == v1
    assert entries["dst"]["DeleteMarker"] is True and entries["dst"]["DeleteMarkerVersionId"]
