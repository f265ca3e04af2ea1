"""S3's exact answers where users assert on them: the public access block's four flags, tag
limits, missing bodies, archived objects by operation, part numbers, ListParts paging,
lifecycle rule checks, logging targets, delete markers and malformed bucket policies."""

from __future__ import annotations

import json
from typing import Any

import pytest

from awsmock.inprocess import wsgi_call
from tests.s3.helpers import client_error


def test_public_access_block_answers_all_four_flags(s3: Any, bucket: str) -> None:
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={"BlockPublicPolicy": True})
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": False,
        "IgnorePublicAcls": False,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": False,
    }


def test_more_than_ten_object_tags(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    eleven = [{"Key": f"k{i}", "Value": "v"} for i in range(11)]
    err = client_error(s3.put_object_tagging, Bucket=bucket, Key="k", Tagging={"TagSet": eleven})
    assert (err["Code"], err["Message"], err["Status"]) == (
        "BadRequest",
        "Object tags cannot be greater than 10",
        400,
    )
    header = "&".join(f"k{i}=v" for i in range(11))
    err = client_error(s3.put_object, Bucket=bucket, Key="k2", Body=b"", Tagging=header)
    assert (err["Code"], err["Message"]) == ("BadRequest", "Object tags cannot be greater than 10")
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []


@pytest.mark.parametrize("query", ["tagging", "versioning", "lifecycle", "cors"])
def test_missing_request_body(app: Any, s3: Any, bucket: str, query: str) -> None:
    url = f"http://s3.amazonaws.com/{bucket}?{query}"
    signed = (  # (a signed request: an anonymous one is refused before its body is looked at)
        "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, "
        "SignedHeaders=host, Signature=" + "0" * 64
    )
    status, _headers, body = wsgi_call(app, "PUT", url, {"Content-Length": "0", "Authorization": signed}, b"")
    text = body.read().decode()
    assert status == 400
    assert "<Code>MissingRequestBodyError</Code><Message>Request Body is empty</Message>" in text


def test_archived_objects_by_operation(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="cold", Body=b"x", StorageClass="DEEP_ARCHIVE")
    err = client_error(s3.get_object, Bucket=bucket, Key="cold")
    assert (err["Code"], err["Message"], err["Status"], err["StorageClass"]) == (
        "InvalidObjectState",
        "The operation is not valid for the object's storage class",
        403,
        "DEEP_ARCHIVE",
    )
    copy_message = "The source object of the COPY operation is not in the active tier and is only stored in Amazon Glacier."
    err = client_error(s3.copy_object, Bucket=bucket, Key="warm", CopySource=f"{bucket}/cold")
    assert (err["Code"], err["Message"], err["Status"]) == ("ObjectNotInActiveTierError", copy_message, 403)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    err = client_error(
        s3.upload_part_copy,
        Bucket=bucket,
        Key="mp",
        UploadId=upload,
        PartNumber=1,
        CopySource=f"{bucket}/cold",
    )
    assert err["Code"] == "ObjectNotInActiveTierError"
    err = client_error(s3.restore_object, Bucket=bucket, Key="warm-missing")
    assert err["Code"] == "NoSuchKey"


def test_invalid_part_number(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    err = client_error(s3.get_object, Bucket=bucket, Key="k", PartNumber=2)
    assert (err["Code"], err["Message"], err["Status"]) == (
        "InvalidPartNumber",
        "The requested partnumber is not satisfiable",
        416,
    )
    assert (err["PartNumberRequested"], err["ActualPartCount"]) == ("2", "1")


def test_list_parts_max_parts_and_truncation(s3: Any, bucket: str) -> None:
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    for n in (1, 2, 3):
        s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=n, Body=b"x")
    first = s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload, MaxParts=2)
    assert [p["PartNumber"] for p in first["Parts"]] == [1, 2]
    assert (first["MaxParts"], first["IsTruncated"], first["NextPartNumberMarker"]) == (2, True, 2)
    rest = s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload, MaxParts=2, PartNumberMarker=2)
    assert [p["PartNumber"] for p in rest["Parts"]] == [3]
    assert rest["IsTruncated"] is False and rest["PartNumberMarker"] == 2
    err = client_error(s3.list_parts, Bucket=bucket, Key="mp", UploadId=upload, MaxParts=-1)
    assert (err["Code"], err["Message"], err["ArgumentName"], err["ArgumentValue"]) == (
        "InvalidArgument",
        "Argument max-parts must be an integer between 0 and 2147483647",
        "max-parts",
        "-1",
    )


