"""The publish fan-out as subscribers see it: every SQS subscription of a publish gets the same
signed envelope but for its own UnsubscribeURL; FIFO batches number each entry; a signing key
replaced in the state (another process, a reset) signs the next messages, never a key this
process remembers."""

from __future__ import annotations

import base64
import json
from typing import Any

import falcon.testing
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from sqlalchemy import delete

from awsmock.models.resources import Resource

SIGNED = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")


def _certificate(app: Any, note: dict[str, Any]) -> tuple[int, bytes]:
    path = note["SigningCertURL"].split("amazonaws.com", 1)[1]
    answer = falcon.testing.TestClient(app).simulate_get(path)
    return answer.status_code, answer.content


def _verify(app: Any, note: dict[str, Any]) -> None:
    status, pem = _certificate(app, note)
    assert status == 200
    key: Any = x509.load_pem_x509_certificate(pem).public_key()
    text = "".join(f"{k}\n{note[k]}\n" for k in SIGNED if k in note)
    digest = hashes.SHA256() if note["SignatureVersion"] == "2" else hashes.SHA1()
    key.verify(base64.b64decode(note["Signature"]), text.encode(), padding.PKCS1v15(), digest)


@pytest.fixture
def served_app(request: pytest.FixtureRequest) -> Any:
    """The app serving this test's state (for the certificate at SigningCertURL)."""
    if request.node.callspec.params.get("aws_client") == "postgres":
        from awsmock.api.app import create_app
        from awsmock.engine.config import Config

        pg = request.getfixturevalue("pg_store")
        return create_app(Config(database_url=pg.url), pg)
    return request.getfixturevalue("app")


@pytest.mark.modes("postgres")
def test_each_subscription_gets_the_envelope_with_its_own_unsubscribe_url(
    served_app: Any, sns: Any, new_topic: Any, new_queue: Any, received: Any
) -> None:
    topic = new_topic(SignatureVersion="2")
    queues = [new_queue() for _ in range(3)]
    subs = [
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"] for _, arn in queues
    ]
    out = sns.publish(
        TopicArn=topic,
        Message='héllo "world"\n',
        Subject="Greeting",
        MessageAttributes={
            "color": {"DataType": "String", "StringValue": "rouge é"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
        },
    )
    blob = base64.b64encode(b"\x00\xff").decode()
    bodies = [received(url)[0]["Body"] for url, _ in queues]
    notes = [json.loads(body) for body in bodies]
    for sub, body, note in zip(subs, bodies, notes, strict=True):
        assert note["MessageId"] == out["MessageId"]
        assert note["UnsubscribeURL"].endswith(f"?Action=Unsubscribe&SubscriptionArn={sub}")
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
        assert body.endswith(
            '  "MessageAttributes" : {\n'
            '    "color" : {"Type":"String","Value":"rouge é"},\n'
            f'    "blob" : {{"Type":"Binary","Value":"{blob}"}}\n'
            "  }\n}"
        )
        assert f'  "Message" : {json.dumps(note["Message"], ensure_ascii=False)},\n' in body
        _verify(served_app, note)
    # the same document but for the UnsubscribeURL
    same = [{k: v for k, v in note.items() if k != "UnsubscribeURL"} for note in notes]
    assert same[0] == same[1] == same[2]


@pytest.mark.modes("postgres")
def test_a_fifo_batch_numbers_each_entry(sns: Any, new_topic: Any, new_queue: Any, received: Any) -> None:
    topic = new_topic(fifo=True)
    url, queue = new_queue(fifo=True)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue, Attributes={"RawMessageDelivery": "true"})
    out = sns.publish_batch(
        TopicArn=topic,
        PublishBatchRequestEntries=[
            {"Id": "a", "Message": "one", "MessageGroupId": "g", "MessageDeduplicationId": "d1"},
            {"Id": "b", "Message": "two", "MessageGroupId": "g", "MessageDeduplicationId": "d2"},
            {"Id": "c", "Message": "one again", "MessageGroupId": "g", "MessageDeduplicationId": "d1"},
            {"Id": "d", "Message": "three", "MessageGroupId": "g", "MessageDeduplicationId": "d3"},
        ],
    )
    assert out["Failed"] == []
    got = {entry["Id"]: entry for entry in out["Successful"]}
    numbers = [int(got[i]["SequenceNumber"]) for i in ("a", "b", "d")]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    assert (got["c"]["MessageId"], got["c"]["SequenceNumber"]) == (
        got["a"]["MessageId"],
        got["a"]["SequenceNumber"],
    )
    later = sns.publish(TopicArn=topic, Message="four", MessageGroupId="g", MessageDeduplicationId="d4")
    assert int(later["SequenceNumber"]) > numbers[-1]
    assert [m["Body"] for m in received(url)] == ["one", "two", "three", "four"]


def test_a_signing_key_replaced_in_the_state_signs_the_next_messages(
    store: Any, app: Any, sns: Any, new_topic: Any, new_queue: Any, received: Any
) -> None:
    topic = new_topic()
    url, queue = new_queue()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue)
    sns.publish(TopicArn=topic, Message="before")
    before = json.loads(received(url)[0]["Body"])
    _verify(app, before)
    with store.transaction() as tx:  # as another process sharing the state, or a reset, would
        tx.session.execute(delete(Resource).where(Resource.service == "sns", Resource.kind == "signing-key"))
    sns.publish(TopicArn=topic, Message="after")
    after = json.loads(received(url)[0]["Body"])
    assert after["SigningCertURL"] != before["SigningCertURL"]
    _verify(app, after)
    assert _certificate(app, before)[0] == 404
