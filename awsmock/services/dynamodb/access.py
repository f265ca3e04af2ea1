"""DynamoDB as authorization sees it: the tables (or streams, backups, exports) a request acts
on. A batch or a transaction acts on every table it names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from awsmock.engine import arns
from awsmock.engine.context import RequestContext

from .schema import arn_of

#: the namespace of ``__type`` in DynamoDB's (and DynamoDB Streams') JSON errors
TYPE_NAMESPACE = "com.amazonaws.dynamodb.v20120810"


def resource_arns(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    def table(name: str) -> str:
        return name if arns.parse(name) is not None else arn_of(ctx, name)

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
    return ["*"]
