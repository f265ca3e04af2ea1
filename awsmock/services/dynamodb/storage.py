"""Item rows, secondary-index entries and stream records: every write goes through here.

One item write is one upsert (or delete) of its row, plus (for tables with secondary indexes) a
refresh of its index entries, plus (for tables with a stream) one stream record, all inside the
request's transaction. Reads treat items whose TTL has passed as absent; writes purge them.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from awsmock.engine.context import RequestContext
from awsmock.models.dynamodb import DynamoIndexEntry, DynamoItem

from . import fanout
from .schema import TableInfo
from .streams import emit_record
from .types import (
    Item,
    dump_item,
    item_size,
    items_equal,
    load_item,
    partition_hash,
    partition_text,
    sort_bytes,
)

ITEMS = DynamoItem.__table__
ENTRIES = DynamoIndexEntry.__table__

_KEY_MATCH = and_(
    ITEMS.c.table_id == bindparam("b_t"),
    ITEMS.c.h == bindparam("b_h"),
    ITEMS.c.pk == bindparam("b_pk"),
    ITEMS.c.sk == bindparam("b_sk"),
)
_GET = select(ITEMS.c.data, ITEMS.c.expires).where(_KEY_MATCH)
_DELETE = delete(ITEMS).where(_KEY_MATCH)
_DELETE_ENTRIES = delete(ENTRIES).where(
    ENTRIES.c.table_id == bindparam("b_t"),
    ENTRIES.c.h == bindparam("b_h"),
    ENTRIES.c.pk == bindparam("b_pk"),
    ENTRIES.c.sk == bindparam("b_sk"),
)
_UPDATE = (
    update(ITEMS)
    .where(_KEY_MATCH)
    .values(data=bindparam("b_data"), size=bindparam("b_size"), expires=bindparam("b_expires"))
)
_INSERT = insert(ITEMS).values(
    table_id=bindparam("b_t"),
    h=bindparam("b_h"),
    pk=bindparam("b_pk"),
    sk=bindparam("b_sk"),
    data=bindparam("b_data"),
    size=bindparam("b_size"),
    expires=bindparam("b_expires"),
)


@cache
def _upsert_statement(dialect: str) -> Any:
    dialect_insert: Any
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert  # type: ignore[no-redef]
    else:
        return None
    stmt = dialect_insert(ITEMS).values(
        table_id=bindparam("b_t"),
        h=bindparam("b_h"),
        pk=bindparam("b_pk"),
        sk=bindparam("b_sk"),
        data=bindparam("b_data"),
        size=bindparam("b_size"),
        expires=bindparam("b_expires"),
    )
    return stmt.on_conflict_do_update(
        index_elements=[ITEMS.c.table_id, ITEMS.c.h, ITEMS.c.pk, ITEMS.c.sk],
        set_={"data": stmt.excluded.data, "size": stmt.excluded.size, "expires": stmt.excluded.expires},
    )


def now_epoch(ctx: RequestContext) -> float:
    return ctx.now.timestamp()


def read_item(ctx: RequestContext, table: TableInfo, key: tuple[int, str, bytes]) -> Item | None:
    h, pk, sk = key
    row = ctx.tx.execute(_GET, {"b_t": table.id, "b_h": h, "b_pk": pk, "b_sk": sk}).fetchone()
    if row is None:
        return None
    if row[1] is not None and row[1] <= now_epoch(ctx):
        return None
    return load_item(row[0])


def has_items(ctx: RequestContext, table: TableInfo) -> bool:
    """Whether the table holds any item."""
    return (
        ctx.session.execute(select(ITEMS.c.h).where(ITEMS.c.table_id == table.id).limit(1)).first()
        is not None
    )


def read_stored(ctx: RequestContext, table: TableInfo, key: tuple[int, str, bytes]) -> Item | None:
    """The item stored under ``key``, even one whose TTL has passed (not yet purged)."""
    h, pk, sk = key
    row = ctx.tx.execute(_GET, {"b_t": table.id, "b_h": h, "b_pk": pk, "b_sk": sk}).fetchone()
    return None if row is None else load_item(row[0])


def write_item(
    ctx: RequestContext,
    table: TableInfo,
    key: tuple[int, str, bytes],
    old: Item | None,
    new: Item | None,
    *,
    old_known: bool = True,
    data: str | None = None,
    size: int | None = None,
    echo: bool = True,
) -> None:
    """Store ``new`` (None: delete) under ``key``; ``old`` is what was there (when ``old_known``).
    A table with replicas or Kinesis destinations passes the change on (unless ``echo`` is
    false: a replica receiving it)."""
    if table.fanout and echo:
        if new is not None and table.global_version == fanout.LEGACY:
            new, data, size = fanout.stamped(ctx, new), None, None
        fanout.echo(ctx, table, key, old, new, old_known, read_stored, write_item)
    tx = ctx.tx
    h, pk, sk = key
    params: dict[str, Any] = {"b_t": table.id, "b_h": h, "b_pk": pk, "b_sk": sk}
    if new is None:
        if old_known and old is None:
            return
        tx.execute(_DELETE, params)  # index entries follow by ON DELETE CASCADE
    else:
        params["b_data"] = data if data is not None else dump_item(new)
        params["b_size"] = size if size is not None else item_size(new)
        params["b_expires"] = table.ttl_of(new)
        if old_known and old is None:
            tx.execute(_INSERT, params)
        elif old_known:
            tx.execute(_UPDATE, params)
        else:
            stmt = _upsert_statement(tx.dialect.name)
            if stmt is not None:
                tx.execute(stmt, params)
            elif tx.execute(_UPDATE, params).rowcount == 0:
                tx.execute(_INSERT, params)
        if table.indexes:
            _refresh_entries(ctx.session, table, key, old, new, old_known)
    if table.stream_arn and (not old_known or not items_equal(old, new)):
        emit_record(ctx, table, old, new)


def index_entries(table: TableInfo, key: tuple[int, str, bytes], item: Item) -> list[dict[str, Any]]:
    out = []
    for index in table.indexes.values():
        if index.composite:
            found = index.entry_key(item)
            if found is not None:
                out.append(_index_entry(table, index.name, *found, key))
            continue
        hv = item.get(index.hash_key)
        if hv is None or next(iter(hv)) != index.hash_type:
            continue
        if index.range_key:
            rv = item.get(index.range_key)
            if rv is None or next(iter(rv)) != index.range_type:
                continue
            isk = sort_bytes(rv)
        else:
            isk = b""
        out.append(_index_entry(table, index.name, partition_text(hv), isk, key))
    return out


def _index_entry(
    table: TableInfo, index_name: str, ipk: str, isk: bytes, key: tuple[int, str, bytes]
) -> dict[str, Any]:
    """An index row: the index's own key (hashed partition, partition, sort) and the item's."""
    h, pk, sk = key
    return {
        "table_id": table.id,
        "index_name": index_name,
        "ih": partition_hash(ipk),
        "ipk": ipk,
        "isk": isk,
        "h": h,
        "pk": pk,
        "sk": sk,
    }


def _refresh_entries(
    session: Session,
    table: TableInfo,
    key: tuple[int, str, bytes],
    old: Item | None,
    new: Item,
    old_known: bool,
) -> None:
    fresh = index_entries(table, key, new)
    if old_known:
        if old is None:
            if fresh:
                session.execute(insert(ENTRIES), fresh)
            return
        if index_entries(table, key, old) == fresh:
            return
    h, pk, sk = key
    session.execute(_DELETE_ENTRIES, {"b_t": table.id, "b_h": h, "b_pk": pk, "b_sk": sk})
    if fresh:
        session.execute(insert(ENTRIES), fresh)


def rebuild_index(ctx: RequestContext, table: TableInfo, index_name: str) -> None:
    """Backfill one (new) index from every item of the table."""
    only = {index_name: table.indexes[index_name]}
    probe = TableInfo(**{**table.__dict__, "indexes": only})
    rows = ctx.session.execute(
        select(ITEMS.c.h, ITEMS.c.pk, ITEMS.c.sk, ITEMS.c.data).where(ITEMS.c.table_id == table.id)
    )
    add_index_entries(ctx, probe, rows)


def add_index_entries(ctx: RequestContext, table: TableInfo, rows: Iterable[Any]) -> None:
    """The index entries of ``table``'s items stored as ``rows`` of ``(h, pk, sk, data)``,
    inserted 500 at a time."""
    session = ctx.session
    batch: list[dict[str, Any]] = []
    for h, pk, sk, data in rows:
        batch.extend(index_entries(table, (h, pk, sk), load_item(data)))
        if len(batch) >= 500:
            session.execute(insert(ENTRIES), batch)
            batch = []
    if batch:
        session.execute(insert(ENTRIES), batch)


def drop_index(ctx: RequestContext, table: TableInfo, index_name: str) -> None:
    ctx.session.execute(
        delete(ENTRIES).where(ENTRIES.c.table_id == table.id, ENTRIES.c.index_name == index_name)
    )


def purge_expired(ctx: RequestContext, table: TableInfo) -> None:
    """Delete the table's items whose TTL has passed (with REMOVE stream records from the service)."""
    if not table.ttl_attribute:
        return
    now = now_epoch(ctx)
    rows = ctx.session.execute(
        select(ITEMS.c.h, ITEMS.c.pk, ITEMS.c.sk, ITEMS.c.data).where(
            ITEMS.c.table_id == table.id, ITEMS.c.expires.is_not(None), ITEMS.c.expires <= now
        )
    ).all()
    for h, pk, sk, data in rows:
        ctx.session.execute(_DELETE, {"b_t": table.id, "b_h": h, "b_pk": pk, "b_sk": sk})
        if table.stream_arn:
            emit_record(ctx, table, load_item(data), None, ttl=True)
        if table.fanout:
            fanout.echo(
                ctx, table, (h, pk, sk), load_item(data), None, True, read_stored, write_item, ttl=True
            )


def refresh_expiry(ctx: RequestContext, table: TableInfo) -> None:
    """Recompute every item's expiry after the TTL setting changed."""
    session = ctx.session
    rows = session.execute(
        select(ITEMS.c.h, ITEMS.c.pk, ITEMS.c.sk, ITEMS.c.data).where(ITEMS.c.table_id == table.id)
    ).all()
    for h, pk, sk, data in rows:
        session.execute(
            update(ITEMS)
            .where(ITEMS.c.table_id == table.id, ITEMS.c.h == h, ITEMS.c.pk == pk, ITEMS.c.sk == sk)
            .values(expires=table.ttl_of(load_item(data)))
        )
