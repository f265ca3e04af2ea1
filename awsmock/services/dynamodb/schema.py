"""A table's definition as the item engine needs it, loaded once per request."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, select, update

from awsmock.engine import arns
from awsmock.engine.context import RequestContext
from awsmock.models.dynamodb import DynamoTable

from .errors import DynamoValidation, ResourceNotFound, invalid
from .types import AV, Item, partition_hash, partition_text, sort_bytes, type_of

TABLES = DynamoTable.__table__
_FIND = select(TABLES.c.id, TABLES.c.spec).where(
    TABLES.c.account_id == bindparam("b_account"),
    TABLES.c.region == bindparam("b_region"),
    TABLES.c.name == bindparam("b_name"),
)
MAX_HASH_KEY = 2048
MAX_RANGE_KEY = 1024


@dataclass
class IndexInfo:
    name: str
    kind: str  # "GSI" | "LSI"
    hash_key: str
    hash_type: str
    range_key: str | None
    range_type: str | None
    projection: str  # ALL | KEYS_ONLY | INCLUDE
    non_key: list[str] = field(default_factory=list)
    #: every partition and sort key attribute with its type (a global secondary index may have
    #: up to four of each: a multi-attribute key); ``hash_key``/``range_key`` are the first ones
    hash_keys: tuple[tuple[str, str], ...] = ()
    range_keys: tuple[tuple[str, str], ...] = ()
    #: whether the index's key has more than one partition or sort key attribute
    composite: bool = False

    @property
    def key_names(self) -> list[str]:
        if self.composite:
            return [name for name, _ in self.hash_keys + self.range_keys]
        return [self.hash_key] + ([self.range_key] if self.range_key else [])

    def entry_key(self, item: Item) -> tuple[str, bytes] | None:
        """``(ipk, isk)`` of an item in this (multi-attribute key) index; None when the item
        lacks one of the key attributes (or has it of another type): not in the index."""
        found: list[list[AV]] = [[], []]
        for out, keys in zip(found, (self.hash_keys, self.range_keys), strict=True):
            for name, typ in keys:
                av = item.get(name)
                if av is None or next(iter(av)) != typ:
                    return None
                out.append(av)
        hvs, rvs = found
        return composite_partition(hvs), composite_sort(rvs)


def composite_partition(values: list[AV]) -> str:
    """The stored partition text of a key of one or more attributes (one: as a table's)."""
    if len(values) == 1:
        return partition_text(values[0])
    return json.dumps([partition_text(v) for v in values], separators=(",", ":"))


def sort_component(av: AV, *, last: bool = True) -> bytes:
    """One attribute's part of a multi-attribute sort key: its order-preserving encoding with
    0x00 escaped, then (unless it is a prefix being matched) a 0x00 0x00 terminator, so that
    concatenated parts order as the attributes do, one after another."""
    escaped = sort_bytes(av).replace(b"\x00", b"\x00\xff")
    return escaped + b"\x00\x00" if last else escaped


def composite_sort(values: list[AV]) -> bytes:
    """The stored sort bytes of a key of zero, one (a table's encoding) or more attributes."""
    if len(values) <= 1:
        return sort_bytes(values[0]) if values else b""
    return b"".join(sort_component(v) for v in values)


@dataclass
class TableInfo:
    id: int
    name: str
    spec: dict[str, Any]
    arn: str
    hash_key: str
    hash_type: str
    range_key: str | None
    range_type: str | None
    indexes: dict[str, IndexInfo]
    stream_arn: str | None
    stream_view: str | None
    ttl_attribute: str | None
    #: the other Regions of the table's global table (replicas that receive every write)
    replicas: tuple[str, ...] = ()
    #: the global table's version (``2019.11.21``, ``2017.11.29``), None for a regional table
    global_version: str | None = None
    #: the Kinesis data streams the table's item changes go to: ``(stream ARN, precision)``
    destinations: tuple[tuple[str, str], ...] = ()
    #: whether a write has more to do than its own row (replicas, Kinesis destinations)
    fanout: bool = False

    @property
    def key_names(self) -> list[str]:
        return [self.hash_key] + ([self.range_key] if self.range_key else [])

    # -- keys -------------------------------------------------------------------------------

    def key_of(self, item: Item) -> Item:
        return {k: item[k] for k in self.key_names if k in item}

    def storage_key(self, key: Item) -> tuple[int, str, bytes]:
        """``(h, pk, sk)`` of a validated key."""
        pk = partition_text(key[self.hash_key])
        sk = sort_bytes(key[self.range_key]) if self.range_key else b""
        return partition_hash(pk), pk, sk

    def check_key(self, key: Item) -> None:
        """A Key parameter (GetItem, DeleteItem, UpdateItem...): exactly the schema's attributes."""
        names = self.key_names
        if len(key) != len(names) or any(n not in key for n in names):
            raise DynamoValidation("The provided key element does not match the schema")
        for name, typ in self.key_types():
            av = key[name]
            if type_of(av) != typ:
                raise DynamoValidation("The provided key element does not match the schema")
            self._check_key_value(name, typ, av)

    def check_item_keys(self, item: Item) -> None:
        """An item to put: has the key attributes, of the right types; index keys typed too."""
        for name, typ in self.key_types():
            av = item.get(name)
            if av is None:
                raise invalid(f"Missing the key {name} in the item")
            actual = type_of(av)
            if actual != typ:
                raise invalid(f"Type mismatch for key {name} expected: {typ} actual: {actual}")
            self._check_key_value(name, typ, av)
        for index in self.indexes.values():
            pairs = (
                index.hash_keys + index.range_keys
                if index.composite
                else ((index.hash_key, index.hash_type), (index.range_key, index.range_type))
            )
            for iname, ityp in pairs:
                if iname is None or ityp is None or iname not in item:
                    continue
                av = item[iname]
                actual = type_of(av)
                if actual != ityp:
                    raise invalid(
                        f"Type mismatch for Index Key {iname} Expected: {ityp} Actual: {actual} IndexName: {index.name}"
                    )
                if ityp in ("S", "B") and len(av[ityp]) == 0:
                    raise DynamoValidation(
                        "One or more parameter values are not valid. A value specified for a secondary index key "
                        "is not supported. The AttributeValue for a key attribute cannot contain an empty "
                        f"string value. IndexName: {index.name}, IndexKey: {iname}"
                    )

    def _check_key_value(self, name: str, typ: str, av: AV) -> None:
        value = av[typ]
        if typ in ("S", "B") and len(value) == 0:
            word = "string" if typ == "S" else "binary"
            raise DynamoValidation(
                "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
                f"contain an empty {word} value. Key: {name}"
            )
        size = len(value.encode("utf-8")) if typ == "S" else len(value) if typ == "B" else 0
        if name == self.hash_key and size > MAX_HASH_KEY:
            # (no space before 2048: AWS's text)
            raise invalid("Size of hashkey has exceeded the maximum size limit of2048 bytes")
        if name == self.range_key and size > MAX_RANGE_KEY:
            raise invalid("Aggregated size of all range keys has exceeded the size limit of 1024 bytes")

    def key_types(self) -> list[tuple[str, str]]:
        out = [(self.hash_key, self.hash_type)]
        if self.range_key and self.range_type:
            out.append((self.range_key, self.range_type))
        return out

    def index(self, name: str) -> IndexInfo:
        index = self.indexes.get(name)
        if index is None:
            raise DynamoValidation(f"The table does not have the specified index: {name}")
        return index

    def ttl_of(self, item: Item) -> float | None:
        if not self.ttl_attribute:
            return None
        av = item.get(self.ttl_attribute)
        if av is None or "N" not in av:
            return None
        try:
            return float(av["N"])
        except (ValueError, OverflowError):
            return None


def key_schema_names(schema: list[dict[str, str]]) -> tuple[str, str | None]:
    hash_key = next(k["AttributeName"] for k in schema if k["KeyType"] == "HASH")
    range_key = next((k["AttributeName"] for k in schema if k["KeyType"] == "RANGE"), None)
    return hash_key, range_key


def info_from_spec(table_id: int, spec: dict[str, Any]) -> TableInfo:
    types = {a["AttributeName"]: a["AttributeType"] for a in spec["AttributeDefinitions"]}
    hash_key, range_key = key_schema_names(spec["KeySchema"])
    indexes: dict[str, IndexInfo] = {}
    for kind, key in (("LSI", "LocalSecondaryIndexes"), ("GSI", "GlobalSecondaryIndexes")):
        for ix in spec.get(key) or []:
            ih, ir = key_schema_names(ix["KeySchema"])
            proj = ix.get("Projection") or {}
            hashes = tuple(
                (k["AttributeName"], types[k["AttributeName"]])
                for k in ix["KeySchema"]
                if k["KeyType"] == "HASH"
            )
            ranges = tuple(
                (k["AttributeName"], types[k["AttributeName"]])
                for k in ix["KeySchema"]
                if k["KeyType"] == "RANGE"
            )
            indexes[ix["IndexName"]] = IndexInfo(
                ix["IndexName"],
                kind,
                ih,
                types[ih],
                ir,
                types.get(ir) if ir else None,
                proj.get("ProjectionType", "ALL"),
                list(proj.get("NonKeyAttributes") or []),
                hashes,
                ranges,
                len(hashes) > 1 or len(ranges) > 1,
            )
    stream = spec.get("StreamSpecification") or {}
    ttl = spec.get("TTL") or {}
    group = spec.get("Global") or {}
    own_region = spec["TableArn"].split(":")[3]
    replicas = tuple(r for r in group.get("Regions") or () if r != own_region)
    destinations = tuple(
        (d["StreamArn"], d.get("ApproximateCreationDateTimePrecision") or "MILLISECOND")
        for d in spec.get("KinesisDestinations") or ()
        if d.get("DestinationStatus") == "ACTIVE"
    )
    return TableInfo(
        id=table_id,
        name=spec["TableName"],
        spec=spec,
        arn=spec["TableArn"],
        hash_key=hash_key,
        hash_type=types[hash_key],
        range_key=range_key,
        range_type=types.get(range_key) if range_key else None,
        indexes=indexes,
        stream_arn=spec.get("LatestStreamArn") if stream.get("StreamEnabled") else None,
        stream_view=stream.get("StreamViewType") if stream.get("StreamEnabled") else None,
        ttl_attribute=ttl.get("AttributeName") if ttl.get("Enabled") else None,
        replicas=replicas,
        global_version=group.get("Version") if group else None,
        destinations=destinations,
        fanout=bool(replicas or destinations),
    )


@lru_cache(maxsize=256)
def _parsed(table_id: int, spec_text: str) -> TableInfo:
    """The TableInfo of a stored spec; keyed by the spec text itself, so never stale."""
    return info_from_spec(table_id, json.loads(spec_text))


def arn_of(ctx: RequestContext, table: str, *under: str) -> str:
    """The ARN of the request's table ``table``, or of what lies under it (``"index", name``,
    ``"stream", label``, ``"backup", id``...)."""
    return ctx.arn("dynamodb", "/".join(("table", table, *under)))


def table_path_of(text: str) -> list[str] | None:
    """The parts of an ARN of a table (or of what lies under one) after ``table/``: the table's
    name, then e.g. ``"stream", label``; None when ``text`` is no such ARN."""
    arn = arns.parse(text)
    if arn is None or arn.resource_type != "table":
        return None
    return arn.resource_id.split("/")


def table_name_of(name: str) -> str:
    """A TableName parameter may be the table's ARN."""
    path = table_path_of(name)
    return name if path is None else path[0]


def stamped_id(ctx: RequestContext) -> str:
    """The id of a backup, export or import: epoch milliseconds and a random suffix."""
    return f"{int(ctx.now.timestamp() * 1000):014d}-{secrets.token_hex(4)}"


def _tables(ctx: RequestContext) -> dict[Any, TableInfo]:
    """Where tables found are remembered: the store's memo, kept across requests (in memory:
    emptied by any change to a table's row, see ``DynamoTable.__memo__``), else the request."""
    memo = ctx.store.memo("dynamodb.tables")
    if memo is not None:
        return memo
    tables: dict[Any, TableInfo] | None = ctx.__dict__.get("_ddb_tables")
    if tables is None:
        tables = ctx.__dict__["_ddb_tables"] = {}
    return tables


def find_table(ctx: RequestContext, name: str) -> TableInfo | None:
    """The table ``name`` (or ARN) of the request's account and region, or None."""
    name = table_name_of(name)
    key = ("dynamodb", ctx.account_id, ctx.region, name)
    tables = _tables(ctx)
    info = tables.get(key)
    if info is None:
        row = ctx.tx.execute(
            _FIND, {"b_account": ctx.account_id, "b_region": ctx.region, "b_name": name}
        ).fetchone()
        if row is None:
            return None
        info = tables[key] = _parsed(row[0], row[1])
    return info


def table_of_arn(ctx: RequestContext, arn: str) -> TableInfo | None:
    """The table ``arn`` names (a table ARN of the request's account and region), or None."""
    path = table_path_of(arn)
    if path is None or len(path) != 1 or not path[0] or arn != arn_of(ctx, path[0]):
        return None
    return find_table(ctx, path[0])


def get_table(ctx: RequestContext, name: str | None) -> TableInfo:
    if not name:
        raise DynamoValidation(
            "1 validation error detected: Value null at 'tableName' failed to satisfy "
            "constraint: Member must not be null"
        )
    info = find_table(ctx, name)
    if info is None:
        raise ResourceNotFound()
    return info


def forget_table(ctx: RequestContext, name: str) -> None:
    _tables(ctx).pop(("dynamodb", ctx.account_id, ctx.region, table_name_of(name)), None)


def save_spec(ctx: RequestContext, info: TableInfo, spec: dict[str, Any]) -> TableInfo:
    """Store ``spec`` as the table's definition; returns the table as it now is."""
    ctx.session.execute(update(TABLES).where(TABLES.c.id == info.id).values(spec=json.dumps(spec)))
    forget_table(ctx, info.name)
    return info_from_spec(info.id, spec)
