"""The JSON-family protocols end to end: real boto3 clients against the in-process app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

from tests.helpers import BOTO_CONFIG

NO_VALIDATION = BOTO_CONFIG.merge(BotoConfig(parameter_validation=False))


def test_sqs_json_errors_carry_legacy_codes(inprocess_client: Callable[..., Any]) -> None:
    sqs = inprocess_client("sqs")
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as info:
        sqs.get_queue_url(QueueName="no-such-queue")
    assert info.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_sqs_missing_parameter(inprocess_client: Callable[..., Any]) -> None:
    sqs = inprocess_client("sqs", config=NO_VALIDATION)
    with pytest.raises(ClientError) as info:
        sqs.get_queue_url()
    assert info.value.response["Error"]["Code"] == "MissingParameter"


def test_sqs_round_trip(inprocess_client: Callable[..., Any]) -> None:
    sqs = inprocess_client("sqs")
    url = sqs.create_queue(QueueName="q1", Attributes={"VisibilityTimeout": "7"})["QueueUrl"]
    assert sqs.get_queue_url(QueueName="q1")["QueueUrl"] == url
    body = "héllo ✓ <&>"
    sqs.send_message(
        QueueUrl=url,
        MessageBody=body,
        MessageAttributes={"bin": {"DataType": "Binary", "BinaryValue": b"\x00\xff"}},
    )
    msgs = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"]
    assert msgs[0]["Body"] == body
    assert msgs[0]["MessageAttributes"]["bin"]["BinaryValue"] == b"\x00\xff"


def test_dynamodb_errors(inprocess_client: Callable[..., Any]) -> None:
    ddb = inprocess_client("dynamodb")
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.describe_table(TableName="missing")
    raw = inprocess_client("dynamodb", config=NO_VALIDATION)
    with pytest.raises(ClientError) as info:
        raw.get_item(Key={})
    assert info.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: "
        "Member must not be null",
    }
