"""Access control: ``sns:<Operation>`` on the topic's ARN (a subscription's operations on its
topic), and the topic policy as the topic's resource policy."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from awsmock.api.app import AwsmockApp
from awsmock.auth import set_initial_no_auth_action_count
from awsmock.state.store import Store
from tests.auth.test_access_control import allow, policy, user_with_key
from tests.helpers import inprocess_client_factory
from tests.sns.conftest import error_of


@pytest.fixture
def clients(store: Store, app: AwsmockApp) -> Callable[..., Any]:
    make = inprocess_client_factory(app)
    set_initial_no_auth_action_count(store, 10_000)

    def client(service: str, key: dict[str, str] | None = None) -> Any:
        if key is None:
            return make(service)
        return make(
            service, aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
        )

    client.on = lambda: set_initial_no_auth_action_count(store, 0)  # type: ignore[attr-defined]
    return client


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
