"""CopyObject: same and cross bucket, directives, copy in place, copy-source conditions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.s3.conftest import unique
from tests.s3.helpers import client_error


def test_copy_same_and_cross_bucket(s3: Any, bucket: str) -> None:
    other = unique()
    s3.create_bucket(Bucket=other)
    put = s3.put_object(
        Bucket=bucket, Key="src", Body=b"payload", Metadata={"m": "1"}, ContentType="text/x", Tagging="t=1"
    )
    res = s3.copy_object(Bucket=other, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert res["CopyObjectResult"]["ETag"] == put["ETag"]
    assert isinstance(res["CopyObjectResult"]["LastModified"], dt.datetime)
    got = s3.get_object(Bucket=other, Key="dst")
    assert got["Body"].read() == b"payload"
    assert got["Metadata"] == {"m": "1"} and got["ContentType"] == "text/x"
    assert s3.get_object_tagging(Bucket=other, Key="dst")["TagSet"] == [{"Key": "t", "Value": "1"}]
    s3.copy_object(
        Bucket=bucket,
        Key="dst 2",
        CopySource=f"{bucket}/src",
        MetadataDirective="REPLACE",
        Metadata={"n": "2"},
        ContentType="text/y",
        TaggingDirective="REPLACE",
        Tagging="u=2",
    )
    head = s3.head_object(Bucket=bucket, Key="dst 2")
    assert head["Metadata"] == {"n": "2"} and head["ContentType"] == "text/y"
    assert s3.get_object_tagging(Bucket=bucket, Key="dst 2")["TagSet"] == [{"Key": "u", "Value": "2"}]
    s3.delete_object(Bucket=bucket, Key="src")  # the copies keep their bytes
    assert s3.get_object(Bucket=other, Key="dst")["Body"].read() == b"payload"


def test_copy_in_place_rules(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Metadata={"a": "1"})
    err = client_error(s3.copy_object, Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "k"})
    assert err["Code"] == "InvalidRequest"
    assert err["Message"].startswith(
        "This copy request is illegal because it is trying to copy an object to itself"
    )
    s3.copy_object(
        Bucket=bucket,
        Key="k",
        CopySource={"Bucket": bucket, "Key": "k"},
        MetadataDirective="REPLACE",
        Metadata={"a": "2"},
    )
    assert s3.head_object(Bucket=bucket, Key="k")["Metadata"] == {"a": "2"}
    s3.copy_object(
        Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "k"}, StorageClass="STANDARD_IA"
    )
    assert s3.head_object(Bucket=bucket, Key="k")["StorageClass"] == "STANDARD_IA"


def test_copy_source_conditions(s3: Any, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="s", Body=b"x")["ETag"]
    lm = s3.head_object(Bucket=bucket, Key="s")["LastModified"]
    src = {"Bucket": bucket, "Key": "s"}
    s3.copy_object(Bucket=bucket, Key="d", CopySource=src, CopySourceIfMatch=etag)
    for kw in (
        {"CopySourceIfMatch": '"nope"'},
        {"CopySourceIfNoneMatch": etag},
        {"CopySourceIfModifiedSince": lm + dt.timedelta(hours=1)},
        {"CopySourceIfUnmodifiedSince": lm - dt.timedelta(hours=1)},
    ):
        err = client_error(s3.copy_object, Bucket=bucket, Key="d", CopySource=src, **kw)
        assert (err["Code"], err["Status"]) == ("PreconditionFailed", 412), kw
    err = client_error(
        s3.copy_object, Bucket=bucket, Key="d", CopySource={"Bucket": bucket, "Key": "missing"}
    )
    assert err["Code"] == "NoSuchKey"
    err = client_error(
        s3.copy_object, Bucket=bucket, Key="d", CopySource={"Bucket": "no-such-bkt-zz", "Key": "s"}
    )
    assert err["Code"] == "NoSuchBucket"
