"""The raw-statement paths of send, receive and delete store and read exactly what the ORM does."""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import unquote, urlsplit

import pytest
from sqlalchemy import select

from awsmock.models.sqs import Message
from awsmock.services.sqs.lookup import split_queue_url
from awsmock.services.sqs.messages import new_message_id


def test_sent_rows_read_back_through_the_orm(inprocess_client, store):
    sqs = inprocess_client("sqs")
    url = sqs.create_queue(QueueName="rows")["QueueUrl"]
    before = dt.datetime.now(dt.UTC)
    sqs.send_message(QueueUrl=url, MessageBody="plain")
    sqs.send_message(
        QueueUrl=url,
        MessageBody="attrs",
        DelaySeconds=5,
        MessageAttributes={
            "n": {"DataType": "Number", "StringValue": "1"},
            "b": {"DataType": "Binary", "BinaryValue": b"\x00"},
        },
        MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1"}},
    )
    after = dt.datetime.now(dt.UTC)
    with store.session() as session:
        plain, attrs = session.execute(select(Message).order_by(Message.id)).scalars().all()
        assert plain.attributes is None and plain.system_attributes is None
        assert before <= plain.sent_at <= after and plain.sent_at.tzinfo is not None
        assert plain.visible_at == plain.sent_at == plain.enqueued_at
        assert attrs.attributes == {
            "n": {"DataType": "Number", "StringValue": "1"},
            "b": {"DataType": "Binary", "BinaryValue": "AA=="},
        }
        assert attrs.system_attributes == {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1"}}
        assert attrs.visible_at == attrs.sent_at + dt.timedelta(seconds=5)
        assert (plain.receive_count, plain.receipt_nonce, plain.first_received_at) == (0, None, None)
    got = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["All"])["Messages"][0]
    assert got["Body"] == "plain"
    with store.session() as session:
        row = session.execute(select(Message).where(Message.body == "plain")).scalar_one()
        assert row.receive_count == 1 and row.receipt_nonce
        assert row.first_received_at is not None
        assert int(got["Attributes"]["ApproximateFirstReceiveTimestamp"]) == int(
            row.first_received_at.timestamp() * 1000
        )
        assert row.visible_at > dt.datetime.now(dt.UTC) + dt.timedelta(seconds=20)


def test_standard_delete_with_a_stale_or_spent_handle(sqs, new_queue):
    url = new_queue()
    sqs.send_message(QueueUrl=url, MessageBody="x")
    stale = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]["ReceiptHandle"]
    fresh = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]["ReceiptHandle"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=stale)  # success, but the message stays
    msg = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["ApproximateReceiveCount"])[
        "Messages"
    ][0]
    assert msg["Attributes"]["ApproximateReceiveCount"] == "3"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=fresh)  # superseded by the third receive: stays
    sqs.delete_message(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"])
    sqs.delete_message(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"])  # already gone: success
    assert "Messages" not in sqs.receive_message(QueueUrl=url)


def test_single_receives_take_each_message_once_in_order(sqs, new_queue):
    url = new_queue()
    for i in range(5):
        sqs.send_message(QueueUrl=url, MessageBody=str(i))
    bodies = [sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] for _ in range(5)]
    assert bodies == ["0", "1", "2", "3", "4"]
    assert "Messages" not in sqs.receive_message(QueueUrl=url)


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:4566/123456789012/q",
        "https://sqs.us-east-1.amazonaws.com/123456789012/q.fifo",
        "http://h:1/123456789012/q/",
        "http://h/extra/123456789012/q",
        "http://h/q",
        "http://h/123456789012/q?x=1",
        "http://h/12%33/q%2Dx",
        "http://[::1]:4566/123456789012/q",
        " http://h/123456789012/q",
        "q",
        "123456789012/q",
    ],
)
def test_queue_url_fast_path_matches_the_general_parser(url):
    class Ctx:
        account_id = "000000000000"

    path = urlsplit(url).path if "://" in url else url
    parts = [unquote(p) for p in path.split("/") if p]
    expected = (parts[-2], parts[-1]) if len(parts) >= 2 else (Ctx.account_id, parts[0])
    assert split_queue_url(Ctx(), url) == expected  # type: ignore[arg-type]


def test_message_ids_are_version_4_uuids():
    for _ in range(200):
        text = new_message_id()
        parsed = uuid.UUID(text)
        assert str(parsed) == text and parsed.version == 4 and parsed.variant == uuid.RFC_4122
