"""Overwriting a key: what a reader sees afterwards, whatever shares the old body (copies,
multipart uploads) and whatever the bucket's versioning state. (A small overwrite in a
never-versioned bucket rewrites the version in place when nothing shares its body.)"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

from .helpers import client_error

#: bodies claimed in place by an UPDATE on PostgreSQL too
pytestmark = pytest.mark.modes("postgres")

MIB = 1024 * 1024


def _body(s3: Any, bucket: str, key: str, **kw: Any) -> bytes:
    return s3.get_object(Bucket=bucket, Key=key, **kw)["Body"].read()  # type: ignore[no-any-return]


def test_overwrite_replaces_body_metadata_and_headers(s3: Any, bucket: str) -> None:
    s3.put_object(
        Bucket=bucket,
        Key="k",
        Body=b"a" * 1024,
        Metadata={"one": "1"},
        ContentType="text/plain",
        Tagging="t=1",
    )
    first = s3.head_object(Bucket=bucket, Key="k")
    time.sleep(1.1)  # Last-Modified has whole seconds
    put = s3.put_object(
        Bucket=bucket, Key="k", Body=b"b" * 10, Metadata={"two": "2"}, ChecksumAlgorithm="SHA256"
    )
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert head["ContentLength"] == 10
    assert head["ETag"] == put["ETag"] != first["ETag"]
    assert head["Metadata"] == {"two": "2"}
    assert head["ContentType"] == "binary/octet-stream"
    assert head["ChecksumSHA256"] == put["ChecksumSHA256"]
    assert "TagCount" not in head
    assert head["LastModified"] > first["LastModified"]
    assert "VersionId" not in put
    assert _body(s3, bucket, "k") == b"b" * 10
    assert _body(s3, bucket, "k", Range="bytes=2-4") == b"bbb"
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [(v["Key"], v["VersionId"], v["IsLatest"], v["Size"]) for v in versions] == [
        ("k", "null", True, 10)
    ]
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert [(o["Key"], o["Size"], o["ETag"]) for o in listed] == [("k", 10, put["ETag"])]


def test_overwrite_keeps_a_copy_of_the_old_body(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"old")
    s3.copy_object(Bucket=bucket, Key="c", CopySource={"Bucket": bucket, "Key": "k"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"new!")
    assert _body(s3, bucket, "c") == b"old"
    assert _body(s3, bucket, "k") == b"new!"
    s3.delete_object(Bucket=bucket, Key="c")
    s3.put_object(Bucket=bucket, Key="k", Body=b"newer")  # nothing shares it any more
    assert _body(s3, bucket, "k") == b"newer"
    s3.copy_object(
        Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "k"}, MetadataDirective="REPLACE"
    )
    s3.put_object(Bucket=bucket, Key="k", Body=b"newest")
    assert _body(s3, bucket, "k") == b"newest"


def test_overwrite_between_sizes_and_empty(s3: Any, bucket: str) -> None:
    big = bytes(range(256)) * (5 * MIB // 256) + b"tail"
    for body in (b"", b"x", big, b"short", b"", b"last one"):
        s3.put_object(Bucket=bucket, Key="k", Body=body)
        assert _body(s3, bucket, "k") == body
        assert s3.head_object(Bucket=bucket, Key="k")["ContentLength"] == len(body)


def test_overwrite_of_a_multipart_object_and_of_an_upload_part_source(s3: Any, bucket: str) -> None:
    up = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="mp", UploadId=up, PartNumber=1, Body=b"part")["ETag"]
    s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=up, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]}
    )
    s3.put_object(Bucket=bucket, Key="mp", Body=b"plain")
    assert _body(s3, bucket, "mp") == b"plain"

    s3.put_object(Bucket=bucket, Key="src", Body=b"source")
    up = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    copied = s3.upload_part_copy(
        Bucket=bucket, Key="dst", UploadId=up, PartNumber=1, CopySource={"Bucket": bucket, "Key": "src"}
    )
    s3.put_object(Bucket=bucket, Key="src", Body=b"changed")  # the part still holds the old bytes
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="dst",
        UploadId=up,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": copied["CopyPartResult"]["ETag"]}]},
    )
    assert _body(s3, bucket, "dst") == b"source"
    assert _body(s3, bucket, "src") == b"changed"


def test_overwrite_in_suspended_and_enabled_buckets(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"v0")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["VersionId"]
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"n1")["VersionId"] == "null"
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"n2")["VersionId"] == "null"
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [(v["VersionId"], v["IsLatest"]) for v in versions] == [("null", True), (v1, False)]
    assert _body(s3, bucket, "k") == b"n2"
    assert _body(s3, bucket, "k", VersionId=v1) == b"v1"
    s3.delete_object(Bucket=bucket, Key="k", VersionId="null")
    assert _body(s3, bucket, "k") == b"v1"


def test_conditional_overwrite_and_reads(s3: Any, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["ETag"]
    assert client_error(s3.put_object, Bucket=bucket, Key="k", Body=b"x", IfNoneMatch="*")["Status"] == 412
    assert client_error(s3.put_object, Bucket=bucket, Key="k", Body=b"x", IfMatch='"nope"')["Status"] == 412
    etag2 = s3.put_object(Bucket=bucket, Key="k", Body=b"two", IfMatch=etag)["ETag"]
    assert _body(s3, bucket, "k") == b"two"
    assert client_error(s3.get_object, Bucket=bucket, Key="k", IfMatch=etag)["Status"] == 412
    assert client_error(s3.get_object, Bucket=bucket, Key="k", IfNoneMatch=etag2)["Status"] == 304
    since = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    assert client_error(s3.get_object, Bucket=bucket, Key="k", IfModifiedSince=since)["Status"] == 304
    assert client_error(s3.get_object, Bucket=bucket, Key="missing")["Code"] == "NoSuchKey"
    assert client_error(s3.get_object, Bucket=bucket + "-none", Key="k")["Code"] == "NoSuchBucket"


def test_reads_around_the_one_chunk_body_read_with_the_version(s3: Any, bucket: str) -> None:
    """GetObject reads a body of one chunk (up to 1 MiB) along with the version: whole reads,
    ranges, empty bodies, bodies of two chunks and HEAD all answer as before."""
    bodies = {"empty": b"", "small": b"0123456789", "one": b"x" * MIB, "two": b"y" * MIB + b"z"}
    for key, data in bodies.items():
        s3.put_object(Bucket=bucket, Key=key, Body=data)
    for key, data in bodies.items():
        got = s3.get_object(Bucket=bucket, Key=key)
        assert got["Body"].read() == data and got["ContentLength"] == len(data), key
        assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == len(data), key
        if data:
            ranged = s3.get_object(Bucket=bucket, Key=key, Range="bytes=1-")
            assert (
                ranged["Body"].read() == data[1:]
                and ranged["ContentRange"] == f"bytes 1-{len(data) - 1}/{len(data)}"
            )
            whole = s3.get_object(Bucket=bucket, Key=key, Range="bytes=0-")
            assert whole["Body"].read() == data and whole["ResponseMetadata"]["HTTPStatusCode"] == 206
    s3.put_object(Bucket=bucket, Key="small", Body=b"new")  # overwritten in place: read afresh
    assert _body(s3, bucket, "small") == b"new"


def test_an_overwrite_in_place_never_touches_a_copy_and_keeps_the_new_size(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"first body")
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "k"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"second")  # the blob is shared: a new one
    s3.put_object(Bucket=bucket, Key="k", Body=b"third, longer body")  # in place, resized
    assert s3.get_object(Bucket=bucket, Key="k", Range="bytes=7-")["Body"].read() == b"longer body"
    s3.put_object(Bucket=bucket, Key="k", Body=b"4th")  # in place, shorter
    assert s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == b"first body"
    got = s3.get_object(Bucket=bucket, Key="k")
    assert (got["Body"].read(), got["ContentLength"]) == (b"4th", 3)
    assert s3.get_object(Bucket=bucket, Key="k", Range="bytes=1-")["Body"].read() == b"th"
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert {o["Key"]: o["Size"] for o in listed} == {"copy": 10, "k": 3}
