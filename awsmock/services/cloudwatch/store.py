"""Alarms and dashboards in the shared resource store, and alarm history in CloudWatch's table.

An alarm is a row of kind ``alarm`` (id and name: its name; state: its state value; document:
what DescribeAlarms answers for it, with ``_type`` (MetricAlarm or CompositeAlarm) and the
private ``_manual_until`` of a state set by SetAlarmState). A dashboard is a row of kind
``dashboard`` (global: dashboards are not regional; document: its body). Anomaly detectors
(kind ``anomaly-detector``, id: a digest of the metric or math they watch) and Contributor
Insights rules (kind ``insight-rule``, state ENABLED or DISABLED) are rows too.
"""

from __future__ import annotations

import json
from typing import Any

from awsmock.engine import resources
from awsmock.engine.context import RequestContext
from awsmock.models.cloudwatch import AlarmHistory

from .errors import DashboardNotFoundError, ResourceNotFound, ResourceNotFoundException
from .lookup import millis

METRIC_ALARM, COMPOSITE_ALARM = "MetricAlarm", "CompositeAlarm"
OK, ALARM, INSUFFICIENT = "OK", "ALARM", "INSUFFICIENT_DATA"
STATES = (OK, ALARM, INSUFFICIENT)

ALARMS = resources.Kind(
    "cloudwatch",
    "alarm",
    arn=lambda ctx, rid: ctx.arn("cloudwatch", f"alarm:{rid}"),
    not_found=lambda rid: ResourceNotFound(f"Alarm {rid} does not exist."),
    title="Alarms",
)

DASHBOARDS = resources.Kind(
    "cloudwatch",
    "dashboard",
    arn=lambda ctx, rid: ctx.arn("cloudwatch", f"dashboard/{rid}", region=""),
    not_found=lambda rid: DashboardNotFoundError(f"Dashboard {rid} does not exist"),
    regional=False,
    title="Dashboards",
)

DETECTORS = resources.Kind(
    "cloudwatch",
    "anomaly-detector",
    arn=lambda ctx, rid: ctx.arn("cloudwatch", f"anomaly-detector:{rid}"),
    not_found=lambda rid: ResourceNotFoundException("No anomaly detector found for the given metric."),
    title="Anomaly detectors",
)

RULES = resources.Kind(
    "cloudwatch",
    "insight-rule",
    arn=lambda ctx, rid: ctx.arn("cloudwatch", f"insight-rule/{rid}"),
    not_found=lambda rid: ResourceNotFoundException(f"Rule {rid} does not exist."),
    title="Contributor Insights rules",
)


def record(
    ctx: RequestContext,
    name: str,
    alarm_type: str,
    item_type: str,
    summary: str,
    data: dict[str, Any],
) -> None:
    """One item of an alarm's history."""
    ctx.session.add(
        AlarmHistory(
            account_id=ctx.account_id,
            region=ctx.region,
            alarm_name=name,
            alarm_type=alarm_type,
            timestamp=millis(ctx.now),
            item_type=item_type,
            summary=summary,
            data=json.dumps(data, default=str),
        )
    )


def public(doc: dict[str, Any]) -> dict[str, Any]:
    """An alarm's document as DescribeAlarms answers it (without the private keys)."""
    return {k: v for k, v in doc.items() if not k.startswith("_")}
