"""CloudWatch as access control sees it: ``cloudwatch:<Operation>`` on the alarms
(``arn:aws:cloudwatch:<region>:<account>:alarm:<name>``) and dashboards
(``arn:aws:cloudwatch::<account>:dashboard/<name>``) a request names; metric operations act on
``*`` (AWS has no resource type for a metric). CloudWatch has no resource policies."""

from __future__ import annotations

from typing import Any

from awsmock.engine.context import RequestContext

_ALARM_NAMES = frozenset(["DeleteAlarms", "EnableAlarmActions", "DisableAlarmActions", "DescribeAlarms"])
_ALARM_NAME = frozenset(["PutMetricAlarm", "PutCompositeAlarm", "SetAlarmState", "DescribeAlarmHistory"])
_DASHBOARD = frozenset(["PutDashboard", "GetDashboard"])
_ARN = frozenset(["TagResource", "UntagResource", "ListTagsForResource"])


def _alarm(ctx: RequestContext, name: Any) -> str | None:
    return ctx.arn("cloudwatch", f"alarm:{name}") if isinstance(name, str) and name else None


def _dashboard(ctx: RequestContext, name: Any) -> str | None:
    return ctx.arn("cloudwatch", f"dashboard/{name}", region="") if isinstance(name, str) and name else None


def resource_arns(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    out: list[str | None] = []
    if operation in _ALARM_NAME:
        out.append(_alarm(ctx, params.get("AlarmName")))
    elif operation in _ALARM_NAMES:
        out.extend(_alarm(ctx, n) for n in params.get("AlarmNames") or [])
    elif operation in _DASHBOARD:
        out.append(_dashboard(ctx, params.get("DashboardName")))
    elif operation == "DeleteDashboards":
        out.extend(_dashboard(ctx, n) for n in params.get("DashboardNames") or [])
    elif operation in _ARN and isinstance(params.get("ResourceARN"), str):
        out.append(params["ResourceARN"])
    found = [a for a in out if a]
    return found or ["*"]
