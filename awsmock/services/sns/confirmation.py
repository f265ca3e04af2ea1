"""The SubscriptionConfirmation (and UnsubscribeConfirmation) SNS sends to a new ``http``/``https`` subscription (a signed POST
through the outbox) or ``email``/``email-json`` one (recorded): it carries the token that
ConfirmSubscription takes."""

from __future__ import annotations

import secrets
import uuid

from awsmock.engine.context import RequestContext
from awsmock.models.resources import Resource

from . import deliveries
from .envelope import confirmation, layout
from .topics import attributes


def request(
    ctx: RequestContext, topic: Resource, sub: Resource, kind: str = "SubscriptionConfirmation"
) -> None:
    """Send the confirmation (or, ``kind="UnsubscribeConfirmation"``, the notice that the
    subscription ended) to the subscription's endpoint."""
    version = attributes(topic).get("SignatureVersion") or "1"
    message_id = str(uuid.uuid4())
    token = str(sub.document.get("Token") or secrets.token_hex(64))
    fields = confirmation(
        ctx,
        message_id=message_id,
        topic_arn=topic.arn,
        token=token,
        version=version,
        kind=kind,
        subscription_arn=sub.arn,
    )
    order = (
        "Type",
        "MessageId",
        "Token",
        "TopicArn",
        "Message",
        "SubscribeURL",
        "Timestamp",
        "SignatureVersion",
        "Signature",
        "SigningCertURL",
    )
    body = layout([(name, fields[name]) for name in order])
    protocol = str(sub.document["Protocol"])
    text = body if protocol != "email" else f"{fields['Message']}\n{fields['SubscribeURL']}"
    deliveries.send(
        ctx,
        topic.arn,
        sub,
        text,
        message_id=message_id,
        subject=None,
        raw=False,
        message_type=kind,
        topic_delivery_policy=attributes(topic).get("DeliveryPolicy"),
    )
