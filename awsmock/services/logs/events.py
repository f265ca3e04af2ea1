"""Log events: PutLogEvents (AWS's batch limits, rejected events reported), GetLogEvents (one
stream, forward and backward tokens) and FilterLogEvents (a group's streams interleaved by
time, with a filter pattern).

Every read is one range of an index of :class:`awsmock.models.logs.LogEvent` (by stream or by
group, then timestamp, then arrival), from a token's position, never a whole group. Events
older than the group's retention are skipped when read. FilterLogEvents with a pattern of terms
lets the database find them, window by window of the index; other patterns are read in Python.

PutLogEvents to a group without filters runs on prebuilt statements (no ORM session); a group
with metric or subscription filters has them run on the new events (:mod:`.fanout`).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import and_, bindparam, case, delete, func, or_, select, update

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.engine.resources import Resource
from awsmock.models.logs import LogEvent, LogStream
from awsmock.state.rawvalues import conversions
from awsmock.state.store import compiled_sql

from . import fanout, patterns
from .errors import InvalidParameterException, group_not_found, invalid_token, stream_not_found
from .lookup import (
    FILTERS_KEY,
    GROUPS,
    check_group_name,
    check_stream_name,
    event_id,
    group,
    group_of,
    holds,
    millis,
    retention_cutoff,
    starts,
    stream,
)

MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD = 26
MAX_EVENTS = 10_000
HOUR = 3_600_000
DAY = 24 * HOUR
#: the most events FilterLogEvents reads in one call before it answers with what it found
SCAN_BUDGET = 20_000
SCAN_BATCH = 1_000
#: with a pattern of terms the database tests, the events one call reads, in windows of
SQL_SCAN_BUDGET = 200_000
SQL_WINDOW = 20_000
#: a position before every event
START = (-1, 0)
FAR = (1 << 62, 0)


def size_of(message: str) -> int:
    return len(message.encode("utf-8", "surrogatepass")) + EVENT_OVERHEAD


_R = Resource.__table__.c
_S = LogStream.__table__.c
#: the group (its row and document) and the stream a PutLogEvents names, in one raw query (the
#: stream's columns are NULL when the group has no such stream)
_TARGET = (
    select(_R.pk, _R.document, _S.id)
    .select_from(
        Resource.__table__.outerjoin(
            LogStream.__table__, and_(_S.group_id == _R.pk, _S.name == bindparam("stream"))
        )
    )
    .where(
        _R.service == "logs",
        _R.kind == GROUPS.kind,
        _R.account_id == bindparam("account"),
        _R.region == bindparam("region"),
        _R.rid == bindparam("group"),
    )
)
#: a stream's bookkeeping after events arrive (first and last event times, bytes stored)
_STREAM_WRITTEN = (
    update(LogStream.__table__)
    .where(_S.id == bindparam("b_id"))
    .values(
        first_event=case(
            (_S.first_event.is_(None), bindparam("b_first")),
            (_S.first_event > bindparam("b_first"), bindparam("b_first")),
            else_=_S.first_event,
        ),
        last_event=case((_S.last_event < bindparam("b_last"), bindparam("b_last")), else_=_S.last_event),
        last_ingestion=bindparam("b_now"),
        stored_bytes=_S.stored_bytes + bindparam("b_bytes"),
    )
)


@handler("logs", "PutLogEvents")
def put_log_events(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group_name = check_group_name(params["logGroupName"])
    stream_name = check_stream_name(params["logStreamName"])
    ctx.tx.flush()  # (the raw read must see the request's own ORM changes)
    target = ctx.tx.execute(
        _TARGET, {"stream": stream_name, "account": ctx.account_id, "region": ctx.region, "group": group_name}
    ).fetchone()
    if target is None:
        raise group_not_found()
    group_pk, raw_document, stream_id = target
    if stream_id is None:
        raise stream_not_found()
    document = conversions(ctx.tx).json_out(raw_document) or {}
    events = params["logEvents"]
    if len(events) > MAX_EVENTS:
        raise InvalidParameterException(f"Maximum number of log events in a batch is {MAX_EVENTS}.")
    total = 0
    sizes: list[int] = []
    stamps: list[int] = []
    previous = None
    for event in events:
        message = event.get("message") if isinstance(event, dict) else None
        if not isinstance(message, str):
            raise InvalidParameterException("Each log event must have a message.")
        stamp = event.get("timestamp")
        if not isinstance(stamp, int):
            raise InvalidParameterException("Each log event must have a timestamp.")
        # (an ASCII message is as many bytes as characters: no encoding to count them)
        size = (len(message) if message.isascii() else len(message.encode("utf-8", "surrogatepass"))) + EVENT_OVERHEAD
        if size > MAX_BATCH_BYTES:
            raise InvalidParameterException(
                f"Log event too large: {size} bytes exceeds limit of {MAX_BATCH_BYTES}"
            )
        total += size
        sizes.append(size)
        if previous is not None and stamp < previous:
            raise InvalidParameterException(
                "Log events in a single PutLogEvents request must be in chronological order."
            )
        previous = stamp
        stamps.append(stamp)
    if total > MAX_BATCH_BYTES:
        raise InvalidParameterException(f"Upload too large: {total} bytes exceeds limit of {MAX_BATCH_BYTES}")
    now = millis(ctx)
    oldest = now - 14 * DAY
    too_old = sum(1 for t in stamps if t < oldest) if stamps and stamps[0] < oldest else 0
    days = document.get("retentionInDays")
    cutoff = now - int(days) * DAY if days else None
    expired = sum(1 for t in stamps if t < cutoff) if cutoff is not None and stamps and stamps[0] < cutoff else 0
    newest = now + 2 * HOUR
    too_new_start = (
        next((i for i, t in enumerate(stamps) if t > newest), len(stamps))
        if stamps and stamps[-1] > newest
        else len(stamps)
    )
    first_valid = max(too_old, expired)
    valid = events[first_valid:too_new_start]
    if valid and valid[-1]["timestamp"] - valid[0]["timestamp"] > DAY:
        raise InvalidParameterException(
            "Log events in a single PutLogEvents request cannot span more than 24 hours."
        )
    if valid:
        rows = [
            {
                "group_id": group_pk,
                "stream_id": stream_id,
                "timestamp": e["timestamp"],
                "ingestion": now,
                "message": e["message"],
            }
            for e in valid
        ]
        if document.get(FILTERS_KEY) == 0:  # no filters: the rows as they are, no ORM at all
            _insert(ctx, rows)
        else:
            store(ctx, group(ctx, group_name), stream_name, rows)
        ctx.tx.execute(
            _STREAM_WRITTEN,
            {
                "b_id": stream_id,
                "b_first": valid[0]["timestamp"],
                "b_last": valid[-1]["timestamp"],
                "b_now": now,
                "b_bytes": sum(sizes[first_valid:too_new_start]) - EVENT_OVERHEAD * len(valid),
            },
        )
        if cutoff is not None:
            _purge(ctx, group_pk, cutoff)
    out: dict[str, Any] = {"nextSequenceToken": f"{now:d}{stream_id:012d}".rjust(56, "4")}
    rejected: dict[str, int] = {}
    if too_old and too_old >= expired:
        rejected["tooOldLogEventEndIndex"] = too_old
    if expired and expired > too_old:
        rejected["expiredLogEventEndIndex"] = expired
        if too_old:
            rejected["tooOldLogEventEndIndex"] = too_old
    if too_new_start < len(stamps):
        rejected["tooNewLogEventStartIndex"] = too_new_start
    if rejected:
        out["rejectedLogEventsInfo"] = rejected
    return out


_EVENTS = LogEvent.__table__
_COLUMNS = ("group_id", "stream_id", "timestamp", "ingestion", "message")
#: a prebuilt insert of one event (run for many at once straight on the DB-API cursor)
_INSERT = _EVENTS.insert().values({c: bindparam(c) for c in _COLUMNS})
_INSERT_RETURNING = _EVENTS.insert().returning(_EVENTS.c.id, sort_by_parameter_order=True)


def _insert(ctx: RequestContext, rows: list[dict[str, Any]]) -> None:
    sql, bind = compiled_sql(_INSERT, ctx.tx.dialect)
    ctx.tx.dbapi.cursor().executemany(sql, [bind(r) for r in rows])


def _insert_returning_ids(ctx: RequestContext, rows: list[dict[str, Any]]) -> list[int]:
    """Insert the rows; their ids, in order."""
    if ctx.tx.dialect.name == "sqlite":
        # one writer at a time: the new rows' ids follow one another, up to SQLite's last rowid
        _insert(ctx, rows)
        last = int(ctx.tx.dbapi.execute("SELECT last_insert_rowid()").fetchone()[0])
        return list(range(last - len(rows) + 1, last + 1))
    return list(ctx.tx.conn.execute(_INSERT_RETURNING, rows).scalars().all())


def store(ctx: RequestContext, grp: Resource, stream_name: str, rows: list[dict[str, Any]]) -> None:
    """Insert event rows (of one stream, made already, in time order), then run the group's
    metric and subscription filters on them (nothing more when it has none)."""
    todo = fanout.plan(ctx, grp)
    if todo is None or not todo.subscription:  # the events' ids are not needed
        _insert(ctx, rows)
        if todo is not None:
            fanout.run(ctx, todo, stream_name, [(0, r["timestamp"], r["message"]) for r in rows])
        return
    ids = _insert_returning_ids(ctx, rows)
    fanout.run(
        ctx, todo, stream_name, [(i, r["timestamp"], r["message"]) for i, r in zip(ids, rows, strict=True)]
    )


def _purge(ctx: RequestContext, group_pk: int, cutoff: int) -> None:
    """Drop a few of the group's expired events (bounded: writes stay cheap)."""
    ids = list(
        ctx.session.scalars(
            select(LogEvent.id).where(LogEvent.group_id == group_pk, LogEvent.timestamp < cutoff).limit(1000)
        )
    )
    if ids:
        ctx.session.execute(delete(LogEvent).where(LogEvent.id.in_(ids)))


