"""Query and Scan: index seeks and keyset pagination over the item (or index-entry) rows.

A Query on the table reads ``dynamodb_items`` by ``(table_id, h, pk)`` with a range on the encoded
sort key; a Query on an index reads ``dynamodb_index_entries`` by ``(table_id, index_name, ih,
ipk)`` with a range on ``isk``, joined to the items. Pages stop at ``Limit`` evaluated items or
at 1 MB; ``LastEvaluatedKey`` is the next page's ``ExclusiveStartKey``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import bindparam, or_, select, tuple_

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.dynamodb import DynamoIndexEntry, DynamoItem

from . import legacy
from .capacity import consumed, read_units
from .errors import DynamoValidation, invalid
from .expressions import ExpressionContext, evaluate, parse_condition, parse_projection, project
from .expressions.parser import Node, Path
from .items import expression_context
from .schema import IndexInfo, TableInfo, composite_partition, get_table, sort_component
from .storage import now_epoch
from .types import (
    AV,
    HASH_SPACE,
    Item,
    load_item,
    partition_hash,
    partition_text,
    sort_bytes,
    type_of,
    validate_value,
    values_equal,
)

ITEMS = DynamoItem.__table__
ENTRIES = DynamoIndexEntry.__table__
PAGE_BYTES = 1024 * 1024
CHUNK = 256
SELECTS = ("ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT")


class Target:
    """The table or one of its indexes, as a Query/Scan sees it."""

    def __init__(self, table: TableInfo, index: IndexInfo | None) -> None:
        self.table = table
        self.index = index
        if index is None:
            self.hash_key, self.hash_type = table.hash_key, table.hash_type
            self.range_key, self.range_type = table.range_key, table.range_type
        else:
            self.hash_key, self.hash_type = index.hash_key, index.hash_type
            self.range_key, self.range_type = index.range_key, index.range_type

    @property
    def start_key_names(self) -> list[str]:
        names = list(self.table.key_names)
        if self.index is not None:
            names += [n for n in self.index.key_names if n not in names]
        return names

    def projected(self, item: Item) -> Item:
        """The item as the index stores it (all of it for the table and ALL projections)."""
        if self.index is None or self.index.projection == "ALL":
            return item
        keep = set(self.start_key_names)
        if self.index.projection == "INCLUDE":
            keep.update(self.index.non_key)
        return {k: v for k, v in item.items() if k in keep}

    def last_key(self, item: Item) -> Item:
        return {k: item[k] for k in self.start_key_names if k in item}


def _bad_start_key() -> DynamoValidation:
    return DynamoValidation(
        "The provided starting key is invalid: The provided key element does not match the schema"
    )


def _start_key(target: Target, raw: dict[str, Any] | None) -> Item | None:
    if not raw:
        return None
    key = {k: validate_value(v) for k, v in raw.items()}
    names = target.start_key_names
    if set(key) != set(names):
        raise _bad_start_key()
    types = dict(target.table.key_types())
    if target.index is not None and target.index.composite:
        types.update(target.index.hash_keys + target.index.range_keys)
    elif target.index is not None:
        types[target.index.hash_key] = target.index.hash_type
        if target.index.range_key and target.index.range_type:
            types[target.index.range_key] = target.index.range_type
    for name, av in key.items():
        if type_of(av) != types[name]:
            raise _bad_start_key()
    return key


def _select_and_projection(
    params: dict[str, Any], target: Target, ectx: ExpressionContext
) -> tuple[str, list[Path] | None]:
    select_ = params.get("Select")
    paths: list[Path] | None = None
    if params.get("ProjectionExpression") is not None:
        paths = parse_projection(params["ProjectionExpression"], ectx)
    elif params.get("AttributesToGet"):
        paths = legacy.projection(params["AttributesToGet"])
    if select_ is None:
        select_ = (
            "SPECIFIC_ATTRIBUTES"
            if paths
            else ("ALL_ATTRIBUTES" if target.index is None else "ALL_PROJECTED_ATTRIBUTES")
        )
    elif select_ not in SELECTS:
        raise DynamoValidation(
            f"1 validation error detected: Value '{select_}' at 'select' failed to satisfy constraint: Member must "
            "satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"
        )
    if paths and select_ != "SPECIFIC_ATTRIBUTES":
        what = "ProjectionExpression" if params.get("ProjectionExpression") is not None else "AttributesToGet"
        raise DynamoValidation(f"Cannot specify the {what} when choosing to get {select_}")
    if select_ == "ALL_PROJECTED_ATTRIBUTES" and target.index is None:
        raise DynamoValidation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
    if (
        select_ == "ALL_ATTRIBUTES"
        and target.index is not None
        and target.index.kind == "GSI"
        and target.index.projection != "ALL"
    ):
        raise invalid(
            f"Select type ALL_ATTRIBUTES is not supported for global secondary index "
            f"{target.index.name} because its projection type is not ALL"
        )
    return select_, paths


def _target(table: TableInfo, params: dict[str, Any]) -> Target:
    name = params.get("IndexName")
    if name is None:
        return Target(table, None)
    index = table.indexes.get(name)
    if index is None:
        raise DynamoValidation(f"The table does not have the specified index: {name}")
    if params.get("ConsistentRead") and index.kind == "GSI":
        raise DynamoValidation("Consistent reads are not supported on global secondary indexes")
    return Target(table, index)


# -- key conditions ---------------------------------------------------------------------------


def _flatten_and(node: Node) -> list[Node]:
    if node[0] == "and":
        return _flatten_and(node[1]) + _flatten_and(node[2])
    return [node]


_OPERATOR_NAMES = {"or": "OR", "not": "NOT", "in": "IN"}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "="}


def key_conditions(node: Node, target: Target) -> tuple[AV, tuple[str, list[AV]] | None]:
    """``(hash value, (range operator, values) or None)`` from a key condition."""
    parts = _flatten_and(node)
    if len(parts) > 2:
        raise DynamoValidation("Conditions can be of length 1 or 2 only")
    hash_value: AV | None = None
    range_cond: tuple[str, list[AV]] | None = None
    for part in parts:
        kind = part[0]
        if kind in _OPERATOR_NAMES:
            raise DynamoValidation(
                f"Invalid operator used in KeyConditionExpression: {_OPERATOR_NAMES[kind]}"
            )
        if kind == "cmp":
            op, left, right = part[1], part[2], part[3]
            if left[0] == "value" and right[0] == "path":
                left, right, op = right, left, _FLIP.get(op, op)
            if op == "<>":
                raise DynamoValidation("Unsupported operator in KeyConditionExpression: <>")
            if left[0] != "path" or right[0] != "value" or len(left[1]) != 1:
                raise DynamoValidation("Query key condition not supported")
            name, values = left[1][0], [right[1]]
        elif kind == "between":
            if part[1][0] != "path" or part[2][0] != "value" or part[3][0] != "value":
                raise DynamoValidation("Query key condition not supported")
            op, name, values = "between", part[1][1][0], [part[2][1], part[3][1]]
        elif kind == "func" and part[1] == "begins_with":
            if part[2][1][0] != "value":
                raise DynamoValidation("Query key condition not supported")
            op, name, values = "begins_with", part[2][0][1][0], [part[2][1][1]]
        elif kind == "func":
            raise DynamoValidation(f"Invalid operator used in KeyConditionExpression: {part[1]}")
        else:
            raise DynamoValidation("Query key condition not supported")
        if name == target.hash_key:
            if op != "=":
                raise DynamoValidation("Query key condition not supported")
            if hash_value is not None:
                raise DynamoValidation("Query key condition not supported")
            _check_type(values, target.hash_type)
            hash_value = values[0]
        elif name == target.range_key:
            if range_cond is not None:
                raise DynamoValidation("Query key condition not supported")
            assert target.range_type is not None
            _check_type(values, target.range_type)
            if op == "begins_with" and target.range_type == "N":
                raise DynamoValidation(
                    "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
                    "operator or function: begins_with, operand type: N"
                )
            range_cond = (op, values)
        else:
            raise DynamoValidation(
                f"Query condition missed key schema element: {target.hash_key}"
                if hash_value is None and len(parts) == 1
                else "Query condition missed key schema element"
            )
    if hash_value is None:
        raise DynamoValidation(f"Query condition missed key schema element: {target.hash_key}")
    return hash_value, range_cond


def _key_part(part: Node) -> tuple[str, str, list[AV]]:
    """``(attribute, operator, values)`` of one condition of a KeyConditionExpression."""
    kind = part[0]
    if kind in _OPERATOR_NAMES:
        raise DynamoValidation(f"Invalid operator used in KeyConditionExpression: {_OPERATOR_NAMES[kind]}")
    if kind == "cmp":
        op, left, right = part[1], part[2], part[3]
        if left[0] == "value" and right[0] == "path":
            left, right, op = right, left, _FLIP.get(op, op)
        if op == "<>":
            raise DynamoValidation("Unsupported operator in KeyConditionExpression: <>")
        if left[0] != "path" or right[0] != "value" or len(left[1]) != 1:
            raise DynamoValidation("Query key condition not supported")
        return left[1][0], op, [right[1]]
    if kind == "between":
        if part[1][0] != "path" or part[2][0] != "value" or part[3][0] != "value":
            raise DynamoValidation("Query key condition not supported")
        return part[1][1][0], "between", [part[2][1], part[3][1]]
    if kind == "func" and part[1] == "begins_with":
        if part[2][1][0] != "value":
            raise DynamoValidation("Query key condition not supported")
        return part[2][0][1][0], "begins_with", [part[2][1][1]]
    if kind == "func":
        raise DynamoValidation(f"Invalid operator used in KeyConditionExpression: {part[1]}")
    raise DynamoValidation("Query key condition not supported")


def composite_conditions(node: Node, index: IndexInfo) -> tuple[str, list[tuple[Callable[[Any, Any], Any], bytes]]]:
    """The stored partition text and the conditions on the stored sort bytes of a Query of an
    index with a multi-attribute key: every partition key attribute by equality; the sort key
    attributes left to right, by equality, the last one given by any key operator."""
    parts = _flatten_and(node)
    hash_types, range_types = dict(index.hash_keys), dict(index.range_keys)
    if len(parts) > len(hash_types) + len(range_types):
        raise DynamoValidation("Query key condition not supported")
    found: dict[str, tuple[str, list[AV]]] = {}
    for part in parts:
        name, op, values = _key_part(part)
        if name in found or (name not in hash_types and name not in range_types):
            raise DynamoValidation("Query key condition not supported")
        if name in hash_types and op != "=":
            raise DynamoValidation("Query key condition not supported")
        _check_type(values, hash_types.get(name) or range_types[name])
        if op == "begins_with" and range_types.get(name) == "N":
            raise DynamoValidation(
                "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
                "operator or function: begins_with, operand type: N"
            )
        found[name] = (op, values)
    for name, _ in index.hash_keys:
        if name not in found:
            raise DynamoValidation(f"Query condition missed key schema element: {name}")
    ipk = composite_partition([found[name][1][0] for name, _ in index.hash_keys])
    given = [name for name, _ in index.range_keys if name in found]
    if given != [name for name, _ in index.range_keys[: len(given)]]:
        raise DynamoValidation("Query key condition not supported")
    if any(found[name][0] != "=" for name in given[:-1]):
        raise DynamoValidation("Query key condition not supported")
    if len(index.range_keys) == 1:
        cond = (found[given[0]][0], found[given[0]][1]) if given else None
        return ipk, [(op, value) for _, op, value in _range_clauses(None, cond)]
    last = found[given[-1]] if given and found[given[-1]][0] != "=" else None
    prefix = b"".join(sort_component(found[name][1][0]) for name in (given[:-1] if last else given))
    end = _prefix_end(prefix) if prefix else None
    upper = [(operator.lt, end)] if end is not None else []
    if last is None:
        return ipk, ([(operator.ge, prefix), *upper]) if prefix else []
    op, values = last
    if op == "begins_with":
        start = prefix + sort_component(values[0], last=False)
        stop = _prefix_end(start)
        return ipk, [(operator.ge, start)] + ([(operator.lt, stop)] if stop is not None else [])
    this = [prefix + sort_component(v) for v in values]
    # (each ends with a 0x00 0x00 terminator: never all 0xff, so always has an end)
    after_this = [_prefix_end(b) or b"" for b in this]
    if op == "<":
        return ipk, [(operator.ge, prefix), (operator.lt, this[0])]
    if op == "<=":
        return ipk, [(operator.ge, prefix), (operator.lt, after_this[0])]
    if op == ">":
        return ipk, [(operator.ge, after_this[0]), *upper]
    if op == ">=":
        return ipk, [(operator.ge, this[0]), *upper]
    if this[0] > this[1]:
        raise DynamoValidation(
            "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or "
            "equal to lower bound"
        )
    return ipk, [(operator.ge, this[0]), (operator.lt, after_this[1])]


def _check_type(values: list[AV], typ: str) -> None:
    for v in values:
        if type_of(v) != typ:
            raise invalid("Condition parameter type does not match schema type")


def _prefix_end(prefix: bytes) -> bytes | None:
    stripped = prefix.rstrip(b"\xff")
    if not stripped:
        return None
    return stripped[:-1] + bytes([stripped[-1] + 1])


#: a WHERE condition as (column, comparison, value): statements are built once per shape
Clause = tuple[Any, Callable[[Any, Any], Any], Any]


def _range_clauses(column: Any, cond: tuple[str, list[AV]] | None) -> list[Clause]:
    if cond is None:
        return []
    op, values = cond
    enc = [sort_bytes(v) for v in values]
    if op in _COMPARE:
        return [(column, _COMPARE[op], enc[0])]
    if op == "between":
        if enc[0] > enc[1]:
            raise DynamoValidation(
                "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or "
                "equal to lower bound"
            )
        return [(column, operator.ge, enc[0]), (column, operator.le, enc[1])]
    end = _prefix_end(enc[0])
    return [(column, operator.ge, enc[0])] + ([(column, operator.lt, end)] if end is not None else [])


_COMPARE = {"=": operator.eq, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _join() -> Any:
    return ENTRIES.join(
        ITEMS,
        (ITEMS.c.table_id == ENTRIES.c.table_id)
        & (ITEMS.c.h == ENTRIES.c.h)
        & (ITEMS.c.pk == ENTRIES.c.pk)
        & (ITEMS.c.sk == ENTRIES.c.sk),
    )


def _storage_start(target: Target, start: Item) -> tuple[Any, ...]:
    """The ordering tuple of an ExclusiveStartKey."""
    table = target.table
    h, pk, sk = table.storage_key(start)
    if target.index is None:
        return (h, pk, sk)
    if target.index.composite:
        found = target.index.entry_key(start)
        if found is None:
            raise _bad_start_key()
        return (partition_hash(found[0]), found[0], found[1], h, pk, sk)
    ipk = partition_text(start[target.index.hash_key])
    isk = sort_bytes(start[target.index.range_key]) if target.index.range_key else b""
    return (partition_hash(ipk), ipk, isk, h, pk, sk)


def _rows(
    ctx: RequestContext,
    target: Target,
    where: list[Clause],
    order_cols: list[Any],
    forward: bool,
    after: tuple[Any, ...] | None,
    limit: int | None,
) -> Iterator[tuple[Item, int]]:
    """Items and their stored sizes in order, after ``after``, fetched in chunks (at most
    ``limit`` + 1 rows)."""
    fetched = 0
    params: dict[str, Any] = {f"w{i}": value for i, (_, _, value) in enumerate(where)}
    params["now"] = now_epoch(ctx)
    while True:
        n = CHUNK if limit is None else min(CHUNK, limit + 1 - fetched)
        if n <= 0:
            return
        params["n"] = n
        if after is not None:
            params.update((f"a{i}", value) for i, value in enumerate(after))
        stmt = _statement(target.index is not None, where, order_cols, forward, 0 if after is None else len(after))
        rows = ctx.tx.execute(stmt, params).fetchall()
        for row in rows:
            yield load_item(row[0]), row[1]
        fetched += len(rows)
        if len(rows) < n:
            return
        after = tuple(rows[-1][2:])


_STATEMENTS: dict[tuple[Any, ...], Any] = {}


def _statement(index: bool, where: list[Clause], order_cols: list[Any], forward: bool, after: int) -> Any:
    """The SELECT for one shape of query or scan, with bind parameters ``w0``.. (the
    conditions' values), ``now``, ``a0``.. (the position to continue after) and ``n`` (the
    limit); built once per shape: building it costs far more than running it."""
    key = (
        index,
        tuple((col.table.name, col.name, op) for col, op, _ in where),
        tuple(col.name for col in order_cols),
        forward,
        after,
    )
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        base = select(ITEMS.c.data, ITEMS.c.size, *order_cols)
        if index:
            base = base.select_from(_join())
        conds = [op(col, bindparam(f"w{i}")) for i, (col, op, _) in enumerate(where)]
        conds.append(or_(ITEMS.c.expires.is_(None), ITEMS.c.expires > bindparam("now")))
        if after:
            cols, marks = tuple_(*order_cols), tuple_(*[bindparam(f"a{i}") for i in range(after)])
            conds.append(cols > marks if forward else cols < marks)
        order = order_cols if forward else [c.desc() for c in order_cols]
        stmt = _STATEMENTS[key] = base.where(*conds).order_by(*order).limit(bindparam("n"))
    return stmt


def _page(
    ctx: RequestContext,
    params: dict[str, Any],
    target: Target,
    items: Iterator[tuple[Item, int]],
    filter_node: Node | None,
    select_: str,
    paths: list[Path] | None,
    limit: int | None,
) -> dict[str, Any]:
    out_items: list[Item] = []
    count = scanned = size = 0
    last: Item | None = None
    more = False
    # an LSI fetches the attributes it does not project from the table; a GSI cannot
    fetch_all = (
        target.index is not None
        and target.index.kind == "LSI"
        and select_ in ("ALL_ATTRIBUTES", "SPECIFIC_ATTRIBUTES")
    )
    for item, stored_size in items:
        if limit is not None and scanned >= limit:
            more = True
            break
        if size >= PAGE_BYTES:
            more = True
            break
        view = item if fetch_all else target.projected(item)
        scanned += 1
        size += stored_size  # item_size(item), computed when the item was written
        last = view
        if filter_node is not None and not evaluate(filter_node, view):
            continue
        count += 1
        if select_ != "COUNT":
            out_items.append(project(view, paths) if paths else view)
    out: dict[str, Any] = {"Count": count, "ScannedCount": scanned}
    if select_ != "COUNT":
        out["Items"] = out_items
    if more and last is not None:
        out["LastEvaluatedKey"] = target.last_key(last)
    cc = consumed(
        target.table,
        params.get("ReturnConsumedCapacity"),
        read=read_units(size, bool(params.get("ConsistentRead"))),
        index=target.index.name if target.index else None,
    )
    if cc:
        out["ConsumedCapacity"] = cc
    return out


def _limit(params: dict[str, Any]) -> int | None:
    limit = params.get("Limit")
    if limit is None:
        return None
    if int(limit) < 1:
        raise DynamoValidation(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: Member must "
            "have value greater than or equal to 1"
        )
    return int(limit)


def _filter(params: dict[str, Any], ectx: ExpressionContext, target: Target, legacy_name: str) -> Node | None:
    if params.get("FilterExpression") is not None:
        node = parse_condition(params["FilterExpression"], ectx, "FilterExpression")
        keys = [target.hash_key] + ([target.range_key] if target.range_key else [])
        used = _paths_in(node)
        for key in keys:
            if (key,) in used and legacy_name == "QueryFilter":
                raise DynamoValidation(
                    f"Filter Expression can only contain non-primary key attributes: Primary key attribute: {key}"
                )
        return node
    return legacy.filter_condition(params.get(legacy_name), params.get("ConditionalOperator"))


def _paths_in(node: Any) -> set[Path]:
    out: set[Path] = set()
    if isinstance(node, tuple):
        if node and node[0] == "path":
            out.add(node[1])
            return out
        for x in node:
            out |= _paths_in(x)
    elif isinstance(node, list):
        for x in node:
            out |= _paths_in(x)
    return out


@handler("dynamodb", "Query")
def query(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table = get_table(ctx, params.get("TableName"))
    target = _target(table, params)
    ectx = expression_context(params)
    node: Node | None
    if params.get("KeyConditionExpression") is not None:
        node = parse_condition(params["KeyConditionExpression"], ectx, "KeyConditionExpression")
    elif params.get("KeyConditions"):
        node = legacy.filter_condition(params["KeyConditions"], None)
        assert node is not None
    else:
        raise DynamoValidation(
            "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."
        )
    composite = target.index is not None and target.index.composite
    if composite:
        assert target.index is not None
        composite_ipk, composite_where = composite_conditions(node, target.index)
        hash_value: AV = {}
        range_cond = None
    else:
        hash_value, range_cond = key_conditions(node, target)
    filter_node = _filter(params, ectx, target, "QueryFilter")
    select_, paths = _select_and_projection(params, target, ectx)
    ectx.check_unused()
    limit = _limit(params)
    start = _start_key(target, params.get("ExclusiveStartKey"))
    forward = params.get("ScanIndexForward", True) is not False
    if composite:
        if start is not None and _storage_start(target, start)[1] != composite_ipk:
            raise DynamoValidation(
                "The provided starting key is outside query boundaries based on provided conditions"
            )
        ipk = composite_ipk
    elif start is not None and not values_equal(start.get(target.hash_key), hash_value):
        raise DynamoValidation(
            "The provided starting key is outside query boundaries based on provided conditions"
        )
    else:
        ipk = partition_text(hash_value)
    if target.index is None:
        where = [
            (ITEMS.c.table_id, operator.eq, table.id),
            (ITEMS.c.h, operator.eq, partition_hash(ipk)),
            (ITEMS.c.pk, operator.eq, ipk),
            *_range_clauses(ITEMS.c.sk, range_cond),
        ]
        order_cols = [ITEMS.c.sk]
        after = (table.storage_key(start)[2],) if start else None
    else:
        where = [
            (ENTRIES.c.table_id, operator.eq, table.id),
            (ENTRIES.c.index_name, operator.eq, target.index.name),
            (ENTRIES.c.ih, operator.eq, partition_hash(ipk)),
            (ENTRIES.c.ipk, operator.eq, ipk),
            *(
                [(ENTRIES.c.isk, op, value) for op, value in composite_where]
                if composite
                else _range_clauses(ENTRIES.c.isk, range_cond)
            ),
        ]
        order_cols = [ENTRIES.c.isk, ENTRIES.c.h, ENTRIES.c.pk, ENTRIES.c.sk]
        after = _storage_start(target, start)[2:] if start else None
    rows = _rows(ctx, target, where, order_cols, forward, after, limit)
    return _page(ctx, params, target, rows, filter_node, select_, paths, limit)


@handler("dynamodb", "Scan")
def scan(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table = get_table(ctx, params.get("TableName"))
    target = _target(table, params)
    ectx = expression_context(params)
    filter_node = _filter(params, ectx, target, "ScanFilter")
    select_, paths = _select_and_projection(params, target, ectx)
    ectx.check_unused()
    limit = _limit(params)
    segment, total = params.get("Segment"), params.get("TotalSegments")
    if total is not None and segment is None:
        raise DynamoValidation(
            "The Segment parameter is required but was not present in the request when "
            "parameter TotalSegments is present"
        )
    if segment is not None and total is None:
        raise DynamoValidation(
            "The TotalSegments parameter is required but was not present in the request when "
            "parameter Segment is present"
        )
    start = _start_key(target, params.get("ExclusiveStartKey"))
    if target.index is None:
        where: list[Clause] = [(ITEMS.c.table_id, operator.eq, table.id)]
        order_cols = [ITEMS.c.h, ITEMS.c.pk, ITEMS.c.sk]
        hash_col = ITEMS.c.h
    else:
        where = [(ENTRIES.c.table_id, operator.eq, table.id), (ENTRIES.c.index_name, operator.eq, target.index.name)]
        order_cols = [ENTRIES.c.ih, ENTRIES.c.ipk, ENTRIES.c.isk, ENTRIES.c.h, ENTRIES.c.pk, ENTRIES.c.sk]
        hash_col = ENTRIES.c.ih
    after = _storage_start(target, start) if start else None
    if total is not None and segment is not None:
        if segment >= total:
            raise DynamoValidation(
                f"The Segment parameter is zero-based and must be less than parameter "
                f"TotalSegments: Segment: {segment} is not less than TotalSegments: {total}"
            )
        lo, hi = segment * HASH_SPACE // total, (segment + 1) * HASH_SPACE // total
        where += [(hash_col, operator.ge, lo), (hash_col, operator.lt, hi)]
        if after is not None and not (lo <= after[0] < hi):
            raise DynamoValidation(
                "The provided Exclusive start key does not map to the provided Segment and "
                "TotalSegments values."
            )
    rows = _rows(ctx, target, where, order_cols, True, after, limit)
    return _page(ctx, params, target, rows, filter_node, select_, paths, limit)
