"""Topics: CreateTopic (standard and FIFO, idempotent), DeleteTopic, ListTopics, topic
attributes as AWS reports them, AddPermission/RemovePermission (statements of the topic's
policy), and the tags of topics through the shared tagging."""

from __future__ import annotations

import json
from typing import Any

from awsmock.engine import tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from . import documents
from .errors import (
    InvalidParameterException,
    NotFoundException,
    ResourceNotFoundException,
    TagLimitExceededException,
    invalid,
)
from .store import (
    FIFO_TOPIC_NAME,
    SUBSCRIPTIONS,
    TOPIC_NAME,
    TOPICS,
    AnyRow,
    subscription_counts,
    subscriptions_of,
    topic_by_arn,
)

#: what SNS reports as EffectiveDeliveryPolicy when no DeliveryPolicy was set
DEFAULT_DELIVERY_POLICY = {
    "http": {
        "defaultHealthyRetryPolicy": {
            "minDelayTarget": 20,
            "maxDelayTarget": 20,
            "numRetries": 3,
            "numMaxDelayRetries": 0,
            "numNoDelayRetries": 0,
            "numMinDelayRetries": 0,
            "backoffFunction": "linear",
        },
        "disableSubscriptionOverrides": False,
        "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"},
    }
}
_DEFAULT_ACTIONS = [
    "SNS:GetTopicAttributes",
    "SNS:SetTopicAttributes",
    "SNS:AddPermission",
    "SNS:RemovePermission",
    "SNS:DeleteTopic",
    "SNS:Subscribe",
    "SNS:ListSubscriptionsByTopic",
    "SNS:Publish",
]
_FEEDBACK = {
    f"{proto}{what}"
    for proto in ("HTTP", "Firehose", "Lambda", "SQS", "Application")
    for what in ("SuccessFeedbackRoleArn", "FailureFeedbackRoleArn", "SuccessFeedbackSampleRate")
}
SETTABLE = {
    "DeliveryPolicy",
    "DisplayName",
    "Policy",
    "TracingConfig",
    "KmsMasterKeyId",
    "SignatureVersion",
    "ContentBasedDeduplication",
    "ArchivePolicy",
    "FifoThroughputScope",
} | _FEEDBACK
FIFO_ONLY = {"ContentBasedDeduplication", "ArchivePolicy", "FifoThroughputScope"}
_ACTION_NAMES = {
    "GetTopicAttributes",
    "SetTopicAttributes",
    "AddPermission",
    "RemovePermission",
    "DeleteTopic",
    "Subscribe",
    "ListSubscriptionsByTopic",
    "Publish",
    "Receive",
    "*",
}


def default_policy(arn: str, account: str) -> str:
    return json.dumps(
        {
            "Version": "2008-10-17",
            "Id": "__default_policy_ID",
            "Statement": [
                {
                    "Sid": "__default_statement_ID",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": _DEFAULT_ACTIONS,
                    "Resource": arn,
                    "Condition": {"StringEquals": {"AWS:SourceOwner": account}},
                }
            ],
        },
        separators=(",", ":"),
    )


def is_fifo(topic: AnyRow) -> bool:
    return bool(topic.document.get("Fifo"))


def attributes(topic: AnyRow) -> dict[str, str]:
    """The topic's settable attributes as stored (strings)."""
    return dict(topic.document.get("Attributes") or {})


def check_attribute(name: str, value: str, fifo: bool) -> str:
    """A settable attribute's value, validated (InvalidParameter otherwise)."""
    if name not in SETTABLE:
        raise invalid("AttributeName")
    if name in FIFO_ONLY and not fifo:
        if name == "ContentBasedDeduplication":
            raise invalid("Attributes Reason: Content based deduplication can only be set for FIFO topics")
        raise invalid(f"Attributes Reason: {name} can only be set for FIFO topics")
    if name == "Policy":
        try:
            doc = documents.load_object(value)
        except ValueError:
            raise invalid("Policy Error: null") from None
        if not isinstance(doc.get("Statement"), (list, dict)):
            raise invalid("Policy Error: null")
    elif name == "DeliveryPolicy":
        try:
            documents.load_object(value)
        except ValueError:
            raise invalid("DeliveryPolicy: failed to parse JSON") from None
    elif name == "DisplayName":
        if len(value) > 100:
            raise invalid("DisplayName")
    elif name == "SignatureVersion":
        if value not in ("1", "2"):
            raise invalid("SignatureVersion")
    elif name == "TracingConfig":
        if value not in ("PassThrough", "Active"):
            raise invalid("Attribute TracingConfig: Value must be either PassThrough or Active")
    elif name == "ContentBasedDeduplication":
        if value not in ("true", "false"):
            raise invalid("ContentBasedDeduplication")
    elif name == "FifoThroughputScope":
        if value not in ("Topic", "MessageGroup"):
            raise invalid("FifoThroughputScope")
    elif name == "ArchivePolicy":
        try:
            doc = documents.load_object(value)
        except ValueError:
            raise invalid("ArchivePolicy") from None
        period: Any = doc.get("MessageRetentionPeriod")
        try:
            days = int(period)
        except (TypeError, ValueError):
            days = 0
        if set(doc) - {"MessageRetentionPeriod"} or not 1 <= days <= 365:
            raise invalid("ArchivePolicy Reason: MessageRetentionPeriod must be between 1 and 365 days")
    elif name.endswith("SampleRate") and (not value.isdigit() or not 0 <= int(value) <= 100):
        raise invalid(name)
    return value


