"""FIFO queues: groups, ordering, in-flight blocking, deduplication, attempt ids, sequence numbers."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

#: message groups and deduplication under PostgreSQL's isolation
pytestmark = pytest.mark.modes("postgres")


def _bodies(resp):
    return [m["Body"] for m in resp.get("Messages", [])]


def test_group_id_required_and_dedup_rules(sqs, new_queue):
    url = new_queue(fifo=True)
    with pytest.raises(ClientError) as exc:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageDeduplicationId="d")
    err = exc.value.response["Error"]
    assert err["Code"] == "MissingParameter"
    assert err["Message"] == "The request must contain the parameter MessageGroupId."
    with pytest.raises(ClientError) as exc:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")
    assert exc.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert "ContentBasedDeduplication" in exc.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as exc:
        sqs.send_message(
            QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d", DelaySeconds=5
        )
    assert exc.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_standard_queue_rejects_dedup_id(sqs, new_queue):
    url = new_queue()
    with pytest.raises(ClientError) as exc:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageDeduplicationId="d")
    assert exc.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_order_within_group_and_sequence_numbers(sqs, new_queue):
    url = new_queue(fifo=True, ContentBasedDeduplication="true")
    seqs = []
    for i in range(5):
        seqs.append(
            int(sqs.send_message(QueueUrl=url, MessageBody=f"m{i}", MessageGroupId="g")["SequenceNumber"])
        )
    assert seqs == sorted(seqs) and len(set(seqs)) == 5
    msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"])[
        "Messages"
    ]
    assert [m["Body"] for m in msgs] == [f"m{i}" for i in range(5)]
    attrs = msgs[0]["Attributes"]
    assert attrs["MessageGroupId"] == "g"
    assert attrs["SequenceNumber"] == str(seqs[0])
    assert attrs["MessageDeduplicationId"]


def test_group_blocked_while_in_flight(sqs, new_queue):
    url = new_queue(fifo=True, ContentBasedDeduplication="true")
    for body, group in [("a1", "A"), ("a2", "A"), ("b1", "B"), ("b2", "B")]:
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group)
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"]
    assert _bodies({"Messages": first}) == ["a1"]
    # group A is blocked while a1 is in flight; B delivers in order
    assert _bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["b1", "b2"]
    assert _bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == []
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"])
    assert _bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["a2"]


def test_visibility_expiry_redelivers_head_of_group_first(sqs, new_queue):
    url = new_queue(fifo=True, ContentBasedDeduplication="true")
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}", MessageGroupId="g")
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=1)["Messages"]
    assert _bodies({"Messages": got}) == ["m0"]
    again = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=5)
    assert _bodies(again) == ["m0", "m1", "m2"]


def test_explicit_deduplication(sqs, new_queue):
    url = new_queue(fifo=True)
    a = sqs.send_message(QueueUrl=url, MessageBody="one", MessageGroupId="g", MessageDeduplicationId="d1")
    b = sqs.send_message(QueueUrl=url, MessageBody="two", MessageGroupId="g", MessageDeduplicationId="d1")
    assert a["MessageId"] == b["MessageId"]
    assert a["SequenceNumber"] == b["SequenceNumber"]
    sqs.send_message(QueueUrl=url, MessageBody="three", MessageGroupId="h", MessageDeduplicationId="d1")
    sqs.send_message(QueueUrl=url, MessageBody="four", MessageGroupId="g", MessageDeduplicationId="d2")
    msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"])
    assert _bodies(msgs) == ["one", "four"]
    assert msgs["Messages"][0]["Attributes"]["MessageDeduplicationId"] == "d1"
    # deleting does not end the deduplication interval
    for m in msgs["Messages"]:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    sqs.send_message(QueueUrl=url, MessageBody="again", MessageGroupId="g", MessageDeduplicationId="d1")
    assert _bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == []


def test_content_based_deduplication(sqs, new_queue):
    url = new_queue(fifo=True, ContentBasedDeduplication="true")
    a = sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")
    b = sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")
    c = sqs.send_message(QueueUrl=url, MessageBody="other", MessageGroupId="g")
    assert a["MessageId"] == b["MessageId"] != c["MessageId"]
    assert _bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["same", "other"]


def test_deduplication_scope_message_group(sqs, new_queue):
    url = new_queue(fifo=True, DeduplicationScope="messageGroup", FifoThroughputLimit="perMessageGroupId")
    sqs.send_message(QueueUrl=url, MessageBody="g1", MessageGroupId="g1", MessageDeduplicationId="d")
    sqs.send_message(QueueUrl=url, MessageBody="g2", MessageGroupId="g2", MessageDeduplicationId="d")
    sqs.send_message(QueueUrl=url, MessageBody="dup", MessageGroupId="g1", MessageDeduplicationId="d")
    assert sorted(_bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10))) == ["g1", "g2"]


def test_fifo_batch_send(sqs, new_queue):
    url = new_queue(fifo=True)
    res = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "a", "MessageBody": "1", "MessageGroupId": "g", "MessageDeduplicationId": "1"},
            {"Id": "b", "MessageBody": "2", "MessageGroupId": "g", "MessageDeduplicationId": "2"},
            {"Id": "c", "MessageBody": "dup", "MessageGroupId": "g", "MessageDeduplicationId": "1"},
            {"Id": "d", "MessageBody": "no group", "MessageDeduplicationId": "3"},
        ],
    )
    ok = {e["Id"]: e for e in res["Successful"]}
    assert set(ok) == {"a", "b", "c"}
    assert ok["c"]["MessageId"] == ok["a"]["MessageId"]
    assert int(ok["a"]["SequenceNumber"]) < int(ok["b"]["SequenceNumber"])
    assert [f["Id"] for f in res["Failed"]] == ["d"]
    assert res["Failed"][0]["Code"] == "MissingParameter"
    assert _bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)) == ["1", "2"]


def test_receive_request_attempt_id(sqs, new_queue):
    url = new_queue(fifo=True, ContentBasedDeduplication="true")
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}", MessageGroupId=f"g{i}")
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="try-1")[
        "Messages"
    ]
    retry = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="try-1")[
        "Messages"
    ]
    assert [(m["MessageId"], m["ReceiptHandle"]) for m in retry] == [
        (m["MessageId"], m["ReceiptHandle"]) for m in first
    ]
    other = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, ReceiveRequestAttemptId="try-2")
    assert _bodies(other) == ["m2"]
    for m in first:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


def test_fifo_expired_receipt_handle_cannot_delete(sqs, new_queue):
    url = new_queue(fifo=True, ContentBasedDeduplication="true")
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")
    msg = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"][0]
    with pytest.raises(ClientError) as exc:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"])
    assert exc.value.response["Error"]["Code"] == "ReceiptHandleIsInvalid"
    msg = sqs.receive_message(QueueUrl=url)["Messages"][0]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=msg["ReceiptHandle"])
    assert _bodies(sqs.receive_message(QueueUrl=url)) == []
