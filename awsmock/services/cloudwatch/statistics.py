"""GetMetricStatistics and GetMetricData: statistics of stored datapoints by period, and metric
math over them (see :mod:`.math`).

Periods are aligned on the start time rounded down (to the minute for periods of a minute or
more, to the second otherwise), as AWS rounds it. A period whose start time is older than three
hours must be a multiple of 60 seconds, older than 15 days of 300, older than 63 days of 3,600;
otherwise AWS returns no datapoints for it, and neither does awsmock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import math as metric_math
from .errors import (
    InvalidParameterCombinationException,
    InvalidParameterValueException,
    MissingRequiredParameterException,
    invalid_token,
)
from .lookup import (
    STATISTICS,
    UNITS,
    at,
    buckets,
    check_statistic,
    dimensions_of,
    dims_key,
    find_metric,
    millis,
    points,
    require,
    statistic,
)
from .metrics import check_namespace

MAX_DATAPOINTS = 1440
MAX_QUERIES = 500
DEFAULT_MAX_DATAPOINTS = 100800
ID = re.compile(r"[a-z][a-zA-Z0-9_]*")


def check_period(value: Any, member: str = "Period") -> int:
    if value is None:
        raise MissingRequiredParameterException(f"The parameter {member} is required.")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidParameterValueException(f"The parameter {member} must be greater than 0.")
    if value >= 60 and value % 60:
        raise InvalidParameterValueException(f"The parameter {member} must be a multiple of 60.")
    if value < 60 and value not in (1, 5, 10, 20, 30):
        raise InvalidParameterValueException(
            f"The parameter {member} must be 1, 5, 10, 20, 30 or a multiple of 60."
        )
    return value


def window(params: dict[str, Any]) -> tuple[dt.datetime, dt.datetime]:
    start, end = require(params.get("StartTime"), "StartTime"), require(params.get("EndTime"), "EndTime")
    start = start if start.tzinfo else start.replace(tzinfo=dt.UTC)
    end = end if end.tzinfo else end.replace(tzinfo=dt.UTC)
    if start >= end:
        raise InvalidParameterValueException("The parameter StartTime must be less than the parameter EndTime.")
    return start, end


def aligned_start(start: dt.datetime, period: int) -> int:
    ms = millis(start)
    step = 60_000 if period >= 60 else 1000
    return ms - ms % step


def period_allowed(ctx: RequestContext, start: dt.datetime, period: int) -> bool:
    age = ctx.now - start
    if age > dt.timedelta(days=63):
        return period % 3600 == 0
    if age > dt.timedelta(days=15):
        return period % 300 == 0
    if age > dt.timedelta(hours=3):
        return period % 60 == 0
    return True


@dataclass
class Series:
    """A time series: period start (ms) -> value, and what the results say of it."""

    values: dict[int, float] = field(default_factory=dict)
    label: str = ""


def metric_series(
    ctx: RequestContext,
    metric: dict[str, Any],
    stat: str,
    unit: str | None,
    period: int,
    start: dt.datetime,
    end: dt.datetime,
    member: str,
) -> Series:
    """One statistic of one metric by period over [start, end)."""
    namespace = check_namespace(metric.get("Namespace"), f"{member}.Namespace")
    name = require(metric.get("MetricName"), f"{member}.MetricName")
    key = dims_key(dimensions_of(metric.get("Dimensions"), f"{member}.Dimensions"))
    out = Series(label=str(name))
    row = find_metric(ctx, namespace, name, key)
    if row is None or not period_allowed(ctx, start, period):
        return out
    first = aligned_start(start, period)
    rows = points(ctx, row.id, first, millis(end), values=stat not in STATISTICS)
    if unit is not None:
        rows = [r for r in rows if r.unit == unit]
    for slot, group in buckets(rows, first, period * 1000).items():
        value = statistic(group, stat)
        if value is not None:
            out.values[slot] = value
    return out


@handler("cloudwatch", "GetMetricStatistics")
def get_metric_statistics(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    namespace = check_namespace(params.get("Namespace"))
    name = require(params.get("MetricName"), "MetricName")
    key = dims_key(dimensions_of(params.get("Dimensions"), "Dimensions"))
    start, end = window(params)
    period = check_period(params.get("Period"))
    stats = params.get("Statistics") or []
    extended = params.get("ExtendedStatistics") or []
    if bool(stats) == bool(extended):
        raise InvalidParameterCombinationException(
            "Must specify either Statistics or ExtendedStatistics, but not both."
        )
    for i, s in enumerate(stats, 1):
        if s not in STATISTICS:
            raise InvalidParameterValueException(f"The value {s} for parameter Statistics.member.{i} is not supported.")
    for i, s in enumerate(extended, 1):
        if s in STATISTICS:
            raise InvalidParameterValueException(
                f"The value {s} for parameter ExtendedStatistics.member.{i} is not supported."
            )
        check_statistic(s, f"ExtendedStatistics.member.{i}")
    unit = params.get("Unit")
    if unit is not None and unit not in UNITS:
        raise InvalidParameterValueException(f"The value {unit} for parameter Unit is invalid.")
    first = aligned_start(start, period)
    requested = -(-(millis(end) - first) // (period * 1000))
    if requested > MAX_DATAPOINTS:
        raise InvalidParameterCombinationException(
            f"You have requested up to {requested:,} datapoints, which exceeds the limit of {MAX_DATAPOINTS:,}. "
            "You may reduce the datapoints requested by increasing Period, or decreasing the time range."
        )
    out: list[dict[str, Any]] = []
    row = find_metric(ctx, namespace, name, key)
    if row is not None and period_allowed(ctx, start, period):
        rows = points(ctx, row.id, first, millis(end), values=bool(extended))
        if unit is not None:
            rows = [r for r in rows if r.unit == unit]
        by_unit: dict[str, list[Any]] = {}
        for r in rows:
            by_unit.setdefault(r.unit, []).append(r)
        for unit_name, unit_rows in sorted(by_unit.items()):
            for slot, group in sorted(buckets(unit_rows, first, period * 1000).items()):
                point: dict[str, Any] = {"Timestamp": at(slot), "Unit": unit_name}
                for s in stats:
                    point[s] = statistic(group, s)
                if extended:
                    point["ExtendedStatistics"] = {
                        s: v for s in extended if (v := statistic(group, s)) is not None
                    }
                out.append(point)
    return {"Label": name, "Datapoints": out}


# -- GetMetricData ------------------------------------------------------------------------------


def _check_queries(queries: Any) -> list[dict[str, Any]]:
    if not isinstance(queries, list) or not queries:
        raise MissingRequiredParameterException("The parameter MetricDataQueries is required.")
    if len(queries) > MAX_QUERIES:
        raise InvalidParameterValueException(
            f"The collection MetricDataQueries must not have a size greater than {MAX_QUERIES}."
        )
    seen: set[str] = set()
    for i, q in enumerate(queries, 1):
        member = f"MetricDataQueries.member.{i}"
        if not isinstance(q, dict):
            raise InvalidParameterValueException(f"The parameter {member} must be a structure.")
        qid = q.get("Id")
        if not isinstance(qid, str) or not qid:
            raise MissingRequiredParameterException(f"The parameter {member}.Id is required.")
        if len(qid) > 255 or not ID.fullmatch(qid):
            raise InvalidParameterValueException(
                f"Invalid metric data query id {qid[:255]}: the id must start with a lowercase letter and hold "
                "only letters, numbers and underscores."
            )
        if qid in seen:
            raise InvalidParameterValueException(f"The value {qid} for parameter {member}.Id is not unique.")
        seen.add(qid)
        if (q.get("MetricStat") is None) == (q.get("Expression") is None):
            raise InvalidParameterCombinationException(
                f"Exactly one of the parameters {member}.MetricStat and {member}.Expression must be specified."
            )
    if not any(q.get("ReturnData", True) for q in queries):
        raise InvalidParameterValueException("At least one MetricDataQuery must have ReturnData set to true.")
    return queries


@handler("cloudwatch", "GetMetricData")
def get_metric_data(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    queries = _check_queries(params.get("MetricDataQueries"))
    start, end = window(params)
    scan = params.get("ScanBy") or "TimestampDescending"
    if scan not in ("TimestampDescending", "TimestampAscending"):
        raise InvalidParameterValueException(f"The value {scan} for parameter ScanBy is invalid.")
    limit = params.get("MaxDatapoints") or DEFAULT_MAX_DATAPOINTS
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidParameterValueException(f"The value {limit} for parameter MaxDatapoints is invalid.")
    series: dict[str, Series] = {}
    periods: dict[str, int] = {}
    for i, q in enumerate(queries, 1):
        stat = q.get("MetricStat")
        if stat is None:
            continue
        member = f"MetricDataQueries.member.{i}.MetricStat"
        if not isinstance(stat, dict) or not isinstance(stat.get("Metric"), dict):
            raise MissingRequiredParameterException(f"The parameter {member}.Metric is required.")
        period = check_period(stat.get("Period"), f"{member}.Period")
        name = check_statistic(require(stat.get("Stat"), f"{member}.Stat"), f"{member}.Stat")
        unit = stat.get("Unit")
        if unit is not None and unit not in UNITS:
            raise InvalidParameterValueException(f"The value {unit} for parameter {member}.Unit is invalid.")
        series[q["Id"]] = metric_series(ctx, stat["Metric"], name, unit, period, start, end, f"{member}.Metric")
        periods[q["Id"]] = period
    default_period = min(periods.values()) if periods else 60
    expressions = {q["Id"]: (i, q) for i, q in enumerate(queries, 1) if q.get("Expression") is not None}
    metric_ids = list(series)

    def resolve(qid: str, busy: frozenset[str]) -> dict[int, float] | None:
        if qid in series:
            return series[qid].values
        if qid not in expressions:
            return None
        if qid in busy:
            raise InvalidParameterValueException(f"Circular dependency in the expression of {qid}.")
        i, q = expressions[qid]
        period = q.get("Period")
        if period is not None:
            period = check_period(period, f"MetricDataQueries.member.{i}.Period")
        step = (period or default_period) * 1000
        grid = list(range(aligned_start(start, period or default_period), millis(end), step))
        env = metric_math.Environment(lambda name: resolve(name, busy | {qid}), grid, metric_ids)
        result = metric_math.evaluate(q["Expression"], env, qid)
        series[qid] = Series(values=result, label=qid)
        return result

    for qid in expressions:
        resolve(qid, frozenset())
    descending = scan == "TimestampDescending"
    flat: list[tuple[int, int, str, int, float]] = []  # (query index, order key, id, timestamp, value)
    order: list[str] = []
    for index, q in enumerate(queries):
        if not q.get("ReturnData", True):
            continue
        order.append(q["Id"])
        for ts, value in series[q["Id"]].values.items():
            flat.append((index, -ts if descending else ts, q["Id"], ts, value))
    flat.sort(key=lambda item: (item[0], item[1]))
    page = pager.page_list(
        flat, key=lambda item: [item[0], item[1]], limit=limit, token=params.get("NextToken"),
        scope="GetMetricData", invalid=invalid_token,
    )
    by_id: dict[str, tuple[list[dt.datetime], list[float]]] = {qid: ([], []) for qid in order}
    for _, _, qid, ts, value in page.rows:
        by_id[qid][0].append(at(ts))
        by_id[qid][1].append(value)
    labels = {q["Id"]: q.get("Label") or series[q["Id"]].label for q in queries}
    out: dict[str, Any] = {
        "MetricDataResults": [
            {
                "Id": qid,
                "Label": labels[qid],
                "Timestamps": by_id[qid][0],
                "Values": by_id[qid][1],
                "StatusCode": "PartialData" if page.token else "Complete",
            }
            for qid in order
        ],
        "Messages": [],
    }
    if page.token:
        out["NextToken"] = page.token
    return out
