"""Sending, receiving, deleting messages; visibility; attributes and their MD5s."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import pytest
from botocore.exceptions import ClientError
from sqlalchemy import select

from awsmock.models.sqs import Message
from awsmock.services.sqs.md5 import md5_of_attributes

#: receives claim messages with PostgreSQL's row locks
pytestmark = pytest.mark.modes("postgres")


def _receive_all(sqs, url, n, **kw):
    out = []
    for _ in range(20):
        out += sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, **kw).get("Messages", [])
        if len(out) >= n:
            break
    return out


def test_send_receive_delete(sqs, new_queue):
    url = new_queue()
    sent = sqs.send_message(QueueUrl=url, MessageBody="hello")
    assert sent["MD5OfMessageBody"] == hashlib.md5(b"hello").hexdigest()
    msgs = sqs.receive_message(QueueUrl=url)["Messages"]
    assert len(msgs) == 1
    msg = msgs[0]
    assert msg["MessageId"] == sent["MessageId"]
    assert msg["Body"] == "hello"
    assert msg["MD5OfBody"] == sent["MD5OfMessageBody"]
    assert "Attributes" not in msg and "MessageAttributes" not in msg
    assert "Messages" not in sqs.receive_message(QueueUrl=url)  # in flight
    sqs.delete_message(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"])
    sqs.delete_message(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"])  # again: still fine
    assert "Messages" not in sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)


def test_unicode_body_roundtrip(sqs, new_queue):
    url = new_queue()
    body = "żółw 🐢 \t\n\r <xml & 'quotes'>"
    sent = sqs.send_message(QueueUrl=url, MessageBody=body)
    assert sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest()
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == body


def test_invalid_body(sqs, new_queue):
    url = new_queue()
    with pytest.raises(ClientError) as exc:
        sqs.send_message(QueueUrl=url, MessageBody="bad \x01 char")
    assert exc.value.response["Error"]["Code"] == "InvalidMessageContents"
    with pytest.raises(ClientError) as exc:
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1_048_577)
    err = exc.value.response["Error"]
    assert err["Code"] == "InvalidParameterValue"
    assert (
        err["Message"]
        == "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes."
    )
    small = new_queue(MaximumMessageSize=1024)
    with pytest.raises(ClientError):
        sqs.send_message(QueueUrl=small, MessageBody="x" * 1025)
    sqs.send_message(QueueUrl=small, MessageBody="x" * 1024)


def test_message_attributes_and_md5(sqs, new_queue):
    url = new_queue()
    attrs = {
        "attribName1": {"DataType": "String", "StringValue": "attribValue 1"},
        "customNumberTypeAttrib": {
            "DataType": "Number.float",
            "StringValue": "4563442423554324324264524243.32543234",
        },
        "binaryAttribute": {"DataType": "Binary", "BinaryValue": b"Hello binary world!"},
    }
    sent = sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes=attrs)
    assert sent["MD5OfMessageAttributes"] == "c932db14a896c663f83c260297d594ff"
    msg = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"][0]
    assert msg["MessageAttributes"] == attrs
    assert msg["MD5OfMessageAttributes"] == "c932db14a896c663f83c260297d594ff"


def test_message_attribute_name_filters(sqs, new_queue):
    url = new_queue()
    attrs = {
        "a.one": {"DataType": "String", "StringValue": "1"},
        "a.two": {"DataType": "Number", "StringValue": "2"},
        "b": {"DataType": "String", "StringValue": "3"},
    }
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes=attrs)
    msg = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["a.*"], VisibilityTimeout=0)["Messages"][0]
    assert set(msg["MessageAttributes"]) == {"a.one", "a.two"}
    assert msg["MD5OfMessageAttributes"] == md5_of_attributes({k: attrs[k] for k in ("a.one", "a.two")})
    msg = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["b"], VisibilityTimeout=0)["Messages"][0]
    assert set(msg["MessageAttributes"]) == {"b"}
    msg = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
    assert "MessageAttributes" not in msg


def test_md5_vectors():
    assert (
        md5_of_attributes({"attribName1": {"DataType": "String", "StringValue": "attribValue 1"}})
        == "19e27d4e946b072f3f58da80d94fd778"
    )
    assert (
        md5_of_attributes(
            {
                "customNumberTypeAttrib": {
                    "DataType": "Number.float",
                    "StringValue": "4563442423554324324264524243.32543234",
                }
            }
        )
        == "9fe1b90bbd9965bdf77bac517c7d2495"
    )
    assert (
        md5_of_attributes({"binaryAttribute": {"DataType": "Binary", "BinaryValue": b"Hello binary world!"}})
        == "31a92b15d92f8db860eda32aceb656c3"
    )
    assert md5_of_attributes({}) is None


@pytest.mark.parametrize(
    "attrs",
    [
        {"n": {"DataType": "String", "StringValue": ""}},
        {"n": {"DataType": "Weird", "StringValue": "x"}},
        {"n": {"DataType": "Number", "StringValue": "not a number"}},
        {"AWS.reserved": {"DataType": "String", "StringValue": "x"}},
        {f"k{i}": {"DataType": "String", "StringValue": "v"} for i in range(11)},
    ],
)
def test_invalid_message_attributes(sqs, new_queue, attrs):
    url = new_queue()
    with pytest.raises(ClientError) as exc:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes=attrs)
    assert exc.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_system_attributes(sqs, new_queue):
    url = new_queue()
    before = int(time.time() * 1000)
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody="x",
        MessageSystemAttributes={
            "AWSTraceHeader": {
                "DataType": "String",
                "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793",
            }
        },
    )
    assert sent["MD5OfMessageSystemAttributes"] == md5_of_attributes(
        {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793"}}
    )
    msg = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["All"], VisibilityTimeout=0)[
        "Messages"
    ][0]
    attrs = msg["Attributes"]
    assert attrs["ApproximateReceiveCount"] == "1"
    assert attrs["AWSTraceHeader"] == "Root=1-5759e988-bd862e3fe1be46a994272793"
    assert attrs["SenderId"]
    sent_ts = int(attrs["SentTimestamp"])
    first = int(attrs["ApproximateFirstReceiveTimestamp"])
    assert before - 60_000 < sent_ts <= first
    msg = sqs.receive_message(
        QueueUrl=url, MessageSystemAttributeNames=["ApproximateReceiveCount", "SentTimestamp"]
    )
    assert msg["Messages"][0]["Attributes"] == {"ApproximateReceiveCount": "2", "SentTimestamp": str(sent_ts)}
    msg2 = sqs.receive_message(
        QueueUrl=url, VisibilityTimeout=0, MessageSystemAttributeNames=["ApproximateFirstReceiveTimestamp"]
    )
    assert "Messages" not in msg2  # still in flight from the previous receive


def test_deprecated_attribute_names_on_receive(sqs, new_queue):
    url = new_queue()
    sqs.send_message(QueueUrl=url, MessageBody="x")
    msg = sqs.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCount", "SentTimestamp"])
    assert set(msg["Messages"][0]["Attributes"]) == {"ApproximateReceiveCount", "SentTimestamp"}


def test_visibility_timeout_expiry_and_new_receipt(sqs, new_queue):
    url = new_queue(VisibilityTimeout=1)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    first = sqs.receive_message(QueueUrl=url)["Messages"][0]
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    second = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5, MessageSystemAttributeNames=["All"])[
        "Messages"
    ][0]
    assert second["MessageId"] == first["MessageId"]
    assert second["ReceiptHandle"] != first["ReceiptHandle"]
    assert second["Attributes"]["ApproximateReceiveCount"] == "2"
    # the old receipt handle no longer deletes the message (success, but it stays)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    with pytest.raises(ClientError):
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=5)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=second["ReceiptHandle"])
    assert "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)


def test_per_receive_visibility_and_change_visibility(sqs, new_queue):
    url = new_queue(VisibilityTimeout=60)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    msg = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
    msg = sqs.receive_message(QueueUrl=url)["Messages"][0]  # visible again at once
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"], VisibilityTimeout=0)
    msg = sqs.receive_message(QueueUrl=url)["Messages"][0]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"], VisibilityTimeout=1)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"][0]["Body"] == "x"
    with pytest.raises(ClientError) as exc:
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"], VisibilityTimeout=43_201
        )
    assert exc.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_change_visibility_of_message_not_in_flight(sqs, new_queue):
    url = new_queue()
    sqs.send_message(QueueUrl=url, MessageBody="x")
    msg = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
    with pytest.raises(ClientError) as exc:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"], VisibilityTimeout=10)
    assert exc.value.response["Error"]["Code"] == "AWS.SimpleQueueService.MessageNotInflight"


def test_invalid_receipt_handle(sqs, new_queue):
    url = new_queue()
    with pytest.raises(ClientError) as exc:
        sqs.delete_message(QueueUrl=url, ReceiptHandle="garbage")
    err = exc.value.response["Error"]
    assert err["Code"] == "ReceiptHandleIsInvalid"
    assert err["Message"] == 'The input receipt handle "garbage" is not a valid receipt handle.'
    other = new_queue()
    sqs.send_message(QueueUrl=other, MessageBody="x")
    handle = sqs.receive_message(QueueUrl=other)["Messages"][0]["ReceiptHandle"]
    with pytest.raises(ClientError) as exc:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)
    assert exc.value.response["Error"]["Code"] == "ReceiptHandleIsInvalid"


def test_delay_seconds_queue_and_message(sqs, new_queue):
    url = new_queue(DelaySeconds=1)
    sqs.send_message(QueueUrl=url, MessageBody="queue-delayed")
    sqs.send_message(QueueUrl=url, MessageBody="now", DelaySeconds=0)
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in first] == ["now"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesDelayed"])
    assert attrs["Attributes"]["ApproximateNumberOfMessagesDelayed"] == "1"
    later = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"]
    assert [m["Body"] for m in later] == ["queue-delayed"]
    with pytest.raises(ClientError) as exc:
        sqs.send_message(QueueUrl=url, MessageBody="x", DelaySeconds=901)
    assert exc.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_receive_parameter_validation(sqs, new_queue):
    url = new_queue()
    for kw in (
        {"MaxNumberOfMessages": 11},
        {"MaxNumberOfMessages": 0},
        {"WaitTimeSeconds": 21},
        {"VisibilityTimeout": 43_201},
    ):
        with pytest.raises(ClientError) as exc:
            sqs.receive_message(QueueUrl=url, **kw)
        assert exc.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=11)
    assert exc.value.response["Error"]["Message"] == (
        "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."
    )


def test_send_batch(sqs, new_queue):
    url = new_queue()
    res = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[
            {
                "Id": "a",
                "MessageBody": "one",
                "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}},
            },
            {"Id": "b", "MessageBody": "two", "DelaySeconds": 0},
            {"Id": "bad", "MessageBody": "x\x00"},
            {"Id": "c", "MessageBody": "three", "DelaySeconds": 1000},
        ],
    )
    assert sorted(e["Id"] for e in res["Successful"]) == ["a", "b"]
    ok = {e["Id"]: e for e in res["Successful"]}
    assert ok["a"]["MD5OfMessageBody"] == hashlib.md5(b"one").hexdigest()
    assert ok["a"]["MD5OfMessageAttributes"] == md5_of_attributes(
        {"k": {"DataType": "String", "StringValue": "v"}}
    )
    failed = {e["Id"]: e for e in res["Failed"]}
    assert set(failed) == {"bad", "c"}
    assert failed["bad"]["SenderFault"] is True
    assert failed["bad"]["Code"] == "InvalidMessageContents"
    assert failed["c"]["Code"] == "InvalidParameterValue"
    bodies = sorted(m["Body"] for m in _receive_all(sqs, url, 2))
    assert bodies == ["one", "two"]


def test_batch_request_errors(sqs, new_queue):
    url = new_queue()
    cases = [
        ([], "AWS.SimpleQueueService.EmptyBatchRequest"),
        (
            [{"Id": str(i), "MessageBody": "x"} for i in range(11)],
            "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
        ),
        (
            [{"Id": "a", "MessageBody": "x"}, {"Id": "a", "MessageBody": "y"}],
            "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
        ),
        ([{"Id": "not valid!", "MessageBody": "x"}], "AWS.SimpleQueueService.InvalidBatchEntryId"),
        (
            [{"Id": str(i), "MessageBody": "x" * 110_000} for i in range(10)],
            "AWS.SimpleQueueService.BatchRequestTooLong",
        ),
    ]
    for entries, code in cases:
        with pytest.raises(ClientError) as exc:
            sqs.send_message_batch(QueueUrl=url, Entries=entries)
        assert exc.value.response["Error"]["Code"] == code, code
    with pytest.raises(sqs.exceptions.TooManyEntriesInBatchRequest) as exc:
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "x"} for i in range(11)])
    assert (
        exc.value.response["Error"]["Message"]
        == "Maximum number of entries per request are 10. You have sent 11."
    )
    with pytest.raises(ClientError) as exc:
        sqs.delete_message_batch(QueueUrl=url, Entries=[])
    assert exc.value.response["Error"]["Code"] == "AWS.SimpleQueueService.EmptyBatchRequest"


def test_delete_and_change_visibility_batch(sqs, new_queue):
    url = new_queue()
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": str(i)} for i in range(4)])
    msgs = _receive_all(sqs, url, 4)
    assert len(msgs) == 4
    res = sqs.change_message_visibility_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "m0", "ReceiptHandle": msgs[0]["ReceiptHandle"], "VisibilityTimeout": 0},
            {"Id": "bad", "ReceiptHandle": "nonsense", "VisibilityTimeout": 0},
        ],
    )
    assert [e["Id"] for e in res["Successful"]] == ["m0"]
    assert res["Failed"][0]["Id"] == "bad" and res["Failed"][0]["Code"] == "ReceiptHandleIsInvalid"
    again = sqs.receive_message(QueueUrl=url)["Messages"]
    assert again[0]["MessageId"] == msgs[0]["MessageId"]
    handles = [again[0]["ReceiptHandle"]] + [m["ReceiptHandle"] for m in msgs[1:]]
    res = sqs.delete_message_batch(
        QueueUrl=url,
        Entries=[
            *({"Id": f"d{i}", "ReceiptHandle": h} for i, h in enumerate(handles)),
            {"Id": "bad", "ReceiptHandle": "nonsense"},
        ],
    )
    assert sorted(e["Id"] for e in res["Successful"]) == ["d0", "d1", "d2", "d3"]
    assert [e["Id"] for e in res["Failed"]] == ["bad"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == attrs["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_retention_period_expiry(inprocess_client, store):
    sqs = inprocess_client("sqs")
    url = sqs.create_queue(QueueName="short", Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="old")
    sqs.send_message(QueueUrl=url, MessageBody="new")
    with store.session() as session:  # age the first message past the 60 s retention period
        msg = session.execute(select(Message).where(Message.body == "old")).scalar_one()
        msg.enqueued_at -= dt.timedelta(seconds=61)
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    assert attrs["Attributes"]["ApproximateNumberOfMessages"] == "1"
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]] == [
        "new"
    ]
    # a longer retention period brings it back (expiry is computed when read)
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"MessageRetentionPeriod": "3600"})
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]] == [
        "old"
    ]


def test_receive_max_number(sqs, new_queue):
    url = new_queue()
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": str(i)} for i in range(10)])
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert 1 <= len(got) <= 10
    assert len({m["MessageId"] for m in got}) == len(got)
