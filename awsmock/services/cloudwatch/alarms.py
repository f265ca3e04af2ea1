"""Metric and composite alarms: PutMetricAlarm, PutCompositeAlarm, DescribeAlarms,
DescribeAlarmsForMetric, DeleteAlarms, SetAlarmState, EnableAlarmActions, DisableAlarmActions,
DescribeAlarmHistory. States are computed when alarms are read (:mod:`.evaluation`)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from sqlalchemy import select

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.cloudwatch import AlarmHistory
from awsmock.models.resources import Resource
from awsmock.state import jsontext

from . import math as metric_math
from . import tags
from .errors import (
    InvalidFormatFault,
    InvalidParameterCombinationException,
    InvalidParameterValueException,
    LimitExceededFault,
    MissingRequiredParameterException,
    invalid_token,
)
from .evaluation import COMPARISONS, children_of, described, evaluate, evaluate_all, rule_tokens, transition
from .lookup import STATISTICS, UNITS, at, check_statistic, dimensions_of, dims_key, millis
from .metrics import check_namespace
from .statistics import check_period
from .store import ALARM, ALARMS, COMPOSITE_ALARM, INSUFFICIENT, METRIC_ALARM, STATES, record

MAX_ACTIONS = 5
MAX_ALARMS = 10_000
ANOMALY_OPERATORS = (
    "LessThanLowerOrGreaterThanUpperThreshold",
    "LessThanLowerThreshold",
    "GreaterThanUpperThreshold",
)
TREAT_MISSING = ("breaching", "notBreaching", "ignore", "missing")
ACTION_ARN = re.compile(r"arn:aws[a-z-]*:(sns|autoscaling|automate|swf|lambda|ssm|ssm-incidents|ec2|opsworks):.+")


def _name(value: Any, member: str = "AlarmName") -> str:
    if not isinstance(value, str) or not value:
        raise MissingRequiredParameterException(f"The parameter {member} is required.")
    if len(value) > 255:
        raise InvalidParameterValueException(
            f"The value for parameter {member} must not be longer than 255 characters."
        )
    if not value.isprintable():
        raise InvalidParameterValueException(f"The value for parameter {member} holds invalid characters.")
    return value


def _actions(params: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for member in ("OKActions", "AlarmActions", "InsufficientDataActions"):
        actions = params.get(member) or []
        if len(actions) > MAX_ACTIONS:
            raise InvalidParameterValueException(
                f"The collection {member} must not have a size greater than {MAX_ACTIONS}."
            )
        for action in actions:
            if not isinstance(action, str) or not ACTION_ARN.fullmatch(action):
                raise InvalidParameterValueException(f"Invalid arn syntax: {str(action)[:1024]}")
        out[member] = list(actions)
    return out


def _description(params: dict[str, Any]) -> str | None:
    text = params.get("AlarmDescription")
    if text is not None and len(text) > 1024:
        raise InvalidParameterValueException(
            "The value for parameter AlarmDescription must not be longer than 1024 characters."
        )
    return text


def _new_or_updated(ctx: RequestContext, name: str, doc: dict[str, Any], alarm_type: str) -> None:
    row = ALARMS.find(ctx, name)
    now = ctx.now.isoformat()
    new_tags = doc.pop("_tags", None)
    doc["AlarmArn"] = row.arn if row is not None else ALARMS.arn_of(ctx, name)
    doc["AlarmConfigurationUpdatedTimestamp"] = now
    if row is None:
        count = ctx.session.query(Resource).filter(
            Resource.service == "cloudwatch", Resource.kind == "alarm",
            Resource.account_id == ctx.account_id, Resource.region == ctx.region,
        ).count()
        if count >= MAX_ALARMS:
            raise LimitExceededFault(f"The maximum number of alarms ({MAX_ALARMS}) has been reached.")
        doc.update(
            StateValue=INSUFFICIENT,
            StateReason="Unchecked: Initial alarm creation",
            StateUpdatedTimestamp=now,
            StateTransitionedTimestamp=now,
        )
        row = ALARMS.create(ctx, rid=name, name=name, document=doc, state=INSUFFICIENT)
        summary = f'Alarm "{name}" created'
        history_type = "Create"
    else:
        if row.document.get("_type") != alarm_type:
            raise InvalidParameterCombinationException(
                f"The alarm {name} already exists as a {row.document.get('_type')}."
            )
        old = row.document
        for key in ("StateValue", "StateReason", "StateReasonData", "StateUpdatedTimestamp",
                    "StateTransitionedTimestamp", "_manual_until"):
            if key in old:
                doc[key] = old[key]
        ALARMS.update(ctx, row, document=doc)
        summary = f'Alarm "{name}" updated'
        history_type = "Update"
    record(
        ctx, name, alarm_type, "ConfigurationUpdate", summary,
        {"version": "1.0", "type": history_type, "createdAlarm" if history_type == "Create" else "updatedAlarm":
         {k: v for k, v in doc.items() if not k.startswith("_")}},
    )
    if new_tags:
        tags.apply(ctx, row.arn, new_tags)
    evaluate(ctx, row)


def _check_metric_queries(value: Any, threshold_id: str | None) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value:
        raise InvalidParameterValueException("The parameter Metrics must not be empty.")
    ids = set()
    returned = 0
    for i, q in enumerate(value, 1):
        member = f"Metrics.member.{i}"
        if not isinstance(q, dict) or not isinstance(q.get("Id"), str):
            raise MissingRequiredParameterException(f"The parameter {member}.Id is required.")
        if q["Id"] in ids:
            raise InvalidParameterValueException(f"The value {q['Id']} for parameter {member}.Id is not unique.")
        ids.add(q["Id"])
        if (q.get("MetricStat") is None) == (q.get("Expression") is None):
            raise InvalidParameterCombinationException(
                f"Exactly one of the parameters {member}.MetricStat and {member}.Expression must be specified."
            )
        stat = q.get("MetricStat")
        if stat is not None:
            if not isinstance(stat.get("Metric"), dict):
                raise MissingRequiredParameterException(f"The parameter {member}.MetricStat.Metric is required.")
            check_namespace(stat["Metric"].get("Namespace"), f"{member}.MetricStat.Metric.Namespace")
            check_period(stat.get("Period"), f"{member}.MetricStat.Period")
            check_statistic(stat.get("Stat"), f"{member}.MetricStat.Stat")
        if q.get("ReturnData", True) and q["Id"] != threshold_id:
            returned += 1
    if returned != 1:
        raise InvalidParameterValueException(
            "Exactly one element of the metrics list should return data."
        )
    env = metric_math.Environment(lambda qid: {} if qid in ids else None, [], [])
    for q in value:
        if q.get("Expression") is not None:
            metric_math.evaluate(q["Expression"], env, q["Id"])  # its syntax, functions and ids
    return value


@handler("cloudwatch", "PutMetricAlarm")
def put_metric_alarm(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _name(params.get("AlarmName"))
    doc: dict[str, Any] = {
        "_type": METRIC_ALARM,
        "AlarmName": name,
        "ActionsEnabled": params.get("ActionsEnabled", True),
        **_actions(params),
    }
    if (text := _description(params)) is not None:
        doc["AlarmDescription"] = text
    operator = params.get("ComparisonOperator")
    if operator is None:
        raise MissingRequiredParameterException("The parameter ComparisonOperator is required.")
    if operator not in COMPARISONS and operator not in ANOMALY_OPERATORS:
        raise InvalidParameterValueException(f"The value {operator} for parameter ComparisonOperator is invalid.")
    periods = params.get("EvaluationPeriods")
    if periods is None:
        raise MissingRequiredParameterException("The parameter EvaluationPeriods is required.")
    if periods < 1:
        raise InvalidParameterValueException("The parameter EvaluationPeriods must be greater than or equal to 1.")
    to_alarm = params.get("DatapointsToAlarm")
    if to_alarm is not None and not 1 <= to_alarm <= periods:
        raise InvalidParameterValueException(
            "DatapointsToAlarm must be less than or equal to EvaluationPeriods and greater than 0."
        )
    metrics = params.get("Metrics")
    single = [m for m in ("MetricName", "Namespace", "Statistic", "ExtendedStatistic", "Dimensions", "Period", "Unit")
              if params.get(m) is not None]
    if metrics is not None:
        if single and single != ["Unit"]:
            raise InvalidParameterCombinationException(
                f"The parameters Metrics and {single[0]} are mutually exclusive and you have specified both."
            )
        doc["Metrics"] = _check_metric_queries(metrics, params.get("ThresholdMetricId"))
        returned = next(
            q for q in metrics if q.get("ReturnData", True) and q["Id"] != params.get("ThresholdMetricId")
        )
        period = (returned.get("MetricStat") or {}).get("Period") or returned.get("Period")
        if period is None:
            stats = [q["MetricStat"]["Period"] for q in metrics if q.get("MetricStat")]
            period = min(stats) if stats else 60
        doc["Period"] = int(period)
    else:
        doc["MetricName"] = params.get("MetricName")
        doc["Namespace"] = params.get("Namespace")
        if not doc["MetricName"]:
            raise MissingRequiredParameterException("The parameter MetricName is required.")
        check_namespace(doc["Namespace"])
        statistic, extended = params.get("Statistic"), params.get("ExtendedStatistic")
        if statistic is not None and extended is not None:
            raise InvalidParameterCombinationException(
                "The parameters Statistic and ExtendedStatistic are mutually exclusive and you have specified both."
            )
        if statistic is None and extended is None:
            raise MissingRequiredParameterException("One of the parameters Statistic or ExtendedStatistic is required.")
        if statistic is not None:
            if statistic not in STATISTICS:
                raise InvalidParameterValueException(f"The value {statistic} for parameter Statistic is invalid.")
            doc["Statistic"] = statistic
        else:
            if extended in STATISTICS:
                raise InvalidParameterValueException(f"The value {extended} for parameter ExtendedStatistic is invalid.")
            doc["ExtendedStatistic"] = check_statistic(extended, "ExtendedStatistic")
        dims = dimensions_of(params.get("Dimensions"), "Dimensions")
        doc["Dimensions"] = [{"Name": n, "Value": v} for n, v in dims]
        period = params.get("Period")
        if period is None:
            raise MissingRequiredParameterException("The parameter Period is required.")
        if period < 10 or (period < 60 and period not in (10, 20, 30)) or (period >= 60 and period % 60):
            raise InvalidParameterValueException("The parameter Period must be 10, 20, 30 or a multiple of 60.")
        doc["Period"] = period
    unit = params.get("Unit")
    if unit is not None:
        if unit not in UNITS:
            raise InvalidParameterValueException(f"The value {unit} for parameter Unit is invalid.")
        doc["Unit"] = unit
    if doc["Period"] * periods > (604800 if doc["Period"] >= 3600 else 86400):
        raise InvalidParameterValueException(
            "The product of EvaluationPeriods and Period must not exceed "
            + ("604800 (7 days)." if doc["Period"] >= 3600 else "86400 (1 day).")
        )
    doc.update(EvaluationPeriods=periods, ComparisonOperator=operator)
    if to_alarm is not None:
        doc["DatapointsToAlarm"] = to_alarm
    if operator in ANOMALY_OPERATORS:
        if not params.get("ThresholdMetricId") or metrics is None:
            raise InvalidParameterCombinationException(
                "ThresholdMetricId must be specified with the comparison operator " + operator + "."
            )
        doc["ThresholdMetricId"] = params["ThresholdMetricId"]
    else:
        threshold = params.get("Threshold")
        if threshold is None:
            raise MissingRequiredParameterException("The parameter Threshold is required.")
        doc["Threshold"] = float(threshold)
    treat = params.get("TreatMissingData")
    if treat is not None:
        if treat not in TREAT_MISSING:
            raise InvalidParameterValueException(f"The value {treat} for parameter TreatMissingData is invalid.")
        doc["TreatMissingData"] = treat
    low = params.get("EvaluateLowSampleCountPercentile")
    if low is not None:
        if low not in ("evaluate", "ignore"):
            raise InvalidParameterValueException(
                f"The value {low} for parameter EvaluateLowSampleCountPercentile is invalid."
            )
        doc["EvaluateLowSampleCountPercentile"] = low
    if params.get("Tags"):
        doc["_tags"] = tags.checked(params["Tags"])
    _new_or_updated(ctx, name, doc, METRIC_ALARM)
    return {}


@handler("cloudwatch", "PutCompositeAlarm")
def put_composite_alarm(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _name(params.get("AlarmName"))
    rule = params.get("AlarmRule")
    if not isinstance(rule, str) or not rule:
        raise MissingRequiredParameterException("The parameter AlarmRule is required.")
    if len(rule) > 10240:
        raise InvalidParameterValueException("The value for parameter AlarmRule must not be longer than 10240.")
    try:
        rule_tokens(rule)
        from .evaluation import rule_value

        rule_value(rule, lambda _name: INSUFFICIENT)
    except ValueError as err:
        raise InvalidParameterValueException(f"Error in alarm rule: {err}") from None
    children = children_of(rule)
    if name in children:
        raise InvalidParameterValueException(f"The alarm rule of {name} must not name the alarm itself.")
    for child in children:
        if ALARMS.find(ctx, child) is None:
            raise InvalidParameterValueException(f"Could not save the composite alarm as alarms [{child}] in the alarm rule do not exist")
    doc: dict[str, Any] = {
        "_type": COMPOSITE_ALARM,
        "AlarmName": name,
        "AlarmRule": rule,
        "ActionsEnabled": params.get("ActionsEnabled", True),
        **_actions(params),
    }
    if (text := _description(params)) is not None:
        doc["AlarmDescription"] = text
    for member in ("ActionsSuppressor", "ActionsSuppressorWaitPeriod", "ActionsSuppressorExtensionPeriod"):
        if params.get(member) is not None:
            doc[member] = params[member]
    if params.get("Tags"):
        doc["_tags"] = tags.checked(params["Tags"])
    _new_or_updated(ctx, name, doc, COMPOSITE_ALARM)
    return {}


def _all_alarms(ctx: RequestContext) -> list[Resource]:
    return list(
        ctx.session.scalars(
            select(Resource)
            .where(
                Resource.service == "cloudwatch", Resource.kind == "alarm",
                Resource.account_id == ctx.account_id, Resource.region == ctx.region,
            )
            .order_by(Resource.rid)
        )
    )


def _max_records(params: dict[str, Any], default: int, top: int) -> int:
    value = params.get("MaxRecords")
    if value is None:
        return default
    if not 1 <= value <= top:
        raise InvalidParameterValueException(
            f"The value {value} for parameter MaxRecords is invalid: it must be between 1 and {top}."
        )
    return int(value)


@handler("cloudwatch", "DescribeAlarms", write=True)
def describe_alarms(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    names, prefix = params.get("AlarmNames"), params.get("AlarmNamePrefix")
    children_of_name, parents_of_name = params.get("ChildrenOfAlarmName"), params.get("ParentsOfAlarmName")
    if names is not None and prefix is not None:
        raise InvalidParameterCombinationException(
            "The parameters AlarmNames and AlarmNamePrefix are mutually exclusive and you have specified both."
        )
    if children_of_name is not None and parents_of_name is not None:
        raise InvalidParameterCombinationException(
            "The parameters ChildrenOfAlarmName and ParentsOfAlarmName are mutually exclusive."
        )
    if names is not None and len(names) > 100:
        raise InvalidParameterValueException("The collection AlarmNames must not have a size greater than 100.")
    state = params.get("StateValue")
    if state is not None and state not in STATES:
        raise InvalidParameterValueException(f"The value {state} for parameter StateValue is invalid.")
    types = params.get("AlarmTypes") or [METRIC_ALARM]
    for t in types:
        if t not in (METRIC_ALARM, COMPOSITE_ALARM):
            raise InvalidParameterValueException(f"The value {t} for parameter AlarmTypes is invalid.")
    limit = _max_records(params, 50, 100)
    rows = _all_alarms(ctx)
    evaluate_all(ctx, rows)
    by_name = {r.rid: r for r in rows}
    if children_of_name is not None:
        parent = by_name.get(children_of_name)
        wanted = set(children_of(parent.document.get("AlarmRule", ""))) if parent is not None else set()
        rows = [r for r in rows if r.rid in wanted]
        types = [METRIC_ALARM, COMPOSITE_ALARM]
    if parents_of_name is not None:
        rows = [
            r for r in rows
            if r.document.get("_type") == COMPOSITE_ALARM and parents_of_name in children_of(r.document["AlarmRule"])
        ]
        types = [COMPOSITE_ALARM]
    if names is not None:
        rows = [r for r in rows if r.rid in set(names)]
    if prefix is not None:
        rows = [r for r in rows if r.rid.startswith(prefix)]
    if state is not None:
        rows = [r for r in rows if r.state == state]
    action_prefix = params.get("ActionPrefix")
    if action_prefix is not None:
        rows = [
            r for r in rows
            if any(a.startswith(action_prefix) for m in ("OKActions", "AlarmActions", "InsufficientDataActions")
                   for a in r.document.get(m) or [])
        ]
    rows = [r for r in rows if r.document.get("_type", METRIC_ALARM) in types]
    scope = json.dumps(["DescribeAlarms", names, prefix, state, types, action_prefix, children_of_name,
                        parents_of_name])
    page = pager.page_list(rows, key=lambda r: r.rid, limit=limit, token=params.get("NextToken"), scope=scope,
                           invalid=invalid_token)
    out: dict[str, Any] = {
        "MetricAlarms": [described(r) for r in page.rows if r.document.get("_type") != COMPOSITE_ALARM],
        "CompositeAlarms": [described(r) for r in page.rows if r.document.get("_type") == COMPOSITE_ALARM],
    }
    if page.token:
        out["NextToken"] = page.token
    return out


@handler("cloudwatch", "DescribeAlarmsForMetric", write=True)
def describe_alarms_for_metric(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("MetricName")
    if not name:
        raise MissingRequiredParameterException("The parameter MetricName is required.")
    namespace = check_namespace(params.get("Namespace"))
    key = dims_key(dimensions_of(params.get("Dimensions"), "Dimensions"))
    rows = [r for r in _all_alarms(ctx) if r.document.get("_type") != COMPOSITE_ALARM]
    evaluate_all(ctx, rows)
    out = []
    for r in rows:
        doc = r.document
        if doc.get("MetricName") != name or doc.get("Namespace") != namespace:
            continue
        if params.get("Dimensions") is not None and dims_key((d["Name"], d["Value"]) for d in doc.get("Dimensions") or []) != key:
            continue
        if any(
            params.get(m) is not None and doc.get(m) != params[m]
            for m in ("Statistic", "ExtendedStatistic", "Period", "Unit")
        ):
            continue
        out.append(described(r))
    return {"MetricAlarms": out}


@handler("cloudwatch", "DeleteAlarms")
def delete_alarms(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    names = params.get("AlarmNames")
    if names is None:
        raise MissingRequiredParameterException("The parameter AlarmNames is required.")
    if len(names) > 100:
        raise InvalidParameterValueException("The collection AlarmNames must not have a size greater than 100.")
    # names of no alarm are passed over (the others are still deleted), as AWS does
    targets = [r for n in dict.fromkeys(names) if (r := ALARMS.find(ctx, n)) is not None]
    if sum(1 for r in targets if r.document.get("_type") == COMPOSITE_ALARM) > 1:
        raise InvalidParameterValueException("You can delete no more than one composite alarm in one operation.")
    doomed = {r.rid for r in targets}
    for other in _all_alarms(ctx):
        if other.rid not in doomed and other.document.get("_type") == COMPOSITE_ALARM:
            blocked = doomed & set(children_of(other.document.get("AlarmRule", "")))
            if blocked:
                raise InvalidParameterValueException(
                    f"The alarm {sorted(blocked)[0]} is in the alarm rule of the composite alarm {other.rid}: "
                    "delete or change that alarm first."
                )
    for row in targets:
        ALARMS.delete(ctx, row)
    return {}


@handler("cloudwatch", "SetAlarmState")
def set_alarm_state(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _name(params.get("AlarmName"))
    state = params.get("StateValue")
    if state not in STATES:
        raise InvalidParameterValueException(f"The value {state} for parameter StateValue is invalid.")
    reason = params.get("StateReason")
    if not isinstance(reason, str):
        raise MissingRequiredParameterException("The parameter StateReason is required.")
    if len(reason) > 1023:
        raise InvalidParameterValueException("The value for parameter StateReason must not be longer than 1023.")
    data = params.get("StateReasonData")
    parsed = None
    if data is not None:
        if len(data) > 4000:
            raise InvalidParameterValueException("The value for parameter StateReasonData must not be longer than 4000.")
        try:
            parsed = jsontext.guarded_loads(data)
        except ValueError:
            raise InvalidFormatFault("Unable to parse StateReasonData as JSON.") from None
        if not isinstance(parsed, dict):
            raise InvalidFormatFault("StateReasonData must be a JSON object.")
    row = ALARMS.get(ctx, name)
    doc = dict(row.document)
    period = int(doc.get("Period") or 60)
    doc["_manual_until"] = (ctx.now + dt.timedelta(seconds=max(period, 60))).isoformat()
    transition(ctx, row, doc, state, reason, parsed)
    return {}


def _set_actions(ctx: RequestContext, params: dict[str, Any], enabled: bool) -> None:
    names = params.get("AlarmNames")
    if names is None:
        raise MissingRequiredParameterException("The parameter AlarmNames is required.")
    if len(names) > 100:
        raise InvalidParameterValueException("The collection AlarmNames must not have a size greater than 100.")
    for name in names:
        row = ALARMS.find(ctx, name)
        if row is not None and row.document.get("ActionsEnabled") != enabled:
            ALARMS.update(ctx, row, document={**row.document, "ActionsEnabled": enabled})


@handler("cloudwatch", "EnableAlarmActions")
def enable_alarm_actions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _set_actions(ctx, params, True)
    return {}


@handler("cloudwatch", "DisableAlarmActions")
def disable_alarm_actions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _set_actions(ctx, params, False)
    return {}


HISTORY_TYPES = ("ConfigurationUpdate", "StateUpdate", "Action", "AlarmContributorStateUpdate",
                 "AlarmContributorAction")


@handler("cloudwatch", "DescribeAlarmHistory", write=True)
def describe_alarm_history(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    evaluate_all(ctx, _all_alarms(ctx))
    item_type = params.get("HistoryItemType")
    if item_type is not None and item_type not in HISTORY_TYPES:
        raise InvalidParameterValueException(f"The value {item_type} for parameter HistoryItemType is invalid.")
    scan = params.get("ScanBy") or "TimestampDescending"
    if scan not in ("TimestampDescending", "TimestampAscending"):
        raise InvalidParameterValueException(f"The value {scan} for parameter ScanBy is invalid.")
    limit = _max_records(params, 100, 100)
    stmt = select(AlarmHistory).where(AlarmHistory.account_id == ctx.account_id, AlarmHistory.region == ctx.region)
    name = params.get("AlarmName")
    if name is not None:
        stmt = stmt.where(AlarmHistory.alarm_name == name)
    if item_type is not None:
        stmt = stmt.where(AlarmHistory.item_type == item_type)
    types = params.get("AlarmTypes")
    if types:
        stmt = stmt.where(AlarmHistory.alarm_type.in_(types))
    start, end = params.get("StartDate"), params.get("EndDate")
    if start is not None:
        stmt = stmt.where(AlarmHistory.timestamp >= millis(start))
    if end is not None:
        stmt = stmt.where(AlarmHistory.timestamp <= millis(end))
    descending = scan == "TimestampDescending"
    rows = list(ctx.session.scalars(stmt.order_by(AlarmHistory.timestamp, AlarmHistory.id)))
    if descending:
        rows.reverse()
    scope = json.dumps(["DescribeAlarmHistory", name, item_type, types, str(start), str(end), scan])
    sign = -1 if descending else 1
    page = pager.page_list(rows, key=lambda h: [sign * h.timestamp, sign * h.id], limit=limit,
                           token=params.get("NextToken"), scope=scope, invalid=invalid_token)
    out: dict[str, Any] = {
        "AlarmHistoryItems": [
            {
                "AlarmName": h.alarm_name,
                "AlarmType": h.alarm_type,
                "Timestamp": at(h.timestamp),
                "HistoryItemType": h.item_type,
                "HistorySummary": h.summary,
                "HistoryData": h.data,
            }
            for h in page.rows
        ]
    }
    if page.token:
        out["NextToken"] = page.token
    return out


__all__ = ["ALARM"]
