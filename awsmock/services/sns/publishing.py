"""Publish and PublishBatch: every check SNS documents, then delivery to each confirmed
subscription whose filter policy matches, in the publish's own transaction: SQS queues get the
message now (through ``sqs.internal``), other endpoints through :mod:`.deliveries`."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from awsmock.engine import specs
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource
from awsmock.services.kms import internal as kms
from awsmock.services.sqs import internal as sqs

from . import deliveries, documents
from .envelope import Notification
from .errors import (
    BatchEntryIdsNotDistinctException,
    BatchRequestTooLongException,
    EmptyBatchRequestException,
    InvalidBatchEntryIdException,
    KMSAccessDeniedException,
    KMSDisabledException,
    KMSInvalidStateException,
    KMSNotFoundException,
    TooManyEntriesInBatchRequestException,
    invalid,
)
from .store import ENDPOINTS, TOPICS, AnyRow, subscription_rows, topic_to_publish
from .subscriptions import compile_filter
from .topics import attributes as topic_attributes
from .topics import is_fifo

MAX_SIZE = 262_144
#: protocols that get the message itself (a text, an email's body, a push), not the JSON document
PLAIN_PROTOCOLS = ("sms", "email", "application")
MAX_BATCH = 10
DEDUP_WINDOW = dt.timedelta(minutes=5)
_ATTR_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,256}$")
_BATCH_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_GROUP_ID = re.compile(r"^[\x21-\x7e]{1,128}$")
_SUBJECT = re.compile(r"^[\x20-\x7e]{1,100}$")
_PHONE = re.compile(r"^\+?[1-9]\d{1,14}$")
#: AWS's own attribute names a publisher may send (SMS and mobile push settings)
_RESERVED_OK = ("AWS.SNS.", "AWS.MM.")


# -- checks ----------------------------------------------------------------------------------


def _attr_error(text: str) -> AwsError:
    return invalid(f"MessageAttributes Reason: {text}")


def check_attributes(given: Any) -> tuple[dict[str, dict[str, Any]], int]:
    """The message attributes (``{name: {DataType, StringValue|BinaryValue}}``, binary as bytes)
    validated, and their size in bytes."""
    if not given:
        return {}, 0
    if not isinstance(given, dict):
        raise invalid("MessageAttributes")
    out: dict[str, dict[str, Any]] = {}
    size = 0
    for name, value in given.items():
        if (
            not isinstance(name, str)
            or not _ATTR_NAME.match(name)
            or (name.startswith((".", "AWS.", "Amazon.")) and not name.startswith(_RESERVED_OK))
            or name.endswith(".")
            or ".." in name
        ):
            raise _attr_error(f"Invalid message attribute name: {name}")
        if not isinstance(value, dict):
            raise _attr_error(
                f"The message attribute '{name}' must contain non-empty message attribute value."
            )
        dtype = value.get("DataType")
        if not isinstance(dtype, str) or not dtype:
            raise _attr_error(
                f"The message attribute '{name}' must contain non-empty message attribute type."
            )
        base = dtype.split(".", 1)[0]
        if base not in ("String", "Number", "Binary"):
            raise _attr_error(
                f"The message attribute '{name}' has an invalid message attribute type, the set of supported "
                "type prefixes is Binary, Number, and String."
            )
        item: dict[str, Any] = {"DataType": dtype}
        if base == "Binary":
            blob = value.get("BinaryValue")
            if blob is None or len(blob) == 0:
                raise _attr_error(
                    f"The message attribute '{name}' with type 'Binary' must contain a non-empty value."
                )
            blob = blob.encode() if isinstance(blob, str) else bytes(blob)
            item["BinaryValue"] = blob
            size += len(blob)
        else:
            text = value.get("StringValue")
            if not isinstance(text, str) or text == "":
                raise _attr_error(
                    f"The message attribute '{name}' must contain non-empty message attribute value for "
                    f"message attribute type '{base}'."
                )
            if base == "Number":
                try:
                    number = Decimal(text)
                except InvalidOperation:
                    number = Decimal("NaN")
                if not number.is_finite():
                    raise _attr_error(f"Could not cast message attribute '{name}' value to number.")
            if dtype == "String.Array":
                try:
                    parsed = documents.load(text)
                except ValueError:
                    parsed = None
                if not isinstance(parsed, list) or any(isinstance(v, (dict, list)) for v in parsed):
                    raise _attr_error(
                        f"The message attribute '{name}' with type 'String.Array' has an invalid value: "
                        f"'{text[:100]}'. It must be a JSON array of strings, numbers, true, false or null."
                    )
            item["StringValue"] = text
            size += len(text.encode("utf-8"))
        size += len(name.encode("utf-8")) + len(dtype.encode("utf-8"))
        out[name] = item
    return out, size


def _check_message(entry: dict[str, Any]) -> tuple[str, dict[str, str] | None]:
    """The message, and per-protocol messages when MessageStructure is ``json``."""
    message = entry.get("Message")
    if not isinstance(message, str) or message == "":
        raise invalid("Empty message")
    structure = entry.get("MessageStructure")
    if structure is None or structure == "":
        return message, None
    if structure != "json":
        raise invalid("MessageStructure")
    try:
        doc = documents.load_object(message)
    except ValueError:
        raise invalid("Message Structure - JSON message body failed to parse") from None
    if "default" not in doc:
        raise invalid("Message Structure - No default entry in JSON message body")
    return message, {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in doc.items()}


def _check_subject(subject: Any) -> str | None:
    if subject is None:
        return None
    if not isinstance(subject, str) or not _SUBJECT.match(subject) or subject[0] == " ":
        raise invalid("Subject")
    return subject


# -- filter policies -------------------------------------------------------------------------


def _filterable(attrs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, item in attrs.items():
        dtype = item["DataType"]
        if dtype.startswith("Binary"):
            continue
        text = item["StringValue"]
        if dtype.startswith("Number"):
            out[name] = float(Decimal(text))
        elif dtype == "String.Array":
            out[name] = documents.load(text)
        else:
            out[name] = text
    return out


def _accepts(sub: AnyRow, filterable: dict[str, Any], message: str) -> bool:
    attrs = sub.document.get("Attributes") or {}
    policy = attrs.get("FilterPolicy")
    if not policy:
        return True
    scope = attrs.get("FilterPolicyScope") or "MessageAttributes"
    try:
        pattern = compile_filter(policy, scope)
    except AwsError:
        return False
    if scope == "MessageBody":
        try:
            body = documents.load(message)
        except ValueError:
            return False
        return isinstance(body, dict) and pattern.matches(body)
    return pattern.matches(filterable)


# -- envelopes -------------------------------------------------------------------------------


def _envelope_attributes(attrs: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    out = {}
    for name, item in attrs.items():
        if "BinaryValue" in item:
            out[name] = {"Type": item["DataType"], "Value": base64.b64encode(item["BinaryValue"]).decode()}
        else:
            out[name] = {"Type": item["DataType"], "Value": item["StringValue"]}
    return out


# -- publishing ------------------------------------------------------------------------------


def _fifo_params(topic: AnyRow, entry: dict[str, Any], message: str) -> tuple[str | None, str | None]:
    group = entry.get("MessageGroupId")
    dedup = entry.get("MessageDeduplicationId")
    if group is not None and (not isinstance(group, str) or not _GROUP_ID.match(group)):
        raise invalid("MessageGroupId")
    if dedup is not None and (not isinstance(dedup, str) or not _GROUP_ID.match(dedup)):
        raise invalid("MessageDeduplicationId")
    if not is_fifo(topic):
        if dedup is not None:
            raise invalid(
                "MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not "
                "valid for this topic type"
            )
        return group, None
    if not group:
        raise invalid("The MessageGroupId parameter is required for FIFO topics")
    if not dedup:
        if topic_attributes(topic).get("ContentBasedDeduplication") != "true":
            raise invalid(
                "The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
                "provided explicitly"
            )
        dedup = hashlib.sha256(message.encode("utf-8")).hexdigest()
    return group, dedup


def _sequence(ctx: RequestContext, topic: AnyRow, group: str, dedup: str) -> tuple[str, str, bool]:
    """(message id, sequence number, whether this is a new message) of a FIFO publish: a
    deduplication id seen in the last five minutes names the message it duplicates. The topic's
    document keeps the sequence (a topic read raw: changed through its ORM row, and the raw
    row follows, for the next entries of a batch)."""
    doc = dict(topic.document)
    now = ctx.now
    scope_key = (
        dedup if topic_attributes(topic).get("FifoThroughputScope") != "MessageGroup" else f"{group}:{dedup}"
    )
    seen = {k: v for k, v in (doc.get("Dedup") or {}).items() if dt.datetime.fromisoformat(v[0]) > now}
    if scope_key in seen:
        return seen[scope_key][1], seen[scope_key][2], False
    number = int(doc.get("Sequence") or 0) + 1
    sequence = str(10**19 + number)
    message_id = str(uuid.uuid4())
    seen[scope_key] = [(now + DEDUP_WINDOW).isoformat(), message_id, sequence]
    doc["Sequence"] = number
    doc["Dedup"] = seen
    if isinstance(topic, Resource):
        TOPICS.update(ctx, topic, document=doc)
    else:
        row = ctx.session.get(Resource, topic.pk)
        assert row is not None  # (read in this transaction)
        TOPICS.update(ctx, row, document=doc)
        topic.document = row.document
    return message_id, sequence, True


#: KMS's errors as SNS reports them to a publisher of an encrypted topic
_KMS_ERRORS = {
    "NotFoundException": KMSNotFoundException,
    "DisabledException": KMSDisabledException,
    "KMSInvalidStateException": KMSInvalidStateException,
}


def check_encryption(ctx: RequestContext, topic: AnyRow) -> None:
    """A topic with server-side encryption asks KMS for a data key (GenerateDataKey) for each
    publish: a key that is missing, disabled or pending deletion fails the publish."""
    key_id = topic_attributes(topic).get("KmsMasterKeyId")
    if not key_id:
        return
    try:
        kms.generate_data_key(
            ctx, None if key_id == "alias/aws/sns" else key_id, default_alias="alias/aws/sns"
        )
    except kms.KmsError as err:
        error = _KMS_ERRORS.get(err.code, KMSAccessDeniedException)
        raise error(err.message) from None


def publish_to_topic(
    ctx: RequestContext, topic: AnyRow, entry: dict[str, Any], *, encryption_checked: bool = False
) -> dict[str, Any]:
    message, per_protocol = _check_message(entry)
    subject = _check_subject(entry.get("Subject"))
    attrs, attrs_size = check_attributes(entry.get("MessageAttributes"))
    if len(message.encode("utf-8")) + attrs_size > MAX_SIZE:
        raise invalid("Message too long")
    group, dedup = _fifo_params(topic, entry, message)
    if not encryption_checked:
        check_encryption(ctx, topic)
    out: dict[str, Any] = {}
    if is_fifo(topic):
        assert group is not None and dedup is not None
        message_id, sequence, new = _sequence(ctx, topic, group, dedup)
        out = {"MessageId": message_id, "SequenceNumber": sequence}
        if not new:
            return out
    else:
        message_id, sequence = str(uuid.uuid4()), None
        out = {"MessageId": message_id}
    notification = Notification(
        ctx,
        message_id=message_id,
        topic_arn=topic.arn,
        subject=subject,
        attributes=_envelope_attributes(attrs),
        sequence=sequence,
        signature_version=topic_attributes(topic).get("SignatureVersion") or "1",
    )
    filterable = _filterable(attrs)
    for sub in subscription_rows(ctx, topic.arn):
        if sub.state != "confirmed":
            continue
        protocol = str(sub.document["Protocol"])
        text = per_protocol.get(protocol, per_protocol["default"]) if per_protocol else message
        if not _accepts(sub, filterable, text):
            continue
        raw = (sub.document.get("Attributes") or {}).get("RawMessageDelivery") == "true"
        if protocol == "sqs":
            _to_queue(ctx, topic, sub, notification, text, attrs, raw, group, dedup)
        else:
            if protocol == "lambda":
                body = notification.lambda_event(text, sub.arn)
            elif raw or protocol in PLAIN_PROTOCOLS:
                body = text
            else:
                body = notification.body(text, sub.arn)
            deliveries.send(
                ctx,
                topic.arn,
                sub,
                body,
                message_id=message_id,
                subject=subject,
                raw=raw,
                topic_delivery_policy=topic_attributes(topic).get("DeliveryPolicy"),
            )
    return out


def _sqs_attributes(attrs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: dict(item) for name, item in attrs.items()}


def _to_queue(
    ctx: RequestContext,
    topic: AnyRow,
    sub: AnyRow,
    notification: Notification,
    text: str,
    attrs: dict[str, dict[str, Any]],
    raw: bool,
    group: str | None,
    dedup: str | None,
) -> None:
    body = text if raw else notification.body(text, sub.arn)
    queue_attrs = _sqs_attributes(attrs) if raw else None
    kw: dict[str, Any] = {
        "group_id": group,
        "deduplication_id": dedup,
        "service_principal": "sns.amazonaws.com",
        "source_arn": topic.arn,
    }
    done = sqs.enqueue(ctx, str(sub.document["Endpoint"]), body, attributes=queue_attrs, **kw)
    if done.delivered:
        return
    target = deliveries.dead_letter_target(sub)
    if target:
        sqs.enqueue(ctx, target, body, attributes=queue_attrs, **kw)


def _publish_target(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic_arn, target, phone = params.get("TopicArn"), params.get("TargetArn"), params.get("PhoneNumber")
    named = [v for v in (topic_arn, target, phone) if v]
    if not named:
        raise invalid("TopicArn or TargetArn Reason: no value for required parameter")
    if len(named) > 1:
        raise invalid("TopicArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be specified")
    if phone:
        return _publish_sms(ctx, params, phone)
    if target and ":endpoint/" in str(target):
        return _publish_endpoint(ctx, params, str(target))
    topic = topic_to_publish(ctx, topic_arn or target, "TopicArn" if topic_arn else "TargetArn")
    return publish_to_topic(ctx, topic, params)


def _publish_sms(ctx: RequestContext, params: dict[str, Any], phone: Any) -> dict[str, Any]:
    from .sms import opted_out

    if not isinstance(phone, str) or not _PHONE.match(phone):
        raise invalid("PhoneNumber Reason: input incorrectly formatted")
    message, _ = _check_message(params)
    if len(message.encode("utf-8")) > 1600:
        raise invalid("Message too long")
    check_attributes(params.get("MessageAttributes"))
    if opted_out(ctx, phone):
        from .errors import OptedOutException

        raise OptedOutException("Phone number is opted out")
    message_id = str(uuid.uuid4())
    deliveries.record(ctx, "sms", phone, message, message_id=message_id, subject=None, source="")
    return {"MessageId": message_id}


def _publish_endpoint(ctx: RequestContext, params: dict[str, Any], target: str) -> dict[str, Any]:
    from .errors import EndpointDisabledException

    row = ENDPOINTS.by_arn(ctx, target)
    if row is None:
        raise invalid("TargetArn Reason: No endpoint found for the target arn specified")
    message, per_protocol = _check_message(params)
    check_attributes(params.get("MessageAttributes"))
    if len(message.encode("utf-8")) > MAX_SIZE:
        raise invalid("Message too long")
    if (row.document.get("Attributes") or {}).get("Enabled", "true") != "true":
        raise EndpointDisabledException()
    platform = target.split(":endpoint/", 1)[1].split("/", 1)[0]
    text = per_protocol.get(platform, per_protocol["default"]) if per_protocol else message
    message_id = str(uuid.uuid4())
    deliveries.record(ctx, "application", target, text, message_id=message_id, subject=None, source="")
    return {"MessageId": message_id}


@handler("sns", "Publish")
def publish(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _publish_target(ctx, params)


def _wire_code(err: AwsError) -> str:
    """The code SNS writes for an error (``InvalidParameter``, not its shape's name)."""
    shape = specs.error_shape("sns", err.code)
    code = ((shape.metadata.get("error") or {}).get("code") if shape is not None else None) or err.code
    return str(code)


@handler("sns", "PublishBatch")
def publish_batch(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    topic = topic_to_publish(ctx, params.get("TopicArn"))
    entries = params.get("PublishBatchRequestEntries")
    if not entries:
        raise EmptyBatchRequestException()
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise invalid("PublishBatchRequestEntries")
    if len(entries) > MAX_BATCH:
        raise TooManyEntriesInBatchRequestException()
    seen: set[str] = set()
    total = 0
    for entry in entries:
        entry_id = entry.get("Id")
        if not isinstance(entry_id, str) or not _BATCH_ID.match(entry_id):
            raise InvalidBatchEntryIdException()
        if entry_id in seen:
            raise BatchEntryIdsNotDistinctException()
        seen.add(entry_id)
        text = entry.get("Message")
        total += len(text.encode("utf-8")) if isinstance(text, str) else 0
        for name, value in (entry.get("MessageAttributes") or {}).items():
            if isinstance(value, dict):
                total += len(str(name).encode()) + len(str(value.get("DataType") or "").encode())
                blob = value.get("BinaryValue") or value.get("StringValue") or ""
                total += len(blob) if isinstance(blob, (bytes, bytearray)) else len(str(blob).encode())
    if total > MAX_SIZE:
        raise BatchRequestTooLongException()
    check_encryption(ctx, topic)
    successful: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for entry in entries:
        try:  # (an entry is refused before it writes anything)
            out = publish_to_topic(ctx, topic, entry, encryption_checked=True)
        except AwsError as err:
            failed.append(
                {
                    "Id": entry["Id"],
                    "Code": _wire_code(err),
                    "Message": err.message,
                    "SenderFault": err.sender_fault,
                }
            )
            continue
        successful.append({"Id": entry["Id"], **out})
    return {"Successful": successful, "Failed": failed}
