"""Alarm state computed from stored datapoints when an alarm is read, not by a thread.

A metric alarm looks at its last ``EvaluationPeriods`` periods, the newest being the period
``now`` falls in; it is in ALARM when at least ``DatapointsToAlarm`` of them breach the
threshold (a missing period counts as ``TreatMissingData`` says: ``breaching``,
``notBreaching``, ``ignore`` (the state stays) or ``missing`` (the default: with no datapoint at
all, INSUFFICIENT_DATA)), and OK otherwise. A state set by SetAlarmState holds until the next
evaluation, one period later. A composite alarm's state is its rule over its children's.

A change of state is recorded in the alarm's history and runs its actions (when enabled): SNS
topics get AWS's alarm message through ``sns.internal``; other actions (Auto Scaling, EC2,
Systems Manager, Lambda) are recorded in the history as not carried out.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.models.resources import Resource
from awsmock.services.sns import internal as sns

from . import math as metric_math
from .lookup import at, millis
from .statistics import metric_series
from .store import ALARM, ALARMS, COMPOSITE_ALARM, INSUFFICIENT, OK, public, record

COMPARISONS = {
    "GreaterThanOrEqualToThreshold": (lambda v, t: v >= t, "greater than or equal to"),
    "GreaterThanThreshold": (lambda v, t: v > t, "greater than"),
    "LessThanThreshold": (lambda v, t: v < t, "less than"),
    "LessThanOrEqualToThreshold": (lambda v, t: v <= t, "less than or equal to"),
}
REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "EU (Ireland)",
    "eu-central-1": "EU (Frankfurt)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
}


def _stamp(ms: int) -> str:
    return at(ms).strftime("%d/%m/%y %H:%M:%S")


def _values(ctx: RequestContext, doc: dict[str, Any], start: dt.datetime, end: dt.datetime) -> dict[int, float]:
    period = int(doc["Period"])
    if doc.get("Metrics"):
        series: dict[str, dict[int, float]] = {}
        returned = None
        for q in doc["Metrics"]:
            stat = q.get("MetricStat")
            if stat:
                series[q["Id"]] = metric_series(
                    ctx, stat["Metric"], stat["Stat"], stat.get("Unit"), int(stat["Period"]), start, end, "Metrics"
                ).values
            if q.get("ReturnData", True) and q["Id"] != doc.get("ThresholdMetricId"):
                returned = q
        grid = list(range(millis(start), millis(end), period * 1000))
        for q in doc["Metrics"]:
            if q.get("Expression") is not None:
                env = metric_math.Environment(series.get, grid, [k for k in series])
                series[q["Id"]] = metric_math.evaluate(q["Expression"], env, q["Id"])
        return series.get(returned["Id"], {}) if returned else {}
    metric = {"Namespace": doc["Namespace"], "MetricName": doc["MetricName"], "Dimensions": doc.get("Dimensions")}
    stat = str(doc.get("Statistic") or doc.get("ExtendedStatistic"))
    return metric_series(ctx, metric, stat, doc.get("Unit"), period, start, end, "Metric").values


def _metric_state(ctx: RequestContext, doc: dict[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
    """(state, reason, reason data) the datapoints make now, or None to keep the state."""
    period_ms = int(doc["Period"]) * 1000
    count = int(doc["EvaluationPeriods"])
    needed = int(doc.get("DatapointsToAlarm") or count)
    now_ms = millis(ctx.now)
    end = now_ms - now_ms % period_ms + period_ms
    start = end - count * period_ms
    try:
        values = _values(ctx, doc, at(start), at(end))
    except AwsError:
        return None
    compare, words = COMPARISONS.get(doc.get("ComparisonOperator", ""), (None, ""))
    if compare is None:
        return None
    threshold = float(doc.get("Threshold", 0.0))
    treat = doc.get("TreatMissingData") or "missing"
    slots = list(range(start, end, period_ms))
    present = [(ts, values[ts]) for ts in slots if ts in values]
    breaching = sum(1 for _, v in present if compare(v, threshold))
    missing = len(slots) - len(present)
    if treat == "breaching":
        breaching += missing
    data = {
        "version": "1.0",
        "queryDate": ctx.now.isoformat(),
        "startDate": at(start).isoformat(),
        "statistic": doc.get("Statistic") or doc.get("ExtendedStatistic"),
        "period": int(doc["Period"]),
        "recentDatapoints": [v for _, v in present],
        "threshold": threshold,
        "evaluatedDatapoints": [{"timestamp": at(ts).isoformat(), "value": v} for ts, v in present],
    }
    points = ", ".join(f"{v} ({_stamp(ts)})" for ts, v in reversed(present))
    if breaching >= needed:
        return (
            ALARM,
            f"Threshold Crossed: {breaching} out of the last {count} datapoints [{points}] was {words} the "
            f"threshold ({threshold}) (minimum {needed} datapoint{'s' if needed > 1 else ''} for OK -> ALARM "
            "transition).",
            data,
        )
    if present or treat in ("notBreaching", "breaching"):
        return (
            OK,
            f"Threshold Crossed: {len(present) - breaching if present else 0} out of the last {count} datapoints "
            f"[{points}] was not {words} the threshold ({threshold}) (minimum 1 datapoint for ALARM -> OK "
            "transition).",
            data,
        )
    if treat == "ignore":
        return None
    return INSUFFICIENT, f"Insufficient Data: {count} datapoint{'s were' if count > 1 else ' was'} unknown.", data


# -- composite rules ------------------------------------------------------------------------

RULE_TOKEN = re.compile(
    r"\s*(?:(?P<fn>ALARM|OK|INSUFFICIENT_DATA)\s*\(\s*(?P<name>\"[^\"]*\"|'[^']*'|[^()\"']*?)\s*\)"
    r"|(?P<word>\(|\)|AND\b|OR\b|NOT\b|TRUE\b|FALSE\b))"
)


def _alarm_name(text: str) -> str:
    name = text[1:-1] if text[:1] in ("\"", "'") else text
    if name.startswith("arn:") and ":alarm:" in name:
        name = name.split(":alarm:", 1)[1]
    return name


def rule_tokens(rule: str) -> list[tuple[str, str]]:
    """The rule's tokens: ``(word, "")`` or ``(state, alarm name)``."""
    out: list[tuple[str, str]] = []
    pos, text = 0, rule.rstrip()
    while pos < len(text):
        m = RULE_TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"unexpected text at position {pos + 1}")
        if m.group("fn"):
            name = _alarm_name(m.group("name"))
            if not name:
                raise ValueError(f"{m.group('fn')}() must name an alarm")
            out.append((m.group("fn"), name))
        else:
            out.append((m.group("word"), ""))
        pos = m.end()
    return out