# -- positions and GetLogEvents' tokens -------------------------------------------------------

_TOKEN = re.compile(r"([fb])/(\d{40})/s")


def _token(direction: str, position: tuple[int, int]) -> str:
    ts, seq = position
    return f"{direction}/{ts + 1:020d}{seq:020d}/s"


def _read_token(token: str) -> tuple[str, tuple[int, int]]:
    m = _TOKEN.fullmatch(token)
    if not m:
        raise invalid_token()
    digits = m.group(2)
    return m.group(1), (int(digits[:20]) - 1, int(digits[20:]))


def _after(position: tuple[int, int]) -> Any:
    ts, seq = position  # (a range of the index on the time, then the tie on the id)
    return and_(LogEvent.timestamp >= ts, or_(LogEvent.timestamp > ts, LogEvent.id > seq))


def _before(position: tuple[int, int]) -> Any:
    ts, seq = position
    return and_(LogEvent.timestamp <= ts, or_(LogEvent.timestamp < ts, LogEvent.id < seq))


def _time_range(ctx: RequestContext, grp: Resource, params: dict[str, Any]) -> list[Any]:
    where = []
    start = params.get("startTime")
    cutoff = retention_cutoff(ctx, grp)
    if cutoff is not None:
        start = cutoff if start is None else max(start, cutoff)
    if start is not None:
        where.append(LogEvent.timestamp >= start)
    if params.get("endTime") is not None:
        where.append(LogEvent.timestamp < params["endTime"])
    return where


