"""ListObjects v1 and v2: prefix, delimiter, common prefixes, pagination, encoding, owner."""

from __future__ import annotations

from typing import Any

import pytest

from tests.s3.helpers import client_error

#: key order is the database's: PostgreSQL must sort as SQLite does
pytestmark = pytest.mark.modes("postgres")

KEYS = [
    "a.txt",
    "dir/a",
    "dir/b",
    "dir/sub/c",
    "dir/sub/d",
    "dir2/x",
    "e",
    "photos/2024/jan/1.jpg",
    "photos/2024/feb/2.jpg",
    "photos/2025/mar/3.jpg",
    "z|pipe|key",
    "z|pipe|other",
]


@pytest.fixture
def filled(s3: Any, bucket: str) -> str:
    for key in KEYS:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    return bucket


def _v2_all(s3: Any, bucket: str, **kw: Any) -> tuple[list[str], list[str]]:
    keys: list[str] = []
    prefixes: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, **kw):
        keys += [o["Key"] for o in page.get("Contents", [])]
        prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
    return keys, prefixes


def test_v2_basic(s3: Any, filled: str) -> None:
    res = s3.list_objects_v2(Bucket=filled)
    assert [o["Key"] for o in res["Contents"]] == sorted(KEYS)
    assert res["KeyCount"] == len(KEYS) and res["MaxKeys"] == 1000 and res["IsTruncated"] is False
    assert res["Name"] == filled and res["Prefix"] == ""
    first = res["Contents"][0]
    assert (
        first["Size"] == len(b"a.txt")
        and first["StorageClass"] == "STANDARD"
        and first["ETag"].startswith('"')
    )
    assert "Owner" not in first
    assert "Owner" in s3.list_objects_v2(Bucket=filled, FetchOwner=True)["Contents"][0]


def test_v2_prefix_and_delimiter(s3: Any, filled: str) -> None:
    res = s3.list_objects_v2(Bucket=filled, Delimiter="/")
    assert [o["Key"] for o in res["Contents"]] == ["a.txt", "e", "z|pipe|key", "z|pipe|other"]
    assert [p["Prefix"] for p in res["CommonPrefixes"]] == ["dir/", "dir2/", "photos/"]
    assert res["KeyCount"] == 7
    res = s3.list_objects_v2(Bucket=filled, Prefix="dir/", Delimiter="/")
    assert [o["Key"] for o in res["Contents"]] == ["dir/a", "dir/b"]
    assert [p["Prefix"] for p in res["CommonPrefixes"]] == ["dir/sub/"]
    res = s3.list_objects_v2(Bucket=filled, Prefix="photos/", Delimiter="/jan")
    assert [p["Prefix"] for p in res["CommonPrefixes"]] == ["photos/2024/jan"]
    res = s3.list_objects_v2(Bucket=filled, Delimiter="|")
    assert [p["Prefix"] for p in res["CommonPrefixes"]] == ["z|"]
    res = s3.list_objects_v2(Bucket=filled, Prefix="dir")
    assert [o["Key"] for o in res["Contents"]] == ["dir/a", "dir/b", "dir/sub/c", "dir/sub/d", "dir2/x"]
    assert "Contents" not in s3.list_objects_v2(Bucket=filled, Prefix="nothing")


@pytest.mark.parametrize("page_size", [1, 2, 5])
def test_v2_pagination_with_delimiter(s3: Any, filled: str, page_size: int) -> None:
    keys, prefixes = _v2_all(s3, filled, Delimiter="/", PaginationConfig={"PageSize": page_size})
    assert keys == ["a.txt", "e", "z|pipe|key", "z|pipe|other"]
    assert prefixes == ["dir/", "dir2/", "photos/"]
    keys, prefixes = _v2_all(s3, filled, PaginationConfig={"PageSize": page_size})
    assert keys == sorted(KEYS) and prefixes == []


def test_v2_start_after_and_tokens(s3: Any, filled: str) -> None:
    res = s3.list_objects_v2(Bucket=filled, StartAfter="dir/sub/c")
    assert [o["Key"] for o in res["Contents"]][:2] == ["dir/sub/d", "dir2/x"]
    assert res["StartAfter"] == "dir/sub/c"
    page = s3.list_objects_v2(Bucket=filled, MaxKeys=3)
    assert page["IsTruncated"] is True and page["KeyCount"] == 3
    nxt = s3.list_objects_v2(Bucket=filled, MaxKeys=3, ContinuationToken=page["NextContinuationToken"])
    assert nxt["ContinuationToken"] == page["NextContinuationToken"]
    assert [o["Key"] for o in nxt["Contents"]] == sorted(KEYS)[3:6]
    err = client_error(s3.list_objects_v2, Bucket=filled, ContinuationToken="garbage!!")
    assert err["Code"] == "InvalidArgument"
    zero = s3.list_objects_v2(Bucket=filled, MaxKeys=0)
    assert zero["KeyCount"] == 0 and "Contents" not in zero


def test_v1_markers(s3: Any, filled: str) -> None:
    res = s3.list_objects(Bucket=filled, MaxKeys=4)
    assert res["IsTruncated"] is True and "NextMarker" not in res
    assert [o["Key"] for o in res["Contents"]] == sorted(KEYS)[:4]
    assert "Owner" in res["Contents"][0]
    res = s3.list_objects(Bucket=filled, Marker=sorted(KEYS)[3])
    assert [o["Key"] for o in res["Contents"]] == sorted(KEYS)[4:]
    assert res["Marker"] == sorted(KEYS)[3]
    res = s3.list_objects(Bucket=filled, Delimiter="/", MaxKeys=2)
    assert res["IsTruncated"] is True
    assert res["NextMarker"] == "dir/"
    res = s3.list_objects(Bucket=filled, Delimiter="/", Marker="dir/")
    assert [p["Prefix"] for p in res["CommonPrefixes"]] == ["dir2/", "photos/"]
    keys = [
        o["Key"]
        for p in s3.get_paginator("list_objects").paginate(Bucket=filled, PaginationConfig={"PageSize": 5})
        for o in p["Contents"]
    ]
    assert keys == sorted(KEYS)
    grouped = [
        p["Prefix"]
        for pg in s3.get_paginator("list_objects").paginate(
            Bucket=filled, Delimiter="/", PaginationConfig={"PageSize": 1}
        )
        for p in pg.get("CommonPrefixes", [])
    ]
    assert grouped == ["dir/", "dir2/", "photos/"]


def test_encoding_type_url_round_trips_odd_keys(s3: Any, bucket: str) -> None:
    odd = ["sp ace/x", "amp&er", "uni/ü", "plus+", "ctl\x01char"]
    for key in odd:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    # boto3 asks for EncodingType=url and decodes the answer
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == sorted(odd)
    assert [o["Key"] for o in s3.list_objects(Bucket=bucket)["Contents"]] == sorted(odd)
    res = s3.list_objects_v2(Bucket=bucket, Delimiter="/", Prefix="")
    assert [p["Prefix"] for p in res["CommonPrefixes"]] == ["sp ace/", "uni/"]
    err = client_error(s3.list_objects_v2, Bucket=bucket, EncodingType="zip")
    assert err["Code"] == "InvalidArgument"


def test_missing_bucket(s3: Any) -> None:
    assert client_error(s3.list_objects_v2, Bucket="no-such-bucket-zz1")["Code"] == "NoSuchBucket"
