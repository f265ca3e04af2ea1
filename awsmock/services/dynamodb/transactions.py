"""TransactWriteItems (all-or-nothing, CancellationReasons in request order, ClientRequestToken
idempotency for 10 minutes) and TransactGetItems."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import insert, select

from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.models.dynamodb import DynamoTransactionToken

from . import storage
from .capacity import consumed, read_units, write_units
from .errors import DynamoValidation, IdempotentParameterMismatch, ResourceNotFound, TransactionCanceled
from .expressions import evaluate, parse_condition, parse_projection, project
from .expressions.update import apply_update
from .items import _key_actions_check, expression_context, update_actions, validated_key
from .schema import TableInfo, find_table
from .types import Item, check_item_size, item_size, validate_item

TOKENS = DynamoTransactionToken.__table__
TOKEN_LIFETIME = dt.timedelta(minutes=10)
MAX_ITEMS = 100


def _table(ctx: RequestContext, name: str) -> TableInfo:
    table = find_table(ctx, name)
    if table is None:
        raise ResourceNotFound()
    return table


def _digest(items: Any) -> str:
    def default(obj: Any) -> Any:
        if isinstance(obj, (bytes, bytearray)):
            return base64.b64encode(obj).decode()
        raise TypeError(type(obj).__name__)

    return hashlib.sha256(json.dumps(items, sort_keys=True, default=default).encode()).hexdigest()


def _check_token(ctx: RequestContext, token: str, digest: str) -> bool:
    """True when this token already ran these same items (answer without running them again)."""
    row = ctx.session.execute(
        select(TOKENS.c.digest, TOKENS.c.created).where(
            TOKENS.c.token == token, TOKENS.c.account_id == ctx.account_id, TOKENS.c.region == ctx.region
        )
    ).first()
    if row is not None and ctx.now - row[1] < TOKEN_LIFETIME:
        if row[0] != digest:
            raise IdempotentParameterMismatch()
        return True
    if row is not None:
        ctx.session.execute(sql_delete(TOKENS).where(TOKENS.c.token == token))
    ctx.session.execute(
        insert(TOKENS).values(
            token=token, digest=digest, created=ctx.now, account_id=ctx.account_id, region=ctx.region
        )
    )
    return False


def cancellation_message(reasons: list[dict[str, Any]]) -> str:
    codes = ", ".join(r["Code"] for r in reasons)
    return f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]"


Plan = tuple[str, TableInfo, Item, Any, Any, str | None, str]


def plan_transact_items(ctx: RequestContext, transact_items: list[dict[str, Any]]) -> list[Plan]:
    """Validate every TransactItems entry into a plan ``(kind, table, key, payload, condition, on_fail,
    failure code)``."""
    if len(transact_items) > MAX_ITEMS:
        raise DynamoValidation(
            f"1 validation error detected: Value '{transact_items}' at 'transactItems' failed to satisfy "
            "constraint: Member must have length less than or equal to 100"
        )
    plans: list[Plan] = []
    for entry in transact_items:
        if len(entry) != 1:
            raise DynamoValidation("TransactItems can only contain one of Check, Put, Update or Delete")
        ((kind, op),) = entry.items()
        table = _table(ctx, op["TableName"])
        ectx = expression_context(op)
        if kind == "Put":
            item = validate_item(op["Item"])
            table.check_item_keys(item)
            key = table.key_of(item)
            payload: Any = item
        else:
            key = validated_key(table, op["Key"])
            payload = update_actions(op, ectx) if kind == "Update" else None
            if kind == "Update":
                _key_actions_check(table, payload)
        condition = (
            parse_condition(op["ConditionExpression"], ectx) if op.get("ConditionExpression") else None
        )
        ectx.check_unused()
        plans.append(
            (
                kind,
                table,
                key,
                payload,
                condition,
                op.get("ReturnValuesOnConditionCheckFailure"),
                "ConditionalCheckFailed",
            )
        )
    return plans


def execute_plans(ctx: RequestContext, plans: list[Plan]) -> dict[str, float]:
    """Check every condition, then write all, or raise TransactionCanceled (nothing written)."""
    seen: set[tuple[str, tuple[int, str, bytes]]] = set()
    for _kind, table, key, *_ in plans:
        skey = table.storage_key(key)
        if (table.name, skey) in seen:
            raise DynamoValidation("Transaction request cannot include multiple operations on one item")
        seen.add((table.name, skey))
    reasons: list[dict[str, Any]] = []
    writes: list[tuple[TableInfo, Item, Item | None, Item | None]] = []
    new: Item | None
    failed = False
    for kind, table, key, payload, condition, on_fail, fail_code in plans:
        storage.purge_expired(ctx, table)
        old = storage.read_item(ctx, table, table.storage_key(key))
        if condition is not None and not evaluate(condition, old or {}):
            message = (
                "Duplicate primary key exists in table"
                if fail_code == "DuplicateItem"
                else "The conditional request failed"
            )
            reason: dict[str, Any] = {"Code": fail_code, "Message": message}
            if on_fail == "ALL_OLD" and old is not None:
                reason["Item"] = old
            reasons.append(reason)
            failed = True
            continue
        try:
            if kind == "Put":
                check_item_size(payload)
                writes.append((table, key, old, payload))
            elif kind == "Delete":
                writes.append((table, key, old, None))
            elif kind == "Update":
                new = apply_update(old if old is not None else dict(key), payload)
                table.check_item_keys(new)
                check_item_size(new)
                writes.append((table, key, old, new))
        except AwsError as exc:
            reasons.append({"Code": "ValidationError", "Message": exc.message})
            failed = True
            continue
        reasons.append({"Code": "None"})
    if failed:
        raise TransactionCanceled(cancellation_message(reasons), CancellationReasons=reasons)
    units: dict[str, float] = {}
    for table, key, old, new in writes:
        storage.write_item(ctx, table, table.storage_key(key), old, new)
        size = item_size(new) if new is not None else item_size(old) if old is not None else 0
        units[table.name] = units.get(table.name, 0.0) + 2 * write_units(size)
    for kind, table, *_ in plans:
        if kind == "ConditionCheck":
            units[table.name] = units.get(table.name, 0.0) + 2 * read_units(0, True)
    return units


@handler("dynamodb", "TransactWriteItems")
def transact_write_items(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    items = params["TransactItems"]
    token = params.get("ClientRequestToken")
    if token and _check_token(ctx, token, _digest(items)):
        return {}
    units = execute_plans(ctx, plan_transact_items(ctx, items))
    out: dict[str, Any] = {}
    mode = params.get("ReturnConsumedCapacity")
    if mode in ("TOTAL", "INDEXES"):
        out["ConsumedCapacity"] = [consumed(_table(ctx, n), mode, write=u) for n, u in units.items()]
    return out


@handler("dynamodb", "TransactGetItems", write=False)
def transact_get_items(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    items = params["TransactItems"]
    if len(items) > MAX_ITEMS:
        raise DynamoValidation(
            "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have "
            "length less than or equal to 100"
        )
    responses = []
    seen: set[tuple[str, tuple[int, str, bytes]]] = set()
    units: dict[str, float] = {}
    for entry in items:
        op = entry["Get"]
        table = _table(ctx, op["TableName"])
        key = validated_key(table, op["Key"])
        ectx = expression_context(op)
        paths = parse_projection(op["ProjectionExpression"], ectx) if op.get("ProjectionExpression") else None
        ectx.check_unused()
        skey = table.storage_key(key)
        if (table.name, skey) in seen:
            raise DynamoValidation("Transaction request cannot include multiple operations on one item")
        seen.add((table.name, skey))
        item = storage.read_item(ctx, table, skey)
        units[table.name] = units.get(table.name, 0.0) + 2 * read_units(item_size(item) if item else 0, True)
        responses.append({"Item": project(item, paths) if paths else item} if item is not None else {})
    out: dict[str, Any] = {"Responses": responses}
    mode = params.get("ReturnConsumedCapacity")
    if mode in ("TOTAL", "INDEXES"):
        out["ConsumedCapacity"] = [consumed(_table(ctx, n), mode, read=u) for n, u in units.items()]
    return out