def _read_tags(wire: Any) -> dict[str, str]:
    tags: dict[str, str] = {}
    for item in wire or []:
        if not isinstance(item, dict) or not isinstance(item.get("Key"), str):
            raise invalid("Tags")
        tags[item["Key"]] = str(item.get("Value") or "")
    return tags


def _tag_error(rule: str, detail: dict[str, Any]) -> Exception:
    if rule == tagging.TOO_MANY:
        return TagLimitExceededException()
    if rule == tagging.RESERVED:
        return InvalidParameterException(
            "Invalid parameter: Tags Reason: Tag keys must not start with 'aws:'"
        )
    if rule == tagging.KEY_TOO_LONG:
        return InvalidParameterException(
            "Invalid parameter: Tags Reason: Tag key must be at most 128 characters"
        )
    if rule == tagging.VALUE_TOO_LONG:
        return InvalidParameterException(
            "Invalid parameter: Tags Reason: Tag value must be at most 256 characters"
        )
    return InvalidParameterException("Invalid parameter: Tags Reason: Tag key must not be empty")


TAG_RULES = tagging.TagRules(error=_tag_error, max_tags=50, max_key=128, max_value=256)  # type: ignore[arg-type]


@handler("sns", "CreateTopic")
def create_topic(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("Name")
    given = {str(k): str(v) for k, v in (params.get("Attributes") or {}).items() if v is not None}
    fifo_attr = given.pop("FifoTopic", None)
    if fifo_attr not in (None, "true", "false"):
        raise invalid("FifoTopic")
    fifo = fifo_attr == "true"
    if not isinstance(name, str) or not name:
        raise invalid("Topic Name")
    if fifo and not FIFO_TOPIC_NAME.match(name):
        raise invalid(
            "Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase "
            "ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long."
        )
    if not fifo and not TOPIC_NAME.match(name):
        raise invalid("Topic Name")
    for attr, value in given.items():
        check_attribute(attr, value, fifo)
    tags = _read_tags(params.get("Tags"))
    existing = TOPICS.find(ctx, name)
    if existing is not None:
        stored = attributes(existing)
        if any(stored.get(k) != v for k, v in given.items()):
            raise invalid("Attributes Reason: Topic already exists with different attributes")
        if tags:
            current = tagging.tags_of(ctx.session, existing.arn)
            if current != tags:
                raise invalid("Tags Reason: Topic already exists with different tags")
        return {"TopicArn": existing.arn}
    arn = ctx.arn("sns", name)
    if "Policy" not in given:
        given["Policy"] = default_policy(arn, ctx.account_id)
    if fifo and "ContentBasedDeduplication" not in given:
        given["ContentBasedDeduplication"] = "false"
    document: dict[str, Any] = {"Attributes": given, "Fifo": fifo, "Owner": ctx.account_id}
    if "ArchivePolicy" in given:
        document["BeginningArchiveTime"] = _iso(ctx)
    row = TOPICS.create(ctx, rid=name, name=name, document=document)
    if tags:
        tagging.tag(ctx, "sns", row.arn, tags, TAG_RULES)
    return {"TopicArn": row.arn}


def _iso(ctx: RequestContext) -> str:
    return ctx.now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ctx.now.microsecond // 1000:03d}Z"


@handler("sns", "DeleteTopic")
def delete_topic(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    try:
        topic = topic_by_arn(ctx, params.get("TopicArn"))
    except NotFoundException:
        return {}  # "Deleting a topic that does not exist does not result in an error."
    for sub in subscriptions_of(ctx, topic.arn):
        SUBSCRIPTIONS.delete(ctx, sub)
    TOPICS.delete(ctx, topic)
    return {}


@handler("sns", "ListTopics")
def list_topics(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    page = TOPICS.page(
        ctx,
        limit=100,
        token=params.get("NextToken"),
        invalid=lambda _t: invalid("NextToken"),
    )
    out: dict[str, Any] = {"Topics": [{"TopicArn": row.arn} for row in page.rows]}
    if page.token:
        out["NextToken"] = page.token
    return out


def report(ctx: RequestContext, topic: Resource) -> dict[str, str]:
    """Every attribute GetTopicAttributes reports."""
    stored = attributes(topic)
    counts = subscription_counts(ctx, topic.arn)
    out: dict[str, str] = {
        "Policy": stored.get("Policy") or default_policy(topic.arn, topic.account_id),
        "Owner": str(topic.document.get("Owner") or topic.account_id),
        "SubscriptionsPending": str(counts.get("pending", 0)),
        "TopicArn": topic.arn,
        "EffectiveDeliveryPolicy": json.dumps(
            _effective_delivery(stored.get("DeliveryPolicy")), separators=(",", ":")
        ),
        "SubscriptionsConfirmed": str(counts.get("confirmed", 0)),
        "DisplayName": stored.get("DisplayName", ""),
        "SubscriptionsDeleted": "0",
    }
    if is_fifo(topic):
        out["FifoTopic"] = "true"
    for name, value in stored.items():
        if name not in ("Policy", "DisplayName"):
            out[name] = value
    if "ArchivePolicy" in stored and topic.document.get("BeginningArchiveTime"):
        out["BeginningArchiveTime"] = str(topic.document["BeginningArchiveTime"])
    return out


def _effective_delivery(given: str | None) -> dict[str, Any]:
    if not given:
        return DEFAULT_DELIVERY_POLICY
    try:
        doc = documents.load_object(given)
    except ValueError:
        return DEFAULT_DELIVERY_POLICY
    http = dict(DEFAULT_DELIVERY_POLICY["http"])
    for key, value in (doc.get("http") or {}).items():
        http[key] = value
    return {**doc, "http": http}


@handler("sns", "GetTopicAttributes")
def get_topic_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic = topic_by_arn(ctx, params.get("TopicArn"))
    return {"Attributes": report(ctx, topic)}


@handler("sns", "SetTopicAttributes")
def set_topic_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic = topic_by_arn(ctx, params.get("TopicArn"))
    name = params.get("AttributeName")
    if not isinstance(name, str):
        raise invalid("AttributeName")
    value = params.get("AttributeValue")
    stored = attributes(topic)
    document = dict(topic.document)
    if value is None or value == "":
        if name not in SETTABLE:
            raise invalid("AttributeName")
        if name in FIFO_ONLY and not is_fifo(topic):
            check_attribute(name, "", False)
        if name == "Policy":
            stored["Policy"] = default_policy(topic.arn, topic.account_id)
        elif name == "DisplayName":
            stored["DisplayName"] = ""
        else:
            stored.pop(name, None)
    else:
        stored[name] = check_attribute(name, str(value), is_fifo(topic))
        if name == "ArchivePolicy" and "BeginningArchiveTime" not in document:
            document["BeginningArchiveTime"] = _iso(ctx)
    document["Attributes"] = stored
    TOPICS.update(ctx, topic, document=document)
    return {}


@handler("sns", "AddPermission")
def add_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic = topic_by_arn(ctx, params.get("TopicArn"))
    label = params.get("Label")
    accounts = params.get("AWSAccountId") or []
    actions = params.get("ActionName") or []
    if not isinstance(label, str) or not label or len(label) > 100:
        raise invalid("Label")
    if not accounts or not all(isinstance(a, str) and a for a in accounts):
        raise invalid("AWSAccountId")
    if not actions or not all(isinstance(a, str) and a for a in actions):
        raise invalid("ActionName")
    for action in actions:
        if action not in _ACTION_NAMES:
            raise invalid("Policy statement action out of service scope!")
    stored = attributes(topic)
    policy = documents.load_object(stored.get("Policy") or default_policy(topic.arn, topic.account_id))
    statements = policy.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    if any(isinstance(s, dict) and s.get("Sid") == label for s in statements):
        raise invalid("Statement already exists")
    principals = [a if a.startswith("arn:") or a == "*" else f"arn:aws:iam::{a}:root" for a in accounts]
    statements.append(
        {
            "Sid": label,
            "Effect": "Allow",
            "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
            "Action": [f"SNS:{a}" for a in actions] if len(actions) > 1 else f"SNS:{actions[0]}",
            "Resource": topic.arn,
        }
    )
    policy["Statement"] = statements
    stored["Policy"] = json.dumps(policy, separators=(",", ":"))
    TOPICS.update(ctx, topic, document={**topic.document, "Attributes": stored})
    return {}


@handler("sns", "RemovePermission")
def remove_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic = topic_by_arn(ctx, params.get("TopicArn"))
    label = params.get("Label")
    if not isinstance(label, str) or not label:
        raise invalid("Label")
    stored = attributes(topic)
    policy = documents.load_object(stored.get("Policy") or default_policy(topic.arn, topic.account_id))
    statements = policy.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    kept = [s for s in statements if not (isinstance(s, dict) and s.get("Sid") == label)]
    if len(kept) == len(statements):
        return {}
    policy["Statement"] = kept
    stored["Policy"] = json.dumps(policy, separators=(",", ":"))
    TOPICS.update(ctx, topic, document={**topic.document, "Attributes": stored})
    return {}


def _tagged(ctx: RequestContext, arn: str) -> str:
    row = TOPICS.by_arn(ctx, arn) if isinstance(arn, str) else None
    if row is None:
        raise ResourceNotFoundException()
    return row.arn


tagging.register_operations("sns", resource=_tagged, rules=TAG_RULES)
