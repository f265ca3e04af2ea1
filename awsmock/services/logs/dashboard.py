"""Logs in the dashboard: log streams, and inside a log group its events newest first (a live
tail: reload to see new ones). Log groups, destinations and export tasks are listed through
their shared-store kinds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, or_, select
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
    streams: dict[Any, Any] = (
        dict(
            session.execute(
                select(LogStream.id, LogStream.name).where(LogStream.id.in_({r.stream_id for r in rows}))
            ).all()
        )
        if rows
        else {}
    )
    items = [
        {
            "time": _time(r.timestamp),
            "stream": streams.get(r.stream_id, ""),
            "message": r.message if len(r.message) <= PREVIEW else r.message[:PREVIEW] + "…",
            "ingested": _time(r.ingestion),
        }
        for r in rows
    ]
    return Page(items, [rows[-1].timestamp, rows[-1].id] if more and rows else None)
