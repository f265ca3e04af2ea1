"""Log events: PutLogEvents (AWS's batch limits, rejected events reported), GetLogEvents (one
stream, forward and backward tokens) and FilterLogEvents (a group's streams interleaved by
time, with a filter pattern).

Every read is one range of an index of :class:`awsmock.models.logs.LogEvent` (by stream or by
group, then timestamp, then arrival), from a token's position, never a whole group. Events
older than the group's retention are skipped when read.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.engine.resources import Resource
from awsmock.models.logs import LogEvent, LogStream

from . import patterns
from .errors import InvalidParameterException, invalid_token
from .lookup import (
    check_group_name,
    check_stream_name,
    group,
    group_of,
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
#: a position before every event
START = (-1, 0)
FAR = (1 << 62, 0)


def size_of(message: str) -> int:
    return len(message.encode("utf-8", "surrogatepass")) + EVENT_OVERHEAD


@handler("logs", "PutLogEvents")
def put_log_events(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    grp = group(ctx, check_group_name(params["logGroupName"]))
    row = stream(ctx, grp, check_stream_name(params["logStreamName"]))
    events = params["logEvents"]
    if len(events) > MAX_EVENTS:
        raise InvalidParameterException(f"Maximum number of log events in a batch is {MAX_EVENTS}.")
    total = 0
    previous = None
    for event in events:
        if not isinstance(event, dict) or not isinstance(event.get("message"), str):
            raise InvalidParameterException("Each log event must have a message.")
        if not isinstance(event.get("timestamp"), int):
            raise InvalidParameterException("Each log event must have a timestamp.")
        size = size_of(event["message"])
        if size > MAX_BATCH_BYTES:
            raise InvalidParameterException(
                f"Log event too large: {size} bytes exceeds limit of {MAX_BATCH_BYTES}"
            )
        total += size
        if previous is not None and event["timestamp"] < previous:
            raise InvalidParameterException(
                "Log events in a single PutLogEvents request must be in chronological order."
            )
        previous = event["timestamp"]
    if total > MAX_BATCH_BYTES:
        raise InvalidParameterException(f"Upload too large: {total} bytes exceeds limit of {MAX_BATCH_BYTES}")
    now = millis(ctx)
    stamps = [e["timestamp"] for e in events]
    too_old = sum(1 for t in stamps if t < now - 14 * DAY)
    cutoff = retention_cutoff(ctx, grp)
    expired = sum(1 for t in stamps if cutoff is not None and t < cutoff)
    too_new_start = next((i for i, t in enumerate(stamps) if t > now + 2 * HOUR), len(stamps))
    first_valid = max(too_old, expired)
    valid = events[first_valid:too_new_start]
    if valid and valid[-1]["timestamp"] - valid[0]["timestamp"] > DAY:
        raise InvalidParameterException(
            "Log events in a single PutLogEvents request cannot span more than 24 hours."
        )
    if valid:
        ctx.session.execute(
            insert(LogEvent),
            [
                {
                    "group_id": grp.pk,
                    "stream_id": row.id,
                    "timestamp": e["timestamp"],
                    "ingestion": now,
                    "message": e["message"],
                }
                for e in valid
            ],
        )
        first, last = valid[0]["timestamp"], valid[-1]["timestamp"]
        row.first_event = first if row.first_event is None else min(row.first_event, first)
        row.last_event = max(row.last_event or 0, last)
        row.last_ingestion = now
        row.stored_bytes += sum(len(e["message"].encode("utf-8", "surrogatepass")) for e in valid)
        if cutoff is not None:
            _purge(ctx, grp, cutoff)
    out: dict[str, Any] = {"nextSequenceToken": f"{now:d}{row.id:012d}".rjust(56, "4")}
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


def _purge(ctx: RequestContext, grp: Resource, cutoff: int) -> None:
    """Drop a few of the group's expired events (bounded: writes stay cheap)."""
    ids = list(
        ctx.session.scalars(
            select(LogEvent.id).where(LogEvent.group_id == grp.pk, LogEvent.timestamp < cutoff).limit(1000)
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


def event_id(ts: int, seq: int) -> str:
    return f"{ts:020d}{seq:036d}"


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
    while True:
        batch = list(
            ctx.session.execute(
                select(*cols)
                .where(*where, _after(position))
                .order_by(LogEvent.timestamp, LogEvent.id)
                .limit(SCAN_BATCH)
            )
        )
        for event in batch:
            scanned += 1
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
            if scanned >= SCAN_BUDGET:
                full = True
                break
        if full:
            more = True
            break
        if len(batch) < SCAN_BATCH:
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
