"""Kinesis in the dashboard: streams are listed through their Kind (:data:`.lookup.STREAMS`);
inside a stream, its shards (hash key ranges, lineage, records held) and a peek at its records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from awsmock.engine import inventory
from awsmock.engine.inventory import Column, Page, Query
from awsmock.models.kinesis import Record, Shard
from awsmock.models.resources import Resource

from .lookup import sequence_number, shard_id

DATA_PREVIEW = 300


def _stream(session: Session, name: str, query: Query) -> Resource:
    stmt = select(Resource).where(Resource.service == "kinesis", Resource.kind == "stream", Resource.name == name)
    row = session.scalars(inventory.scoped(stmt, Resource, query)).first()
    if row is None:
        raise LookupError(f"no stream named {name!r}")
    return row


@inventory.view(
    "kinesis",
    "streams",
    "shards",
    title="Shards",
    columns=[
        Column("shard", "Shard"),
        Column("state", "State"),
        Column("parents", "Parents"),
        Column("start", "Starting hash key"),
        Column("end", "Ending hash key"),
        Column("records", "Records", "int"),
        Column("created", "Created", "time"),
        Column("closed", "Closed", "time"),
    ],
)
def list_shards(session: Session, name: str, query: Query) -> Page:
    stream = _stream(session, name, query)
    stmt = select(Shard).where(Shard.stream_pk == stream.pk)
    shards, after = inventory.keyset_page(session, stmt, query, order=Shard.id, search=Shard.start_key, start=int)
    held = inventory.counts(session, Record.shard_id, [s.id for s in shards])
    return Page(
        [
            {
                "shard": shard_id(s.number),
                "state": "open" if s.closed is None else "closed",
                "parents": ", ".join(p for p in (s.parent, s.adjacent_parent) if p),
                "start": str(int(s.start_key)),
                "end": str(int(s.end_key)),
                "records": held.get(s.id, 0),
                "created": inventory.iso(s.created),
                "closed": inventory.iso(s.closed),
            }
            for s in shards
        ],
        after,
    )


@inventory.view(
    "kinesis",
    "streams",
    "records",
    title="Records",
    columns=[
        Column("shard", "Shard"),
        Column("sequence_number", "Sequence number"),
        Column("partition_key", "Partition key"),
        Column("data", "Data"),
        Column("size", "Size", "bytes"),
        Column("arrived", "Arrived", "time"),
    ],
)
def list_records(session: Session, name: str, query: Query) -> Page:
    """The stream's live records, shard by shard, oldest first (a peek: nothing changes)."""
    stream = _stream(session, name, query)
    numbers: dict[int, int] = {
        int(pk): int(number)
        for pk, number in session.execute(select(Shard.id, Shard.number).where(Shard.stream_pk == stream.pk))
    }
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(hours=int(stream.document.get("RetentionPeriodHours", 24)))
    stmt = select(Record).where(Record.shard_id.in_(list(numbers)), Record.arrived > cutoff)
    if query.after is not None:
        try:
            shard, position = (int(v) for v in str(query.after).split(":", 1))
        except ValueError:
            shard, position = 0, 0
        stmt = stmt.where(tuple_(Record.shard_id, Record.position) > tuple_(shard, position))
    rows = list(session.scalars(stmt.order_by(Record.shard_id, Record.position).limit(query.limit + 1)))
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    items: list[dict[str, Any]] = []
    for r in rows:
        text = r.data[:DATA_PREVIEW].decode("utf-8", "replace")
        items.append(
            {
                "shard": shard_id(numbers[r.shard_id]),
                "sequence_number": sequence_number(stream, numbers[r.shard_id], r.position),
                "partition_key": r.partition_key,
                "data": text + ("…" if len(r.data) > DATA_PREVIEW else ""),
                "size": len(r.data),
                "arrived": inventory.iso(r.arrived),
            }
        )
    after = f"{rows[-1].shard_id}:{rows[-1].position}" if more and rows else None
    return Page(items, after)