def children_of(rule: str) -> list[str]:
    try:
        return [name for word, name in rule_tokens(rule) if name]
    except ValueError:
        return []


def rule_value(rule: str, state_of: Any) -> bool:
    """The truth of a composite alarm's rule, given ``state_of(name) -> state``."""
    tokens = rule_tokens(rule)
    pos = 0

    def take() -> tuple[str, str]:
        nonlocal pos
        if pos >= len(tokens):
            raise ValueError("the rule ends too soon")
        pos += 1
        return tokens[pos - 1]

    def expr(depth: int) -> bool:
        if depth > 100:
            raise ValueError("the rule is nested too deeply")
        value = term(depth)
        while pos < len(tokens) and tokens[pos][0] in ("AND", "OR"):
            op = take()[0]
            right = term(depth)
            value = (value and right) if op == "AND" else (value or right)
        return value

    def term(depth: int) -> bool:
        word, name = take()
        if name:
            return bool(state_of(name) == word)
        if word == "NOT":
            if depth > 100:
                raise ValueError("the rule is nested too deeply")
            return not term(depth + 1)
        if word == "(":
            value = expr(depth + 1)
            if take()[0] != ")":
                raise ValueError("a parenthesis is not closed")
            return value
        if word in ("TRUE", "FALSE"):
            return word == "TRUE"
        raise ValueError(f"unexpected {word}")

    value = expr(0)
    if pos != len(tokens):
        raise ValueError(f"unexpected {tokens[pos][0]}")
    return value


