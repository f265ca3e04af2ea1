"""Dashboards: PutDashboard (the body checked as a JSON object with AWS's members), GetDashboard,
ListDashboards (by name prefix, paged), DeleteDashboards. Dashboards are global: one account's
dashboards are the same from every region, with ARNs ``arn:aws:cloudwatch::<account>:dashboard/<name>``."""

from __future__ import annotations

import re
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.state import jsontext

from .errors import (
    DashboardInvalidInputError,
    DashboardNotFoundError,
    InvalidParameterValueException,
    MissingRequiredParameterException,
    invalid_token,
)
from .store import DASHBOARDS

NAME = re.compile(r"[A-Za-z0-9_-]{1,255}")
MAX_BODY = 1_000_000
LIST_PAGE = 1000
PERIODS = ("inherit", "auto")


def _name(value: Any, member: str = "DashboardName") -> str:
    if not isinstance(value, str) or not value:
        raise MissingRequiredParameterException(f"The parameter {member} is required.")
    if not NAME.fullmatch(value):
        raise DashboardInvalidInputError(
            "The value for field DashboardName contains invalid characters. It can only contain "
            "alphanumerics, dash (-) and underscore (_).\n"
        )
    return value


def _message(path: str, text: str) -> dict[str, str]:
    return {"DataPath": path, "Message": text}


def _check_body(body: Any) -> list[dict[str, str]]:
    """The body's problems as AWS's validation messages (an empty list: it is valid)."""
    if not isinstance(body, str) or not body:
        raise MissingRequiredParameterException("The parameter DashboardBody is required.")
    if len(body.encode("utf-8")) > MAX_BODY:
        raise DashboardInvalidInputError("The dashboard body is larger than 1 MB.")
    try:
        doc = jsontext.guarded_loads(body)
    except ValueError:
        return [_message("", "Invalid JSON in dashboard body")]
    if not isinstance(doc, dict):
        return [_message("", "Should be object")]
    problems: list[dict[str, str]] = []
    widgets = doc.get("widgets")
    if "widgets" not in doc:
        problems.append(_message("", "Should have required property 'widgets'"))
    elif not isinstance(widgets, list):
        problems.append(_message("/widgets", "Should be array"))
    else:
        for i, widget in enumerate(widgets):
            path = f"/widgets/{i}"
            if not isinstance(widget, dict):
                problems.append(_message(path, "Should be object"))
                continue
            if "type" not in widget:
                problems.append(_message(path, "Should have required property 'type'"))
            elif widget["type"] not in ("metric", "text", "log", "alarm", "explorer", "custom"):
                problems.append(_message(f"{path}/type", "Should be equal to one of the allowed values"))
            for member in ("x", "y", "width", "height"):
                if member in widget and (not isinstance(widget[member], int) or widget[member] < 0):
                    problems.append(_message(f"{path}/{member}", "Should be integer"))
            if widget.get("type") == "text" and not isinstance((widget.get("properties") or {}).get("markdown"), str):
                problems.append(_message(f"{path}/properties", "Should have required property 'markdown'"))
    period = doc.get("periodOverride")
    if period is not None and period not in PERIODS:
        problems.append(_message("/periodOverride", "Should be equal to one of the allowed values"))
    return problems


@handler("cloudwatch", "PutDashboard")
def put_dashboard(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _name(params.get("DashboardName"))
    body = params.get("DashboardBody")
    problems = _check_body(body)
    if problems:
        raise DashboardInvalidInputError(
            "The field DashboardBody must be a valid JSON object", dashboardValidationMessages=problems
        )
    row = DASHBOARDS.find(ctx, name)
    if row is None:
        DASHBOARDS.create(ctx, rid=name, name=name, document={"Body": body})
    else:
        DASHBOARDS.update(ctx, row, document={"Body": body})
    return {"DashboardValidationMessages": []}


@handler("cloudwatch", "GetDashboard")
def get_dashboard(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("DashboardName")
    if not isinstance(name, str) or not name:
        raise MissingRequiredParameterException("The parameter DashboardName is required.")
    row = DASHBOARDS.find(ctx, name)
    if row is None:
        raise DashboardNotFoundError(f"Dashboard {name} does not exist")
    return {"DashboardArn": row.arn, "DashboardBody": row.document["Body"], "DashboardName": row.rid}


@handler("cloudwatch", "ListDashboards")
def list_dashboards(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    prefix = params.get("DashboardNamePrefix")
    if prefix is not None and not re.fullmatch(r"[A-Za-z0-9_-]*", prefix):
        raise InvalidParameterValueException(
            "The value for field DashboardNamePrefix contains invalid characters. It can only contain "
            "alphanumerics, dash (-) and underscore (_)."
        )
    page = DASHBOARDS.page(ctx, limit=LIST_PAGE, token=params.get("NextToken"), invalid=invalid_token,
                           name_prefix=prefix or None, order="name")
    out: dict[str, Any] = {
        "DashboardEntries": [
            {
                "DashboardName": r.rid,
                "DashboardArn": r.arn,
                "LastModified": r.updated,
                "Size": len(r.document["Body"].encode("utf-8")),
            }
            for r in page.rows
        ]
    }
    if page.token:
        out["NextToken"] = page.token
    return out


@handler("cloudwatch", "DeleteDashboards")
def delete_dashboards(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    names = params.get("DashboardNames")
    if not names:
        raise MissingRequiredParameterException("The parameter DashboardNames is required.")
    rows = []
    for name in names:
        row = DASHBOARDS.find(ctx, name) if isinstance(name, str) else None
        if row is None:
            raise DashboardNotFoundError(f"Dashboard {name} does not exist")
        rows.append(row)
    for row in rows:
        DASHBOARDS.delete(ctx, row)
    return {}
