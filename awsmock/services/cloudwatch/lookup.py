"""Metrics as CloudWatch names them, their rows, and the statistics of their datapoints.

A metric is (namespace, name, dimensions); :func:`dims_key` writes its dimensions as one
comparable text (see :mod:`awsmock.models.cloudwatch`). Times are kept as milliseconds since the
epoch. Statistics are computed from rows of statistic sets (sample count, sum, minimum,
maximum) and, for percentiles, the values the rows hold.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select

from awsmock.engine.context import RequestContext
from awsmock.models.cloudwatch import Metric, MetricPoint

from .errors import InvalidParameterValueException, MissingRequiredParameterException

SEP = "\x01"
MAX_DIMENSIONS = 30
STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
PERCENTILE = re.compile(r"p(\d{1,2}(?:\.\d{1,2})?|100(?:\.0{1,2})?)")
UNITS = frozenset(
    ["Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None"]
)


def millis(value: dt.datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return int(value.timestamp() * 1000)


def at(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC)


def require(value: Any, member: str) -> Any:
    if value is None:
        raise MissingRequiredParameterException(f"The parameter {member} is required.")
    return value


def dimensions_of(value: Any, member: str) -> list[tuple[str, str]]:
    """A request's dimensions as (name, value) pairs, checked as AWS checks them."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidParameterValueException(f"The parameter {member} must be a list.")
    if len(value) > MAX_DIMENSIONS:
        raise InvalidParameterValueException(
            f"The collection {member} must not have a size greater than {MAX_DIMENSIONS}."
        )
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, dim in enumerate(value, 1):
        where = f"{member}.member.{i}"
        if not isinstance(dim, dict):
            raise InvalidParameterValueException(f"The parameter {where} must be a structure.")
        name, val = dim.get("Name"), dim.get("Value")
        if not isinstance(name, str) or not name:
            raise MissingRequiredParameterException(f"The parameter {where}.Name is required.")
        if not isinstance(val, str) or not val:
            raise MissingRequiredParameterException(f"The parameter {where}.Value is required.")
        if len(name) > 255 or len(val) > 1024 or SEP in name or SEP in val:
            raise InvalidParameterValueException(f"The value for parameter {where} is invalid.")
        if name in seen:
            raise InvalidParameterValueException(
                f"No metric may have more than one dimension named {name}."
            )
        seen.add(name)
        out.append((name, val))
    return out


def dims_key(dims: Iterable[tuple[str, str]]) -> str:
    return SEP.join(f"{n}={v}" for n, v in sorted(dims))


def dims_of_key(key: str) -> list[dict[str, str]]:
    if not key:
        return []
    out = []
    for part in key.split(SEP):
        name, _, value = part.partition("=")
        out.append({"Name": name, "Value": value})
    return out


def find_metric(ctx: RequestContext, namespace: str, name: str, key: str) -> Metric | None:
    row: Metric | None = ctx.session.scalars(
        select(Metric).where(
            Metric.account_id == ctx.account_id,
            Metric.region == ctx.region,
            Metric.namespace == namespace,
            Metric.name == name,
            Metric.dims_key == key,
        )
    ).first()
    return row


_COLUMNS = (
    MetricPoint.timestamp,
    MetricPoint.unit,
    MetricPoint.sample_count,
    MetricPoint.sum,
    MetricPoint.minimum,
    MetricPoint.maximum,
)


def points(ctx: RequestContext, metric_id: int, start: int, end: int, *, values: bool = True) -> list[Any]:
    """The metric's datapoints with start <= timestamp < end (one range of the index), as rows
    of their columns (``values`` too only when asked: percentiles need them)."""
    columns = (*_COLUMNS, MetricPoint.values) if values else _COLUMNS
    return list(
        ctx.session.execute(
            select(*columns)
            .where(MetricPoint.metric_id == metric_id, MetricPoint.timestamp >= start, MetricPoint.timestamp < end)
            .order_by(MetricPoint.timestamp)
        )
    )


def check_statistic(value: Any, member: str) -> str:
    if isinstance(value, str) and (value in STATISTICS or PERCENTILE.fullmatch(value)):
        return value
    raise InvalidParameterValueException(f"The value {value} for parameter {member} is not supported.")


# -- statistics --------------------------------------------------------------------------------


def _percentile(pairs: Sequence[tuple[float, float]], p: float) -> float | None:
    """The p-th percentile of values with counts (nearest rank, as CloudWatch estimates)."""
    ordered = sorted((v, c) for v, c in pairs if c > 0)
    total = sum(c for _, c in ordered)
    if not ordered or total <= 0:
        return None
    rank = max(1.0, math.ceil(p / 100.0 * total))
    seen = 0.0
    for value, count in ordered:
        seen += count
        if seen >= rank:
            return value
    return ordered[-1][0]


def value_pairs(row: Any) -> list[tuple[float, float]]:
    if getattr(row, "values", None):
        return [(float(v), float(c)) for v, c in json.loads(row.values)]
    if row.sample_count and row.minimum == row.maximum:
        return [(row.minimum, row.sample_count)]
    # a statistic set without values: its extremes stand for it
    return [(row.minimum, row.sample_count / 2), (row.maximum, row.sample_count / 2)]


def statistic(rows: Sequence[Any], stat: str) -> float | None:
    """One statistic of a period's datapoints (None when there are none)."""
    if not rows:
        return None
    count = sum(r.sample_count for r in rows)
    if stat == "SampleCount":
        return count
    if stat == "Sum":
        return sum(r.sum for r in rows)
    if stat == "Average":
        return sum(r.sum for r in rows) / count if count else None
    if stat == "Minimum":
        return min(r.minimum for r in rows)
    if stat == "Maximum":
        return max(r.maximum for r in rows)
    m = PERCENTILE.fullmatch(stat)
    if m:
        pairs: list[tuple[float, float]] = []
        for r in rows:
            pairs.extend(value_pairs(r))
        return _percentile(pairs, float(m.group(1)))
    return None


def buckets(rows: Sequence[Any], start: int, period_ms: int) -> dict[int, list[Any]]:
    """The rows grouped by the period (aligned on ``start``) they fall in."""
    out: dict[int, list[Any]] = {}
    for r in rows:
        ts = r[0]
        slot = ts - (ts - start) % period_ms
        group = out.get(slot)
        if group is None:
            out[slot] = [r]
        else:
            group.append(r)
    return out
