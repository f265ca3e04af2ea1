"""Publish and PublishBatch: the checks, and what a subscribed queue receives (the envelope as
SNS writes it, signed and verifiable; raw messages with their attributes; FIFO order and
deduplication; filter policies; queue policies; dead-letter queues)."""

from __future__ import annotations

import base64
import json
from typing import Any

import falcon.testing
import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from tests.sns.conftest import error_of

#: the fan-out writes to SQS's tables in the publish's own transaction: on PostgreSQL too
pytestmark = pytest.mark.modes("postgres")


@pytest.fixture
def wired(sns: Any, new_topic: Any, new_queue: Any) -> Any:
    """``wired(fifo=False, **sub_attributes)`` -> (topic ARN, queue URL, subscription ARN)."""

    def make(
        fifo: bool = False, topic_attrs: dict[str, str] | None = None, **attrs: str
    ) -> tuple[str, str, str]:
        topic = new_topic(fifo=fifo, **(topic_attrs or {}))
        url, queue = new_queue(fifo=fifo)
        sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue, Attributes=attrs)[
            "SubscriptionArn"
        ]
        return topic, url, sub

    return make


@pytest.fixture
def cert_app(request: pytest.FixtureRequest) -> Any:
    """The app serving this test's state (its SigningCertURL path included)."""
    if request.node.callspec.params.get("aws_client") == "postgres":
        from awsmock.api.app import create_app
        from awsmock.engine.config import Config

        pg = request.getfixturevalue("pg_store")
        return create_app(Config(database_url=pg.url), pg)
    return request.getfixturevalue("app")


def _verify(app: Any, note: dict[str, Any]) -> None:
    """Check a notification's signature against the certificate awsmock serves at SigningCertURL."""
    path = note["SigningCertURL"].split("amazonaws.com", 1)[1]
    answer = falcon.testing.TestClient(app).simulate_get(path)
    assert answer.status_code == 200
    cert = x509.load_pem_x509_certificate(answer.content)
    fields = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    text = "".join(f"{k}\n{note[k]}\n" for k in fields if k in note)
    digest = hashes.SHA256() if note["SignatureVersion"] == "2" else hashes.SHA1()
    cert.public_key().verify(base64.b64decode(note["Signature"]), text.encode(), padding.PKCS1v15(), digest)  # type: ignore[union-attr,call-arg,arg-type]


