"""Logs in the dashboard: log streams, and inside a log group its events newest first, and a live
tail of them (the page polls with the tail's position and adds the events that arrived since).
Log groups, destinations and export tasks are listed through their shared-store kinds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from awsmock.engine import inventory
from awsmock.engine.inventory import Column, Page, Query
from awsmock.engine.resources import Resource
from awsmock.models.logs import LogEvent, LogStream

from .lookup import GROUPS

PREVIEW = 500


def _time(ms: int | None) -> str | None:
    return None if ms is None else inventory.iso(dt.datetime.fromtimestamp(ms / 1000, dt.UTC))


def _groups(session: Session, query: Query) -> Any:
    stmt = select(Resource.pk).where(Resource.service == "logs", Resource.kind == GROUPS.kind)
    return inventory.scoped(stmt, Resource, query)


@inventory.resources(
    "logs",
    "log-streams",
    title="Log streams",
    columns=[
        Column("name", "Stream"),
        Column("group", "Log group"),
        Column("last", "Last event", "time"),
        Column("bytes", "Stored bytes", "bytes"),
        Column("account", "Account"),
    ],
)
def list_streams(session: Session, query: Query) -> Page:
    stmt = select(LogStream).where(LogStream.group_id.in_(_groups(session, query)))
    rows, after = inventory.keyset_page(
        session, stmt, query, order=LogStream.id, search=LogStream.name, start=int
    )
    names: dict[Any, Any] = (
        dict(
            session.execute(
                select(Resource.pk, Resource.rid).where(Resource.pk.in_({r.group_id for r in rows}))
            ).all()
        )
        if rows
        else {}
    )
    items = [
        {
            "name": r.name,
            "group": names.get(r.group_id, ""),
            "last": _time(r.last_event) if r.first_event is not None else None,
            "bytes": r.stored_bytes,
            "account": r.account_id,
        }
        for r in rows
    ]
    return Page(items, after)


def _group(session: Session, name: str, query: Query) -> Resource:
    grp = session.scalars(
        inventory.scoped(
            select(Resource).where(
                Resource.service == "logs", Resource.kind == GROUPS.kind, Resource.rid == name
            ),
            Resource,
            query,
        )
    ).first()
    if grp is None:
        raise LookupError(f"no log group {name}")
    return grp


def _items(session: Session, rows: list[LogEvent]) -> list[dict[str, Any]]:
    streams: dict[Any, Any] = (
        dict(
            session.execute(
                select(LogStream.id, LogStream.name).where(LogStream.id.in_({r.stream_id for r in rows}))
            ).all()
        )
        if rows
        else {}
    )
    return [
        {
            "time": _time(r.timestamp),
            "stream": streams.get(r.stream_id, ""),
            "message": r.message if len(r.message) <= PREVIEW else r.message[:PREVIEW] + "…",
            "ingested": _time(r.ingestion),
        }
        for r in rows
    ]


@inventory.view(
    "logs",
    "log-groups",
    "tail",
    title="Live tail",
    columns=[
        Column("time", "Time", "time"),
        Column("stream", "Stream"),
        Column("message", "Message"),
        Column("ingested", "Ingested", "time"),
    ],
    live=True,
)
def tail_events(session: Session, name: str, query: Query) -> Page:
    """The group's events in the order they arrived, after the position the page holds: without
    one, the newest events by time (oldest of them first); with one, every event stored since
    (``limit`` at a time). The next position is always given (a poll with it adds what arrives
    later): the last event answered when more wait, else the newest event of any group stored
    now, so that a poll reads only what is new."""
    grp = _group(session, name, query)
    after = query.after
    if after is not None and (not isinstance(after, int) or isinstance(after, bool) or after < 0):
        raise ValueError("a tail position is an event number")
    newest = session.scalar(select(func.max(LogEvent.id))) or 0
    if after is None:
        stmt = inventory.searched(select(LogEvent).where(LogEvent.group_id == grp.pk), LogEvent.message, query)
        stmt = stmt.order_by(LogEvent.timestamp.desc(), LogEvent.id.desc()).limit(query.limit)
        rows = list(reversed(list(session.scalars(stmt))))
        return Page(_items(session, rows), newest)
    stmt = select(LogEvent).where(LogEvent.group_id == grp.pk, LogEvent.id > after, LogEvent.id <= newest)
    stmt = inventory.searched(stmt, LogEvent.message, query)
    rows = list(session.scalars(stmt.order_by(LogEvent.id).limit(query.limit + 1)))
    if len(rows) > query.limit:
        rows = rows[: query.limit]
        return Page(_items(session, rows), rows[-1].id)
    return Page(_items(session, rows), newest)  # below a position given: the state was reset


@inventory.view(
    "logs",
    "log-groups",
    "events",
    title="Events (newest first)",
    columns=[
        Column("time", "Time", "time"),
        Column("stream", "Stream"),
        Column("message", "Message"),
        Column("ingested", "Ingested", "time"),
    ],
)
def list_events(session: Session, name: str, query: Query) -> Page:
    grp = _group(session, name, query)
    stmt = select(LogEvent).where(LogEvent.group_id == grp.pk)
    stmt = inventory.searched(stmt, LogEvent.message, query)
    after = query.after
    if isinstance(after, list) and len(after) == 2 and all(isinstance(v, int) for v in after):
        ts, seq = after
        stmt = stmt.where(or_(LogEvent.timestamp < ts, and_(LogEvent.timestamp == ts, LogEvent.id < seq)))
    rows = list(
        session.scalars(stmt.order_by(LogEvent.timestamp.desc(), LogEvent.id.desc()).limit(query.limit + 1))
    )
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return Page(_items(session, rows), [rows[-1].timestamp, rows[-1].id] if more and rows else None)
