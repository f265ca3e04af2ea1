"""DynamoDB as authorization sees it: the tables (or streams, backups, exports) a request acts
on. A batch acts on every table it names; a transaction needs the permission of each item's own
action on its table (``dynamodb:PutItem``, ``UpdateItem``, ``DeleteItem``, ``ConditionCheckItem``,
``GetItem``), and PartiQL statements ``dynamodb:PartiQLSelect`` / ``Insert`` / ``Update`` /
``Delete`` on the table (or index) each statement names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsmock.engine import arns
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.facts import Access

from .partiql import parse
from .schema import arn_of

#: the namespace of ``__type`` in DynamoDB's (and DynamoDB Streams') JSON errors
TYPE_NAMESPACE = "com.amazonaws.dynamodb.v20120810"


def resource_arns(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    def table(name: str) -> str:
        return _table(ctx, name)

    if params.get("TableName"):
        return [table(params["TableName"])]
    if isinstance(params.get("RequestItems"), Mapping):
        return [table(n) for n in params["RequestItems"]] or ["*"]
    items = params.get("TransactItems")
    if isinstance(items, list):
        names = []
        for item in items:
            for body in item.values():
                if isinstance(body, Mapping) and body.get("TableName"):
                    names.append(table(body["TableName"]))
        return names or ["*"]
    if params.get("ResourceArn"):
        return [params["ResourceArn"]]
    if params.get("GlobalTableName"):
        return [ctx.arn("dynamodb", f"global-table/{params['GlobalTableName']}", region="")]
    return ["*"]


#: a transaction item's member -> the IAM action it needs
_ITEM_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}
_PARTIQL_ACTIONS = {
    "SELECT": "PartiQLSelect",
    "INSERT": "PartiQLInsert",
    "UPDATE": "PartiQLUpdate",
    "DELETE": "PartiQLDelete",
}


def _table(ctx: RequestContext, name: str) -> str:
    return name if arns.parse(name) is not None else arn_of(ctx, name)


def _statement(ctx: RequestContext, text: Any, parameters: Any) -> Access | None:
    try:
        st = parse(str(text), parameters if isinstance(parameters, list) else None)
    except (AwsError, ValueError, TypeError, IndexError):
        return None  # the operation refuses it, and nothing is read or written
    resource = _table(ctx, st.table) if st.index is None else arn_of(ctx, st.table, "index", st.index)
    return Access(f"dynamodb:{_PARTIQL_ACTIONS[st.kind]}", (resource,))


def access(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[Access] | None:
    if operation in ("TransactWriteItems", "TransactGetItems"):
        checks = []
        for item in params.get("TransactItems") or []:
            for member, body in item.items() if isinstance(item, Mapping) else ():
                if member in _ITEM_ACTIONS and isinstance(body, Mapping) and body.get("TableName"):
                    checks.append(
                        Access(f"dynamodb:{_ITEM_ACTIONS[member]}", (_table(ctx, body["TableName"]),))
                    )
        return checks or None
    if operation == "ExecuteStatement":
        found = _statement(ctx, params.get("Statement"), params.get("Parameters"))
        return [found] if found is not None else []
    if operation in ("BatchExecuteStatement", "ExecuteTransaction"):
        entries = (
            params.get("Statements")
            if operation == "BatchExecuteStatement"
            else params.get("TransactStatements")
        )
        checks = []
        for entry in entries or []:
            if isinstance(entry, Mapping):
                found = _statement(ctx, entry.get("Statement"), entry.get("Parameters"))
                if found is not None:
                    checks.append(found)
        return checks
    return None
