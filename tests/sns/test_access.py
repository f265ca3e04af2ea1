"""Access control: ``sns:<Operation>`` on the topic's ARN (a subscription's operations on its
topic), and the topic policy as the topic's resource policy."""

from __future__ import annotations

import json
from typing import Any

from tests.auth.test_access_control import allow, policy, user_with_key
from tests.sns.conftest import error_of


def test_iam_actions_and_topic_policies(clients: Any) -> None:
    iam, sns = clients("iam"), clients("sns")
    mine = sns.create_topic(Name="mine")["TopicArn"]
    shared = sns.create_topic(Name="shared")["TopicArn"]
    publisher = user_with_key(iam, "publisher", policy(allow("sns:Publish", mine)))
    stranger = user_with_key(iam, "stranger")
    sns.set_topic_attributes(
        TopicArn=shared,
        AttributeName="Policy",
        AttributeValue=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "arn:aws:iam::123456789012:user/stranger"},
                        "Action": "sns:Publish",
                        "Resource": shared,
                    }
                ],
            }
        ),
    )
    clients.on()
    as_publisher, as_stranger = clients("sns", publisher), clients("sns", stranger)
    as_publisher.publish(TopicArn=mine, Message="ok")
    code, message = error_of(lambda: as_publisher.publish(TopicArn=shared, Message="no"))
    assert code == "AuthorizationError"
    assert "sns:Publish" in message and shared in message
    assert error_of(lambda: as_publisher.get_topic_attributes(TopicArn=mine))[0] == "AuthorizationError"
    as_stranger.publish(TopicArn=shared, Message="the topic policy names me")
    assert error_of(lambda: as_stranger.publish(TopicArn=mine, Message="no"))[0] == "AuthorizationError"
