"""SNS as access control sees it: the topic (or subscription, platform application, endpoint) a
request acts on, and the topic's policy as its resource policy."""

from __future__ import annotations

from typing import Any

from awsmock.auth.resources import ResourcePolicy
from awsmock.engine import arns
from awsmock.engine.context import RequestContext

from .store import TOPICS

_NO_RESOURCE = frozenset(
    [
        "CreateTopic",
        "ListTopics",
        "ListSubscriptions",
        "ListPlatformApplications",
        "CreatePlatformApplication",
        "GetSMSAttributes",
        "SetSMSAttributes",
        "CheckIfPhoneNumberIsOptedOut",
        "ListPhoneNumbersOptedOut",
        "OptInPhoneNumber",
        "CreateSMSSandboxPhoneNumber",
        "DeleteSMSSandboxPhoneNumber",
        "VerifySMSSandboxPhoneNumber",
        "ListSMSSandboxPhoneNumbers",
        "GetSMSSandboxAccountStatus",
        "ListOriginationNumbers",
    ]
)


def _topic_of_subscription(arn: str) -> str:
    return arn.rsplit(":", 1)[0]


def resource_arns(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    if operation == "CreateTopic" and isinstance(params.get("Name"), str):
        return [ctx.arn("sns", params["Name"])]
    if operation in _NO_RESOURCE:
        return ["*"]
    for member in ("TopicArn", "ResourceArn", "TargetArn", "PlatformApplicationArn", "EndpointArn"):
        value = params.get(member)
        if isinstance(value, str) and value.startswith("arn:"):
            return [value]
    value = params.get("SubscriptionArn")
    if isinstance(value, str) and value.startswith("arn:"):
        return [_topic_of_subscription(value)]  # SNS authorizes a subscription's operations on its topic
    return ["*"]


def topic_policy(ctx: RequestContext, operation: str, params: dict[str, Any]) -> ResourcePolicy | None:
    """The policy of the topic the request names (None when it names none that exists)."""
    arn = params.get("TopicArn") or params.get("ResourceArn") or params.get("TargetArn")
    if not isinstance(arn, str):
        sub = params.get("SubscriptionArn")
        arn = _topic_of_subscription(sub) if isinstance(sub, str) else None
    if not isinstance(arn, str) or arns.parse(arn) is None:
        return None
    topic = TOPICS.by_arn(ctx, arn)
    if topic is None:
        return None
    policy = (topic.document.get("Attributes") or {}).get("Policy")
    return ResourcePolicy(policy or None, topic.account_id)
