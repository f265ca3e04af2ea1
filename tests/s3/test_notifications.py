"""S3 event notifications: the configuration's checks (event types, filter rules, overlapping
filters, destinations that must exist and let S3 send), the s3:TestEvent, object events with
S3's record shape to SQS and SNS in the writing request, filters, and EventBridge events."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import urllib3

from awsmock.inprocess import wsgi_call
from tests.s3.helpers import client_error

ACCOUNT = "123456789012"


@pytest.fixture
def sqs(aws_client: Callable[..., Any]) -> Any:
    return aws_client("sqs")


@pytest.fixture
def sns(aws_client: Callable[..., Any]) -> Any:
    return aws_client("sns")


@pytest.fixture
def events(aws_client: Callable[..., Any]) -> Any:
    return aws_client("events")


def _s3_policy(resource: str, action: str, bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "s3.amazonaws.com"},
                    "Action": action,
                    "Resource": resource,
                    "Condition": {
                        "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{bucket}"},
                        "StringEquals": {"aws:SourceAccount": ACCOUNT},
                    },
                }
            ],
        }
    )


@pytest.fixture
def new_queue(sqs: Any) -> Callable[..., tuple[str, str]]:
    def make(allow_bucket: str | None = None, **attributes: str) -> tuple[str, str]:
        name = f"q-{uuid.uuid4().hex[:10]}" + (".fifo" if attributes.get("FifoQueue") else "")
        arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:{name}"
        if allow_bucket is not None:
            attributes["Policy"] = _s3_policy(arn, "sqs:SendMessage", allow_bucket)
        url: str = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        return url, arn

    return make


@pytest.fixture
def received(sqs: Any) -> Callable[[str], list[Any]]:
    def read(url: str) -> list[Any]:
        out: list[Any] = []
        while True:
            got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not got:
                return out
            out += [json.loads(m["Body"]) for m in got]

    return read


def _records(bodies: list[Any]) -> list[dict[str, Any]]:
    """The records of the S3 event messages among ``bodies`` (test events left out)."""
    return [r for body in bodies if "Records" in body for r in body["Records"]]


def _queue_config(
    arn: str, events: list[str], prefix: str | None = None, suffix: str | None = None, **extra: Any
) -> dict[str, Any]:
    config: dict[str, Any] = {"QueueArn": arn, "Events": events, **extra}
    rules = [{"Name": n, "Value": v} for n, v in (("prefix", prefix), ("suffix", suffix)) if v is not None]
    if rules:
        config["Filter"] = {"Key": {"FilterRules": rules}}
    return config


# -- the configuration ----------------------------------------------------------------------


def test_put_sends_the_test_event_and_get_returns_the_configuration(
    s3: Any, bucket: str, new_queue: Any, received: Any
) -> None:
    url, arn = new_queue(allow_bucket=bucket)
    config = _queue_config(arn, ["s3:ObjectCreated:*"], prefix="in/", Id="created")
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [config]}
    )
    [test] = received(url)
    assert set(test) == {"Service", "Event", "Time", "Bucket", "RequestId", "HostId"}
    assert (test["Service"], test["Event"], test["Bucket"]) == ("Amazon S3", "s3:TestEvent", bucket)
    assert test["Time"].endswith("Z") and len(test["RequestId"]) == 16
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    config["Filter"]["Key"]["FilterRules"][0]["Name"] = "Prefix"  # (as S3 answers the name)
    assert got["QueueConfigurations"] == [config]
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="in/a", Body=b"x")
    assert received(url) == []


def test_destinations_must_exist_and_allow_s3(
    s3: Any, sqs: Any, bucket: str, new_queue: Any, received: Any
) -> None:
    good_url, good = new_queue(allow_bucket=bucket)
    _closed_url, closed = new_queue(allow_bucket="some-other-bucket")
    missing = f"arn:aws:sqs:us-east-1:{ACCOUNT}:no-such-queue"
    doc = {
        "QueueConfigurations": [
            _queue_config(good, ["s3:ObjectCreated:*"]),
            _queue_config(closed, ["s3:ObjectRemoved:*"]),
            _queue_config(missing, ["s3:ObjectRestore:*"]),
        ]
    }
    err = client_error(s3.put_bucket_notification_configuration, Bucket=bucket, NotificationConfiguration=doc)
    assert (err["Code"], err["Message"], err["Status"]) == (
        "InvalidArgument",
        "Unable to validate the following destination configurations",
        400,
    )
    assert (err["ArgumentName1"], err["ArgumentName2"]) == (closed, missing)
    refused = "Permissions on the destination queue do not allow S3 to publish notifications from this bucket"
    assert err["ArgumentValue1"] == err["ArgumentValue2"] == refused
    # nothing kept, and the test event the good queue was sent went with the failed request
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)
    assert received(good_url) == []
    # SkipDestinationValidation: stored as given, no test event
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration=doc, SkipDestinationValidation=True
    )
    assert len(s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"]) == 3
    assert received(good_url) == []


def test_a_destination_in_another_region_is_refused(
    s3: Any, bucket: str, aws_client: Callable[..., Any]
) -> None:
    far = aws_client("sqs", region="eu-west-1")
    name = f"q-{uuid.uuid4().hex[:10]}"
    arn = f"arn:aws:sqs:eu-west-1:{ACCOUNT}:{name}"
    far.create_queue(QueueName=name, Attributes={"Policy": _s3_policy(arn, "sqs:SendMessage", bucket)})
    doc = {"QueueConfigurations": [_queue_config(arn, ["s3:ObjectCreated:*"])]}
    err = client_error(s3.put_bucket_notification_configuration, Bucket=bucket, NotificationConfiguration=doc)
    assert (err["Code"], err["ArgumentName1"]) == ("InvalidArgument", arn)


def test_topic_destination_and_lambda_arn_shape(s3: Any, sns: Any, bucket: str) -> None:
    topic = sns.create_topic(Name=f"t-{uuid.uuid4().hex[:8]}")["TopicArn"]
    sns.set_topic_attributes(
        TopicArn=topic,
        AttributeName="Policy",
        AttributeValue=_s3_policy(topic, "sns:Publish", "not-this-one"),
    )
    doc = {
        "TopicConfigurations": [{"TopicArn": topic, "Events": ["s3:ObjectCreated:*"]}],
        "LambdaFunctionConfigurations": [
            {"LambdaFunctionArn": "arn:aws:lambda:nowhere", "Events": ["s3:ObjectRemoved:*"]}
        ],
    }
    err = client_error(s3.put_bucket_notification_configuration, Bucket=bucket, NotificationConfiguration=doc)
    assert (err["ArgumentName1"], err["ArgumentValue1"]) == (
        topic,
        "Permissions on the destination topic do not allow S3 to publish notifications from this bucket",
    )
    assert (err["ArgumentName2"], err["ArgumentValue2"]) == (
        "arn:aws:lambda:nowhere",
        "Not authorized to invoke function [arn:aws:lambda:nowhere]",
    )


@pytest.mark.parametrize(
    ("configs", "message"),
    [
        (
            [(["s3:ObjectCreated:*"], "a/", None), (["s3:ObjectCreated:Put"], "a/b", None)],
            "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the "
            "prefixes are overlapping for the same event type.",
        ),
        (
            [(["s3:ObjectCreated:*"], None, ".jpg"), (["s3:ObjectCreated:Copy"], None, "x.jpg")],
            "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the "
            "prefixes are overlapping for the same event type.",
        ),
        ([(["s3:ObjectCreated:Nope"], None, None)], "The event is not supported for notifications"),
    ],
)
def test_configuration_errors(s3: Any, bucket: str, configs: list[Any], message: str) -> None:
    queue = f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"
    doc = {"QueueConfigurations": [_queue_config(queue, ev, p, s) for ev, p, s in configs]}
    err = client_error(
        s3.put_bucket_notification_configuration,
        Bucket=bucket,
        NotificationConfiguration=doc,
        SkipDestinationValidation=True,
    )
    assert (err["Code"], err["Message"]) == ("InvalidArgument", message)
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)


def test_filters_that_do_not_overlap_and_bad_rules(s3: Any, bucket: str) -> None:
    queue = f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"
    fine = {
        "QueueConfigurations": [
            _queue_config(queue, ["s3:ObjectCreated:*"], "images/", ".jpg"),
            _queue_config(queue, ["s3:ObjectCreated:*"], "images/", ".png"),
            _queue_config(queue, ["s3:ObjectRemoved:*"], "images/", ".jpg"),
        ]
    }
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration=fine, SkipDestinationValidation=True
    )
    two_prefixes = {
        "QueueConfigurations": [
            {
                "QueueArn": queue,
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {
                    "Key": {
                        "FilterRules": [{"Name": "prefix", "Value": "a"}, {"Name": "Prefix", "Value": "b"}]
                    }
                },
            }
        ]
    }
    err = client_error(
        s3.put_bucket_notification_configuration,
        Bucket=bucket,
        NotificationConfiguration=two_prefixes,
        SkipDestinationValidation=True,
    )
    assert (err["Code"], err["Message"]) == (
        "InvalidArgument",
        "Cannot specify more than one prefix rule in a filter.",
    )
    assert len(s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"]) == 3


# -- object events ----------------------------------------------------------------------------


def test_object_created_record_shape(s3: Any, bucket: str, new_queue: Any, received: Any) -> None:
    url, arn = new_queue(allow_bucket=bucket)
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [_queue_config(arn, ["s3:ObjectCreated:*"], Id="cfg")]
        },
    )
    received(url)  # the test event
    answer = s3.put_object(Bucket=bucket, Key="dir/red flower(1).jpg", Body=b"hello")
    [record] = _records(received(url))  # receivable as soon as PutObject returned
    assert record["eventVersion"] == "2.1"
    assert (record["eventSource"], record["awsRegion"], record["eventName"]) == (
        "aws:s3",
        "us-east-1",
        "ObjectCreated:Put",
    )
    assert record["eventTime"].endswith("Z") and record["eventTime"][19] == "."
    assert record["userIdentity"] == {"principalId": ACCOUNT}
    assert record["requestParameters"] == {"sourceIPAddress": "127.0.0.1"}
    headers = answer["ResponseMetadata"]["HTTPHeaders"]
    assert record["responseElements"] == {
        "x-amz-request-id": headers["x-amz-request-id"],
        "x-amz-id-2": headers["x-amz-id-2"],
    }
    s3_part = record["s3"]
    assert (s3_part["s3SchemaVersion"], s3_part["configurationId"]) == ("1.0", "cfg")
    assert s3_part["bucket"] == {
        "name": bucket,
        "ownerIdentity": {"principalId": ACCOUNT},
        "arn": f"arn:aws:s3:::{bucket}",
    }
    obj = s3_part["object"]
    assert obj["key"] == "dir/red+flower%281%29.jpg"
    assert (obj["size"], obj["eTag"]) == (5, answer["ETag"].strip('"'))
    assert "versionId" not in obj and isinstance(obj["sequencer"], str)


def test_each_way_of_creating_and_removing(s3: Any, versioned: str, new_queue: Any, received: Any) -> None:
    bucket = versioned
    url, arn = new_queue(allow_bucket=bucket)
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [_queue_config(arn, ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"])]
        },
    )
    received(url)
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"1")["VersionId"]
    s3.copy_object(Bucket=bucket, Key="k2", CopySource={"Bucket": bucket, "Key": "k"})
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="big", UploadId=upload, PartNumber=1, Body=b"p")
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="big",
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    marker = s3.delete_object(Bucket=bucket, Key="k")["VersionId"]
    s3.delete_object(Bucket=bucket, Key="k", VersionId=v1)
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "k2"}, {"Key": "big"}], "Quiet": True})
    records = _records(received(url))
    names = sorted((r["eventName"], r["s3"]["object"]["key"]) for r in records)
    assert names == [
        ("ObjectCreated:CompleteMultipartUpload", "big"),
        ("ObjectCreated:Copy", "k2"),
        ("ObjectCreated:Put", "k"),
        ("ObjectRemoved:Delete", "k"),
        ("ObjectRemoved:DeleteMarkerCreated", "big"),
        ("ObjectRemoved:DeleteMarkerCreated", "k"),
        ("ObjectRemoved:DeleteMarkerCreated", "k2"),
    ]
    by = {(r["eventName"], r["s3"]["object"]["key"]): r["s3"]["object"] for r in records}
    assert by[("ObjectCreated:Put", "k")]["versionId"] == v1
    assert by[("ObjectRemoved:DeleteMarkerCreated", "k")]["versionId"] == marker
    assert by[("ObjectRemoved:Delete", "k")]["versionId"] == v1
    assert "size" not in by[("ObjectRemoved:Delete", "k")]
    assert by[("ObjectCreated:CompleteMultipartUpload", "big")]["eTag"].endswith("-1")


def test_filters_and_event_types_choose_the_destination(
    s3: Any, bucket: str, new_queue: Any, received: Any
) -> None:
    jpg_url, jpg = new_queue(allow_bucket=bucket)
    removed_url, removed = new_queue(allow_bucket=bucket)
    tags_url, tags = new_queue(allow_bucket=bucket)
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                _queue_config(jpg, ["s3:ObjectCreated:Put"], prefix="images/", suffix=".jpg"),
                _queue_config(removed, ["s3:ObjectRemoved:Delete"]),
                _queue_config(tags, ["s3:ObjectTagging:*", "s3:ObjectAcl:Put"]),
            ]
        },
    )
    for url in (jpg_url, removed_url, tags_url):
        received(url)
    for key in ("images/a.jpg", "images/a.png", "other/a.jpg", "images/b.jpg"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    s3.put_object_tagging(Bucket=bucket, Key="images/a.png", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    s3.delete_object_tagging(Bucket=bucket, Key="images/a.png")
    s3.put_object_acl(Bucket=bucket, Key="images/a.png", ACL="private")
    s3.delete_object(Bucket=bucket, Key="other/a.jpg")
    assert sorted(r["s3"]["object"]["key"] for r in _records(received(jpg_url))) == [
        "images/a.jpg",
        "images/b.jpg",
    ]
    [gone] = _records(received(removed_url))
    assert (gone["eventName"], gone["s3"]["object"]["key"]) == ("ObjectRemoved:Delete", "other/a.jpg")
    tagged = _records(received(tags_url))
    assert [(r["eventName"], r["eventVersion"]) for r in tagged] == [
        ("ObjectTagging:Put", "2.3"),
        ("ObjectTagging:Delete", "2.3"),
        ("ObjectAcl:Put", "2.3"),
    ]


def test_a_post_upload_is_object_created_post(
    app: Any, s3: Any, bucket: str, new_queue: Any, received: Any
) -> None:
    url, arn = new_queue(allow_bucket=bucket)
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={"QueueConfigurations": [_queue_config(arn, ["s3:ObjectCreated:Post"])]},
    )
    received(url)
    s3.put_object(Bucket=bucket, Key="up/not-a-post", Body=b"x")
    form = s3.generate_presigned_post(bucket, "up/${filename}")
    body, ctype = urllib3.encode_multipart_formdata([*form["fields"].items(), ("file", ("f.txt", b"data"))])
    headers = {"Content-Type": ctype, "Content-Length": str(len(body))}
    status, _headers, _answer = wsgi_call(app, "POST", form["url"], headers, io.BytesIO(body))
    assert status == 204
    [record] = _records(received(url))
    assert (record["eventName"], record["s3"]["object"]["key"], record["s3"]["object"]["size"]) == (
        "ObjectCreated:Post",
        "up/f.txt",
        4,
    )


def test_restore_initiated_and_completed(s3: Any, bucket: str, new_queue: Any, received: Any) -> None:
    url, arn = new_queue(allow_bucket=bucket)
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={"QueueConfigurations": [_queue_config(arn, ["s3:ObjectRestore:*"])]},
    )
    received(url)
    s3.put_object(Bucket=bucket, Key="cold", Body=b"x", StorageClass="GLACIER")
    s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 2})
    post, done = _records(received(url))
    assert (post["eventName"], done["eventName"]) == ("ObjectRestore:Post", "ObjectRestore:Completed")
    restore = done["glacierEventData"]["restoreEventData"]
    assert restore["lifecycleRestoreStorageClass"] == "GLACIER"
    assert restore["lifecycleRestorationExpiryTime"].endswith("T00:00:00.000Z")


def test_sns_destination_gets_the_records(
    s3: Any, sns: Any, sqs: Any, bucket: str, new_queue: Any, received: Any
) -> None:
    topic = sns.create_topic(Name=f"t-{uuid.uuid4().hex[:8]}")["TopicArn"]
    sns.set_topic_attributes(
        TopicArn=topic, AttributeName="Policy", AttributeValue=_s3_policy(topic, "sns:Publish", bucket)
    )
    url, arn = new_queue()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "TopicConfigurations": [{"TopicArn": topic, "Events": ["s3:ObjectCreated:*"]}]
        },
    )
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    envelopes = received(url)
    assert [e["Subject"] for e in envelopes] == ["Amazon S3 Notification", "Amazon S3 Notification"]
    test, event = (json.loads(e["Message"]) for e in envelopes)
    assert test["Event"] == "s3:TestEvent"
    assert event["Records"][0]["eventName"] == "ObjectCreated:Put"


def test_a_policy_that_no_longer_allows_s3_gets_nothing(
    s3: Any, sqs: Any, bucket: str, new_queue: Any, received: Any
) -> None:
    url, arn = new_queue(allow_bucket=bucket)
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={"QueueConfigurations": [_queue_config(arn, ["s3:ObjectCreated:*"])]},
    )
    received(url)
    sqs.set_queue_attributes(
        QueueUrl=url, Attributes={"Policy": _s3_policy(arn, "sqs:SendMessage", "other-bucket")}
    )
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")  # the write succeeds; the queue gets nothing
    assert received(url) == []
    assert s3.get_object(Bucket=bucket, Key="a")["Body"].read() == b"x"


# -- EventBridge ------------------------------------------------------------------------------


def test_eventbridge_events(s3: Any, events: Any, versioned: str, new_queue: Any, received: Any) -> None:
    bucket = versioned
    url, arn = new_queue()
    events.put_rule(
        Name="s3-objects",
        EventPattern=json.dumps({"source": ["aws.s3"], "detail": {"bucket": {"name": [bucket]}}}),
    )
    events.put_targets(Rule="s3-objects", Targets=[{"Id": "q", "Arn": arn}])
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}}
    )
    assert s3.get_bucket_notification_configuration(Bucket=bucket)["EventBridgeConfiguration"] == {}
    assert received(url) == []  # no test event on EventBridge
    put = s3.put_object(Bucket=bucket, Key="a b", Body=b"hello")
    s3.put_object_tagging(Bucket=bucket, Key="a b", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    marker = s3.delete_object(Bucket=bucket, Key="a b")["VersionId"]
    created, tagged, deleted = received(url)
    assert (created["source"], created["detail-type"], created["account"], created["region"]) == (
        "aws.s3",
        "Object Created",
        ACCOUNT,
        "us-east-1",
    )
    assert created["resources"] == [f"arn:aws:s3:::{bucket}"]
    detail = created["detail"]
    assert detail["version"] == "0" and detail["bucket"] == {"name": bucket}
    assert detail["object"]["key"] == "a b"
    assert (detail["object"]["size"], detail["object"]["etag"]) == (5, put["ETag"].strip('"'))
    assert detail["object"]["version-id"] == put["VersionId"]
    assert (detail["requester"], detail["reason"]) == (ACCOUNT, "PutObject")
    assert detail["request-id"] == put["ResponseMetadata"]["HTTPHeaders"]["x-amz-request-id"]
    assert detail["source-ip-address"] == "127.0.0.1"
    assert tagged["detail-type"] == "Object Tags Added"
    assert deleted["detail-type"] == "Object Deleted"
    assert (deleted["detail"]["reason"], deleted["detail"]["deletion-type"]) == (
        "DeleteObject",
        "Delete Marker Created",
    )
    assert deleted["detail"]["object"]["version-id"] == marker


def test_a_bucket_without_notifications_sends_nothing(
    s3: Any, sqs: Any, bucket: str, new_queue: Any, received: Any
) -> None:
    url, _arn = new_queue()
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="a")
    assert received(url) == []
