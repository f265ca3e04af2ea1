"""PutItem, GetItem, UpdateItem, DeleteItem (with conditions, projections, ReturnValues, and the
legacy parameters). The building blocks here are shared with batch, transactions and PartiQL."""

from __future__ import annotations

from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import legacy, storage
from .capacity import collection_metrics, consumed, read_units, write_units
from .errors import ConditionalCheckFailed, DynamoValidation, invalid
from .expressions import ExpressionContext, evaluate, parse_condition, parse_projection, parse_update, project
from .expressions.parser import Node, Path
from .expressions.update import apply_update
from .schema import TableInfo, get_table
from .types import Item, check_item_size, dump_item, item_size, validate_item, validate_value

RETURN_VALUES = ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW")


def expression_context(params: dict[str, Any]) -> ExpressionContext:
    legacy.check_not_mixed(params)
    return ExpressionContext(params.get("ExpressionAttributeNames"), params.get("ExpressionAttributeValues"))


def condition_of(params: dict[str, Any], ectx: ExpressionContext) -> Node | None:
    if params.get("ConditionExpression") is not None:
        return parse_condition(params["ConditionExpression"], ectx)
    return legacy.expected_condition(params.get("Expected"), params.get("ConditionalOperator"))


def projection_of(params: dict[str, Any], ectx: ExpressionContext) -> list[Path] | None:
    if params.get("ProjectionExpression") is not None:
        return parse_projection(params["ProjectionExpression"], ectx)
    return legacy.projection(params.get("AttributesToGet"))


def validated_key(table: TableInfo, key: Any) -> Item:
    if not isinstance(key, dict):
        raise DynamoValidation("The provided key element does not match the schema")
    out = {k: validate_value(v) for k, v in key.items()}
    table.check_key(out)
    return out


def check_condition(condition: Node | None, old: Item | None, return_old: str | None = None) -> None:
    if condition is not None and not evaluate(condition, old or {}):
        if return_old == "ALL_OLD" and old is not None:
            raise ConditionalCheckFailed(item=old)
        raise ConditionalCheckFailed()


def _check_return_values(value: str | None, allowed: tuple[str, ...]) -> str:
    value = value or "NONE"
    if value not in allowed:
        raise DynamoValidation("Return values set to invalid value")
    return value


def _key_actions_check(table: TableInfo, actions: list[Node]) -> None:
    keys = set(table.key_names)
    for action in actions:
        if action[1][0] in keys:
            raise invalid(f"Cannot update attribute {action[1][0]}. This attribute is part of the key")


def _updated(item: Item | None, actions: list[Node]) -> Item:
    if not item:
        return {}
    return project(item, [a[1] for a in actions])


def _finish(
    out: dict[str, Any], table: TableInfo, params: dict[str, Any], units: float, item: Item | None
) -> dict[str, Any]:
    cc = consumed(table, params.get("ReturnConsumedCapacity"), write=units)
    if cc:
        out["ConsumedCapacity"] = cc
    metrics = collection_metrics(table, params.get("ReturnItemCollectionMetrics"), item)
    if metrics:
        out["ItemCollectionMetrics"] = metrics
    return out


# -- the operations, as functions over (ctx, table, validated input) ----------------------------


def put(
    ctx: RequestContext,
    table: TableInfo,
    item: Item,
    condition: Node | None,
    return_on_fail: str | None = None,
    need_old: bool = True,
) -> tuple[Item | None, int]:
    """Store ``item``; returns (old item or None, size)."""
    table.check_item_keys(item)
    size = check_item_size(item)
    key = table.storage_key(item)
    storage.purge_expired(ctx, table)
    if need_old or condition is not None or table.stream_arn is not None or table.fanout:
        old = storage.read_item(ctx, table, key)
        check_condition(condition, old, return_on_fail)
        storage.write_item(ctx, table, key, old, item, size=size)
        return old, size
    storage.write_item(ctx, table, key, None, item, old_known=False, size=size)
    return None, size


def delete(
    ctx: RequestContext,
    table: TableInfo,
    key_item: Item,
    condition: Node | None,
    return_on_fail: str | None = None,
    need_old: bool = True,
) -> Item | None:
    key = table.storage_key(key_item)
    storage.purge_expired(ctx, table)
    if need_old or condition is not None or table.stream_arn or table.fanout:
        old = storage.read_item(ctx, table, key)
        check_condition(condition, old, return_on_fail)
        storage.write_item(ctx, table, key, old, None)
        return old
    storage.write_item(ctx, table, key, None, None, old_known=False)
    return None


