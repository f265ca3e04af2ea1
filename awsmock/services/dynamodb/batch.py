"""BatchGetItem (at most 100 keys) and BatchWriteItem (at most 25 requests)."""

from __future__ import annotations

from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import storage
from .capacity import consumed, read_units, write_units
from .errors import DynamoValidation, ResourceNotFound
from .expressions import ExpressionContext, parse_projection, project
from .items import delete, put, validated_key
from .schema import find_table
from .types import item_size, validate_item

MAX_GET = 100
MAX_WRITE = 25


def _duplicates() -> DynamoValidation:
    return DynamoValidation("Provided list of item keys contains duplicates")


@handler("dynamodb", "BatchGetItem")
def batch_get_item(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    requests = params["RequestItems"]
    if sum(len(r.get("Keys") or []) for r in requests.values()) > MAX_GET:
        raise DynamoValidation("Too many items requested for the BatchGetItem call")
    responses: dict[str, list[Any]] = {}
    capacity = []
    for name, req in requests.items():
        table = find_table(ctx, name)
        if table is None:
            raise ResourceNotFound()
        if req.get("ProjectionExpression") is not None and req.get("AttributesToGet"):
            raise DynamoValidation(
                "Can not use both expression and non-expression parameters in the same request: "
                "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"
            )
        ectx = ExpressionContext(req.get("ExpressionAttributeNames"), None)
        paths = None
        if req.get("ProjectionExpression") is not None:
            paths = parse_projection(req["ProjectionExpression"], ectx)
        elif req.get("AttributesToGet"):
            paths = [(a,) for a in req["AttributesToGet"]]
        ectx.check_unused()
        seen: set[tuple[int, str, bytes]] = set()
        found = []
        size = 0
        for raw in req.get("Keys") or []:
            key = validated_key(table, raw)
            skey = table.storage_key(key)
            if skey in seen:
                raise _duplicates()
            seen.add(skey)
            item = storage.read_item(ctx, table, skey)
            if item is not None:
                size += item_size(item)
                found.append(project(item, paths) if paths else item)
        responses[table.name if name == table.name else name] = found
        cc = consumed(
            table,
            params.get("ReturnConsumedCapacity"),
            read=read_units(size, bool(req.get("ConsistentRead"))),
        )
        if cc:
            capacity.append(cc)
    out: dict[str, Any] = {"Responses": responses, "UnprocessedKeys": {}}
    if capacity:
        out["ConsumedCapacity"] = capacity
    return out


@handler("dynamodb", "BatchWriteItem")
def batch_write_item(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    requests = params["RequestItems"]
    total = sum(len(r) for r in requests.values())
    if total > MAX_WRITE:
        raise DynamoValidation("Too many items requested for the BatchWriteItem call")
    plans = []
    for name, reqs in requests.items():
        table = find_table(ctx, name)
        if table is None:
            raise ResourceNotFound()
        seen: set[tuple[int, str, bytes]] = set()
        for req in reqs:
            if "PutRequest" in req:
                item = validate_item(req["PutRequest"]["Item"])
                table.check_item_keys(item)
                skey = table.storage_key(item)
                plans.append((table, "put", item))
            elif "DeleteRequest" in req:
                key = validated_key(table, req["DeleteRequest"]["Key"])
                skey = table.storage_key(key)
                plans.append((table, "delete", key))
            else:
                raise DynamoValidation(
                    "Supplied AttributeValue has more than one datatypes set, must contain exactly "
                    "one of the supported datatypes"
                )  # pragma: no cover
            if skey in seen:
                raise _duplicates()
            seen.add(skey)
    capacity: dict[str, float] = {}
    for table, kind, item in plans:
        if kind == "put":
            _, size = put(ctx, table, item, None, need_old=False)
        else:
            old = delete(ctx, table, item, None, need_old=False)
            size = item_size(old) if old else 0
        capacity[table.name] = capacity.get(table.name, 0.0) + write_units(size)
    out: dict[str, Any] = {"UnprocessedItems": {}}
    mode = params.get("ReturnConsumedCapacity")
    if mode in ("TOTAL", "INDEXES"):
        tables = {t.name: t for t, _, _ in plans}
        out["ConsumedCapacity"] = [consumed(tables[n], mode, write=units) for n, units in capacity.items()]
    return out
