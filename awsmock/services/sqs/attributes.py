"""Queue attributes: defaults, validation of settable values, and the live read-only ones."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from awsmock.engine.context import RequestContext
from awsmock.models.sqs import Message, Queue
from awsmock.state import jsontext

from .errors import InvalidAttributeName, InvalidAttributeValue, InvalidParameterValue
from .lookup import AnyQueue, queue_arn, queue_by_arn

#: the largest message, and the default MaximumMessageSize (1 MiB since AWS raised it in 2025)
MAX_MESSAGE_SIZE = 1_048_576
DEFAULT_RETENTION = 345_600

#: settable integer attributes: (minimum, maximum, default)
INT_RANGES: dict[str, tuple[int, int, int | None]] = {
    "DelaySeconds": (0, 900, 0),
    "MaximumMessageSize": (1024, MAX_MESSAGE_SIZE, MAX_MESSAGE_SIZE),
    "MessageRetentionPeriod": (60, 1_209_600, DEFAULT_RETENTION),
    "ReceiveMessageWaitTimeSeconds": (0, 20, 0),
    "VisibilityTimeout": (0, 43_200, 30),
    "KmsDataKeyReusePeriodSeconds": (60, 86_400, None),
}
COMMON = {
    *INT_RANGES,
    "Policy",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "KmsMasterKeyId",
    "SqsManagedSseEnabled",
}
FIFO_ONLY = {"FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"}
READ_ONLY = {
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "QueueArn",
}
ALL_NAMES = COMMON | FIFO_ONLY | READ_ONLY


def defaults(fifo: bool) -> dict[str, str]:
    out = {name: str(default) for name, (_lo, _hi, default) in INT_RANGES.items() if default is not None}
    out["SqsManagedSseEnabled"] = "true"
    if fifo:
        out.update(
            FifoQueue="true",
            ContentBasedDeduplication="false",
            DeduplicationScope="queue",
            FifoThroughputLimit="perQueue",
        )
    return out


def _invalid(name: str) -> InvalidAttributeValue:
    return InvalidAttributeValue(f"Invalid value for the parameter {name}.")


def _bool(name: str, value: str) -> str:
    low = str(value).lower()
    if low not in ("true", "false"):
        raise _invalid(name)
    return low


def _json(name: str, value: str) -> dict[str, Any]:
    try:
        doc = jsontext.guarded_loads(value)
    except ValueError:  # not JSON, or nested too deeply
        raise _invalid(name) from None
    if not isinstance(doc, dict):
        raise _invalid(name)
    return doc


def _access_policy(value: str) -> str:
    """A queue's ``Policy``: a policy document, its statements objects (one, or a list), as
    AddPermission and RemovePermission read them."""
    statements = _json("Policy", value).get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not all(isinstance(s, dict) for s in statements):
        raise _invalid("Policy")
    return value


def _redrive_policy(ctx: RequestContext, fifo: bool, value: str) -> str:
    doc = _json("RedrivePolicy", value)

    def bad(reason: str) -> InvalidParameterValue:
        return InvalidParameterValue(
            f"Value {value} for parameter RedrivePolicy is invalid. Reason: {reason}"
        )

    target = doc.get("deadLetterTargetArn")
    count = doc.get("maxReceiveCount")
    if not target or count is None:
        raise bad("Redrive policy is not a dictionary or is missing deadLetterTargetArn or maxReceiveCount.")
    try:
        n = int(count)
    except (TypeError, ValueError, OverflowError):  # OverflowError: a count of 1e400
        raise bad(
            f"Invalid value for maxReceiveCount: {count}, valid values are from 1 to 1000 both inclusive."
        ) from None
    if not 1 <= n <= 1000:
        raise bad(
            f"Invalid value for maxReceiveCount: {count}, valid values are from 1 to 1000 both inclusive."
        )
    dlq = queue_by_arn(ctx, str(target))
    if dlq is None:
        raise bad("Dead letter target does not exist.")
    if dlq.fifo != fifo:
        raise bad("Dead-letter target must be same type of queue as the source.")
    return json.dumps({"deadLetterTargetArn": target, "maxReceiveCount": n}, separators=(",", ":"))


def _redrive_allow_policy(value: str) -> str:
    doc = _json("RedriveAllowPolicy", value)
    permission = doc.get("redrivePermission")
    sources = doc.get("sourceQueueArns")

    def bad(reason: str) -> InvalidParameterValue:
        return InvalidParameterValue(
            f"Value {value} for parameter RedriveAllowPolicy is invalid. Reason: {reason}"
        )

    if permission not in ("allowAll", "denyAll", "byQueue"):
        raise bad("Invalid value for redrivePermission.")
    if permission == "byQueue":
        if not isinstance(sources, list) or not 1 <= len(sources) <= 10:
            raise bad("At least one and at most 10 sourceQueueArns must be provided for byQueue.")
    elif sources:
        raise bad("sourceQueueArns can only be specified when redrivePermission is byQueue.")
    return value


def normalize(ctx: RequestContext, attrs: Mapping[str, Any], *, fifo: bool, creating: bool) -> dict[str, str]:
    """Validated, canonical string values of settable ``attrs`` (empty string: unset)."""
    out: dict[str, str] = {}
    for name, raw in attrs.items():
        value = "" if raw is None else str(raw)
        if name not in COMMON and name not in FIFO_ONLY:
            raise InvalidAttributeName(f"Unknown Attribute {name}.")
        if name in FIFO_ONLY and not fifo and not (name == "FifoQueue" and creating):
            raise InvalidAttributeName(f"Unknown Attribute {name}.")
        if name in INT_RANGES:
            lo, hi, _ = INT_RANGES[name]
            try:
                n = int(value)
            except ValueError:
                raise _invalid(name) from None
            if not lo <= n <= hi:
                raise _invalid(name)
            out[name] = str(n)
        elif name in ("SqsManagedSseEnabled", "ContentBasedDeduplication"):
            out[name] = _bool(name, value)
        elif name == "FifoQueue":
            if not creating:
                raise InvalidAttributeName(f"Unknown Attribute {name}.")
            out[name] = _bool(name, value)
        elif name == "DeduplicationScope":
            if value not in ("queue", "messageGroup"):
                raise _invalid(name)
            out[name] = value
        elif name == "FifoThroughputLimit":
            if value not in ("perQueue", "perMessageGroupId"):
                raise _invalid(name)
            out[name] = value
        elif name == "Policy":
            out[name] = _access_policy(value) if value else value
        elif name == "RedrivePolicy":
            out[name] = _redrive_policy(ctx, fifo, value) if value else ""
        elif name == "RedriveAllowPolicy":
            out[name] = _redrive_allow_policy(value) if value else ""
        else:  # KmsMasterKeyId
            out[name] = value
    return out


def apply(queue: Queue, values: Mapping[str, str]) -> None:
    """Store normalized ``values`` on ``queue`` (empty strings remove optional attributes)."""
    attrs = dict(queue.attributes or {})
    for name, value in values.items():
        if value == "" and name in ("Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId"):
            attrs.pop(name, None)
        else:
            attrs[name] = value
    if values.get("KmsMasterKeyId"):
        attrs["SqsManagedSseEnabled"] = "false"
        attrs.setdefault("KmsDataKeyReusePeriodSeconds", "300")
    elif values.get("SqsManagedSseEnabled") == "true":
        attrs.pop("KmsMasterKeyId", None)
        attrs.pop("KmsDataKeyReusePeriodSeconds", None)
    if (
        queue.fifo
        and attrs.get("FifoThroughputLimit") == "perMessageGroupId"
        and attrs.get("DeduplicationScope") != "messageGroup"
    ):
        raise InvalidAttributeValue(
            "Invalid value for the parameter FifoThroughputLimit. Reason: You can specify the "
            "perMessageGroupId value only when the value for DeduplicationScope is messageGroup."
        )
    queue.attributes = attrs
    redrive = attrs.get("RedrivePolicy")
    queue.dead_letter_target_arn = json.loads(redrive)["deadLetterTargetArn"] if redrive else None


def int_attr(queue: AnyQueue, name: str) -> int:
    value = (queue.attributes or {}).get(name)
    if value is None:
        default = INT_RANGES[name][2]
        return int(default or 0)
    return int(value)


def retention_cutoff(queue: AnyQueue, now: dt.datetime) -> dt.datetime:
    """Messages enqueued at or before this instant have expired."""
    return now - dt.timedelta(seconds=int_attr(queue, "MessageRetentionPeriod"))


def message_counts(session: Session, queue: AnyQueue, now: dt.datetime) -> tuple[int, int, int]:
    """``(visible, in flight, delayed)``: the queue's live messages at ``now``."""
    m = Message.__table__.c
    visible = m.visible_at <= now
    row = session.execute(
        select(
            func.coalesce(func.sum(case((visible, 1), else_=0)), 0),
            func.coalesce(func.sum(case((~visible & (m.receive_count > 0), 1), else_=0)), 0),
            func.coalesce(func.sum(case((~visible & (m.receive_count == 0), 1), else_=0)), 0),
        ).where(m.queue_id == queue.id, m.enqueued_at > retention_cutoff(queue, now))
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def counters(ctx: RequestContext, queue: Queue) -> dict[str, int]:
    visible, in_flight, delayed = message_counts(ctx.session, queue, ctx.now)
    return {
        "ApproximateNumberOfMessages": visible,
        "ApproximateNumberOfMessagesNotVisible": in_flight,
        "ApproximateNumberOfMessagesDelayed": delayed,
    }


def _epoch(ts: dt.datetime) -> str:
    return str(int(ts.timestamp()))


def render(ctx: RequestContext, queue: Queue, names: list[str] | None) -> dict[str, str]:
    """The attributes ``names`` asks for (``All`` for every one) as GetQueueAttributes returns them."""
    wanted = set(names or [])
    for name in wanted:
        if name != "All" and name not in ALL_NAMES:
            raise InvalidAttributeName(f"Unknown Attribute {name}.")
    if not wanted:
        return {}
    every = "All" in wanted
    out: dict[str, str] = {}
    stored = queue.attributes or {}
    for name, value in stored.items():
        if every or name in wanted:
            out[name] = value
    if every or wanted & {
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    }:
        for name, n in counters(ctx, queue).items():
            if every or name in wanted:
                out[name] = str(n)
    if every or "CreatedTimestamp" in wanted:
        out["CreatedTimestamp"] = _epoch(queue.created_at)
    if every or "LastModifiedTimestamp" in wanted:
        out["LastModifiedTimestamp"] = _epoch(queue.modified_at)
    if every or "QueueArn" in wanted:
        out["QueueArn"] = queue_arn(queue)
    return out
