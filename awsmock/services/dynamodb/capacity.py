"""ConsumedCapacity and ItemCollectionMetrics as DynamoDB reports them."""

from __future__ import annotations

import math
from typing import Any

from .schema import TableInfo


def read_units(size: int, consistent: bool = False) -> float:
    units = max(1, math.ceil(size / 4096))
    return float(units) if consistent else units / 2


def write_units(size: int) -> float:
    return float(max(1, math.ceil(size / 1024)))


def consumed(
    table: TableInfo, mode: str | None, *, read: float = 0.0, write: float = 0.0, index: str | None = None
) -> dict[str, Any] | None:
    if mode not in ("TOTAL", "INDEXES"):
        return None
    total = read + write
    out: dict[str, Any] = {"TableName": table.name, "CapacityUnits": total}
    if read:
        out["ReadCapacityUnits"] = read
    if write:
        out["WriteCapacityUnits"] = write
    if mode == "INDEXES":
        if index is None:
            out["Table"] = {"CapacityUnits": total}
        else:
            out["Table"] = {"CapacityUnits": 0.0}
            kind = "GlobalSecondaryIndexes" if table.indexes[index].kind == "GSI" else "LocalSecondaryIndexes"
            out[kind] = {index: {"CapacityUnits": total}}
    return out


def collection_metrics(
    table: TableInfo, mode: str | None, item: dict[str, Any] | None
) -> dict[str, Any] | None:
    if mode != "SIZE" or item is None or not any(i.kind == "LSI" for i in table.indexes.values()):
        return None
    return {"ItemCollectionKey": {table.hash_key: item[table.hash_key]}, "SizeEstimateRangeGB": [0.0, 1.0]}
