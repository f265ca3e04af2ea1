"""The JSON documents SNS delivers (Notification, SubscriptionConfirmation), laid out exactly as
SNS writes them (``"Key" : value`` lines, attributes on one line each), signed."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from awsmock.engine.context import RequestContext
from awsmock.state import jsontext

from . import signing


def timestamp(ctx: RequestContext) -> str:
    now = ctx.now
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


#: ``json.dumps(value, ensure_ascii=False)`` (and compact), with the C encoder built once
_value = jsontext.encoder(ensure_ascii=False)
_compact = jsontext.encoder(ensure_ascii=False, separators=(",", ":"))


def _lines(fields: list[tuple[str, Any]]) -> list[str]:
    lines = []
    for name, value in fields:
        if name == "MessageAttributes":
            inner = ",\n".join(f"    {_value(k)} : {_compact(v)}" for k, v in value.items())
            lines.append(f'  "MessageAttributes" : {{\n{inner}\n  }}')
        else:
            lines.append(f"  {_value(name)} : {_value(value)}")
    return lines


def layout(fields: list[tuple[str, Any]]) -> str:
    """SNS's layout: one ``"Key" : value`` per line, two spaces in; MessageAttributes' entries
    one per line, each compact."""
    return "{\n" + ",\n".join(_lines(fields)) + "\n}"


def unsubscribe_url(ctx: RequestContext, subscription_arn: str) -> str:
    return (
        f"{ctx.endpoint.rstrip('/')}/?Action=Unsubscribe&SubscriptionArn={quote(subscription_arn, safe=':')}"
    )


class Notification:
    """One published message as each subscription gets it: signed once per message text (the
    signature does not cover UnsubscribeURL, the only field that differs by subscription), its
    envelope laid out once per message text around that field."""

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
        #: message text -> the envelope's text before and after the UnsubscribeURL's value
        self._around: dict[str, tuple[str, str]] = {}

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
        """The envelope (:func:`layout` of its fields) a subscription gets."""
        around = self._around.get(message)
        if around is None:
            signed = self._sign(message)
            before: list[tuple[str, Any]] = [("Type", "Notification"), ("MessageId", self.message_id)]
            if self.sequence is not None:
                before.append(("SequenceNumber", self.sequence))
            before.append(("TopicArn", self.topic_arn))
            if self.subject is not None:
                before.append(("Subject", self.subject))
            before += [
                ("Message", message),
                ("Timestamp", self.timestamp),
                ("SignatureVersion", self.version),
                ("Signature", signed[0]),
                ("SigningCertURL", signed[1]),
            ]
            after = _lines([("MessageAttributes", self.attributes)]) if self.attributes else []
            around = self._around[message] = (
                "{\n" + ",\n".join(_lines(before)) + ',\n  "UnsubscribeURL" : ',
                "".join(",\n" + line for line in after) + "\n}",
            )
        return around[0] + _value(unsubscribe_url(self.ctx, subscription_arn)) + around[1]


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
