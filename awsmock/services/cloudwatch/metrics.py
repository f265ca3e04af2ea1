"""PutMetricData and ListMetrics: datapoints into CloudWatch's own tables, metrics listed by
namespace, name, dimensions and recent activity."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from sqlalchemy import bindparam, or_, select, update

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.cloudwatch import Metric, MetricPoint
from awsmock.state.store import compiled_sql

from .errors import (
    InvalidParameterCombinationException,
    InvalidParameterValueException,
    MissingRequiredParameterException,
    invalid_token,
)
from .lookup import SEP, UNITS, dimensions_of, dims_key, dims_of_key, millis

#: metrics per request, values per metric, the largest magnitude of a value
MAX_METRICS, MAX_VALUES, MAX_MAGNITUDE = 1000, 150, 2.0**360
#: how far back and ahead a datapoint's timestamp may be
MAX_AGE, MAX_AHEAD = dt.timedelta(days=14), dt.timedelta(hours=2)
#: ListMetrics' page, and what "recently active" means
LIST_PAGE, RECENT = 500, dt.timedelta(hours=3)


def check_namespace(value: Any, member: str = "Namespace") -> str:
    if not isinstance(value, str) or not value:
        raise MissingRequiredParameterException(f"The parameter {member} is required.")
    if len(value) > 255 or value.startswith(":") or not value.isascii() or not value.strip():
        raise InvalidParameterValueException(f"The value {value[:255]} for parameter {member} is invalid.")
    return value


def _number(value: Any, member: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidParameterValueException(f"The value {value} for parameter {member} is invalid.")
    number = float(value)
    if math.isnan(number) or math.isinf(number) or abs(number) > MAX_MAGNITUDE:
        raise InvalidParameterValueException(f"The value {value} for parameter {member} is invalid.")
    return number


class _Clock:
    """The request's time and the bounds of a datapoint's timestamp, worked out once per put."""

    __slots__ = ("dims", "newest", "now", "now_ms", "oldest")

    def __init__(self, now: dt.datetime) -> None:
        self.now, self.now_ms = now, millis(now)
        self.oldest, self.newest = now - MAX_AGE, now + MAX_AHEAD
        #: dimensions met already in this request: their (Name, Value) pairs -> their key
        self.dims: dict[tuple[Any, ...], str] = {}


def _dims_key(clock: _Clock, value: Any, member: str) -> str:
    """The key of a datum's dimensions (``dimensions_of`` then ``dims_key``), remembered per
    request for dimensions given again: a batch usually repeats its dimensions, checked once."""
    pairs = None
    if type(value) is list:
        pairs = tuple(
            (d["Name"], d["Value"])
            for d in value
            if type(d) is dict and len(d) == 2 and type(d.get("Name")) is str and type(d.get("Value")) is str
        )
        if len(pairs) != len(value):
            pairs = None
        else:
            hit = clock.dims.get(pairs)
            if hit is not None:
                return hit
    key = dims_key(dimensions_of(value, member))
    if pairs is not None:
        clock.dims[pairs] = key
    return key


def _datum(ctx: RequestContext, datum: Any, where: str, clock: _Clock | None = None) -> dict[str, Any]:
    """One MetricDatum checked, as the point it writes (and its metric's name and key)."""
    if clock is None:
        clock = _Clock(ctx.now)
    if not isinstance(datum, dict):
        raise InvalidParameterValueException(f"The parameter {where} must be a structure.")
    name = datum.get("MetricName")
    if not isinstance(name, str) or not name:
        raise MissingRequiredParameterException(f"The parameter {where}.MetricName is required.")
    if len(name) > 255:
        raise InvalidParameterValueException(f"The value {name[:255]} for parameter {where}.MetricName is invalid.")
    raw_dims = datum.get("Dimensions")
    key = "" if raw_dims is None else _dims_key(clock, raw_dims, f"{where}.Dimensions")
    stamp = datum.get("Timestamp")
    if stamp is None:
        stamp_ms = clock.now_ms
    else:
        when = stamp
        if not isinstance(when, dt.datetime):
            raise InvalidParameterValueException(f"The parameter {where}.Timestamp is invalid.")
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        if when < clock.oldest:
            raise InvalidParameterValueException(
                f"The parameter {where}.Timestamp must specify a time no more than two weeks in the past."
            )
        if when > clock.newest:
            raise InvalidParameterValueException(
                f"The parameter {where}.Timestamp must specify a time no more than two hours in the future."
            )
        stamp_ms = millis(when)
    unit = datum.get("Unit") or "None"
    if unit not in UNITS:
        raise InvalidParameterValueException(f"The value {unit} for parameter {where}.Unit is invalid.")
    resolution = datum.get("StorageResolution", 60)
    if resolution not in (1, 60) or isinstance(resolution, bool):
        raise InvalidParameterValueException(
            f"The value {resolution} for parameter {where}.StorageResolution is invalid."
        )
    single = datum.get("Value")
    if single is not None and datum.get("StatisticValues") is None and datum.get("Values") is None:
        if datum.get("Counts") is not None:
            raise InvalidParameterCombinationException(
                f"The parameter {where}.Values must be specified if {where}.Counts is specified."
            )
        if type(single) is float and -MAX_MAGNITUDE <= single <= MAX_MAGNITUDE:  # (NaN fails this)
            value = single
        else:
            value = _number(single, f"{where}.Value")
        return {
            "timestamp": stamp_ms,
            "unit": unit,
            "resolution": resolution,
            "values": None,
            "sample_count": 1.0,
            "sum": value,
            "minimum": value,
            "maximum": value,
            "_metric": (name, key),
        }
    given = [m for m in ("Value", "StatisticValues", "Values") if datum.get(m) is not None]
    if len(given) > 1:
        raise InvalidParameterCombinationException(
            f"The parameters {where}.{given[0]} and {where}.{given[1]} are mutually exclusive and you have "
            "specified both."
        )
    if datum.get("Counts") is not None and datum.get("Values") is None:
        raise InvalidParameterCombinationException(
            f"The parameter {where}.Values must be specified if {where}.Counts is specified."
        )
    point: dict[str, Any] = {"timestamp": stamp_ms, "unit": unit, "resolution": resolution, "values": None}
    if "Values" in given:
        values, counts = datum["Values"], datum.get("Counts")
        if not isinstance(values, list) or (counts is not None and not isinstance(counts, list)):
            raise InvalidParameterValueException(f"The parameter {where}.Values is invalid.")
        if len(values) > MAX_VALUES:
            raise InvalidParameterValueException(
                f"The collection {where}.Values must not have a size greater than {MAX_VALUES}."
            )
        if counts is not None and len(counts) != len(values):
            raise InvalidParameterValueException(
                f"The parameters {where}.Values and {where}.Counts must be of the same size."
            )
        nums = [_number(v, f"{where}.Values.member.{i}") for i, v in enumerate(values, 1)]
        weights = (
            [_number(c, f"{where}.Counts.member.{i}") for i, c in enumerate(counts, 1)] if counts else [1.0] * len(nums)
        )
        if any(c < 0 for c in weights):
            raise InvalidParameterValueException(f"The parameter {where}.Counts must not hold a negative count.")
        pairs = [(v, c) for v, c in zip(nums, weights, strict=True) if c > 0]
        if not pairs:
            return {}  # nothing counted: AWS stores nothing
        point.update(
            sample_count=sum(c for _, c in pairs),
            sum=sum(v * c for v, c in pairs),
            minimum=min(v for v, _ in pairs),
            maximum=max(v for v, _ in pairs),
            values=json.dumps(pairs),
        )
    elif "StatisticValues" in given:
        stats = datum["StatisticValues"]
        if not isinstance(stats, dict):
            raise InvalidParameterValueException(f"The parameter {where}.StatisticValues is invalid.")
        got = {}
        for member in ("SampleCount", "Sum", "Minimum", "Maximum"):
            if stats.get(member) is None:
                raise MissingRequiredParameterException(
                    f"The parameter {where}.StatisticValues.{member} is required."
                )
            got[member] = _number(stats[member], f"{where}.StatisticValues.{member}")
        if got["SampleCount"] <= 0:
            raise InvalidParameterValueException(
                f"The value {stats['SampleCount']} for parameter {where}.StatisticValues.SampleCount is invalid."
            )
        if got["Minimum"] > got["Maximum"]:
            raise InvalidParameterValueException(
                f"The parameter {where}.StatisticValues.Minimum must be less than or equal to "
                f"{where}.StatisticValues.Maximum."
            )
        point.update(
            sample_count=got["SampleCount"], sum=got["Sum"], minimum=got["Minimum"], maximum=got["Maximum"]
        )
    elif "Value" in given:
        value = _number(datum["Value"], f"{where}.Value")
        point.update(sample_count=1.0, sum=value, minimum=value, maximum=value)
    else:
        raise MissingRequiredParameterException(
            f"At least one of the parameters {where}.Value, {where}.StatisticValues or {where}.Values must be "
            "specified."
        )
    point["_metric"] = (name, key)
    return point


def put(ctx: RequestContext, namespace: str, data: list[tuple[str, Any]]) -> int:
    """Write checked datapoints (``[(member path, datum)]``); the number written."""
    clock = _Clock(ctx.now)
    points = [p for where, datum in data if (p := _datum(ctx, datum, where, clock))]
    if not points:
        return 0
    wanted = {p["_metric"] for p in points}
    if len(wanted) > MAX_METRICS:
        raise InvalidParameterValueException(
            f"The collection MetricData must not hold more than {MAX_METRICS} different metrics."
        )
    ids = _metric_ids(ctx, namespace, wanted)
    rows = []
    for p in points:
        rows.append({"metric_id": ids[p.pop("_metric")], **p})
    sql, bind = compiled_sql(_NEW_POINT, ctx.tx.dialect)
    ctx.tx.dbapi.cursor().executemany(sql, [bind(r) for r in rows])
    return len(rows)


POINTS = MetricPoint.__table__
METRICS = Metric.__table__
#: how stale a metric's last put may be before it is written again (RecentlyActive is "3 hours")
LAST_PUT_SLACK_MS = 60_000

#: prebuilt statements (compiled once per dialect, run on the DB-API cursor): PutMetricData is a
#: hot path
_POINT_COLUMNS = ("metric_id", "timestamp", "unit", "resolution", "sample_count", "sum", "minimum", "maximum", "values")
_NEW_POINT = POINTS.insert().values({c: bindparam(c) for c in _POINT_COLUMNS})
_KNOWN = select(METRICS.c.dims_key, METRICS.c.id, METRICS.c.last_put).where(
    METRICS.c.account_id == bindparam("account"),
    METRICS.c.region == bindparam("region"),
    METRICS.c.namespace == bindparam("namespace"),
    METRICS.c.name == bindparam("name"),
)
_NEW_METRIC = METRICS.insert().values(
    {c: bindparam(c) for c in ("account_id", "region", "namespace", "name", "dims_key", "last_put")}
)
_TOUCH = update(METRICS).where(METRICS.c.id == bindparam("metric_id")).values(last_put=bindparam("now_ms"))


def _metric_ids(ctx: RequestContext, namespace: str, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The ids of the metrics (name, dimensions key) of ``namespace``, made where new; their
    last put moves to now (to the minute)."""
    now_ms = millis(ctx.now)
    names = sorted({n for n, _ in wanted})
    ctx.tx.flush()  # the raw reads must see the request's own ORM changes (callers of internal.py)

    def known() -> dict[tuple[str, str], tuple[int, int]]:
        found: dict[tuple[str, str], tuple[int, int]] = {}
        for name in names:
            scope = {"account": ctx.account_id, "region": ctx.region, "namespace": namespace, "name": name}
            for k, i, t in ctx.tx.execute(_KNOWN, scope).fetchall():
                if (name, k) in wanted:
                    found[(name, k)] = (int(i), int(t))
        return found

    found = known()
    missing = wanted - set(found)
    if missing:
        sql, bind = compiled_sql(_NEW_METRIC, ctx.tx.dialect)
        ctx.tx.dbapi.cursor().executemany(
            sql,
            [
                bind({"account_id": ctx.account_id, "region": ctx.region, "namespace": namespace, "name": n,
                      "dims_key": k, "last_put": now_ms})
                for n, k in sorted(missing)
            ],
        )
        found = known()
    for i, t in found.values():
        if t < now_ms - LAST_PUT_SLACK_MS:
            ctx.tx.execute(_TOUCH, {"metric_id": i, "now_ms": now_ms})
    return {key: i for key, (i, _) in found.items()}


@handler("cloudwatch", "PutMetricData")
def put_metric_data(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    namespace = check_namespace(params.get("Namespace"))
    if namespace.startswith("AWS/"):
        raise InvalidParameterValueException(f"The value {namespace} for parameter Namespace is invalid.")
    data: list[tuple[str, Any]] = []
    metric_data = params.get("MetricData")
    entity_data = params.get("EntityMetricData")
    if metric_data is None and entity_data is None:
        raise MissingRequiredParameterException("The parameter MetricData is required.")
    if metric_data is not None:
        if not isinstance(metric_data, list):
            raise InvalidParameterValueException("The parameter MetricData is invalid.")
        data.extend((f"MetricData.member.{i}", d) for i, d in enumerate(metric_data, 1))
    for i, entity in enumerate(entity_data or [], 1):
        inner = entity.get("MetricData") if isinstance(entity, dict) else None
        for j, d in enumerate(inner or [], 1):
            data.append((f"EntityMetricData.member.{i}.MetricData.member.{j}", d))
    put(ctx, namespace, data)
    return {}


def _dimension_filter(value: Any) -> list[Any]:
    conditions = []
    for i, f in enumerate(value or [], 1):
        if not isinstance(f, dict) or not isinstance(f.get("Name"), str) or not f["Name"]:
            raise MissingRequiredParameterException(f"The parameter Dimensions.member.{i}.Name is required.")
        name, val = f["Name"], f.get("Value")
        if val is None:
            conditions.append(
                or_(Metric.dims_key.startswith(f"{name}=", autoescape=True),
                    Metric.dims_key.contains(f"{SEP}{name}=", autoescape=True))
            )
        else:
            pair = f"{name}={val}"
            conditions.append(
                or_(
                    Metric.dims_key == pair,
                    Metric.dims_key.startswith(pair + SEP, autoescape=True),
                    Metric.dims_key.endswith(SEP + pair, autoescape=True),
                    Metric.dims_key.contains(SEP + pair + SEP, autoescape=True),
                )
            )
    return conditions


@handler("cloudwatch", "ListMetrics")
def list_metrics(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stmt = select(Metric).where(Metric.account_id == ctx.account_id, Metric.region == ctx.region)
    namespace, name = params.get("Namespace"), params.get("MetricName")
    if namespace is not None:
        stmt = stmt.where(Metric.namespace == namespace)
    if name is not None:
        stmt = stmt.where(Metric.name == name)
    dims = params.get("Dimensions")
    if dims is not None and len(dims) > 10:
        raise InvalidParameterValueException("The collection Dimensions must not have a size greater than 10.")
    stmt = stmt.where(*_dimension_filter(dims))
    recent = params.get("RecentlyActive")
    if recent is not None:
        if recent != "PT3H":
            raise InvalidParameterValueException(f"The value {recent} for parameter RecentlyActive is invalid.")
        stmt = stmt.where(Metric.last_put >= millis(ctx.now - RECENT))
    scope = json.dumps(["ListMetrics", namespace, name, dims, recent], default=str)
    found = pager.page(
        ctx.session, stmt, keys=(Metric.id,), limit=LIST_PAGE, token=params.get("NextToken"),
        scope=scope, invalid=invalid_token,
    )
    out: dict[str, Any] = {
        "Metrics": [
            {"Namespace": m.namespace, "MetricName": m.name, "Dimensions": dims_of_key(m.dims_key)}
            for m in found.rows
        ]
    }
    if params.get("IncludeLinkedAccounts"):
        out["OwningAccounts"] = [ctx.account_id] * len(found.rows)
    if found.token:
        out["NextToken"] = found.token
    return out
