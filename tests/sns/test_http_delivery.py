"""HTTP/HTTPS subscriptions: the SubscriptionConfirmation POST, ConfirmSubscription with its
token, notifications with SNS's headers, retries under the delivery policy; and the durable
outbox underneath (leases, an entry whose worker died taken again)."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, update

from awsmock.engine import outbox
from awsmock.models.awsmock import OutboxEntry


class Endpoint:
    """A local HTTP endpoint recording what it is sent; ``fail`` answers 500 that many times."""

    def __init__(self) -> None:
        self.posts: list[tuple[dict[str, str], str]] = []
        self.fail = 0
        self.fail_status = 500
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                if endpoint.fail > 0:
                    endpoint.fail -= 1
                    self.send_response(endpoint.fail_status)
                else:
                    endpoint.posts.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, n: int, timeout: float = 10.0) -> list[tuple[dict[str, str], str]]:
        deadline = time.monotonic() + timeout
        while len(self.posts) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.posts) >= n, f"{len(self.posts)} posts, wanted {n}"
        return self.posts


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    e = Endpoint()
    yield e
    e.server.shutdown()
    e.server.server_close()


@pytest.mark.modes("server")
def test_confirmation_handshake_then_notifications(sns: Any, new_topic: Any, endpoint: Endpoint) -> None:
    topic = new_topic()
    assert sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url)["SubscriptionArn"] == (
        "pending confirmation"
    )
    headers, body = endpoint.wait(1)[0]
    confirmation = json.loads(body)
    assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    assert headers["x-amz-sns-topic-arn"] == topic
    assert headers["user-agent"] == "Amazon Simple Notification Service Agent"
    assert confirmation["Type"] == "SubscriptionConfirmation"
    assert confirmation["TopicArn"] == topic
    assert "Action=ConfirmSubscription" in confirmation["SubscribeURL"]
    assert confirmation["Signature"] and confirmation["SigningCertURL"]
    sub = sns.confirm_subscription(TopicArn=topic, Token=confirmation["Token"])["SubscriptionArn"]
    assert sub.startswith(topic + ":")
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attrs["PendingConfirmation"] == "false"
    assert json.loads(attrs["EffectiveDeliveryPolicy"])["defaultHealthyRetryPolicy"]["numRetries"] == 3

    message_id = sns.publish(TopicArn=topic, Message="hi", Subject="S")["MessageId"]
    headers, body = endpoint.wait(2)[1]
    assert headers["x-amz-sns-message-type"] == "Notification"
    assert headers["x-amz-sns-message-id"] == message_id
    assert headers["x-amz-sns-subscription-arn"] == sub
    assert headers["content-type"] == "text/plain; charset=UTF-8"
    note = json.loads(body)
    assert (note["Type"], note["Message"], note["Subject"]) == ("Notification", "hi", "S")

    sns.unsubscribe(SubscriptionArn=sub)
    headers, body = endpoint.wait(3)[2]
    assert headers["x-amz-sns-message-type"] == "UnsubscribeConfirmation"
    assert json.loads(body)["Message"].startswith(f"You have chosen to deactivate subscription {sub}.")


def test_failed_posts_are_retried_under_the_delivery_policy(
    sns: Any, new_topic: Any, endpoint: Endpoint, store: Any
) -> None:
    policy = {"healthyRetryPolicy": {"numRetries": 2, "minDelayTarget": 1, "maxDelayTarget": 1}}
    topic = new_topic()
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url)
    token = json.loads(endpoint.wait(1)[0][1])["Token"]
    sub = sns.confirm_subscription(TopicArn=topic, Token=token)["SubscriptionArn"]
    sns.set_subscription_attributes(
        SubscriptionArn=sub, AttributeName="DeliveryPolicy", AttributeValue=json.dumps(policy)
    )
    sns.set_subscription_attributes(
        SubscriptionArn=sub, AttributeName="RawMessageDelivery", AttributeValue="true"
    )
    endpoint.fail = 1
    sns.publish(TopicArn=topic, Message="eventually")
    headers, body = endpoint.wait(2, timeout=10)[1]
    assert body == "eventually" and headers["x-amz-sns-rawdelivery"] == "true"
    deadline = time.monotonic() + 10  # the worker notes the delivery once the endpoint has answered
    while True:
        with store.session(write=False) as session:
            query = select(OutboxEntry.state, OutboxEntry.attempts).order_by(OutboxEntry.id)
            rows = [tuple(r) for r in session.execute(query).all()]
        if rows == [("delivered", 1), ("delivered", 2)] or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert rows == [("delivered", 1), ("delivered", 2)]


def test_a_delivery_refused_for_good_goes_to_the_dead_letter_queue(
    sns: Any, new_topic: Any, new_queue: Any, received: Any, endpoint: Endpoint
) -> None:
    topic = new_topic()
    dlq_url, dlq = new_queue()
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url)
    token = json.loads(endpoint.wait(1)[0][1])["Token"]
    sub = sns.confirm_subscription(TopicArn=topic, Token=token)["SubscriptionArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq})
    sns.set_subscription_attributes(
        SubscriptionArn=sub, AttributeName="RedrivePolicy", AttributeValue=redrive
    )
    endpoint.fail, endpoint.fail_status = 1, 404  # a 4xx (other than 429) is not retried
    sns.publish(TopicArn=topic, Message="nobody home")
    deadline = time.monotonic() + 10
    got: list[dict[str, Any]] = []
    while not got and time.monotonic() < deadline:
        got = received(dlq_url)
        time.sleep(0.05)
    assert [json.loads(m["Body"])["Message"] for m in got] == ["nobody home"]
    assert len(endpoint.posts) == 1  # only the confirmation arrived


def test_a_lease_keeps_an_entry_from_other_workers_until_it_runs_out(store: Any) -> None:
    seen: list[str] = []
    outbox.register("test.lease", deliver=lambda p: seen.append(p["n"]), retry=lambda p, n: None)
    with store.session(write=True) as session:
        now = dt.datetime.now(dt.UTC)
        session.add(
            OutboxEntry(
                service="sns",
                kind="test.lease",
                payload={"n": "1"},
                state="pending",
                attempts=0,
                created_at=now,
                due_at=now,
                lease_owner="dead-process",
                lease_until=now + dt.timedelta(seconds=60),
            )
        )
    assert outbox.drain(store, owner="other") == 0  # held by a worker that may still live
    with store.session(write=True) as session:  # ... until its lease runs out (it was kill -9'd)
        session.execute(
            update(OutboxEntry).values(lease_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    assert outbox.drain(store, owner="other") == 1
    assert seen == ["1"]
    assert outbox.drain(store, owner="third") == 0  # delivered once


def test_a_lambda_delivery_waits_in_the_outbox_with_its_event(sns: Any, new_topic: Any, store: Any) -> None:
    topic = new_topic()
    function = "arn:aws:lambda:us-east-1:123456789012:function:handler"
    sub = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function)["SubscriptionArn"]
    sns.publish(TopicArn=topic, Message="for the function", Subject="S")
    with store.session(write=False) as session:
        (payload,) = session.scalars(
            select(OutboxEntry.payload).where(OutboxEntry.kind == "sns.lambda")
        ).all()
    assert payload["endpoint"] == function
    (record,) = json.loads(payload["body"])["Records"]
    assert (record["EventSource"], record["EventSubscriptionArn"]) == ("aws:sns", sub)
    assert (record["Sns"]["Message"], record["Sns"]["Subject"], record["Sns"]["TopicArn"]) == (
        "for the function",
        "S",
        topic,
    )
    assert record["Sns"]["SigningCertUrl"] and record["Sns"]["UnsubscribeUrl"]
