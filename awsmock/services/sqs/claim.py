"""Claiming messages for a receive, atomically, across processes sharing the state.

The claim is two statements in the receive's write transaction: select the candidates (visible,
not expired, FIFO groups not blocked), then one ``UPDATE ... WHERE id IN (...) AND visible_at <=
now`` that moves their ``visible_at`` past the visibility timeout and stamps the receive's nonce
(a row another claimer got first is not updated, and not returned). On SQLite the write
transaction (``BEGIN IMMEDIATE``) serializes claimers, so no two receives see the same candidate.
On PostgreSQL the candidates are locked with ``FOR UPDATE SKIP LOCKED`` (see :func:`_exclusive`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Select, Update, bindparam, func, literal_column, select, update

from awsmock.engine.context import RequestContext
from awsmock.models import UTCDateTime
from awsmock.models.sqs import Message, Queue
from awsmock.state.rawvalues import Conversions, conversions

from . import fifo
from .attributes import retention_cutoff
from .lookup import AnyQueue, find_queue_ref, queue_arn, split_arn

M = Message.__table__
COLUMNS = (
    M.c.id,
    M.c.message_id,
    M.c.body,
    M.c.md5_body,
    M.c.attributes,
    M.c.md5_attributes,
    M.c.system_attributes,
    M.c.md5_system_attributes,
    M.c.group_id,
    M.c.dedup_id,
    M.c.sender_id,
    M.c.sent_at,
    M.c.first_received_at,
    M.c.receive_count,
    M.c.dead_letter_source_arn,
)


class MessageRow(NamedTuple):
    """A message as :data:`COLUMNS` selects it, values converted as the ORM types would."""

    id: int
    message_id: str
    body: str
    md5_body: str
    attributes: dict | None
    md5_attributes: str | None
    system_attributes: dict | None
    md5_system_attributes: str | None
    group_id: str | None
    dedup_id: str | None
    sender_id: str
    sent_at: dt.datetime
    first_received_at: dt.datetime | None
    receive_count: int
    dead_letter_source_arn: str | None


def _message_row(conv: Conversions, raw: Any) -> MessageRow:
    r = list(raw)
    r[4] = conv.json_out(r[4])
    r[6] = conv.json_out(r[6])
    r[11] = conv.time_out(r[11])
    r[12] = conv.time_out(r[12])
    return MessageRow(*r)


@dataclass
class Claimed:
    row: Any  # a MessageRow as selected (before the claim), or a row with the same fields
    nonce: str
    first_received_at: dt.datetime
    receive_count: int


_LOCK_QUEUE = (
    select(Queue.__table__.c.id).where(Queue.__table__.c.id == bindparam("queue_id")).with_for_update()
)


def _lock_mode(ctx: RequestContext, queue: AnyQueue) -> str:
    """The one backend-specific bit: make concurrent claimers skip each other's candidates.

    SQLite: nothing to do, writers are serialized by ``BEGIN IMMEDIATE``. PostgreSQL: skip rows
    another transaction holds; FIFO queues additionally serialize claimers on the queue row, so
    two receives cannot split one message group.
    """
    if ctx.tx.dialect.name != "postgresql":
        return ""
    if queue.fifo:
        ctx.tx.execute(_LOCK_QUEUE, {"queue_id": queue.id}).fetchall()
        return "of"
    return "skip"


@cache
def _candidates_stmt(is_fifo: bool, excluded: int, lock: str) -> Select[Any]:
    """The candidates query (built once per shape: raw statements are compiled once)."""
    now = bindparam("now", type_=UTCDateTime())
    cutoff = bindparam("cutoff", type_=UTCDateTime())
    queue_id: Any = bindparam("queue_id")
    stmt = select(*COLUMNS).where(M.c.queue_id == queue_id, M.c.visible_at <= now, M.c.enqueued_at > cutoff)
    if excluded:
        stmt = stmt.where(M.c.id.not_in([bindparam(f"x{i}") for i in range(excluded)]))
    if is_fifo:
        stmt = stmt.where(fifo.group_not_blocked(queue_id, now, cutoff)).order_by(M.c.id)
    else:
        stmt = stmt.order_by(M.c.visible_at)
    stmt = stmt.limit(bindparam("limit")).offset(bindparam("offset"))  # SQLite would bind an OFFSET 0
    if lock == "of":
        stmt = stmt.with_for_update(of=M)
    elif lock == "skip":
        stmt = stmt.with_for_update(of=M, skip_locked=True)
    return stmt


def candidates(
    ctx: RequestContext, queue: AnyQueue, limit: int, exclude: list[int] | None = None
) -> list[MessageRow]:
    ctx.tx.flush()  # raw statement: see what the ORM session wrote
    excluded = exclude or []
    stmt = _candidates_stmt(bool(queue.fifo), len(excluded), _lock_mode(ctx, queue))
    conv = conversions(ctx.tx)
    params: dict[str, Any] = {
        "now": conv.time_in(ctx.now),
        "cutoff": conv.time_in(retention_cutoff(queue, ctx.now)),
        "queue_id": queue.id,
        "limit": limit,
        "offset": 0,
    }
    for i, row_id in enumerate(excluded):
        params[f"x{i}"] = row_id
    return [_message_row(conv, raw) for raw in ctx.tx.execute(stmt, params).fetchall()]


#: what a claim sets
_CLAIM_VALUES = {
    "visible_at": bindparam("until", type_=UTCDateTime()),
    "receive_count": M.c.receive_count + literal_column("1"),  # no bind: raw statements
    "first_received_at": func.coalesce(M.c.first_received_at, bindparam("first", type_=UTCDateTime())),
    "receipt_nonce": bindparam("nonce"),
}


@cache
def _claim_stmt(count: int) -> Update:
    return (
        update(M)
        .where(
            M.c.id.in_([bindparam(f"id{i}") for i in range(count)]),
            M.c.visible_at <= bindparam("now", type_=UTCDateTime()),
        )
        .values(_CLAIM_VALUES)
    )


_MINE = select(M.c.id).where(M.c.queue_id == bindparam("queue_id"), M.c.receipt_nonce == bindparam("nonce"))


def dead_letter_target(ctx: RequestContext, queue: AnyQueue) -> tuple[AnyQueue, int] | None:
    raw = (queue.attributes or {}).get("RedrivePolicy")
    if not raw:
        return None
    policy = json.loads(raw)
    parsed = split_arn(policy["deadLetterTargetArn"])
    dlq = find_queue_ref(ctx, parsed[1], parsed[2], parsed[0]) if parsed else None
    if dlq is None:
        return None
    return dlq, int(policy["maxReceiveCount"])


def move_to(
    ctx: RequestContext, ids: list[int], target: AnyQueue, *, source_arn: str | None, reset_receives: bool
) -> None:
    """Move messages (row ids) to ``target``, visible now."""
    values: dict[str, Any] = {"queue_id": target.id, "visible_at": ctx.now, "receipt_nonce": None}
    if source_arn is not None:
        values["dead_letter_source_arn"] = source_arn
    if target.fifo:
        values["enqueued_at"] = ctx.now
    if reset_receives:
        values.update(receive_count=0, first_received_at=None)
    ctx.session.execute(update(M).where(M.c.id.in_(ids)).values(**values))


def claim(ctx: RequestContext, queue: AnyQueue, limit: int, visibility: int, nonce: str) -> list[Claimed]:
    """Claim up to ``limit`` messages for ``visibility`` seconds; messages received too often go
    to the dead-letter queue instead."""
    redrive = dead_letter_target(ctx, queue)
    taken: list[Any] = []
    for _ in range(10):
        rows = candidates(ctx, queue, limit - len(taken), [r.id for r in taken])
        if not rows:
            break
        if redrive is None:
            taken.extend(rows)
            break
        dlq, max_receives = redrive
        dead = [r.id for r in rows if r.receive_count >= max_receives]
        taken.extend(r for r in rows if r.receive_count < max_receives)
        if dead:
            move_to(ctx, dead, dlq, source_arn=queue_arn(queue), reset_receives=False)
        if not dead or len(taken) >= limit:
            break
    if not taken:
        return []
    now = ctx.now
    conv = conversions(ctx.tx)
    params: dict[str, Any] = {
        "now": conv.time_in(now),
        "until": conv.time_in(now + dt.timedelta(seconds=visibility)),
        "first": conv.time_in(now),
        "nonce": nonce,
    }
    for i, r in enumerate(taken):
        params[f"id{i}"] = r.id
    done = ctx.tx.execute(_claim_stmt(len(taken)), params)
    if done.rowcount != len(taken):  # a concurrent claimer won some (only without row locks): keep ours
        mine = {row[0] for row in ctx.tx.execute(_MINE, {"queue_id": queue.id, "nonce": nonce}).fetchall()}
        taken = [r for r in taken if r.id in mine]
    return [Claimed(r, nonce, r.first_received_at or now, r.receive_count + 1) for r in taken]


def reclaim(
    ctx: RequestContext, queue: AnyQueue, pairs: list[tuple[int, str]], visibility: int
) -> list[Claimed]:
    """The messages an earlier receive (FIFO attempt id) returned, if still in flight with the same
    receipt; their visibility timeout starts again."""
    if not pairs:
        return []
    cond = fifo.in_flight_with(pairs, ctx.now)
    rows = list(
        ctx.session.execute(
            select(*COLUMNS, M.c.receipt_nonce).where(M.c.queue_id == queue.id, cond).order_by(M.c.id)
        ).all()
    )
    if not rows:
        return []
    ctx.session.execute(
        update(M)
        .where(M.c.id.in_([r.id for r in rows]))
        .values(visible_at=ctx.now + dt.timedelta(seconds=visibility))
    )
    return [Claimed(r, r.receipt_nonce, r.first_received_at or ctx.now, r.receive_count) for r in rows]
