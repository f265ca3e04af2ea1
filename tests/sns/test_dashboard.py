"""The dashboard lists topics, their subscriptions, and the deliveries awsmock recorded for
endpoints it cannot reach (an email, a text message)."""

from __future__ import annotations

from typing import Any

import falcon.testing

from tests.dashboard.conftest import group


def test_topics_subscriptions_and_recorded_deliveries(
    app: Any, sns: Any, new_topic: Any, new_queue: Any
) -> None:
    topic = new_topic()
    _, queue = new_queue()
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue, Attributes={"FilterPolicy": '{"a": ["b"]}'})
    sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint="+15555550142")
    sns.publish(
        TopicArn=topic,
        Message="the text",
        Subject="Hi",
        MessageAttributes={"a": {"DataType": "String", "StringValue": "c"}},
    )
    body = falcon.testing.TestClient(app).simulate_get("/_awsmock/dashboard/sns/resources").json
    assert [row["arn"] for row in group(body, "topics")["items"]] == [topic]
    subs = {row["protocol"]: row for row in group(body, "subscriptions")["items"]}
    assert subs["sqs"]["endpoint"] == queue and subs["sqs"]["filter_policy"] == '{"a": ["b"]}'
    assert subs["sms"]["state"] == "confirmed"
    (text,) = group(body, "deliveries")["items"]
    assert (text["protocol"], text["endpoint"], text["type"]) == ("sms", "+15555550142", "Notification")
    assert text["topic"] == topic
    assert text["message"] == "the text"  # a text message carries the message alone
