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
from typing import Any

from sqlalchemy import Select, bindparam, func, select, update

from awsmock.context import RequestContext
from awsmock.models import UTCDateTime
from awsmock.models.sqs import Message, Queue

from . import fifo
from .attributes import retention_cutoff
from .lookup import queue_arn, queue_by_arn

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


@dataclass
class Claimed:
    row: Any  # a row of COLUMNS as selected (before the claim)
    nonce: str
    first_received_at: dt.datetime
    receive_count: int


def _exclusive(ctx: RequestContext, queue: Queue, stmt: Select[Any]) -> Select[Any]:
    """The one backend-specific bit: make concurrent claimers skip each other's candidates.

    SQLite: nothing to do, writers are serialized by ``BEGIN IMMEDIATE``. PostgreSQL: skip rows
    another transaction holds; FIFO queues additionally serialize claimers on the queue row, so
    two receives cannot split one message group.
    """
    if ctx.session.get_bind().dialect.name != "postgresql":
        return stmt
    if queue.fifo:
        ctx.session.execute(select(Queue.id).where(Queue.id == queue.id).with_for_update())
        return stmt.with_for_update(of=M)
    return stmt.with_for_update(of=M, skip_locked=True)


def _candidates_stmt(is_fifo: bool, exclude: bool) -> Select[Any]:
    now = bindparam("now", type_=UTCDateTime())
    cutoff = bindparam("cutoff", type_=UTCDateTime())
    queue_id: Any = bindparam("queue_id")
    stmt = select(*COLUMNS).where(M.c.queue_id == queue_id, M.c.visible_at <= now, M.c.enqueued_at > cutoff)
    if exclude:
        stmt = stmt.where(M.c.id.not_in(bindparam("exclude", expanding=True)))
    if is_fifo:
        stmt = stmt.where(fifo.group_not_blocked(queue_id, now, cutoff)).order_by(M.c.id)
    else:
        stmt = stmt.order_by(M.c.visible_at)
    return stmt.limit(bindparam("limit"))


#: (fifo, with exclusions) -> the candidates query, built once (receives are a hot path)
_CANDIDATES = {(f, e): _candidates_stmt(f, e) for f in (False, True) for e in (False, True)}


def candidates(ctx: RequestContext, queue: Queue, limit: int, exclude: list[int] | None = None) -> list[Any]:
    stmt = _exclusive(ctx, queue, _CANDIDATES[(queue.fifo, bool(exclude))])
    params: dict[str, Any] = {
        "now": ctx.now,
        "cutoff": retention_cutoff(queue, ctx.now),
        "queue_id": queue.id,
        "limit": limit,
    }
    if exclude:
        params["exclude"] = exclude
    return list(ctx.session.execute(stmt, params).all())


_CLAIM = (
    update(M)
    .where(
        M.c.id.in_(bindparam("ids", expanding=True)), M.c.visible_at <= bindparam("now", type_=UTCDateTime())
    )
    .values(
        visible_at=bindparam("until", type_=UTCDateTime()),
        receive_count=M.c.receive_count + 1,
        first_received_at=func.coalesce(M.c.first_received_at, bindparam("first", type_=UTCDateTime())),
        receipt_nonce=bindparam("nonce"),
    )
)


def dead_letter_target(ctx: RequestContext, queue: Queue) -> tuple[Queue, int] | None:
    raw = (queue.attributes or {}).get("RedrivePolicy")
    if not raw:
        return None
    policy = json.loads(raw)
    dlq = queue_by_arn(ctx, policy["deadLetterTargetArn"])
    if dlq is None:
        return None
    return dlq, int(policy["maxReceiveCount"])


def move_to(
    ctx: RequestContext, ids: list[int], target: Queue, *, source_arn: str | None, reset_receives: bool
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


def claim(ctx: RequestContext, queue: Queue, limit: int, visibility: int, nonce: str) -> list[Claimed]:
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
    until = now + dt.timedelta(seconds=visibility)
    ids = [r.id for r in taken]
    done: Any = ctx.session.execute(
        _CLAIM, {"ids": ids, "now": now, "until": until, "first": now, "nonce": nonce}
    )
    if done.rowcount != len(ids):  # a concurrent claimer won some (only without row locks): keep ours
        mine = set(
            ctx.session.execute(select(M.c.id).where(M.c.id.in_(ids), M.c.receipt_nonce == nonce)).scalars()
        )
        taken = [r for r in taken if r.id in mine]
    return [Claimed(r, nonce, r.first_received_at or now, r.receive_count + 1) for r in taken]


def reclaim(
    ctx: RequestContext, queue: Queue, pairs: list[tuple[int, str]], visibility: int
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
