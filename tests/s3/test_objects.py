"""Objects: put/get/head/delete, metadata and standard headers, ranges, conditionals, tagging,
ACLs, DeleteObjects, GetObjectAttributes, RestoreObject, SSE headers."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

import pytest

from tests.s3.helpers import client_error

#: bodies stream over HTTP and live in chunks of the PostgreSQL store
pytestmark = pytest.mark.modes("server", "postgres")

BODY = b"0123456789abcdefghij"


def test_put_get_head_with_headers(s3: Any, bucket: str) -> None:
    expires = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    put = s3.put_object(
        Bucket=bucket,
        Key="dir/file.txt",
        Body=BODY,
        Metadata={"Color": "blue", "n": "1"},
        ContentType="text/plain",
        ContentEncoding="identity",
        ContentDisposition="inline",
        ContentLanguage="en",
        CacheControl="max-age=60",
        Expires=expires,
        StorageClass="STANDARD_IA",
    )
    md5 = hashlib.md5(BODY).hexdigest()
    assert put["ETag"] == f'"{md5}"'
    assert put["ServerSideEncryption"] == "AES256"
    assert "VersionId" not in put
    got = s3.get_object(Bucket=bucket, Key="dir/file.txt")
    assert got["Body"].read() == BODY
    for resp in (got, s3.head_object(Bucket=bucket, Key="dir/file.txt")):
        assert resp["ETag"] == f'"{md5}"'
        assert resp["ContentLength"] == len(BODY)
        assert resp["ContentType"] == "text/plain"
        assert resp["ContentEncoding"] == "identity"
        assert resp["ContentDisposition"] == "inline"
        assert resp["ContentLanguage"] == "en"
        assert resp["CacheControl"] == "max-age=60"
        assert resp["Expires"] == expires
        assert resp["Metadata"] == {"color": "blue", "n": "1"}
        assert resp["StorageClass"] == "STANDARD_IA"
        assert resp["AcceptRanges"] == "bytes"
        assert resp["LastModified"].tzinfo is not None


def test_defaults_and_overwrite(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"first")
    s3.put_object(Bucket=bucket, Key="k", Body=b"second!")
    head = s3.head_object(Bucket=bucket, Key="k")
    assert head["ContentType"] == "binary/octet-stream"
    assert head["ContentLength"] == 7
    assert "StorageClass" not in head
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"second!"


def test_empty_object_and_odd_keys(s3: Any, bucket: str) -> None:
    keys = ["empty", "with space/and+plus", "ünïcödé/ключ", "a//double//slash/", "percent%20sign", "q?x=1&y"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"" if key == "empty" else key.encode())
    for key in keys:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        assert body == (b"" if key == "empty" else key.encode())
    listed = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert listed == sorted(keys)


def test_missing_key_and_bucket(s3: Any, bucket: str) -> None:
    err = client_error(s3.get_object, Bucket=bucket, Key="missing")
    assert (err["Code"], err["Status"], err["Key"]) == ("NoSuchKey", 404, "missing")
    assert err["Message"] == "The specified key does not exist."
    err = client_error(s3.head_object, Bucket=bucket, Key="missing")
    assert (err["Code"], err["Status"]) == ("404", 404)
    err = client_error(s3.get_object, Bucket="no-such-bucket-here-x", Key="k")
    assert err["Code"] == "NoSuchBucket"
    err = client_error(s3.put_object, Bucket=bucket, Key="k" * 1025, Body=b"")
    assert err["Code"] == "KeyTooLongError"


def test_delete_object_idempotent(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert s3.delete_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.delete_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert client_error(s3.get_object, Bucket=bucket, Key="k")["Code"] == "NoSuchKey"


@pytest.mark.parametrize(
    ("header", "expected", "content_range"),
    [
        ("bytes=0-4", b"01234", "bytes 0-4/20"),
        ("bytes=15-", b"fghij", "bytes 15-19/20"),
        ("bytes=-3", b"hij", "bytes 17-19/20"),
        ("bytes=18-100", b"ij", "bytes 18-19/20"),
        ("bytes=-50", BODY, "bytes 0-19/20"),
        ("bytes=19-19", b"j", "bytes 19-19/20"),
    ],
)
def test_ranges(s3: Any, bucket: str, header: str, expected: bytes, content_range: str) -> None:
    s3.put_object(Bucket=bucket, Key="r", Body=BODY)
    got = s3.get_object(Bucket=bucket, Key="r", Range=header)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["ContentRange"] == content_range
    assert got["ContentLength"] == len(expected)
    assert got["Body"].read() == expected


def test_range_edge_cases(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="r", Body=BODY)
    err = client_error(s3.get_object, Bucket=bucket, Key="r", Range="bytes=20-")
    assert (err["Code"], err["Status"]) == ("InvalidRange", 416)
    assert err["Message"] == "The requested range is not satisfiable"
    assert err["ActualObjectSize"] == "20"
    assert err["RangeRequested"] == "bytes=20-"
    whole = s3.get_object(Bucket=bucket, Key="r", Range="bytes=5-2")  # invalid: ignored
    assert whole["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert whole["Body"].read() == BODY
    head = s3.head_object(Bucket=bucket, Key="r", Range="bytes=0-9")
    assert head["ContentLength"] == 10
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 206
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    assert (
        client_error(s3.get_object, Bucket=bucket, Key="empty", Range="bytes=0-1")["Code"] == "InvalidRange"
    )


def test_conditional_get_and_head(s3: Any, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="c", Body=BODY)["ETag"]
    lm = s3.head_object(Bucket=bucket, Key="c")["LastModified"]
    before = lm - dt.timedelta(hours=1)
    after = lm + dt.timedelta(hours=1)
    for fn in (s3.get_object, s3.head_object):
        assert fn(Bucket=bucket, Key="c", IfMatch=etag)["ETag"] == etag
        err = client_error(fn, Bucket=bucket, Key="c", IfMatch='"nope"')
        assert err["Status"] == 412
        err = client_error(fn, Bucket=bucket, Key="c", IfNoneMatch=etag)
        assert err["Status"] == 304
        assert fn(Bucket=bucket, Key="c", IfNoneMatch='"other"')["ETag"] == etag
        err = client_error(fn, Bucket=bucket, Key="c", IfModifiedSince=after)
        assert err["Status"] == 304
        assert fn(Bucket=bucket, Key="c", IfModifiedSince=before)["ETag"] == etag
        err = client_error(fn, Bucket=bucket, Key="c", IfUnmodifiedSince=before)
        assert err["Status"] == 412
        assert fn(Bucket=bucket, Key="c", IfUnmodifiedSince=after)["ETag"] == etag
        # If-Match true wins over a failing If-Unmodified-Since
        assert fn(Bucket=bucket, Key="c", IfMatch=etag, IfUnmodifiedSince=before)["ETag"] == etag
    err = client_error(s3.get_object, Bucket=bucket, Key="c", IfMatch='"nope"')
    assert err["Code"] == "PreconditionFailed"
    assert err["Condition"] == "If-Match"
    assert err["Message"] == "At least one of the pre-conditions you specified did not hold"


def test_conditional_put(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="new", Body=b"1", IfNoneMatch="*")
    err = client_error(s3.put_object, Bucket=bucket, Key="new", Body=b"2", IfNoneMatch="*")
    assert (err["Code"], err["Status"]) == ("PreconditionFailed", 412)
    etag = s3.head_object(Bucket=bucket, Key="new")["ETag"]
    s3.put_object(Bucket=bucket, Key="new", Body=b"3", IfMatch=etag)
    err = client_error(s3.put_object, Bucket=bucket, Key="new", Body=b"4", IfMatch=etag)
    assert err["Code"] == "PreconditionFailed"
    err = client_error(s3.put_object, Bucket=bucket, Key="absent", Body=b"4", IfMatch=etag)
    assert err["Code"] == "NoSuchKey"
    assert s3.get_object(Bucket=bucket, Key="new")["Body"].read() == b"3"


def test_content_md5(s3: Any, bucket: str) -> None:
    good = base64.b64encode(hashlib.md5(b"data").digest()).decode()
    s3.put_object(Bucket=bucket, Key="m", Body=b"data", ContentMD5=good)
    bad = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    err = client_error(s3.put_object, Bucket=bucket, Key="m2", Body=b"data", ContentMD5=bad)
    assert err["Code"] == "BadDigest"
    assert err["Message"] == "The Content-MD5 you specified did not match what we received."
    err = client_error(s3.put_object, Bucket=bucket, Key="m2", Body=b"data", ContentMD5="bm90LW1kNQ==")
    assert err["Code"] == "InvalidDigest"
    assert client_error(s3.head_object, Bucket=bucket, Key="m2")["Status"] == 404


def test_tagging_header_and_api(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="t", Body=b"x", Tagging="a=1&b=two%20words")
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == [
        {"Key": "a", "Value": "1"},
        {"Key": "b", "Value": "two words"},
    ]
    assert s3.get_object(Bucket=bucket, Key="t")["TagCount"] == 2
    s3.put_object_tagging(Bucket=bucket, Key="t", Tagging={"TagSet": [{"Key": "z", "Value": "9"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == [{"Key": "z", "Value": "9"}]
    s3.delete_object_tagging(Bucket=bucket, Key="t")
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == []
    err = client_error(
        s3.put_object_tagging,
        Bucket=bucket,
        Key="t",
        Tagging={"TagSet": [{"Key": f"k{i}", "Value": "v"} for i in range(11)]},
    )
    assert err["Code"] == "BadRequest" or err["Code"] == "InvalidTag"
    assert client_error(s3.get_object_tagging, Bucket=bucket, Key="nope")["Code"] == "NoSuchKey"


def test_object_acl(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="a", Body=b"x", ACL="public-read")
    acl = s3.get_object_acl(Bucket=bucket, Key="a")
    assert acl["Owner"]["ID"]
    perms = {(g["Grantee"].get("URI") or g["Grantee"].get("ID"), g["Permission"]) for g in acl["Grants"]}
    assert ("http://acs.amazonaws.com/groups/global/AllUsers", "READ") in perms
    s3.put_object_acl(Bucket=bucket, Key="a", ACL="private")
    assert len(s3.get_object_acl(Bucket=bucket, Key="a")["Grants"]) == 1
    s3.put_object_acl(
        Bucket=bucket, Key="a", GrantRead='uri="http://acs.amazonaws.com/groups/global/AllUsers"'
    )
    grants = s3.get_object_acl(Bucket=bucket, Key="a")["Grants"]
    assert grants == [
        {
            "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
            "Permission": "READ",
        }
    ]
    owner = s3.get_object_acl(Bucket=bucket, Key="a")["Owner"]
    policy = {
        "Owner": owner,
        "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "FULL_CONTROL"}],
    }
    s3.put_object_acl(Bucket=bucket, Key="a", AccessControlPolicy=policy)
    assert s3.get_object_acl(Bucket=bucket, Key="a")["Grants"][0]["Permission"] == "FULL_CONTROL"


def test_delete_objects(s3: Any, bucket: str) -> None:
    for k in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    res = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "zzz"}]})
    assert sorted(d["Key"] for d in res["Deleted"]) == ["a", "b", "zzz"]
    assert "Errors" not in res
    res = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "c"}], "Quiet": True})
    assert "Deleted" not in res
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="d", Body=b"x")
    res = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "d", "VersionId": "bad"}]})
    assert res["Errors"][0]["Key"] == "d"
    assert res["Errors"][0]["Code"] == "InvalidArgument"
    res = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "d", "ETag": '"nope"'}]})
    assert res["Errors"][0]["Code"] == "PreconditionFailed"


def test_get_object_attributes(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="a", Body=BODY, ChecksumAlgorithm="SHA256")
    attrs = s3.get_object_attributes(
        Bucket=bucket, Key="a", ObjectAttributes=["ETag", "ObjectSize", "StorageClass", "Checksum"]
    )
    assert attrs["ETag"] == hashlib.md5(BODY).hexdigest()
    assert attrs["ObjectSize"] == len(BODY)
    assert attrs["StorageClass"] == "STANDARD"
    assert attrs["Checksum"]["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(BODY).digest()).decode()


def test_restore_object(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="cold", Body=b"x", StorageClass="GLACIER")
    err = client_error(s3.get_object, Bucket=bucket, Key="cold")
    assert (err["Code"], err["Status"]) == ("InvalidObjectState", 403)
    res = s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 2})
    assert res["ResponseMetadata"]["HTTPStatusCode"] == 202
    res = s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 2})
    assert res["ResponseMetadata"]["HTTPStatusCode"] == 200
    head = s3.head_object(Bucket=bucket, Key="cold")
    assert head["Restore"].startswith('ongoing-request="false", expiry-date=')
    assert s3.get_object(Bucket=bucket, Key="cold")["Body"].read() == b"x"
    s3.put_object(Bucket=bucket, Key="hot", Body=b"x")
    assert (
        client_error(s3.restore_object, Bucket=bucket, Key="hot", RestoreRequest={"Days": 1})["Code"]
        == "InvalidObjectState"
    )


def test_sse_headers(s3: Any, bucket: str) -> None:
    r = s3.put_object(
        Bucket=bucket,
        Key="kms",
        Body=b"x",
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId="my-key",
        BucketKeyEnabled=True,
    )
    assert r["ServerSideEncryption"] == "aws:kms"
    assert r["SSEKMSKeyId"] == "arn:aws:kms:us-east-1:123456789012:key/my-key"
    assert r["BucketKeyEnabled"] is True
    head = s3.head_object(Bucket=bucket, Key="kms")
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"] == "arn:aws:kms:us-east-1:123456789012:key/my-key"
    key = b"k" * 32
    r = s3.put_object(
        Bucket=bucket, Key="ssec", Body=b"secret", SSECustomerAlgorithm="AES256", SSECustomerKey=key
    )
    md5 = base64.b64encode(hashlib.md5(key).digest()).decode()
    assert r["SSECustomerKeyMD5"] == md5
    assert client_error(s3.get_object, Bucket=bucket, Key="ssec")["Code"] == "InvalidRequest"
    got = s3.get_object(Bucket=bucket, Key="ssec", SSECustomerAlgorithm="AES256", SSECustomerKey=key)
    assert got["Body"].read() == b"secret"
    assert got["SSECustomerAlgorithm"] == "AES256"
    err = client_error(
        s3.get_object, Bucket=bucket, Key="ssec", SSECustomerAlgorithm="AES256", SSECustomerKey=b"z" * 32
    )
    assert err["Status"] == 403
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": "arn:aws:kms:us-east-1:123456789012:key/dflt",
                    }
                }
            ]
        },
    )
    r = s3.put_object(Bucket=bucket, Key="default", Body=b"x")
    assert r["ServerSideEncryption"] == "aws:kms"
    assert r["SSEKMSKeyId"] == "arn:aws:kms:us-east-1:123456789012:key/dflt"


def test_large_object_streams_back(s3: Any, bucket: str) -> None:
    data = bytes(range(256)) * (6 * 1024 * 1024 // 256 + 7)  # > inline limit, not chunk-aligned
    s3.put_object(Bucket=bucket, Key="big", Body=data)
    got = s3.get_object(Bucket=bucket, Key="big")
    assert got["ContentLength"] == len(data)
    assert got["Body"].read() == data
    part = s3.get_object(Bucket=bucket, Key="big", Range=f"bytes={1024 * 1024 - 3}-{5 * 1024 * 1024 + 2}")
    assert part["Body"].read() == data[1024 * 1024 - 3 : 5 * 1024 * 1024 + 3]


def test_response_header_overrides(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="o", Body=b"x", ContentType="text/plain")
    got = s3.get_object(
        Bucket=bucket,
        Key="o",
        ResponseContentType="application/json",
        ResponseContentDisposition='attachment; filename="o.json"',
        ResponseCacheControl="no-cache",
        ResponseContentLanguage="fr",
        ResponseContentEncoding="identity",
    )
    assert got["ContentType"] == "application/json"
    assert got["ContentDisposition"] == 'attachment; filename="o.json"'
    assert (got["CacheControl"], got["ContentLanguage"], got["ContentEncoding"]) == (
        "no-cache",
        "fr",
        "identity",
    )
    assert s3.head_object(Bucket=bucket, Key="o")["ContentType"] == "text/plain"