def test_a_queue_receives_the_signed_envelope(cert_app: Any, sns: Any, wired: Any, received: Any) -> None:
    topic, url, sub = wired()
    out = sns.publish(
        TopicArn=topic,
        Message="hello",
        Subject="Greeting",
        MessageAttributes={
            "color": {"DataType": "String", "StringValue": "red"},
            "size": {"DataType": "Number", "StringValue": "3"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )
    (msg,) = received(url)
    body = msg["Body"]
    assert body.startswith('{\n  "Type" : "Notification",\n  "MessageId" : "')
    note = json.loads(body)
    assert list(note) == [
        "Type",
        "MessageId",
        "TopicArn",
        "Subject",
        "Message",
        "Timestamp",
        "SignatureVersion",
        "Signature",
        "SigningCertURL",
        "UnsubscribeURL",
        "MessageAttributes",
    ]
    assert note["MessageId"] == out["MessageId"]
    assert (note["TopicArn"], note["Subject"], note["Message"]) == (topic, "Greeting", "hello")
    assert note["Timestamp"].endswith("Z") and len(note["Timestamp"]) == 24
    assert note["SignatureVersion"] == "1"
    assert note["UnsubscribeURL"].endswith(f"?Action=Unsubscribe&SubscriptionArn={sub}")
    assert note["MessageAttributes"] == {
        "color": {"Type": "String", "Value": "red"},
        "size": {"Type": "Number", "Value": "3"},
        "blob": {"Type": "Binary", "Value": base64.b64encode(b"\x00\x01").decode()},
    }
    assert "MessageAttributes" not in msg  # the envelope carries them, not SQS
    _verify(cert_app, note)


def test_signature_version_2_and_no_subject(cert_app: Any, sns: Any, wired: Any, received: Any) -> None:
    topic, url, _ = wired(topic_attrs={"SignatureVersion": "2"})
    sns.publish(TopicArn=topic, Message="x")
    note = json.loads(received(url)[0]["Body"])
    assert note["SignatureVersion"] == "2" and "Subject" not in note
    _verify(cert_app, note)
    tampered = {**note, "Message": "y"}
    with pytest.raises(InvalidSignature):
        _verify(cert_app, tampered)


def test_raw_delivery_gives_the_message_and_its_attributes(sns: Any, wired: Any, received: Any) -> None:
    topic, url, _ = wired(RawMessageDelivery="true")
    sns.publish(
        TopicArn=topic,
        Message='{"order": 1}',
        MessageAttributes={
            "color": {"DataType": "String", "StringValue": "red"},
            "tags": {"DataType": "String.Array", "StringValue": '["a", "b"]'},
        },
    )
    (msg,) = received(url)
    assert msg["Body"] == '{"order": 1}'
    assert msg["MessageAttributes"]["color"] == {"StringValue": "red", "DataType": "String"}
    assert msg["MessageAttributes"]["tags"]["DataType"] == "String.Array"


def test_message_structure_json_picks_the_protocols_message(sns: Any, wired: Any, received: Any) -> None:
    topic, url, _ = wired(RawMessageDelivery="true")
    sns.publish(
        TopicArn=topic, MessageStructure="json", Message=json.dumps({"default": "d", "sqs": "for sqs"})
    )
    assert [m["Body"] for m in received(url)] == ["for sqs"]
    assert error_of(lambda: sns.publish(TopicArn=topic, MessageStructure="json", Message='{"sqs": "x"}')) == (
        "InvalidParameter",
        "Invalid parameter: Message Structure - No default entry in JSON message body",
    )
    assert error_of(lambda: sns.publish(TopicArn=topic, MessageStructure="json", Message="not json")) == (
        "InvalidParameter",
        "Invalid parameter: Message Structure - JSON message body failed to parse",
    )


def test_publish_checks(sns: Any, wired: Any, received: Any) -> None:
    topic, url, _ = wired()
    assert error_of(lambda: sns.publish(TopicArn=topic, Message="")) == (
        "InvalidParameter",
        "Invalid parameter: Empty message",
    )
    assert error_of(lambda: sns.publish(TopicArn=topic, Message="x" * 262_145)) == (
        "InvalidParameter",
        "Invalid parameter: Message too long",
    )
    assert error_of(lambda: sns.publish(TopicArn=topic, Message="x", Subject="two\nlines")) == (
        "InvalidParameter",
        "Invalid parameter: Subject",
    )
    code, message = error_of(
        lambda: sns.publish(
            TopicArn=topic, Message="x", MessageAttributes={"n": {"DataType": "Number", "StringValue": "abc"}}
        )
    )
    assert code == "InvalidParameter" and "Could not cast message attribute 'n' value to number." in message
    code, message = error_of(
        lambda: sns.publish(
            TopicArn=topic, Message="x", MessageAttributes={"n": {"DataType": "Float", "StringValue": "1"}}
        )
    )
    assert code == "InvalidParameter" and "supported type prefixes is Binary, Number, and String" in message
    assert error_of(lambda: sns.publish(Message="x"))[0] == "InvalidParameter"
    assert error_of(lambda: sns.publish(TopicArn=topic + "-gone", Message="x")) == (
        "NotFound",
        "Topic does not exist",
    )
    assert received(url) == []  # nothing refused was delivered
    sns.publish(TopicArn=topic, Message="x" * 250_000)
    assert len(received(url)) == 1


def test_fifo_topic_to_fifo_queue_keeps_order_and_deduplicates(sns: Any, wired: Any, received: Any) -> None:
    topic, url, _ = wired(fifo=True, RawMessageDelivery="true")
    assert error_of(lambda: sns.publish(TopicArn=topic, Message="x")) == (
        "InvalidParameter",
        "Invalid parameter: The MessageGroupId parameter is required for FIFO topics",
    )
    assert error_of(lambda: sns.publish(TopicArn=topic, Message="x", MessageGroupId="g")) == (
        "InvalidParameter",
        "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or "
        "MessageDeduplicationId provided explicitly",
    )
    first = sns.publish(TopicArn=topic, Message="one", MessageGroupId="g", MessageDeduplicationId="d1")
    again = sns.publish(TopicArn=topic, Message="one", MessageGroupId="g", MessageDeduplicationId="d1")
    second = sns.publish(TopicArn=topic, Message="two", MessageGroupId="g", MessageDeduplicationId="d2")
    assert again["MessageId"] == first["MessageId"]
    assert int(second["SequenceNumber"]) > int(first["SequenceNumber"])
    assert len(first["SequenceNumber"]) == 20
    msgs = received(url)
    assert [m["Body"] for m in msgs] == ["one", "two"]
    assert {m["Attributes"]["MessageGroupId"] for m in msgs} == {"g"}
    assert msgs[0]["Attributes"]["MessageDeduplicationId"] == "d1"


def test_fifo_content_based_deduplication(sns: Any, wired: Any, received: Any) -> None:
    topic, url, _ = wired(fifo=True, topic_attrs={"ContentBasedDeduplication": "true"})
    sns.publish(TopicArn=topic, Message="same", MessageGroupId="g")
    sns.publish(TopicArn=topic, Message="same", MessageGroupId="g")
    msgs = received(url)
    assert len(msgs) == 1
    assert json.loads(msgs[0]["Body"])["SequenceNumber"]


def test_filter_policy_on_attributes(sns: Any, wired: Any, received: Any) -> None:
    policy = {"color": ["red", {"prefix": "bl"}], "size": [{"numeric": [">", 2, "<=", 10]}]}
    topic, url, _ = wired(RawMessageDelivery="true", FilterPolicy=json.dumps(policy))

    def send(text: str, **attrs: tuple[str, str]) -> None:
        sns.publish(
            TopicArn=topic,
            Message=text,
            MessageAttributes={k: {"DataType": t, "StringValue": v} for k, (t, v) in attrs.items()},
        )

    send("red-5", color=("String", "red"), size=("Number", "5"))
    send("blue-10", color=("String", "blue"), size=("Number", "10"))
    send("green-5", color=("String", "green"), size=("Number", "5"))
    send("red-11", color=("String", "red"), size=("Number", "11"))
    send("red-text5", color=("String", "red"), size=("String", "5"))
    send("no-size", color=("String", "red"))
    assert sorted(m["Body"] for m in received(url)) == ["blue-10", "red-5"]


def test_filter_policy_on_the_body(sns: Any, wired: Any, received: Any) -> None:
    policy = {"order": {"status": [{"anything-but": ["cancelled"]}], "total": [{"numeric": [">=", 100]}]}}
    topic, url, _ = wired(
        RawMessageDelivery="true", FilterPolicy=json.dumps(policy), FilterPolicyScope="MessageBody"
    )
    for body in (
        {"order": {"status": "paid", "total": 150}},
        {"order": {"status": "cancelled", "total": 150}},
        {"order": {"status": "paid", "total": 50}},
        {"other": 1},
    ):
        sns.publish(TopicArn=topic, Message=json.dumps(body))
    sns.publish(TopicArn=topic, Message="not json")
    assert [json.loads(m["Body"]) for m in received(url)] == [{"order": {"status": "paid", "total": 150}}]


def test_a_queue_whose_policy_denies_the_topic_gets_nothing(
    sns: Any, sqs: Any, new_topic: Any, new_queue: Any, received: Any
) -> None:
    topic = new_topic()
    open_url, open_arn = new_queue()
    shut_url, shut_arn = new_queue()
    allowed_url, allowed_arn = new_queue()
    sqs.set_queue_attributes(
        QueueUrl=shut_url,
        Attributes={
            "Policy": json.dumps(
                {
                    "Statement": [
                        {
                            "Effect": "Deny",
                            "Principal": {"Service": "sns.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": shut_arn,
                            "Condition": {"ArnEquals": {"aws:SourceArn": topic}},
                        }
                    ]
                }
            )
        },
    )
    sqs.set_queue_attributes(
        QueueUrl=allowed_url,
        Attributes={
            "Policy": json.dumps(
                {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "sns.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": allowed_arn,
                            "Condition": {"ArnEquals": {"aws:SourceArn": topic}},
                        }
                    ]
                }
            )
        },
    )
    for arn in (open_arn, shut_arn, allowed_arn):
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    sns.publish(TopicArn=topic, Message="m")
    assert len(received(open_url)) == 1
    assert received(shut_url) == []
    assert len(received(allowed_url)) == 1


def test_undeliverable_messages_go_to_the_dead_letter_queue(
    sns: Any, sqs: Any, new_topic: Any, new_queue: Any, received: Any
) -> None:
    topic = new_topic()
    url, queue = new_queue()
    dlq_url, dlq = new_queue()
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue,
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq})},
    )
    sqs.delete_queue(QueueUrl=url)
    sns.publish(TopicArn=topic, Message="lost?")
    (msg,) = received(dlq_url)
    assert json.loads(msg["Body"])["Message"] == "lost?"


