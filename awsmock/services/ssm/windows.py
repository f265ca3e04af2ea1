"""Maintenance windows as records: the window (Create, Get, Describe, Update, Delete), its
targets (Register, Describe, Deregister) and tasks (Register, Describe, Get, Deregister).

awsmock runs no window: these are the records AWS keeps, checked as AWS checks them (a
``cron(...)``, ``rate(...)`` or ``at(...)`` schedule; a cutoff shorter than the duration; a
window that exists). Windows, targets and tasks are rows of the shared resource store (kinds
``maintenancewindow``, ``windowtarget`` and ``windowtask``; targets and tasks have their
window's ARN as parent and go with it).
"""

from __future__ import annotations

import os
import re
import uuid
from typing import Any

from awsmock.engine import pager, resources, tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from . import tags
from .errors import DoesNotExistException, InvalidNextToken, ValidationException

WINDOWS = resources.Kind(
    "ssm",
    "maintenancewindow",
    arn=lambda ctx, rid: ctx.arn("ssm", f"maintenancewindow/{rid}"),
    not_found=lambda rid: DoesNotExistException(f"Maintenance window {rid} does not exist"),
    title="Maintenance windows",
)
TARGETS = resources.Kind(
    "ssm",
    "windowtarget",
    arn=lambda ctx, rid: ctx.arn("ssm", f"windowtarget/{rid}"),
    not_found=lambda rid: DoesNotExistException(f"Maintenance window target {rid} does not exist"),
)
TASKS = resources.Kind(
    "ssm",
    "windowtask",
    arn=lambda ctx, rid: ctx.arn("ssm", f"windowtask/{rid}"),
    not_found=lambda rid: DoesNotExistException(f"Maintenance window task {rid} does not exist"),
)

_SCHEDULE = re.compile(r"^(cron\(.+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\)|at\(.+\))$")
_WINDOW_FIELDS = (
    "Name",
    "Description",
    "StartDate",
    "EndDate",
    "Schedule",
    "ScheduleTimezone",
    "ScheduleOffset",
    "Duration",
    "Cutoff",
    "AllowUnassociatedTargets",
    "Enabled",
)


def _invalid_token(_token: str) -> InvalidNextToken:
    return InvalidNextToken()


def _check(fields: dict[str, Any]) -> None:
    schedule = fields.get("Schedule")
    if schedule is not None and not _SCHEDULE.match(schedule):
        raise ValidationException(f"Invalid schedule expression: {schedule}")
    duration, cutoff = fields.get("Duration"), fields.get("Cutoff")
    if isinstance(duration, int) and isinstance(cutoff, int) and cutoff >= duration:
        raise ValidationException("The cutoff must be less than the duration of the maintenance window.")


def _window(ctx: RequestContext, window_id: str) -> Resource:
    return WINDOWS.get(ctx, window_id)


def _shape(row: Resource) -> dict[str, Any]:
    out = {"WindowId": row.rid, **row.document}
    out["CreatedDate"] = row.created
    out["ModifiedDate"] = row.updated
    return out


