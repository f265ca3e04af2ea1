"""Groups: a name and a filter expression (checked as GetTraceSummaries reads it), Insights
settings, an ARN ``group/NAME/ID``; CreateGroup, GetGroup, GetGroups, UpdateGroup,
DeleteGroup. Rows of the shared store, named uniquely per account and region."""

from __future__ import annotations

import re
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from . import filters, tags
from .errors import InvalidRequestException, invalid_token
from .lookup import GROUPS, find_group, group_id

#: group names: letters, numbers, - and _ (1 to 32; "Default" is X-Ray's own)
NAME = re.compile(r"[A-Za-z0-9_-]{1,32}")
GROUPS_PAGE = 100


def _insights(value: Any, current: dict[str, Any] | None = None) -> dict[str, Any]:
    merged = {"InsightsEnabled": False, "NotificationsEnabled": False, **(current or {})}
    for key in ("InsightsEnabled", "NotificationsEnabled"):
        if value and value.get(key) is not None:
            merged[key] = bool(value[key])
    if merged["NotificationsEnabled"] and not merged["InsightsEnabled"]:
        raise InvalidRequestException("Notifications can only be enabled when insights are enabled.")
    return merged


def _check_filter(text: Any) -> None:
    if text is not None:
        if not isinstance(text, str) or not text.strip():
            raise InvalidRequestException("Invalid filter expression")
        filters.compile_filter(text)


def _group(row: Resource) -> dict[str, Any]:
    doc = row.document
    out: dict[str, Any] = {"GroupName": row.name, "GroupARN": row.arn}
    if doc.get("FilterExpression") is not None:
        out["FilterExpression"] = doc["FilterExpression"]
    out["InsightsConfiguration"] = doc.get("InsightsConfiguration") or {
        "InsightsEnabled": False,
        "NotificationsEnabled": False,
    }
    return out


@handler("xray", "CreateGroup")
def create_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["GroupName"]
    if not NAME.fullmatch(name) or name == "Default":
        raise InvalidRequestException(
            "Invalid group name. Group names must be 1 to 32 letters, numbers, hyphens and underscores,"
            " and cannot be Default."
        )
    _check_filter(params.get("FilterExpression"))
    insights = _insights(params.get("InsightsConfiguration"))
    tags.check_tags(params.get("Tags"))
    if GROUPS.find(ctx, name) is not None:
        raise InvalidRequestException("Group already exists")
    arn = GROUPS.arn_of(ctx, f"{name}/{group_id()}")
    doc: dict[str, Any] = {"InsightsConfiguration": insights}
    if params.get("FilterExpression") is not None:
        doc["FilterExpression"] = params["FilterExpression"]
    row = GROUPS.create(ctx, rid=name, name=name, document=doc, arn=arn)
    tags.apply(ctx, row.arn, params.get("Tags"))
    return {"Group": _group(row)}


@handler("xray", "GetGroup")
def get_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"Group": _group(find_group(ctx, params))}


@handler("xray", "GetGroups")
def get_groups(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    page = GROUPS.page(ctx, limit=GROUPS_PAGE, token=params.get("NextToken"), invalid=invalid_token, order="name")
    out: dict[str, Any] = {"Groups": [_group(r) for r in page.rows]}
    if page.token:
        out["NextToken"] = page.token
    return out


@handler("xray", "UpdateGroup")
def update_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = find_group(ctx, params)
    doc = dict(row.document)
    if params.get("FilterExpression") is not None:
        _check_filter(params["FilterExpression"])
        doc["FilterExpression"] = params["FilterExpression"]
    if params.get("InsightsConfiguration") is not None:
        doc["InsightsConfiguration"] = _insights(params["InsightsConfiguration"], doc.get("InsightsConfiguration"))
    GROUPS.update(ctx, row, document=doc)
    return {"Group": _group(row)}


@handler("xray", "DeleteGroup")
def delete_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    GROUPS.delete(ctx, find_group(ctx, params))
    return {}
