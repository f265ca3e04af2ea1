"""DynamoDB in the dashboard: tables with item counts and sizes, and a paged view of their items."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from awsmock.engine import arns, inventory, tagging
from awsmock.engine.inventory import Column, Page, Query
from awsmock.models.dynamodb import DynamoItem, DynamoTable


def _spec(table: DynamoTable) -> dict[str, Any]:
    try:
        spec = json.loads(table.spec or "{}")
    except ValueError:
        return {}
    return spec if isinstance(spec, dict) else {}


def _key_text(spec: dict[str, Any]) -> str:
    parts = []
    for k in spec.get("KeySchema") or []:
        parts.append(f"{k.get('AttributeName')} ({'partition' if k.get('KeyType') == 'HASH' else 'sort'})")
    return ", ".join(parts)


@inventory.resources(
    "dynamodb",
    "tables",
    title="Tables",
    columns=[
        Column("name", "Name"),
        Column("region", "Region"),
        Column("items", "Items", "int"),
        Column("size", "Size", "bytes"),
        Column("key", "Key"),
        Column("status", "Status"),
        Column("billing", "Billing"),
        Column("created", "Created", "time"),
        Column("tags", "Tags", "tags"),
        Column("account", "Account"),
    ],
)
def list_tables(session: Session, query: Query) -> Page:
    stmt = inventory.scoped(select(DynamoTable), DynamoTable, query)
    tables, after = inventory.keyset_page(
        session, stmt, query, order=DynamoTable.id, search=DynamoTable.name, start=int
    )
    counts = inventory.totals(session, DynamoItem.table_id, DynamoItem.size, [t.id for t in tables])
    arn_of = {
        t.id: arns.build("dynamodb", f"table/{t.name}", region=t.region, account=t.account_id) for t in tables
    }
    tags = tagging.tags_of_many(session, arn_of.values())
    items = []
    for t in tables:
        spec = _spec(t)
        billing = (spec.get("BillingModeSummary") or {}).get("BillingMode") or spec.get("BillingMode") or ""
        items.append(
            {
                "name": t.name,
                "region": t.region,
                "account": t.account_id,
                "items": counts.get(t.id, (0, 0))[0],
                "size": counts.get(t.id, (0, 0))[1],
                "key": _key_text(spec),
                "status": spec.get("TableStatus", ""),
                "billing": billing,
                "created": inventory.iso(t.created),
                "tags": tags.get(arn_of[t.id], {}),
            }
        )
    return Page(items, after)


def plain(av: Any) -> Any:
    """An AttributeValue as a plain JSON value (numbers stay exact strings, binaries base64)."""
    if not isinstance(av, dict) or len(av) != 1:
        return av
    ((t, v),) = av.items()
    if t in ("S", "N", "B", "SS", "NS", "BS", "BOOL"):
        return v
    if t == "NULL":
        return None
    if t == "L":
        return [plain(x) for x in v]
    if t == "M":
        return {k: plain(x) for k, x in v.items()}
    return v


@inventory.view(
    "dynamodb",
    "tables",
    "items",
    title="Items",
    columns=[
        Column("key", "Key"),
        Column("item", "Item", "json"),
        Column("size", "Size", "bytes"),
    ],
)
def list_items(session: Session, name: str, query: Query) -> Page:
    """The table's items in storage (scan) order, keyset-paged on the primary key."""
    table = inventory.find_named(session, DynamoTable, name, "table", query)
    key_names = [k.get("AttributeName") for k in _spec(table).get("KeySchema") or []]
    columns = (DynamoItem.h, DynamoItem.pk, DynamoItem.sk)
    istmt = (
        select(DynamoItem.h, DynamoItem.pk, DynamoItem.sk, DynamoItem.data, DynamoItem.size)
        .where(DynamoItem.table_id == table.id)
        .order_by(*columns)
        .limit(query.limit + 1)
    )
    if query.after is not None:
        h, pk, sk = query.after
        istmt = istmt.where(tuple_(*columns) > (int(h), str(pk), bytes.fromhex(sk)))
    istmt = inventory.searched(istmt, DynamoItem.data, query)
    rows = list(session.execute(istmt))
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    items = []
    for _h, _pk, _sk, data, size in rows:
        try:
            item = {k: plain(v) for k, v in json.loads(data).items()}
        except (ValueError, AttributeError):
            item = {"_raw": data}
        key = ", ".join(f"{k}={item.get(k)}" for k in key_names if k in item)
        items.append({"key": key, "item": item, "size": int(size or 0)})
    after = None
    if more and rows:
        h, pk, sk = rows[-1][0], rows[-1][1], rows[-1][2]
        after = [int(h), pk, bytes(sk).hex()]
    return Page(items, after)