@handler("ssm", "CreateMaintenanceWindow")
def create_maintenance_window(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fields = {k: params[k] for k in _WINDOW_FIELDS if k in params and params[k] is not None}
    fields["Enabled"] = True
    _check(fields)
    tag_set = tags.read(params.get("Tags"))
    window_id = "mw-" + os.urandom(9).hex()[:17]
    row = WINDOWS.create(ctx, rid=window_id, name=params["Name"], document=fields, state="Enabled")
    if tag_set:
        tagging.tag(ctx, "ssm", row.arn, tag_set, tags.RULES)
    return {"WindowId": window_id}


@handler("ssm", "GetMaintenanceWindow")
def get_maintenance_window(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _shape(_window(ctx, params["WindowId"]))


@handler("ssm", "UpdateMaintenanceWindow")
def update_maintenance_window(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _window(ctx, params["WindowId"])
    given = {k: params[k] for k in _WINDOW_FIELDS if k in params and params[k] is not None}
    if params.get("Replace"):
        fields = {
            k: row.document[k] for k in ("Name", "Schedule", "Duration", "Cutoff", "AllowUnassociatedTargets")
        }
        fields["Enabled"] = row.document.get("Enabled", True)
        fields.update(given)
    else:
        fields = {**row.document, **given}
    _check(fields)
    WINDOWS.update(
        ctx,
        row,
        document=fields,
        name=fields["Name"],
        state="Enabled" if fields.get("Enabled") else "Disabled",
    )
    out = _shape(row)
    out.pop("CreatedDate", None)
    out.pop("ModifiedDate", None)
    return out


@handler("ssm", "DeleteMaintenanceWindow")
def delete_maintenance_window(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = WINDOWS.find(ctx, params["WindowId"])
    if row is not None:
        for kind in (TARGETS, TASKS):
            for child in kind.page(
                ctx, limit=10_000, token=None, invalid=_invalid_token, parent=row.arn
            ).rows:
                kind.delete(ctx, child)
        WINDOWS.delete(ctx, row)
    return {"WindowId": params["WindowId"]}


def _matches(document: dict[str, Any], filters: list[dict[str, Any]], keys: dict[str, str]) -> bool:
    for item in filters:
        key = item.get("Key")
        if key not in keys:
            raise ValidationException(f"Invalid filter key: {key}. Valid keys are: {', '.join(keys)}.")
        values = [v for v in item.get("Values") or [] if isinstance(v, str)]
        actual = document.get(keys[key])
        shown = str(actual).lower() if isinstance(actual, bool) else str(actual)
        if values and shown not in values:
            return False
    return True


@handler("ssm", "DescribeMaintenanceWindows")
def describe_maintenance_windows(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows = WINDOWS.page(ctx, limit=100_000, token=None, invalid=_invalid_token, order="created").rows
    filters = params.get("Filters") or []
    chosen = [r for r in rows if _matches(r.document, filters, {"Name": "Name", "Enabled": "Enabled"})]
    page = pager.page_list(
        chosen,
        key=lambda r: [r.created.isoformat(), r.rid],
        limit=params.get("MaxResults") or 100,
        token=params.get("NextToken"),
        scope="DescribeMaintenanceWindows",
        invalid=_invalid_token,
    )
    identities = []
    for r in page.rows:
        doc = r.document
        item = {"WindowId": r.rid}
        for member in (
            "Name",
            "Description",
            "Enabled",
            "Duration",
            "Cutoff",
            "Schedule",
            "ScheduleTimezone",
            "ScheduleOffset",
            "EndDate",
            "StartDate",
        ):
            if member in doc:
                item[member] = doc[member]
        identities.append(item)
    out: dict[str, Any] = {"WindowIdentities": identities}
    if page.token:
        out["NextToken"] = page.token
    return out


# -- targets ------------------------------------------------------------------------------------


@handler("ssm", "RegisterTargetWithMaintenanceWindow")
def register_target(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    window = _window(ctx, params["WindowId"])
    target_id = str(uuid.uuid4())
    doc = {
        "WindowId": window.rid,
        "WindowTargetId": target_id,
        "ResourceType": params["ResourceType"],
        "Targets": params["Targets"],
    }
    for member in ("OwnerInformation", "Name", "Description"):
        if params.get(member) is not None:
            doc[member] = params[member]
    TARGETS.create(ctx, rid=target_id, parent=window.arn, document=doc)
    return {"WindowTargetId": target_id}


def _children(
    ctx: RequestContext, kind: resources.Kind, window: Resource, params: dict[str, Any], keys: dict[str, str]
) -> list[Resource]:
    rows = kind.page(
        ctx, limit=100_000, token=None, invalid=_invalid_token, parent=window.arn, order="created"
    ).rows
    return [r for r in rows if _matches(r.document, params.get("Filters") or [], keys)]


@handler("ssm", "DescribeMaintenanceWindowTargets")
def describe_targets(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    window = _window(ctx, params["WindowId"])
    rows = _children(
        ctx,
        TARGETS,
        window,
        params,
        {"WindowTargetId": "WindowTargetId", "OwnerInformation": "OwnerInformation", "Name": "Name"},
    )
    page = pager.page_list(
        rows,
        key=lambda r: [r.created.isoformat(), r.rid],
        limit=params.get("MaxResults") or 100,
        token=params.get("NextToken"),
        scope=f"DescribeMaintenanceWindowTargets:{window.rid}",
        invalid=_invalid_token,
    )
    out: dict[str, Any] = {"Targets": [r.document for r in page.rows]}
    if page.token:
        out["NextToken"] = page.token
    return out


@handler("ssm", "DeregisterTargetFromMaintenanceWindow")
def deregister_target(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    window = _window(ctx, params["WindowId"])
    row = TARGETS.find(ctx, params["WindowTargetId"])
    if row is None or row.parent != window.arn:
        raise DoesNotExistException(f"Maintenance window target {params['WindowTargetId']} does not exist")
    TARGETS.delete(ctx, row)
    return {"WindowId": window.rid, "WindowTargetId": row.rid}


# -- tasks --------------------------------------------------------------------------------------

_TASK_MEMBERS = (
    "Targets",
    "TaskArn",
    "ServiceRoleArn",
    "TaskParameters",
    "TaskInvocationParameters",
    "Priority",
    "MaxConcurrency",
    "MaxErrors",
    "LoggingInfo",
    "Name",
    "Description",
    "CutoffBehavior",
    "AlarmConfiguration",
)


@handler("ssm", "RegisterTaskWithMaintenanceWindow")
def register_task(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    window = _window(ctx, params["WindowId"])
    targets = params.get("Targets") or []
    for target in targets:
        if target.get("Key") == "WindowTargetIds":
            for target_id in target.get("Values") or []:
                found = TARGETS.find(ctx, target_id)
                if found is None or found.parent != window.arn:
                    raise DoesNotExistException(f"Maintenance window target {target_id} does not exist")
    task_id = str(uuid.uuid4())
    doc: dict[str, Any] = {"WindowId": window.rid, "WindowTaskId": task_id, "Type": params["TaskType"]}
    for member in _TASK_MEMBERS:
        if params.get(member) is not None:
            doc[member] = params[member]
    doc.setdefault("Priority", 1)
    TASKS.create(ctx, rid=task_id, parent=window.arn, document=doc)
    return {"WindowTaskId": task_id}


def _task(ctx: RequestContext, window: Resource, task_id: str) -> Resource:
    row = TASKS.find(ctx, task_id)
    if row is None or row.parent != window.arn:
        raise DoesNotExistException(f"Maintenance window task {task_id} does not exist")
    return row


@handler("ssm", "DescribeMaintenanceWindowTasks")
def describe_tasks(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    window = _window(ctx, params["WindowId"])
    rows = _children(
        ctx,
        TASKS,
        window,
        params,
        {"WindowTaskId": "WindowTaskId", "TaskArn": "TaskArn", "TaskType": "Type", "Priority": "Priority"},
    )
    page = pager.page_list(
        rows,
        key=lambda r: [r.created.isoformat(), r.rid],
        limit=params.get("MaxResults") or 100,
        token=params.get("NextToken"),
        scope=f"DescribeMaintenanceWindowTasks:{window.rid}",
        invalid=_invalid_token,
    )
    listed = [{k: v for k, v in r.document.items() if k != "TaskInvocationParameters"} for r in page.rows]
    out: dict[str, Any] = {"Tasks": listed}
    if page.token:
        out["NextToken"] = page.token
    return out


@handler("ssm", "GetMaintenanceWindowTask")
def get_task(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    window = _window(ctx, params["WindowId"])
    doc = dict(_task(ctx, window, params["WindowTaskId"]).document)
    doc["TaskType"] = doc.pop("Type")
    return doc


@handler("ssm", "DeregisterTaskFromMaintenanceWindow")
def deregister_task(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    window = _window(ctx, params["WindowId"])
    row = _task(ctx, window, params["WindowTaskId"])
    TASKS.delete(ctx, row)
    return {"WindowId": window.rid, "WindowTaskId": row.rid}
