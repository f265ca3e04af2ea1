"""Subscriptions: Subscribe (every protocol, its endpoint validated; ``sqs``, ``sms``,
``lambda``, ``firehose`` and ``application`` confirmed at once, ``http``/``https``/``email``/
``email-json`` pending until ConfirmSubscription with the token SNS sent), Unsubscribe, the
listings, and subscription attributes (RawMessageDelivery, FilterPolicy and its scope,
RedrivePolicy, DeliveryPolicy, SubscriptionRoleArn)."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import uuid
from typing import Any

from awsmock.engine import arns
from awsmock.engine import patterns as matching
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from . import documents
from .errors import NotFoundException, invalid
from .store import SUBSCRIPTIONS, TOPICS, subscription_by_arn, subscriptions_of, topic_by_arn
from .topics import DEFAULT_DELIVERY_POLICY, is_fifo

PROTOCOLS = ("http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose")
#: protocols whose endpoint must confirm the subscription
CONFIRMED_BY_ENDPOINT = ("http", "https", "email", "email-json")
RAW_PROTOCOLS = ("sqs", "http", "https", "firehose")
SETTABLE = (
    "DeliveryPolicy",
    "FilterPolicy",
    "FilterPolicyScope",
    "RawMessageDelivery",
    "RedrivePolicy",
    "SubscriptionRoleArn",
    "ReplayPolicy",
)
TOKEN_LIFETIME = dt.timedelta(days=3)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[1-9]\d{1,14}$")
#: filter policies: 5 keys, 150 combinations, numbers within +/- 1e9 (SNS's documented limits)
_LIMITS = {
    "MessageAttributes": matching.Limits(
        max_keys=5, max_combinations=150, nested=False, numeric_range=(-1e9, 1e9)
    ),
    "MessageBody": matching.Limits(max_keys=5, max_combinations=150, nested=True, numeric_range=(-1e9, 1e9)),
}


def compile_filter(policy: str, scope: str) -> matching.Pattern:
    """A subscription's filter policy, compiled (InvalidParameter with the matcher's words)."""
    try:
        doc = documents.load(policy)
    except ValueError:
        raise invalid("FilterPolicy: failed to parse JSON.") from None
    try:
        return matching.compile_pattern(doc, _LIMITS.get(scope, _LIMITS["MessageAttributes"]))
    except matching.PatternError as err:
        raise invalid(f"FilterPolicy: {err.message}") from None


def _check_endpoint(ctx: RequestContext, topic: Resource, protocol: str, endpoint: Any) -> str:
    if not isinstance(endpoint, str) or not endpoint:
        raise invalid("Endpoint")
    if protocol in ("http", "https"):
        if not endpoint.lower().startswith(protocol + "://") or len(endpoint) <= len(protocol) + 3:
            raise invalid("Endpoint must match the specified protocol")
    elif protocol in ("email", "email-json"):
        if not _EMAIL.match(endpoint):
            raise invalid("Email address")
    elif protocol == "sms":
        if not _PHONE.match(endpoint.replace("-", "").replace(" ", "")):
            raise invalid(f"Invalid SMS endpoint: {endpoint}")
    else:
        parsed = arns.parse(endpoint)
        wanted = {"sqs": "sqs", "lambda": "lambda", "firehose": "firehose", "application": "sns"}[protocol]
        if parsed is None or parsed.service != wanted:
            names = {"sqs": "SQS", "lambda": "Lambda", "firehose": "Firehose", "application": "Application"}
            raise invalid(f"{names[protocol]} endpoint ARN")
        if protocol == "application" and not parsed.resource.startswith("endpoint/"):
            raise invalid("Application endpoint arn")
        if protocol == "sqs":
            queue_fifo = parsed.resource.endswith(".fifo")
            if queue_fifo and not is_fifo(topic):
                raise invalid(
                    "Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard "
                    "SNS topics"
                )
    if is_fifo(topic) and protocol not in ("sqs", "firehose"):
        raise invalid(f"Invalid protocol type: {protocol}")
    return endpoint


def check_attribute(protocol: str, name: str, value: str, attrs: dict[str, str]) -> None:
    """Validate one subscription attribute (``attrs``: the others, after the change)."""
    if name not in SETTABLE:
        raise invalid("AttributeName")
    if name == "RawMessageDelivery":
        if value.lower() not in ("true", "false"):
            raise invalid(
                "Attributes Reason: RawMessageDelivery: Invalid value [" + value + "]. Must be true or false."
            )
        if protocol not in RAW_PROTOCOLS:
            raise invalid(
                f"Attributes Reason: Delivery protocol [{protocol}] does not support raw message delivery."
            )
    elif name == "FilterPolicyScope":
        if value not in ("MessageAttributes", "MessageBody"):
            raise invalid(
                "Attributes Reason: FilterPolicyScope: Invalid filter policy scope, valid values are: MessageAttributes, MessageBody"
            )
    elif name == "FilterPolicy":
        if value:
            compile_filter(value, attrs.get("FilterPolicyScope", "MessageAttributes"))
    elif name == "RedrivePolicy":
        try:
            doc = documents.load_object(value)
        except ValueError:
            raise invalid("RedrivePolicy: failed to parse JSON.") from None
        target = doc.get("deadLetterTargetArn")
        parsed = arns.parse(target) if isinstance(target, str) else None
        if parsed is None or parsed.service != "sqs" or set(doc) != {"deadLetterTargetArn"}:
            raise invalid("RedrivePolicy: deadLetterTargetArn: Invalid SQS ARN")
    elif name == "DeliveryPolicy":
        if protocol not in ("http", "https"):
            raise invalid("DeliveryPolicy: Delivery policy can only be set for HTTP/S subscriptions")
        try:
            documents.load_object(value)
        except ValueError:
            raise invalid("DeliveryPolicy: failed to parse JSON.") from None
    elif name == "SubscriptionRoleArn":
        if protocol != "firehose":
            raise invalid("Attributes Reason: SubscriptionRoleArn can only be set for firehose subscriptions")
        parsed = arns.parse(value)
        if parsed is None or parsed.service != "iam":
            raise invalid("SubscriptionRoleArn")
    elif name == "ReplayPolicy":
        raise invalid("Attributes Reason: ReplayPolicy requires a topic with an ArchivePolicy")


def _normalized(attrs: dict[str, str]) -> dict[str, str]:
    out = dict(attrs)
    if "RawMessageDelivery" in out:
        out["RawMessageDelivery"] = out["RawMessageDelivery"].lower()
    if out.get("FilterPolicy") and "FilterPolicyScope" not in out:
        out["FilterPolicyScope"] = "MessageAttributes"
    if not out.get("FilterPolicy"):
        out.pop("FilterPolicy", None)
        out.pop("FilterPolicyScope", None)
    return out


def _check_all(protocol: str, attrs: dict[str, str]) -> dict[str, str]:
    for name in ("FilterPolicyScope", *sorted(set(attrs) - {"FilterPolicyScope"})):
        if name in attrs:
            check_attribute(protocol, name, attrs[name], attrs)
    return _normalized(attrs)


def listed_arn(sub: Resource) -> str:
    return sub.arn if sub.state == "confirmed" else "PendingConfirmation"


@handler("sns", "Subscribe")
def subscribe(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic = topic_by_arn(ctx, params.get("TopicArn"))
    protocol = params.get("Protocol")
    if not isinstance(protocol, str) or protocol.lower() not in PROTOCOLS:
        raise invalid(f"Amazon SNS does not support this protocol string: {protocol}")
    protocol = protocol.lower()
    endpoint = _check_endpoint(ctx, topic, protocol, params.get("Endpoint"))
    given = {str(k): str(v) for k, v in (params.get("Attributes") or {}).items() if v is not None}
    attrs = _check_all(protocol, given)
    for sub in subscriptions_of(ctx, topic.arn):
        doc = sub.document
        if doc.get("Protocol") == protocol and doc.get("Endpoint") == endpoint:
            if given and any(doc.get("Attributes", {}).get(k) != v for k, v in attrs.items()):
                raise invalid("Attributes Reason: Subscription already exists with different attributes")
            if sub.state == "confirmed" or params.get("ReturnSubscriptionArn"):
                return {"SubscriptionArn": sub.arn}
            return {"SubscriptionArn": "pending confirmation"}
    sid = str(uuid.uuid4())
    pending = protocol in CONFIRMED_BY_ENDPOINT
    document = {
        "Protocol": protocol,
        "Endpoint": endpoint,
        "Owner": ctx.account_id,
        "TopicArn": topic.arn,
        "Attributes": attrs,
        "Token": secrets.token_hex(64) if pending else None,
        "Authenticated": not pending,
    }
    row = SUBSCRIPTIONS.create(
        ctx,
        rid=sid,
        name=f"{protocol}:{endpoint}"[:255],
        parent=topic.arn,
        state="pending" if pending else "confirmed",
        arn=f"{topic.arn}:{sid}",
        document=document,
    )
    if pending:
        from . import confirmation

        confirmation.request(ctx, topic, row)
        if not params.get("ReturnSubscriptionArn"):
            return {"SubscriptionArn": "pending confirmation"}
    return {"SubscriptionArn": row.arn}


@handler("sns", "ConfirmSubscription")
def confirm_subscription(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic = topic_by_arn(ctx, params.get("TopicArn"))
    token = params.get("Token")
    if not isinstance(token, str) or not token:
        raise invalid("Token")
    for sub in subscriptions_of(ctx, topic.arn):
        if sub.document.get("Token") == token:
            if sub.state != "confirmed" and ctx.now - sub.created > TOKEN_LIFETIME:
                break  # an unconfirmed subscription's token is good for three days
            if sub.state != "confirmed":
                authenticated = str(params.get("AuthenticateOnUnsubscribe") or "").lower() == "true"
                SUBSCRIPTIONS.update(
                    ctx, sub, state="confirmed", document={**sub.document, "Authenticated": authenticated}
                )
            return {"SubscriptionArn": sub.arn}
    raise invalid("Invalid token")


@handler("sns", "Unsubscribe")
def unsubscribe(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    try:
        sub = subscription_by_arn(ctx, params.get("SubscriptionArn"))
    except NotFoundException:
        return {}
    if sub.state == "confirmed" and sub.document.get("Protocol") in ("http", "https"):
        from . import confirmation

        topic = topic_of(ctx, sub)
        if topic is not None:
            confirmation.request(ctx, topic, sub, kind="UnsubscribeConfirmation")
    SUBSCRIPTIONS.delete(ctx, sub)
    return {}


def _entry(sub: Resource) -> dict[str, str]:
    doc = sub.document
    return {
        "SubscriptionArn": listed_arn(sub),
        "Owner": str(doc.get("Owner") or sub.account_id),
        "Protocol": str(doc["Protocol"]),
        "Endpoint": str(doc["Endpoint"]),
        "TopicArn": str(sub.parent),
    }


@handler("sns", "ListSubscriptions")
def list_subscriptions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    page = SUBSCRIPTIONS.page(
        ctx,
        limit=100,
        token=params.get("NextToken"),
        invalid=lambda _t: invalid("NextToken"),
        order="created",
    )
    out: dict[str, Any] = {"Subscriptions": [_entry(s) for s in page.rows]}
    if page.token:
        out["NextToken"] = page.token
    return out


@handler("sns", "ListSubscriptionsByTopic")
def list_subscriptions_by_topic(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic = topic_by_arn(ctx, params.get("TopicArn"))
    page = SUBSCRIPTIONS.page(
        ctx,
        limit=100,
        token=params.get("NextToken"),
        invalid=lambda _t: invalid("NextToken"),
        parent=topic.arn,
        order="created",
    )
    out: dict[str, Any] = {"Subscriptions": [_entry(s) for s in page.rows]}
    if page.token:
        out["NextToken"] = page.token
    return out


@handler("sns", "GetSubscriptionAttributes")
def get_subscription_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    sub = subscription_by_arn(ctx, params.get("SubscriptionArn"))
    doc = sub.document
    attrs = dict(doc.get("Attributes") or {})
    protocol = str(doc["Protocol"])
    out = {
        "ConfirmationWasAuthenticated": "true" if doc.get("Authenticated") else "false",
        "Owner": str(doc.get("Owner") or sub.account_id),
        "PendingConfirmation": "false" if sub.state == "confirmed" else "true",
        "Protocol": protocol,
        "Endpoint": str(doc["Endpoint"]),
        "RawMessageDelivery": attrs.pop("RawMessageDelivery", "false"),
        "SubscriptionArn": sub.arn,
        "TopicArn": str(sub.parent),
        "SubscriptionPrincipal": f"arn:aws:iam::{doc.get('Owner') or sub.account_id}:root",
    }
    if protocol in ("http", "https"):
        effective = dict(DEFAULT_DELIVERY_POLICY["http"])
        if attrs.get("DeliveryPolicy"):
            try:
                effective.update(documents.load_object(attrs["DeliveryPolicy"]))
            except ValueError:
                pass
        out["EffectiveDeliveryPolicy"] = json.dumps(effective, separators=(",", ":"))
    out.update(attrs)
    return {"Attributes": out}


@handler("sns", "SetSubscriptionAttributes")
def set_subscription_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    sub = subscription_by_arn(ctx, params.get("SubscriptionArn"))
    name = params.get("AttributeName")
    if not isinstance(name, str) or name not in SETTABLE:
        raise invalid("AttributeName")
    value = params.get("AttributeValue")
    value = "" if value is None else str(value)
    doc = dict(sub.document)
    attrs = dict(doc.get("Attributes") or {})
    protocol = str(doc["Protocol"])
    if value == "" and name != "RawMessageDelivery":
        attrs.pop(name, None)
        if name == "FilterPolicyScope" and attrs.get("FilterPolicy"):
            attrs["FilterPolicyScope"] = "MessageAttributes"
    else:
        updated = {**attrs, name: value}
        if name == "FilterPolicyScope":
            if not attrs.get("FilterPolicy"):
                raise invalid(
                    "Attributes Reason: FilterPolicyScope: Filter policy scope can only be set with a filter "
                    "policy"
                )
            check_attribute(protocol, name, value, updated)
            compile_filter(attrs["FilterPolicy"], value)
        else:
            check_attribute(protocol, name, value, updated)
        attrs = updated
    doc["Attributes"] = _normalized(attrs)
    SUBSCRIPTIONS.update(ctx, sub, document=doc)
    return {}


def topic_of(ctx: RequestContext, sub: Resource) -> Resource | None:
    return TOPICS.by_arn(ctx, str(sub.parent))