# -- transitions ----------------------------------------------------------------------------


def _trigger(doc: dict[str, Any]) -> dict[str, Any]:
    trigger: dict[str, Any] = {
        "MetricName": doc.get("MetricName"),
        "Namespace": doc.get("Namespace"),
        "StatisticType": "ExtendedStatistic" if doc.get("ExtendedStatistic") else "Statistic",
        "Statistic": (doc.get("Statistic") or "").upper() or None,
        "Unit": doc.get("Unit"),
        "Dimensions": [{"value": d["Value"], "name": d["Name"]} for d in doc.get("Dimensions") or []],
        "Period": doc.get("Period"),
        "EvaluationPeriods": doc.get("EvaluationPeriods"),
        "DatapointsToAlarm": doc.get("DatapointsToAlarm"),
        "ComparisonOperator": doc.get("ComparisonOperator"),
        "Threshold": doc.get("Threshold"),
        "TreatMissingData": doc.get("TreatMissingData"),
        "EvaluateLowSampleCountPercentile": doc.get("EvaluateLowSampleCountPercentile") or "",
    }
    if doc.get("Metrics"):
        trigger["Metrics"] = doc["Metrics"]
    return trigger


def _message(ctx: RequestContext, row: Resource, doc: dict[str, Any], old: str) -> dict[str, Any]:
    out = {
        "AlarmName": row.rid,
        "AlarmDescription": doc.get("AlarmDescription"),
        "AWSAccountId": row.account_id,
        "AlarmConfigurationUpdatedTimestamp": doc.get("AlarmConfigurationUpdatedTimestamp"),
        "NewStateValue": doc["StateValue"],
        "NewStateReason": doc.get("StateReason"),
        "StateChangeTime": ctx.now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ctx.now.microsecond // 1000:03d}+0000",
        "Region": REGION_NAMES.get(row.region, row.region),
        "AlarmArn": row.arn,
        "OldStateValue": old,
        "OKActions": doc.get("OKActions") or [],
        "AlarmActions": doc.get("AlarmActions") or [],
        "InsufficientDataActions": doc.get("InsufficientDataActions") or [],
    }
    if doc.get("_type") == COMPOSITE_ALARM:
        out["AlarmRule"] = doc.get("AlarmRule")
    else:
        out["Trigger"] = _trigger(doc)
    return out


def _run_actions(ctx: RequestContext, row: Resource, doc: dict[str, Any], old: str) -> None:
    if not doc.get("ActionsEnabled", True):
        return
    member = {OK: "OKActions", ALARM: "AlarmActions", INSUFFICIENT: "InsufficientDataActions"}[doc["StateValue"]]
    actions = doc.get(member) or []
    if not actions:
        return
    message = _message(ctx, row, doc, old)
    subject = f'{doc["StateValue"]}: "{row.rid}" in {message["Region"]}'[:100]
    for action in actions:
        if ":sns:" in action:
            message_id, why = sns.publish(
                ctx,
                action,
                json.dumps(message),
                service_principal="cloudwatch.amazonaws.com",
                source_arn=row.arn,
                subject=subject,
                group_id=row.rid if sns.is_fifo_topic(action) else None,
                deduplication_id=f"{row.rid}-{millis(ctx.now)}" if sns.is_fifo_topic(action) else None,
            )
            ok = message_id is not None
            detail = {"actionState": "Succeeded" if ok else "Failed", "stateUpdateTimestamp": millis(ctx.now),
                      "notificationResource": action, "publishedMessage": message_id if ok else why}
            summary = f"Successfully executed action {action}" if ok else f"Failed to execute action {action}"
        else:
            detail = {"actionState": "Failed", "notificationResource": action,
                      "error": "awsmock does not carry out this kind of action"}
            summary = f"Failed to execute action {action}"
        record(ctx, row.rid, doc.get("_type", "MetricAlarm"), "Action", summary, detail)