def test_publish_batch(sns: Any, wired: Any, received: Any) -> None:
    topic, url, _ = wired(RawMessageDelivery="true")
    out = sns.publish_batch(
        TopicArn=topic,
        PublishBatchRequestEntries=[
            {"Id": "a", "Message": "first"},
            {"Id": "b", "Message": ""},
            {"Id": "c", "Message": "third", "Subject": "S"},
        ],
    )
    assert [s["Id"] for s in out["Successful"]] == ["a", "c"]
    assert out["Failed"] == [
        {
            "Id": "b",
            "Code": "InvalidParameter",
            "Message": "Invalid parameter: Empty message",
            "SenderFault": True,
        }
    ]
    assert sorted(m["Body"] for m in received(url)) == ["first", "third"]
    assert error_of(lambda: sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[])) == (
        "EmptyBatchRequest",
        "The batch request doesn't contain any entries",
    )
    eleven = [{"Id": f"m{i}", "Message": "x"} for i in range(11)]
    assert error_of(lambda: sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=eleven))[0] == (
        "TooManyEntriesInBatchRequest"
    )
    twins = [{"Id": "same", "Message": "x"}, {"Id": "same", "Message": "y"}]
    assert error_of(lambda: sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=twins))[0] == (
        "BatchEntryIdsNotDistinct"
    )
    bad_id = [{"Id": "no spaces", "Message": "x"}]
    assert error_of(lambda: sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=bad_id))[0] == (
        "InvalidBatchEntryId"
    )
    big = [{"Id": f"m{i}", "Message": "x" * 30_000} for i in range(10)]
    assert error_of(lambda: sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=big))[0] == (
        "BatchRequestTooLong"
    )


def test_an_encrypted_topic_needs_a_usable_key(aws_client: Any, sns: Any, wired: Any, received: Any) -> None:
    kms = aws_client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    topic, url, _ = wired(topic_attrs={"KmsMasterKeyId": key})
    sns.publish(TopicArn=topic, Message="sealed")
    kms.disable_key(KeyId=key)
    code, _ = error_of(lambda: sns.publish(TopicArn=topic, Message="refused"))
    assert code == "KMSDisabled"
    sns.set_topic_attributes(
        TopicArn=topic, AttributeName="KmsMasterKeyId", AttributeValue="alias/no-such-key"
    )
    assert error_of(lambda: sns.publish(TopicArn=topic, Message="refused"))[0] == "KMSNotFound"
    sns.set_topic_attributes(TopicArn=topic, AttributeName="KmsMasterKeyId", AttributeValue="alias/aws/sns")
    sns.publish(TopicArn=topic, Message="with the AWS managed key")
    assert [json.loads(m["Body"])["Message"] for m in received(url)] == ["sealed", "with the AWS managed key"]
    assert "alias/aws/sns" in [a["AliasName"] for a in kms.list_aliases()["Aliases"]]
