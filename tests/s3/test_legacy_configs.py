"""The deprecated Get/PutBucketNotification and Get/PutBucketLifecycle: the old document shapes,
the same configuration as their successors read and write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.s3.helpers import client_error


@pytest.fixture
def queue_arn(aws_client: Callable[..., Any], bucket: str) -> str:
    sqs = aws_client("sqs")
    url = sqs.create_queue(QueueName="legacy-events")["QueueUrl"]
    return str(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])


def test_legacy_notification_round_trip(s3: Any, bucket: str, queue_arn: str) -> None:
    empty = s3.get_bucket_notification(Bucket=bucket)
    assert "QueueConfiguration" not in empty and "TopicConfiguration" not in empty
    s3.put_bucket_notification(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfiguration": {"Id": "old", "Event": "s3:ObjectCreated:*", "Queue": queue_arn}
        },
    )
    got = s3.get_bucket_notification(Bucket=bucket)["QueueConfiguration"]
    assert (got["Id"], got["Event"], got["Events"], got["Queue"]) == (
        "old",
        "s3:ObjectCreated:*",
        ["s3:ObjectCreated:*"],
        queue_arn,
    )
    assert s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"] == [
        {"Id": "old", "QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"]}
    ]


def test_legacy_notification_checks_the_destination(s3: Any, bucket: str) -> None:
    missing = "arn:aws:sqs:us-east-1:123456789012:no-such-queue"
    err = client_error(
        s3.put_bucket_notification,
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfiguration": {"Events": ["s3:ObjectCreated:*"], "Queue": missing}
        },
    )
    assert (err["Code"], err["Message"]) == (
        "InvalidArgument",
        "Unable to validate the following destination configurations",
    )
    bad_event = client_error(
        s3.put_bucket_notification,
        Bucket=bucket,
        NotificationConfiguration={"QueueConfiguration": {"Event": "s3:Nope", "Queue": missing}},
    )
    assert (bad_event["Code"], bad_event["Message"]) == (
        "InvalidArgument",
        "The event is not supported for notifications",
    )


def test_legacy_lifecycle_round_trip(s3: Any, bucket: str) -> None:
    err = client_error(s3.get_bucket_lifecycle, Bucket=bucket)
    assert (err["Code"], err["Message"], err["Status"]) == (
        "NoSuchLifecycleConfiguration",
        "The lifecycle configuration does not exist",
        404,
    )
    rule = {
        "ID": "logs",
        "Prefix": "logs/",
        "Status": "Enabled",
        "Expiration": {"Days": 30},
        "Transition": {"Days": 1, "StorageClass": "GLACIER"},
    }
    s3.put_bucket_lifecycle(Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})
    assert s3.get_bucket_lifecycle(Bucket=bucket)["Rules"] == [rule]
    [current] = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert current["Prefix"] == "logs/" and current["Transitions"] == [{"Days": 1, "StorageClass": "GLACIER"}]
    # a rule written with a Filter: the old shape has no Filter, so no Prefix either (one answer
    # serves both operations, as on S3)
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {"ID": "new", "Filter": {"Prefix": "tmp/"}, "Status": "Disabled", "Expiration": {"Days": 2}}
            ]
        },
    )
    assert s3.get_bucket_lifecycle(Bucket=bucket)["Rules"] == [
        {"ID": "new", "Status": "Disabled", "Expiration": {"Days": 2}}
    ]


def test_legacy_lifecycle_is_validated(s3: Any, bucket: str) -> None:
    err = client_error(
        s3.put_bucket_lifecycle,
        Bucket=bucket,
        LifecycleConfiguration={"Rules": [{"ID": "x", "Prefix": "", "Status": "Enabled"}]},
    )
    assert (err["Code"], err["Message"]) == (
        "InvalidRequest",
        "At least one action needs to be specified in a rule",
    )
