"""Subscriptions: endpoints checked per protocol, which ones wait for confirmation, listings,
attributes and their rules, confirmation by token."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine

from tests.sns.conftest import error_of


@pytest.mark.parametrize(
    ("protocol", "endpoint", "message"),
    [
        ("smtp", "a@b.example", "Invalid parameter: Amazon SNS does not support this protocol string: smtp"),
        ("sqs", "not-an-arn", "Invalid parameter: SQS endpoint ARN"),
        ("http", "https://example.com/x", "Invalid parameter: Endpoint must match the specified protocol"),
        ("email", "nobody", "Invalid parameter: Email address"),
        ("lambda", "arn:aws:sqs:us-east-1:123456789012:q", "Invalid parameter: Lambda endpoint ARN"),
    ],
)
def test_endpoints_are_checked_per_protocol(
    sns: Any, new_topic: Any, protocol: str, endpoint: str, message: str
) -> None:
    arn = new_topic()
    assert error_of(lambda: sns.subscribe(TopicArn=arn, Protocol=protocol, Endpoint=endpoint)) == (
        "InvalidParameter",
        message,
    )
    assert sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"] == []


def test_sqs_is_confirmed_at_once_and_subscribing_again_returns_the_same(
    sns: Any, new_topic: Any, new_queue: Any
) -> None:
    arn = new_topic()
    _, queue = new_queue()
    sub = sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue)["SubscriptionArn"]
    assert sub.startswith(arn + ":")
    assert sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue)["SubscriptionArn"] == sub
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attrs["PendingConfirmation"] == "false"
    assert attrs["RawMessageDelivery"] == "false"
    assert attrs["TopicArn"] == arn and attrs["Endpoint"] == queue and attrs["Protocol"] == "sqs"
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["SubscriptionsConfirmed"] == "1"
    sns.unsubscribe(SubscriptionArn=sub)
    assert error_of(lambda: sns.get_subscription_attributes(SubscriptionArn=sub)) == (
        "NotFound",
        "Subscription does not exist",
    )


def test_http_and_email_wait_for_confirmation(sns: Any, new_topic: Any) -> None:
    arn = new_topic()
    pending = sns.subscribe(TopicArn=arn, Protocol="http", Endpoint="http://127.0.0.1:9/hook")
    assert pending["SubscriptionArn"] == "pending confirmation"
    full = sns.subscribe(
        TopicArn=arn, Protocol="email", Endpoint="me@example.com", ReturnSubscriptionArn=True
    )["SubscriptionArn"]
    assert full.startswith(arn + ":")
    listed = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    assert {s["SubscriptionArn"] for s in listed} == {"PendingConfirmation"}
    assert (
        sns.get_subscription_attributes(SubscriptionArn=full)["Attributes"]["PendingConfirmation"] == "true"
    )
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert (attrs["SubscriptionsPending"], attrs["SubscriptionsConfirmed"]) == ("2", "0")
    assert error_of(lambda: sns.confirm_subscription(TopicArn=arn, Token="0" * 128)) == (
        "InvalidParameter",
        "Invalid parameter: Invalid token",
    )


def test_fifo_rules(sns: Any, new_topic: Any, new_queue: Any) -> None:
    standard = new_topic()
    _, fifo_queue = new_queue(fifo=True)
    code, message = error_of(lambda: sns.subscribe(TopicArn=standard, Protocol="sqs", Endpoint=fifo_queue))
    assert code == "InvalidParameter"
    assert "FIFO SQS Queues can not be subscribed to standard SNS topics" in message
    fifo = new_topic(fifo=True)
    assert sns.subscribe(TopicArn=fifo, Protocol="sqs", Endpoint=fifo_queue)["SubscriptionArn"].startswith(
        fifo
    )
    assert error_of(lambda: sns.subscribe(TopicArn=fifo, Protocol="email", Endpoint="a@b.example"))[0] == (
        "InvalidParameter"
    )


def test_attributes_and_their_rules(sns: Any, new_topic: Any, new_queue: Any) -> None:
    arn = new_topic()
    _, queue = new_queue()
    _, dlq = new_queue()
    sub = sns.subscribe(
        TopicArn=arn,
        Protocol="sqs",
        Endpoint=queue,
        Attributes={"RawMessageDelivery": "true", "FilterPolicy": '{"color": ["red"]}'},
    )["SubscriptionArn"]
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attrs["RawMessageDelivery"] == "true"
    assert attrs["FilterPolicyScope"] == "MessageAttributes"
    assert json.loads(attrs["FilterPolicy"]) == {"color": ["red"]}
    sns.set_subscription_attributes(
        SubscriptionArn=sub, AttributeName="FilterPolicyScope", AttributeValue="MessageBody"
    )
    redrive = json.dumps({"deadLetterTargetArn": dlq})
    sns.set_subscription_attributes(
        SubscriptionArn=sub, AttributeName="RedrivePolicy", AttributeValue=redrive
    )
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attrs["FilterPolicyScope"] == "MessageBody"
    assert json.loads(attrs["RedrivePolicy"]) == {"deadLetterTargetArn": dlq}
    assert error_of(
        lambda: sns.set_subscription_attributes(
            SubscriptionArn=sub, AttributeName="Colour", AttributeValue="x"
        )
    ) == ("InvalidParameter", "Invalid parameter: AttributeName")
    assert (
        error_of(
            lambda: sns.set_subscription_attributes(
                SubscriptionArn=sub, AttributeName="DeliveryPolicy", AttributeValue="{}"
            )
        )[0]
        == "InvalidParameter"
    )
    mail = sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="a@b.example", ReturnSubscriptionArn=True)[
        "SubscriptionArn"
    ]
    code, message = error_of(
        lambda: sns.set_subscription_attributes(
            SubscriptionArn=mail, AttributeName="RawMessageDelivery", AttributeValue="true"
        )
    )
    assert code == "InvalidParameter" and "does not support raw message delivery" in message


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ("{", "Invalid parameter: FilterPolicy: failed to parse JSON."),
        ('{"a": [{"prefix": 5}]}', "Invalid parameter: FilterPolicy: prefix match pattern must be a string."),
        ('{"a": [{"bogus": 1}]}', "Invalid parameter: FilterPolicy: Unrecognized match type bogus"),
        ('{"a": []}', "Invalid parameter: FilterPolicy: Empty arrays are not allowed"),
        (
            '{"a": {"b": ["x"]}}',
            "Invalid parameter: FilterPolicy: Filter policy scope MessageAttributes does not "
            "support nested filter policy",
        ),
        (
            '{"a":["1"],"b":["1"],"c":["1"],"d":["1"],"e":["1"],"f":["1"]}',
            "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys",
        ),
        (
            json.dumps({k: [str(i) for i in range(6)] for k in "abc"}),
            "Invalid parameter: FilterPolicy: Filter policy is too complex",
        ),
        (
            '{"a": [{"numeric": [">", 5, "<", 1]}]}',
            "Invalid parameter: FilterPolicy: Bottom must be less than top",
        ),
        (
            '{"a": [{"exists": "yes"}]}',
            "Invalid parameter: FilterPolicy: exists match pattern must be either true or false.",
        ),
    ],
)
def test_bad_filter_policies_are_refused(
    sns: Any, new_topic: Any, new_queue: Any, policy: str, message: str
) -> None:
    arn = new_topic()
    _, queue = new_queue()
    assert error_of(
        lambda: sns.subscribe(
            TopicArn=arn, Protocol="sqs", Endpoint=queue, Attributes={"FilterPolicy": policy}
        )
    ) == ("InvalidParameter", message)


def test_list_subscriptions_pages(sns: Any, new_topic: Any) -> None:
    arn = new_topic()
    for i in range(101):
        sns.subscribe(TopicArn=arn, Protocol="sms", Endpoint=f"+1555000{i:04d}")
    first = sns.list_subscriptions_by_topic(TopicArn=arn)
    assert len(first["Subscriptions"]) == 100
    rest = sns.list_subscriptions_by_topic(TopicArn=arn, NextToken=first["NextToken"])
    assert len(rest["Subscriptions"]) == 1 and "NextToken" not in rest
    everything = sns.list_subscriptions()
    assert len(everything["Subscriptions"]) == 100 and everything["NextToken"]


def test_a_confirmation_token_is_good_for_three_days(sns: Any, new_topic: Any, store: Any) -> None:
    from sqlalchemy import select

    from awsmock.models.resources import Resource

    topic = new_topic()
    with time_machine.travel(dt.datetime(2030, 1, 1, tzinfo=dt.UTC), tick=False) as clock:
        late = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="late@example.com")
        soon = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="soon@example.com")
        assert late["SubscriptionArn"] == soon["SubscriptionArn"] == "pending confirmation"
        with store.session(write=False) as session:
            tokens = {
                doc["Endpoint"]: doc["Token"]
                for doc in session.scalars(select(Resource.document).where(Resource.kind == "subscription"))
            }
        clock.shift(dt.timedelta(days=2))
        assert sns.confirm_subscription(TopicArn=topic, Token=tokens["soon@example.com"])["SubscriptionArn"]
        clock.shift(dt.timedelta(days=1, seconds=1))
        assert error_of(
            lambda: sns.confirm_subscription(TopicArn=topic, Token=tokens["late@example.com"])
        ) == (
            "InvalidParameter",
            "Invalid parameter: Invalid token",
        )
