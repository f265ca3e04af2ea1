"""FIFO rules: which messages a receive may take, deduplication, receive request attempts."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, literal_column, or_, select

from awsmock.engine.context import RequestContext
from awsmock.models.sqs import Deduplication, Message, ReceiveAttempt

from .errors import InvalidParameterValue, MissingParameter
from .lookup import AnyQueue

DEDUP_INTERVAL = dt.timedelta(minutes=5)
ATTEMPT_INTERVAL = dt.timedelta(minutes=5)


def group_not_blocked(queue_id: Any, now: Any, cutoff: Any) -> ColumnElement[bool]:
    """A message may be received only if no message of its group is in flight and no earlier
    message of its group is still delayed (per-group order)."""
    m = Message.__table__
    f = m.alias("blocker")
    return ~exists().where(
        f.c.queue_id == queue_id,
        f.c.group_id == m.c.group_id,
        f.c.visible_at > now,
        f.c.enqueued_at > cutoff,
        or_(f.c.receive_count > literal_column("0"), f.c.id < m.c.id),  # no bind: a raw statement
    )


def send_params(queue: AnyQueue, entry: dict[str, Any]) -> tuple[str, str]:
    """``(group id, deduplication id)`` of a send to a FIFO queue, validated."""
    group = entry.get("MessageGroupId")
    if not group:
        raise MissingParameter("The request must contain the parameter MessageGroupId.")
    dedup = entry.get("MessageDeduplicationId")
    if not dedup:
        if (queue.attributes or {}).get("ContentBasedDeduplication") != "true":
            raise InvalidParameterValue(
                "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
                "provided explicitly"
            )
        dedup = hashlib.sha256(entry["MessageBody"].encode("utf-8")).hexdigest()
    if entry.get("DelaySeconds"):
        raise InvalidParameterValue(
            f"Value {entry['DelaySeconds']} for parameter DelaySeconds is invalid. Reason: The request include "
            "parameter that is not valid for this queue type."
        )
    return group, dedup


def _dedup_key(queue: AnyQueue, group: str, dedup: str) -> str:
    if (queue.attributes or {}).get("DeduplicationScope") == "messageGroup":
        return f"{len(group)}:{group}:{dedup}"
    return dedup


def duplicate_of(ctx: RequestContext, queue: AnyQueue, group: str, dedup: str) -> tuple[str, int] | None:
    """``(message id, sequence)`` of the message this send duplicates, if any."""
    row = ctx.session.execute(
        select(Deduplication.message_id, Deduplication.sequence).where(
            Deduplication.queue_id == queue.id,
            Deduplication.key == _dedup_key(queue, group, dedup),
            Deduplication.expires_at > ctx.now,
        )
    ).first()
    return (row[0], row[1]) if row else None


def remember(
    ctx: RequestContext, queue: AnyQueue, group: str, dedup: str, message_id: str, sequence: int
) -> None:
    key = _dedup_key(queue, group, dedup)
    table = Deduplication.__table__
    ctx.session.execute(delete(table).where(table.c.queue_id == queue.id, table.c.key == key))
    ctx.session.execute(
        table.insert().values(
            queue_id=queue.id,
            key=key,
            message_id=message_id,
            sequence=sequence,
            expires_at=ctx.now + DEDUP_INTERVAL,
        )
    )
    if sequence % 128 == 0:  # now and then, forget expired ids
        ctx.session.execute(delete(table).where(table.c.queue_id == queue.id, table.c.expires_at <= ctx.now))


def previous_attempt(ctx: RequestContext, queue: AnyQueue, attempt_id: str) -> list[tuple[int, str]] | None:
    """The ``(row id, nonce)`` pairs an earlier receive with this attempt id returned."""
    row = ctx.session.execute(
        select(ReceiveAttempt.messages).where(
            ReceiveAttempt.queue_id == queue.id,
            ReceiveAttempt.attempt_id == attempt_id,
            ReceiveAttempt.expires_at > ctx.now,
        )
    ).first()
    return [(int(a), str(b)) for a, b in row[0]] if row else None


def record_attempt(
    ctx: RequestContext, queue: AnyQueue, attempt_id: str, claimed: list[tuple[int, str]]
) -> None:
    table = ReceiveAttempt.__table__
    ctx.session.execute(
        delete(table).where(
            table.c.queue_id == queue.id, or_(table.c.attempt_id == attempt_id, table.c.expires_at <= ctx.now)
        )
    )
    ctx.session.execute(
        table.insert().values(
            queue_id=queue.id,
            attempt_id=attempt_id,
            messages=[list(c) for c in claimed],
            expires_at=ctx.now + ATTEMPT_INTERVAL,
        )
    )


def in_flight_with(pairs: list[tuple[int, str]], now: dt.datetime) -> ColumnElement[bool]:
    m = Message.__table__.c
    return and_(
        or_(*[and_(m.id == row_id, m.receipt_nonce == nonce) for row_id, nonce in pairs]),
        m.visible_at > now,
    )