def update(
    ctx: RequestContext,
    table: TableInfo,
    key_item: Item,
    actions: list[Node],
    condition: Node | None,
    return_on_fail: str | None = None,
) -> tuple[Item | None, Item]:
    _key_actions_check(table, actions)
    key = table.storage_key(key_item)
    storage.purge_expired(ctx, table)
    old = storage.read_item(ctx, table, key)
    check_condition(condition, old, return_on_fail)
    new = apply_update(old if old is not None else dict(key_item), actions)
    table.check_item_keys(new)
    size = check_item_size(new)
    storage.write_item(ctx, table, key, old, new, size=size, data=dump_item(new))
    return old, new


# -- handlers -----------------------------------------------------------------------------------


@handler("dynamodb", "PutItem")
def put_item(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table = get_table(ctx, params.get("TableName"))
    rv = _check_return_values(params.get("ReturnValues"), ("NONE", "ALL_OLD"))
    item = validate_item(params["Item"])
    ectx = expression_context(params)
    condition = condition_of(params, ectx)
    ectx.check_unused()
    old, size = put(
        ctx,
        table,
        item,
        condition,
        params.get("ReturnValuesOnConditionCheckFailure"),
        need_old=rv == "ALL_OLD",
    )
    out: dict[str, Any] = {}
    if rv == "ALL_OLD" and old:
        out["Attributes"] = old
    return _finish(out, table, params, write_units(size), item)


@handler("dynamodb", "GetItem")
def get_item(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table = get_table(ctx, params.get("TableName"))
    key = validated_key(table, params["Key"])
    ectx = expression_context(params)
    paths = projection_of(params, ectx)
    ectx.check_unused()
    item = storage.read_item(ctx, table, table.storage_key(key))
    out: dict[str, Any] = {}
    if item is not None:
        out["Item"] = project(item, paths) if paths else item
    mode = params.get("ReturnConsumedCapacity")
    if mode is not None:  # the item's size only matters to the capacity it reports
        size = item_size(item) if item is not None else 0
        cc = consumed(table, mode, read=read_units(size, bool(params.get("ConsistentRead"))))
        if cc:
            out["ConsumedCapacity"] = cc
    return out


@handler("dynamodb", "DeleteItem")
def delete_item(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table = get_table(ctx, params.get("TableName"))
    rv = _check_return_values(params.get("ReturnValues"), ("NONE", "ALL_OLD"))
    key = validated_key(table, params["Key"])
    ectx = expression_context(params)
    condition = condition_of(params, ectx)
    ectx.check_unused()
    old = delete(
        ctx,
        table,
        key,
        condition,
        params.get("ReturnValuesOnConditionCheckFailure"),
        need_old=rv == "ALL_OLD" or bool(params.get("ReturnConsumedCapacity")),
    )
    out: dict[str, Any] = {}
    if rv == "ALL_OLD" and old:
        out["Attributes"] = old
    return _finish(out, table, params, write_units(item_size(old) if old else 0), old or key)


def update_actions(params: dict[str, Any], ectx: ExpressionContext) -> list[Node]:
    if params.get("UpdateExpression") is not None:
        return parse_update(params["UpdateExpression"], ectx)
    if params.get("AttributeUpdates"):
        return legacy.attribute_updates(params["AttributeUpdates"])
    return []


@handler("dynamodb", "UpdateItem")
def update_item(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    table = get_table(ctx, params.get("TableName"))
    rv = _check_return_values(params.get("ReturnValues"), RETURN_VALUES)
    key = validated_key(table, params["Key"])
    ectx = expression_context(params)
    actions = update_actions(params, ectx)
    condition = condition_of(params, ectx)
    ectx.check_unused()
    old, new = update(ctx, table, key, actions, condition, params.get("ReturnValuesOnConditionCheckFailure"))
    out: dict[str, Any] = {}
    if rv == "ALL_OLD" and old:
        out["Attributes"] = old
    elif rv == "ALL_NEW":
        out["Attributes"] = new
    elif rv == "UPDATED_OLD":
        attrs = _updated(old, actions)
        if attrs:
            out["Attributes"] = attrs
    elif rv == "UPDATED_NEW":
        attrs = _updated(new, actions)
        if attrs:
            out["Attributes"] = attrs
    return _finish(out, table, params, write_units(item_size(new)), new)