@pytest.mark.parametrize(
    ("rule", "code", "message"),
    [
        (
            {"Status": "Enabled", "Filter": {"Prefix": ""}},
            "InvalidRequest",
            "At least one action needs to be specified in a rule",
        ),
        (
            {"Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 0}},
            "InvalidArgument",
            "'Days' for Expiration action must be a positive integer",
        ),
        (
            {
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "Transitions": [{"Days": 5, "StorageClass": "STANDARD_IA"}],
            },
            "InvalidArgument",
            "'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'",
        ),
        (
            {"Status": "Enabled", "Prefix": "a", "Filter": {"Prefix": "a"}, "Expiration": {"Days": 1}},
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published schema",
        ),
        (
            {
                "Status": "Enabled",
                "Filter": {"Tag": {"Key": "k", "Value": "v"}},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
            },
            "InvalidRequest",
            "AbortIncompleteMultipartUpload cannot be specified with Tags.",
        ),
        (
            {"ID": "x" * 256, "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 1}},
            "InvalidArgument",
            "ID length should not exceed allowed limit of 255",
        ),
    ],
)
def test_lifecycle_rule_validation(
    s3: Any, bucket: str, rule: dict[str, Any], code: str, message: str
) -> None:
    err = client_error(
        s3.put_bucket_lifecycle_configuration, Bucket=bucket, LifecycleConfiguration={"Rules": [rule]}
    )
    assert (err["Code"], err["Message"], err["Status"]) == (code, message, 400)
    assert (
        client_error(s3.get_bucket_lifecycle_configuration, Bucket=bucket)["Code"]
        == "NoSuchLifecycleConfiguration"
    )


def test_logging_target_validation(s3: Any, make_client: Any, bucket: str) -> None:
    status = {"LoggingEnabled": {"TargetBucket": "no-such-target-bucket", "TargetPrefix": "logs/"}}
    err = client_error(s3.put_bucket_logging, Bucket=bucket, BucketLoggingStatus=status)
    assert (err["Code"], err["Message"], err["TargetBucket"]) == (
        "InvalidTargetBucketForLogging",
        "The target bucket for logging does not exist",
        "no-such-target-bucket",
    )
    elsewhere = make_client("s3", region="eu-west-1")
    elsewhere.create_bucket(
        Bucket=bucket + "-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    status["LoggingEnabled"]["TargetBucket"] = bucket + "-eu"
    err = client_error(s3.put_bucket_logging, Bucket=bucket, BucketLoggingStatus=status)
    assert (err["Code"], err["Message"]) == (
        "CrossLocationLoggingProhibitted",
        "Cross S3 location logging not allowed. ",
    )
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=bucket)
    s3.create_bucket(Bucket=bucket + "-logs")
    status["LoggingEnabled"]["TargetBucket"] = bucket + "-logs"
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus=status)
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]["TargetBucket"] == bucket + "-logs"


def test_head_of_a_delete_marker(s3: Any, versioned: str) -> None:
    s3.put_object(Bucket=versioned, Key="k", Body=b"x")
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    err = client_error(s3.head_object, Bucket=versioned, Key="k", VersionId=marker)
    assert err["Status"] == 405
    assert err["Headers"]["allow"] == "DELETE"
    assert err["Headers"]["x-amz-delete-marker"] == "true"
    latest = client_error(s3.head_object, Bucket=versioned, Key="k")
    assert latest["Status"] == 404 and latest["Headers"]["x-amz-delete-marker"] == "true"
    assert "allow" not in latest["Headers"]
    got = client_error(s3.get_object, Bucket=versioned, Key="k", VersionId=marker)
    assert (got["Code"], got["Message"], got["Headers"]["allow"]) == (
        "MethodNotAllowed",
        "The specified method is not allowed against this resource.",
        "DELETE",
    )


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ([5], "Invalid policy syntax."),
        ("text", "Invalid policy syntax."),
        (
            [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
            "Missing required field Principal",
        ),
        (
            [{"Effect": "Maybe", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}],
            "Invalid effect: Maybe",
        ),
        (
            [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}],
            "Policy has invalid action",
        ),
        (
            [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::other-bucket/*",
                }
            ],
            "Policy has invalid resource",
        ),
    ],
)
def test_malformed_bucket_policies(s3: Any, bucket: str, statement: Any, message: str) -> None:
    policy = json.dumps({"Version": "2012-10-17", "Statement": statement})
    err = client_error(s3.put_bucket_policy, Bucket=bucket, Policy=policy)
    assert (err["Code"], err["Message"], err["Status"]) == ("MalformedPolicy", message, 400)
    assert client_error(s3.get_bucket_policy, Bucket=bucket)["Code"] == "NoSuchBucketPolicy"


def test_object_torrent(s3: Any, bucket: str) -> None:
    import hashlib

    from awsmock.services.s3.torrent import PIECE_LENGTH

    body = bytes(range(256)) * 2048  # 512 KiB + a partial piece below
    body += b"tail"
    s3.put_object(Bucket=bucket, Key="dir/file.bin", Body=body)
    torrent = s3.get_object_torrent(Bucket=bucket, Key="dir/file.bin")["Body"].read()
    pieces = b"".join(
        hashlib.sha1(body[i : i + PIECE_LENGTH]).digest() for i in range(0, len(body), PIECE_LENGTH)
    )
    assert len(pieces) == 3 * 20
    info = (
        b"d6:lengthi%de4:name8:file.bin12:piece lengthi262144e6:pieces60:" % len(body)
        + pieces
        + b"12:x-amz-bucket%d:%s9:x-amz-key12:dir/file.bine" % (len(bucket), bucket.encode())
    )
    assert info in torrent
    assert torrent.startswith(b"d8:announce42:http://tracker.amazonaws.com:6969/announce")
    assert client_error(s3.get_object_torrent, Bucket=bucket, Key="missing")["Code"] == "NoSuchKey"