def transition(
    ctx: RequestContext, row: Resource, doc: dict[str, Any], state: str, reason: str, data: dict[str, Any] | None
) -> None:
    """Move the alarm to ``state`` (history, actions), or only refresh its reason."""
    old = doc.get("StateValue", INSUFFICIENT)
    now = ctx.now.isoformat()
    doc["StateReason"] = reason
    if data is not None:
        doc["StateReasonData"] = json.dumps(data)
    else:
        doc.pop("StateReasonData", None)
    doc["StateUpdatedTimestamp"] = now
    if old != state:
        doc["StateValue"] = state
        doc["StateTransitionedTimestamp"] = now
        record(
            ctx, row.rid, doc.get("_type", "MetricAlarm"), "StateUpdate",
            f"Alarm updated from {old} to {state}",
            {
                "version": "1.0",
                "oldState": {"stateValue": old, "stateReason": row.document.get("StateReason")},
                "newState": {"stateValue": state, "stateReason": reason,
                             **({"stateReasonData": data} if data is not None else {})},
            },
        )
        _run_actions(ctx, row, doc, old)
    ALARMS.update(ctx, row, document=doc, state=state)


def evaluate(ctx: RequestContext, row: Resource, states: dict[str, str] | None = None) -> None:
    """Bring one alarm's state up to date with its datapoints (or children) now."""
    doc = dict(row.document)
    until = doc.get("_manual_until")
    if until and ctx.now < dt.datetime.fromisoformat(until):
        return
    if doc.get("_type") == COMPOSITE_ALARM:
        lookup = states if states is not None else {}

        def state_of(name: str) -> str:
            if name in lookup:
                return lookup[name]
            child = ALARMS.find(ctx, name)
            return child.state or INSUFFICIENT if child is not None else INSUFFICIENT

        try:
            value = rule_value(doc.get("AlarmRule", "FALSE"), state_of)
        except ValueError:
            return
        state = ALARM if value else OK
        if state == doc.get("StateValue"):
            return
        reason = "arbitrary alarm rule evaluated to " + ("TRUE" if value else "FALSE")
        doc.pop("_manual_until", None)
        transition(ctx, row, doc, state, reason, None)
        return
    found = _metric_state(ctx, doc)
    if found is None:
        return
    state, reason, data = found
    if state == doc.get("StateValue") and not until:
        return
    doc.pop("_manual_until", None)
    transition(ctx, row, doc, state, reason, data)


def evaluate_all(ctx: RequestContext, rows: list[Resource]) -> None:
    """Metric alarms first, then composite alarms in the order their children allow."""
    states: dict[str, str] = {}
    for row in rows:
        if row.document.get("_type") != COMPOSITE_ALARM:
            evaluate(ctx, row)
            states[row.rid] = row.state or INSUFFICIENT
    pending = [r for r in rows if r.document.get("_type") == COMPOSITE_ALARM]
    for _ in range(3):  # composites of composites settle in a few rounds
        for row in pending:
            evaluate(ctx, row, states)
            states[row.rid] = row.state or INSUFFICIENT


def described(row: Resource) -> dict[str, Any]:
    doc = public(row.document)
    for key in ("AlarmConfigurationUpdatedTimestamp", "StateUpdatedTimestamp", "StateTransitionedTimestamp"):
        if isinstance(doc.get(key), str):
            doc[key] = dt.datetime.fromisoformat(doc[key])
    return doc