def _capped(rows: list[Any], limit: int) -> list[Any]:
    """Up to ``limit`` events and 1 MB of them (one event at least)."""
    out: list[Any] = []
    total = 0
    for row in rows[:limit]:
        total += size_of(row.message)
        if out and total > MAX_BATCH_BYTES:
            break
        out.append(row)
    return out


@handler("logs", "GetLogEvents")
def get_log_events(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    grp = group_of(ctx, params)
    row = stream(ctx, grp, check_stream_name(params["logStreamName"]))
    limit = params.get("limit") or 10_000
    token = params.get("nextToken")
    if token:
        direction, position = _read_token(token)
    elif params.get("startFromHead"):
        direction, position = "f", START
    else:
        direction, position = "b", FAR
    cols = (LogEvent.id, LogEvent.timestamp, LogEvent.ingestion, LogEvent.message)
    stmt = select(*cols).where(LogEvent.stream_id == row.id, *_time_range(ctx, grp, params))
    if direction == "f":
        stmt = stmt.where(_after(position)).order_by(LogEvent.timestamp, LogEvent.id)
        found = _capped(list(ctx.session.execute(stmt.limit(limit))), limit)
    else:
        stmt = stmt.where(_before(position)).order_by(LogEvent.timestamp.desc(), LogEvent.id.desc())
        found = list(reversed(_capped(list(ctx.session.execute(stmt.limit(limit))), limit)))
    events = [{"timestamp": e.timestamp, "message": e.message, "ingestionTime": e.ingestion} for e in found]
    if found:
        forward = _token("f", (found[-1].timestamp, found[-1].id))
        backward = _token("b", (found[0].timestamp, found[0].id))
    else:
        at = START if position == FAR else position
        forward = token if token and direction == "f" else _token("f", at)
        backward = token if token and direction == "b" else _token("b", at)
    return {"events": events, "nextForwardToken": forward, "nextBackwardToken": backward}


# -- FilterLogEvents -----------------------------------------------------------------------------


def _prefilter(ctx: RequestContext, pattern: patterns.Pattern) -> list[Any]:
    """Conditions the database can test for a pattern of terms (each event it finds is
    checked again by the pattern itself); none for the other kinds of pattern."""
    terms = pattern.terms if pattern.kind == "terms" else None
    if terms is None:
        return []
    if ctx.tx.dialect.name == "sqlite":  # (SQLite's instr finds text without copying it)

        def has(text: str) -> Any:
            return func.instr(LogEvent.message, text) > 0
    else:

        def has(text: str) -> Any:
            return holds(LogEvent.message, text)

    out: list[Any] = [has(t) for t in terms.required]
    out += [~has(t) for t in terms.excluded]
    if terms.any_of:
        out.append(or_(*(has(t) for t in terms.any_of)))
    return out


@handler("logs", "FilterLogEvents")
def filter_log_events(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    grp = group_of(ctx, params)
    names = params.get("logStreamNames")
    prefix = params.get("logStreamNamePrefix")
    if names is not None and prefix is not None:
        raise InvalidParameterException(
            "logStreamNames and logStreamNamePrefix are mutually exclusive parameters."
        )
    pattern = patterns.compile_pattern(params.get("filterPattern"))
    limit = params.get("limit") or 10_000
    where = [LogEvent.group_id == grp.pk, *_time_range(ctx, grp, params)]
    if names is not None:
        wanted = [n for n in names if isinstance(n, str)]
        ids = select(LogStream.id).where(LogStream.group_id == grp.pk, LogStream.name.in_(wanted))
        where.append(LogEvent.stream_id.in_(ids))
    elif prefix:
        ids = select(LogStream.id).where(LogStream.group_id == grp.pk, starts(LogStream.name, prefix))
        where.append(LogEvent.stream_id.in_(ids))
    scope = f"FilterLogEvents:{grp.pk}"
    position = START
    if params.get("nextToken"):
        after = pager.decode(params["nextToken"], scope, invalid_token)
        if len(after) != 2 or not all(type(v) is int for v in after):
            raise invalid_token()
        position = (after[0], after[1])
    cols = (LogEvent.id, LogEvent.stream_id, LogEvent.timestamp, LogEvent.ingestion, LogEvent.message)
    found: list[Any] = []
    scanned = 0
    total = 0
    more = False
    full = False
    prefilter = _prefilter(ctx, pattern)
    while True:
        bound: list[Any] = []
        end = None
        if prefilter:  # the next window of events, then those of it the database finds the terms in
            end = ctx.session.execute(
                select(LogEvent.timestamp, LogEvent.id)
                .where(*where, _after(position))
                .order_by(LogEvent.timestamp, LogEvent.id)
                .offset(SQL_WINDOW - 1)
                .limit(1)
            ).first()
            if end is not None:
                bound.append(_before((end.timestamp, end.id + 1)))
        # every event matches a pattern of all: read no more than the page still takes
        size = min(SCAN_BATCH, limit - len(found)) if pattern.kind == "all" else SCAN_BATCH
        batch = list(
            ctx.session.execute(
                select(*cols)
                .where(*where, _after(position), *bound, *prefilter)
                .order_by(LogEvent.timestamp, LogEvent.id)
                .limit(size)
            )
        )
        for event in batch:
            scanned += 0 if prefilter else 1
            position = (event.timestamp, event.id)
            if pattern.kind == "all" or pattern.extract(event.message) is not None:
                total += size_of(event.message)
                if found and total > MAX_BATCH_BYTES:
                    position = (found[-1].timestamp, found[-1].id)
                    full = True
                    break
                found.append(event)
                if len(found) >= limit:
                    full = True
                    break
            if not prefilter and scanned >= SCAN_BUDGET:
                full = True
                break
        if full:
            more = True
            break
        if len(batch) < size:
            if end is None:
                break  # the group's events are read to their end
            position = (end.timestamp, end.id)  # the window is read: on to the next one
            scanned += SQL_WINDOW
            if scanned >= SQL_SCAN_BUDGET:
                more = True
                break
    if more:
        # is anything left beyond this position?
        more = (
            ctx.session.execute(select(LogEvent.id).where(*where, _after(position)).limit(1)).first()
            is not None
        )
    stream_names: dict[Any, Any] = (
        dict(
            ctx.session.execute(
                select(LogStream.id, LogStream.name).where(LogStream.id.in_({e.stream_id for e in found}))
            ).all()
        )
        if found
        else {}
    )
    out: dict[str, Any] = {
        "events": [
            {
                "logStreamName": stream_names.get(e.stream_id, ""),
                "timestamp": e.timestamp,
                "message": e.message,
                "ingestionTime": e.ingestion,
                "eventId": event_id(e.timestamp, e.id),
            }
            for e in found
        ],
        "searchedLogStreams": [],
    }
    if more:
        out["nextToken"] = pager.encode(scope, list(position))
    return out
