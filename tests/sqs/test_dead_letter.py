"""Dead-letter queues: maxReceiveCount moves messages; message move tasks redrive them."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

#: moves between queues in PostgreSQL's transactions
pytestmark = pytest.mark.modes("postgres")


def _arn(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def _with_dlq(sqs, new_queue, fifo=False, max_receives=2):
    extra = {"ContentBasedDeduplication": "true"} if fifo else {}
    dlq = new_queue(fifo=fifo, **extra)
    src = new_queue(
        fifo=fifo,
        RedrivePolicy=json.dumps({"deadLetterTargetArn": _arn(sqs, dlq), "maxReceiveCount": max_receives}),
        **extra,
    )
    return src, dlq


def test_max_receive_count_moves_message(sqs, new_queue):
    src, dlq = _with_dlq(sqs, new_queue, max_receives=2)
    sqs.send_message(QueueUrl=src, MessageBody="poison")
    for _ in range(2):
        assert len(sqs.receive_message(QueueUrl=src, VisibilityTimeout=0)["Messages"]) == 1
    assert "Messages" not in sqs.receive_message(QueueUrl=src, VisibilityTimeout=0)
    moved = sqs.receive_message(QueueUrl=dlq, MessageSystemAttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in moved] == ["poison"]
    assert moved[0]["Attributes"]["DeadLetterQueueSourceArn"] == _arn(sqs, src)


def test_fifo_dead_letter_keeps_group_order(sqs, new_queue):
    src, dlq = _with_dlq(sqs, new_queue, fifo=True, max_receives=1)
    for i in range(3):
        sqs.send_message(QueueUrl=src, MessageBody=f"m{i}", MessageGroupId="g")
    got = sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=1, VisibilityTimeout=0)["Messages"]
    assert [m["Body"] for m in got] == ["m0"]
    rest = sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in rest] == ["m1", "m2"]
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]] == [
        "m0"
    ]


def test_message_move_task_back_to_source(sqs, new_queue):
    src, dlq = _with_dlq(sqs, new_queue, max_receives=1)
    sqs.send_message_batch(QueueUrl=src, Entries=[{"Id": str(i), "MessageBody": str(i)} for i in range(3)])
    for _ in range(3):
        sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10, VisibilityTimeout=0)
    attrs = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"
    ]
    assert attrs["ApproximateNumberOfMessages"] == "3"
    handle = sqs.start_message_move_task(SourceArn=_arn(sqs, dlq))["TaskHandle"]
    assert handle
    tasks = sqs.list_message_move_tasks(SourceArn=_arn(sqs, dlq))["Results"]
    assert tasks[0]["Status"] == "COMPLETED"
    assert tasks[0]["ApproximateNumberOfMessagesMoved"] == 3
    assert tasks[0]["ApproximateNumberOfMessagesToMove"] == 3
    assert tasks[0]["SourceArn"] == _arn(sqs, dlq)
    back = []
    for _ in range(5):
        back += sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10).get("Messages", [])
    assert sorted(m["Body"] for m in back) == ["0", "1", "2"]


def test_message_move_task_to_destination_and_cancel(sqs, new_queue):
    src, dlq = _with_dlq(sqs, new_queue, max_receives=1)
    other = new_queue()
    sqs.send_message_batch(QueueUrl=src, Entries=[{"Id": str(i), "MessageBody": str(i)} for i in range(5)])
    for _ in range(5):
        sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10, VisibilityTimeout=0)
    handle = sqs.start_message_move_task(
        SourceArn=_arn(sqs, dlq), DestinationArn=_arn(sqs, other), MaxNumberOfMessagesPerSecond=1
    )["TaskHandle"]
    with pytest.raises(ClientError):  # one active task per source
        sqs.start_message_move_task(SourceArn=_arn(sqs, dlq))
    running = sqs.list_message_move_tasks(SourceArn=_arn(sqs, dlq), MaxResults=10)["Results"]
    assert running[0]["Status"] == "RUNNING"
    assert running[0]["TaskHandle"] == handle
    assert running[0]["DestinationArn"] == _arn(sqs, other)
    assert running[0]["MaxNumberOfMessagesPerSecond"] == 1
    moved = sqs.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"]
    assert 0 <= moved < 5
    tasks = sqs.list_message_move_tasks(SourceArn=_arn(sqs, dlq))["Results"]
    assert tasks[0]["Status"] == "CANCELLED"
    with pytest.raises(ClientError):
        sqs.cancel_message_move_task(TaskHandle=handle)


def test_move_task_requires_dead_letter_source(sqs, new_queue):
    plain = new_queue()
    with pytest.raises(ClientError) as exc:
        sqs.start_message_move_task(SourceArn=_arn(sqs, plain))
    assert exc.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        sqs.cancel_message_move_task(TaskHandle="bm9wZQ==")
    assert exc.value.response["Error"]["Code"] == "ResourceNotFoundException"
