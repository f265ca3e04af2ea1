"""X-Ray in the dashboard: groups and sampling rules are listed through their Kinds
(:mod:`.lookup`); segments, newest received first within a page of the table, here."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from awsmock.engine import inventory
from awsmock.engine.inventory import Column, Page, Query
from awsmock.models.xray import Segment


@inventory.resources(
    "xray",
    "segments",
    title="Trace segments",
    columns=[
        Column("trace", "Trace id"),
        Column("id", "Segment id"),
        Column("name", "Name"),
        Column("start", "Start", "time"),
        Column("duration", "Duration (s)"),
        Column("flags", "Flags"),
        Column("region", "Region"),
        Column("account", "Account"),
    ],
)
def list_segments(session: Session, query: Query) -> Page:
    stmt = inventory.scoped(select(Segment), Segment, query)
    rows, after = inventory.keyset_page(session, stmt, query, order=Segment.id, search=Segment.trace_id, start=int)
    items = []
    for r in rows:
        doc = json.loads(r.document)
        flags = [f for f in ("error", "fault", "throttle", "in_progress") if doc.get(f) is True]
        items.append(
            {
                "trace": r.trace_id,
                "id": r.segment_id,
                "name": str(doc.get("name", "")),
                "start": inventory.iso(dt.datetime.fromtimestamp(r.start_time, dt.UTC)),
                "duration": "" if r.end_time is None else f"{r.end_time - r.start_time:.3f}",
                "flags": ", ".join(flags),
                "region": r.region,
                "account": r.account_id,
            }
        )
    return Page(items, after)
