"""The JSON documents SNS delivers (Notification, SubscriptionConfirmation), laid out exactly as
SNS writes them (``"Key" : value`` lines, attributes on one line each), signed."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from awsmock.engine.context import RequestContext

from . import signing


def timestamp(ctx: RequestContext) -> str:
    now = ctx.now
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def layout(fields: list[tuple[str, Any]]) -> str:
    """SNS's layout: one ``"Key" : value`` per line, two spaces in; MessageAttributes' entries
    one per line, each compact."""
    lines = []
    for name, value in fields:
        if name == "MessageAttributes":
            inner = ",\n".join(
                f"    {_value(k)} : {json.dumps(v, ensure_ascii=False, separators=(',', ':'))}"
                for k, v in value.items()
            )
            lines.append(f'  "MessageAttributes" : {{\n{inner}\n  }}')
        else:
            lines.append(f"  {_value(name)} : {_value(value)}")
    return "{\n" + ",\n".join(lines) + "\n}"


def unsubscribe_url(ctx: RequestContext, subscription_arn: str) -> str:
    return (
        f"{ctx.endpoint.rstrip('/')}/?Action=Unsubscribe&SubscriptionArn={quote(subscription_arn, safe=':')}"
    )


class Notification:
    """One published message as each subscription gets it: signed once per message text."""

    def __init__(
        self,
        ctx: RequestContext,
        *,
        message_id: str,
        topic_arn: str,
        subject: str | None,
        attributes: dict[str, dict[str, str]],
        sequence: str | None,
        signature_version: str,
    ) -> None:
        self.ctx = ctx
        self.message_id = message_id
        self.topic_arn = topic_arn
        self.subject = subject
        self.attributes = attributes
        self.sequence = sequence
        self.version = signature_version
        self.timestamp = timestamp(ctx)
        self._signed: dict[str, tuple[str, str]] = {}

    def lambda_event(self, message: str, subscription_arn: str) -> str:
        """The event a subscribed Lambda function is invoked with (``Records[0].Sns``)."""
        signature, cert = self._sign(message)
        sns: dict[str, Any] = {
            "Type": "Notification",
            "MessageId": self.message_id,
            "TopicArn": self.topic_arn,
            "Subject": self.subject,
            "Message": message,
            "Timestamp": self.timestamp,
            "SignatureVersion": self.version,
            "Signature": signature,
            "SigningCertUrl": cert,
            "UnsubscribeUrl": unsubscribe_url(self.ctx, subscription_arn),
            "MessageAttributes": self.attributes,
        }
        if self.sequence is not None:
            sns["SequenceNumber"] = self.sequence
        record = {
            "EventSource": "aws:sns",
            "EventVersion": "1.0",
            "EventSubscriptionArn": subscription_arn,
            "Sns": sns,
        }
        return json.dumps({"Records": [record]}, ensure_ascii=False)

    def _sign(self, message: str) -> tuple[str, str]:
        signed = self._signed.get(message)
        if signed is None:
            fields = {
                "Type": "Notification",
                "MessageId": self.message_id,
                "TopicArn": self.topic_arn,
                "Subject": self.subject,
                "Message": message,
                "Timestamp": self.timestamp,
            }
            signed = self._signed[message] = signing.sign(self.ctx, fields, self.version)
        return signed

    def body(self, message: str, subscription_arn: str) -> str:
        signed = self._sign(message)
        out: list[tuple[str, Any]] = [("Type", "Notification"), ("MessageId", self.message_id)]
        if self.sequence is not None:
            out.append(("SequenceNumber", self.sequence))
        out.append(("TopicArn", self.topic_arn))
        if self.subject is not None:
            out.append(("Subject", self.subject))
        out += [
            ("Message", message),
            ("Timestamp", self.timestamp),
            ("SignatureVersion", self.version),
            ("Signature", signed[0]),
            ("SigningCertURL", signed[1]),
            ("UnsubscribeURL", unsubscribe_url(self.ctx, subscription_arn)),
        ]
        if self.attributes:
            out.append(("MessageAttributes", self.attributes))
        return layout(out)


def confirmation(
    ctx: RequestContext,
    *,
    message_id: str,
    topic_arn: str,
    token: str,
    version: str,
    kind: str = "SubscriptionConfirmation",
    subscription_arn: str = "",
) -> dict[str, Any]:
    """The SubscriptionConfirmation document for a pending subscription (or the
    UnsubscribeConfirmation for one that ends), as its fields."""
    subscribe_url = (
        f"{ctx.endpoint.rstrip('/')}/?Action=ConfirmSubscription&TopicArn={quote(topic_arn, safe=':')}"
        f"&Token={token}"
    )
    fields: dict[str, Any] = {
        "Type": kind,
        "MessageId": message_id,
        "Token": token,
        "TopicArn": topic_arn,
        "Message": (
            f"You have chosen to subscribe to the topic {topic_arn}.\n"
            "To confirm the subscription, visit the SubscribeURL included in this message."
            if kind == "SubscriptionConfirmation"
            else f"You have chosen to deactivate subscription {subscription_arn}.\n"
            "To cancel this operation and restore the subscription, visit the SubscribeURL included in this "
            "message."
        ),
        "SubscribeURL": subscribe_url,
        "Timestamp": timestamp(ctx),
    }
    signature, cert = signing.sign(ctx, fields, version)
    fields.update(SignatureVersion=version, Signature=signature, SigningCertURL=cert)
    return fields
