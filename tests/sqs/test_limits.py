"""SQS's limits as AWS has them since 2025: 1 MiB messages and batches, AddPermission's checks,
the 12 hours a received message may stay invisible."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from botocore.exceptions import ClientError

T0 = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)


def _error(call: Callable[..., Any], **kw: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as exc:
        call(**kw)
    err = exc.value.response["Error"]
    return err["Code"], err["Message"]


@pytest.fixture
def sqs(inprocess_client: Callable[..., Any]) -> Any:
    return inprocess_client("sqs")


def test_a_message_of_one_mib_is_accepted_and_one_byte_more_refused(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="big")["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["MaximumMessageSize"])["Attributes"]
    assert attrs == {"MaximumMessageSize": "1048576"}
    sqs.send_message(QueueUrl=url, MessageBody="x" * 1_048_576)
    assert len(sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"]) == 1_048_576
    assert _error(sqs.send_message, QueueUrl=url, MessageBody="x" * 1_048_577) == (
        "InvalidParameterValue",
        "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.",
    )
    code, _ = _error(sqs.create_queue, QueueName="too-big", Attributes={"MaximumMessageSize": "1048577"})
    assert code == "InvalidAttributeValue"
    small = sqs.create_queue(QueueName="older", Attributes={"MaximumMessageSize": "262144"})["QueueUrl"]
    assert _error(sqs.send_message, QueueUrl=small, MessageBody="x" * 262_145)[1].endswith(
        "Message must be shorter than 262144 bytes."
    )


def test_a_batch_may_carry_one_mib_in_all(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="batch")["QueueUrl"]
    entries = [{"Id": str(i), "MessageBody": "x" * 104_857} for i in range(10)]
    assert len(sqs.send_message_batch(QueueUrl=url, Entries=entries)["Successful"]) == 10
    entries[0]["MessageBody"] += "x" * 7
    assert _error(sqs.send_message_batch, QueueUrl=url, Entries=entries) == (
        "AWS.SimpleQueueService.BatchRequestTooLong",
        "Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.",
    )


def test_add_permission_checks_its_input_as_sqs_does(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="shared")["QueueUrl"]
    account = ["111122223333"]
    assert _error(
        sqs.add_permission, QueueUrl=url, Label="x", AWSAccountIds=account, Actions=["CreateQueue"]
    ) == (
        "InvalidParameterValue",
        "Value SQS:CreateQueue for parameter ActionName is invalid. "
        "Reason: Only the queue owner is allowed to invoke this action.",
    )
    assert _error(
        sqs.add_permission, QueueUrl=url, Label="x", AWSAccountIds=account, Actions=["SendMessageBatch"]
    ) == (
        "InvalidParameterValue",
        "Value SQS:SendMessageBatch for parameter ActionName is invalid. "
        "Reason: Please refer to the appropriate WSDL for a list of valid actions.",
    )
    eight = [
        "SendMessage",
        "ReceiveMessage",
        "DeleteMessage",
        "ChangeMessageVisibility",
        "GetQueueAttributes",
        "GetQueueUrl",
        "PurgeQueue",
        "ListDeadLetterSourceQueues",
    ]
    with pytest.raises(ClientError) as exc:
        sqs.add_permission(QueueUrl=url, Label="x", AWSAccountIds=account, Actions=eight)
    assert exc.value.response["Error"]["Message"] == "8 Actions were found, maximum allowed is 7."
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert _error(sqs.add_permission, QueueUrl=url, Label="x", AWSAccountIds=[], Actions=["SendMessage"]) == (
        "InvalidParameterValue",
        "Value [] for parameter PrincipalId is invalid. Reason: Unable to verify.",
    )
    assert _error(
        sqs.add_permission, QueueUrl=url, Label="bad label!", AWSAccountIds=account, Actions=["SendMessage"]
    )[1] == (
        "Value bad label! for parameter Label is invalid. Reason: Can only include alphanumeric characters, "
        "hyphens, or underscores. 1 to 80 in length."
    )
    assert "Policy" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    sqs.add_permission(QueueUrl=url, Label="x", AWSAccountIds=account, Actions=["*", "SendMessage"])
    policy = json.loads(
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"]
    )
    assert policy["Statement"][0]["Action"] == ["SQS:*", "SQS:SendMessage"]


def test_visibility_may_not_reach_past_twelve_hours_from_the_receive(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="slow")["QueueUrl"]
    with time_machine.travel(T0, tick=False) as clock:
        sqs.send_message(QueueUrl=url, MessageBody="m")
        handle = sqs.receive_message(QueueUrl=url, VisibilityTimeout=30)["Messages"][0]["ReceiptHandle"]
        clock.shift(10)
        code, message = _error(
            sqs.change_message_visibility, QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=43_191
        )
        assert (code, message) == (
            "InvalidParameterValue",
            "Value 43191 for parameter VisibilityTimeout is invalid. "
            "Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds].",
        )
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=43_190)
        clock.shift(43_000)
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=190)
        failed = sqs.change_message_visibility_batch(
            QueueUrl=url, Entries=[{"Id": "a", "ReceiptHandle": handle, "VisibilityTimeout": 191}]
        )["Failed"]
        assert failed[0]["Code"] == "InvalidParameterValue" and "beyond the limit" in failed[0]["Message"]
        assert _error(sqs.receive_message, QueueUrl=url, VisibilityTimeout=43_201)[1] == (
            "Value 43201 for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided."
        )
