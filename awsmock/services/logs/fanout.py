"""What a write of log events sets off, in the writing request's transaction: the group's
metric filters put CloudWatch datapoints, and its subscription filters deliver the events they
match to their destinations (a Kinesis stream, a Logs destination's stream, a Lambda function).

A group's document keeps how many filters it has (``_filters``), so writing to a group with
none costs nothing more: no query, no pattern. A group written before that count was kept is
counted on its first write.

Metric filters: each matching event gives its ``metricValue`` (a number, ``$.path`` of a JSON
event, ``$field`` of a space-delimited one) to the metric, at the event's time, with the
transformation's unit and the dimensions read from the event's fields; the values of one
minute (and one set of dimension values) go as one datum of ``Values``/``Counts``, so
statistics and percentiles are those of the events. ``defaultValue`` is put once for each
minute that had events but none matching. A datapoint CloudWatch would refuse is skipped, never
a failed write.

Subscription filters: the events a filter matches go as AWS sends them: a gzip-compressed JSON
``DATA_MESSAGE`` (``owner``, ``logGroup``, ``logStream``, ``subscriptionFilters``,
``logEvents`` with ``id``, ``timestamp``, ``message``), one per filter and batch (split so that
each stays under a Kinesis record's size); to Lambda as ``{"awslogs": {"data": <base64>}}``.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import json
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from awsmock.engine import arns
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.resources import Resource
from awsmock.services.cloudwatch import internal as cloudwatch
from awsmock.services.kinesis import internal as kinesis

from . import patterns
from .lookup import (
    DESTINATIONS,
    FILTERS_KEY,
    GROUPS,
    METRIC_FILTERS,
    SUBSCRIPTION_FILTERS,
    event_id,
    millis,
)

PRINCIPAL = "logs.amazonaws.com"
_KINDS = (METRIC_FILTERS.kind, SUBSCRIPTION_FILTERS.kind)
#: the most message JSON (uncompressed) one delivery holds: a Kinesis record is at most 1 MiB
MAX_MESSAGE = 900_000
#: values of one CloudWatch datum, and CloudWatch's bounds on a value and a datapoint's age
MAX_VALUES = 150
MAX_MAGNITUDE = 2.0**360
DAY_MS = 86_400_000
MINUTE_MS = 60_000

#: (id, timestamp, message) of a written event
Event = tuple[int, int, str]


# -- the count of a group's filters ----------------------------------------------------------


def _filters_of(ctx: RequestContext, grp: Resource) -> list[Resource]:
    return list(
        ctx.session.scalars(
            select(Resource)
            .where(Resource.service == "logs", Resource.kind.in_(_KINDS), Resource.parent == grp.arn)
            .order_by(Resource.rid)
        )
    )


def recount(ctx: RequestContext, grp: Resource) -> None:
    """Keep the group's count of filters (after one is put or deleted)."""
    count = ctx.session.scalar(
        select(func.count()).where(
            Resource.service == "logs", Resource.kind.in_(_KINDS), Resource.parent == grp.arn
        )
    )
    if grp.document.get(FILTERS_KEY) != int(count or 0):
        GROUPS.update(ctx, grp, document={**grp.document, FILTERS_KEY: int(count or 0)})


@dataclass
class Plan:
    group: Resource
    metric: list[Resource]
    subscription: list[Resource]


def plan(ctx: RequestContext, grp: Resource) -> Plan | None:
    """The filters a write to ``grp`` must run (None, without a query, when it has none)."""
    known = grp.document.get(FILTERS_KEY)
    if known == 0:
        return None
    rows = _filters_of(ctx, grp)
    if known is None:
        GROUPS.update(ctx, grp, document={**grp.document, FILTERS_KEY: len(rows)})
    if not rows:
        return None
    return Plan(
        grp,
        [r for r in rows if r.kind == METRIC_FILTERS.kind],
        [r for r in rows if r.kind == SUBSCRIPTION_FILTERS.kind],
    )


def run(ctx: RequestContext, todo: Plan, stream_name: str, events: Sequence[Event]) -> None:
    """Run the filters on events just written to one stream of the group (in time order)."""
    if todo.metric:
        emit_metrics(ctx, todo.metric, events)
    for row in todo.subscription:
        deliver(ctx, todo.group, row, stream_name, events)


# -- metric filters --------------------------------------------------------------------------


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and abs(value) <= MAX_MAGNITUDE


def _when(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC)


def emit_metrics(ctx: RequestContext, filters: Sequence[Resource], events: Sequence[Event]) -> None:
    now = millis(ctx)
    # CloudWatch takes datapoints from two weeks back to two hours ahead
    events = [e for e in events if now - 14 * DAY_MS + MINUTE_MS <= e[1] <= now + 2 * 3_600_000]
    if not events:
        return
    by_namespace: dict[str, list[dict[str, Any]]] = {}
    for row in filters:
        doc = row.document
        try:
            pattern = patterns.compile_pattern(doc.get("filterPattern"))
        except AwsError:
            continue
        found = [(ts, pattern.extract(message)) for _, ts, message in events]
        for transformation in doc.get("metricTransformations") or []:
            namespace = transformation.get("metricNamespace")
            if not isinstance(namespace, str):
                continue
            by_namespace.setdefault(namespace, []).extend(_data(transformation, found))
    for namespace, data in by_namespace.items():
        if data:
            _put(ctx, namespace, data)


def _data(t: dict[str, Any], found: list[tuple[int, dict[str, Any] | None]]) -> list[dict[str, Any]]:
    """The datums one transformation makes of the events' extracted values."""
    name, spec = t.get("metricName"), t.get("metricValue")
    if not isinstance(name, str) or not isinstance(spec, str):
        return []
    dimensions = sorted((t.get("dimensions") or {}).items())
    unit = t.get("unit")
    # (dimension values, minute) -> (first timestamp, {value: count})
    buckets: dict[tuple[tuple[tuple[str, str], ...], int], tuple[int, dict[float, int]]] = {}
    minutes: dict[int, int] = {}
    matched: set[int] = set()
    for ts, extracted in found:
        minute = ts // MINUTE_MS
        minutes.setdefault(minute, ts)
        if extracted is None:
            continue
        matched.add(minute)
        value = patterns.metric_value(spec, extracted)
        if value is None or not _finite(value):
            continue
        dims: list[tuple[str, str]] = []
        for key, selector in dimensions:
            text = patterns.field_text(str(selector), extracted)
            if not text or len(text) > 1024:
                break
            dims.append((key, text))
        else:
            _first, counts = buckets.setdefault((tuple(dims), minute), (ts, {}))
            counts[value] = counts.get(value, 0) + 1
    out: list[dict[str, Any]] = []
    for (dims_t, _minute), (first, counts) in buckets.items():
        pairs = list(counts.items())
        for i in range(0, len(pairs), MAX_VALUES):
            chunk = pairs[i : i + MAX_VALUES]
            datum: dict[str, Any] = {
                "MetricName": name,
                "Timestamp": _when(first),
                "Values": [v for v, _ in chunk],
                "Counts": [float(c) for _, c in chunk],
            }
            if dims_t:
                datum["Dimensions"] = [{"Name": k, "Value": v} for k, v in dims_t]
            if unit:
                datum["Unit"] = unit
            out.append(datum)
    default = t.get("defaultValue")
    if default is not None and not dimensions and _finite(float(default)):
        for minute, first in minutes.items():
            if minute not in matched:
                datum = {"MetricName": name, "Timestamp": _when(first), "Value": float(default)}
                if unit:
                    datum["Unit"] = unit
                out.append(datum)
    return out


def _put(ctx: RequestContext, namespace: str, data: list[dict[str, Any]]) -> None:
    """Put the datums; one CloudWatch refuses (it checks before it writes) is left out."""
    try:
        cloudwatch.put_metric_data(ctx, namespace, data)
        return
    except AwsError:
        if len(data) == 1:
            return
    for datum in data:
        try:
            cloudwatch.put_metric_data(ctx, namespace, [datum])
        except AwsError:
            continue


# -- subscription filters ----------------------------------------------------------------------


def packed(message: dict[str, Any]) -> bytes:
    """A delivered message as AWS sends it: JSON, gzip-compressed."""
    return gzip.compress(json.dumps(message, separators=(",", ":")).encode("utf-8"), mtime=0)


def control_message(ctx: RequestContext, what: str) -> bytes:
    """The message CloudWatch Logs sends when a subscription is made, to check its destination."""
    return packed(
        {
            "messageType": "CONTROL_MESSAGE",
            "owner": "CloudwatchLogs",
            "logGroup": "",
            "logStream": "",
            "subscriptionFilters": [],
            "logEvents": [
                {
                    "id": "",
                    "timestamp": millis(ctx),
                    "message": f"CWL CONTROL MESSAGE: Checking health of destination {what}.",
                }
            ],
        }
    )


def partition_key(ctx: RequestContext, group: str, stream: str, distribution: str) -> str:
    """``ByLogStream``: one key per log stream (its events stay on one shard, in order);
    ``Random``: a new key each time."""
    if distribution == "Random":
        return secrets.token_hex(16)
    return hashlib.md5(f"{ctx.account_id}/{group}/{stream}".encode(), usedforsecurity=False).hexdigest()


def _batches(events: list[Event]) -> list[list[Event]]:
    out: list[list[Event]] = [[]]
    size = 0
    for event in events:
        cost = len(event[2].encode("utf-8", "surrogatepass")) * 2 + 100  # JSON escapes at worst double
        if out[-1] and size + cost > MAX_MESSAGE:
            out.append([])
            size = 0
        out[-1].append(event)
        size += cost
    return out


def deliver(
    ctx: RequestContext, grp: Resource, row: Resource, stream_name: str, events: Sequence[Event]
) -> None:
    doc = row.document
    try:
        pattern = patterns.compile_pattern(doc.get("filterPattern"))
    except AwsError:
        return
    if pattern.kind == "all":
        matched = list(events)
    else:
        matched = [e for e in events if pattern.extract(e[2]) is not None]
    if not matched:
        return
    for batch in _batches(matched):
        data = packed(
            {
                "messageType": "DATA_MESSAGE",
                "owner": grp.account_id,
                "logGroup": grp.rid,
                "logStream": stream_name,
                "subscriptionFilters": [doc["filterName"]],
                "logEvents": [{"id": event_id(ts, i), "timestamp": ts, "message": m} for i, ts, m in batch],
            }
        )
        send(ctx, grp, doc, stream_name, data)


def send(ctx: RequestContext, grp: Resource, doc: dict[str, Any], stream_name: str, data: bytes) -> None:
    """One message to the filter's destination. A destination gone since the filter was made
    takes nothing (AWS drops what it cannot deliver); the write itself never fails for it."""
    target = str(doc.get("destinationArn", ""))
    parsed = arns.parse(target)
    if parsed is None:
        return
    if parsed.service == "logs":
        destination = DESTINATIONS.by_arn(ctx, target)
        if destination is None:
            return
        target = str(destination.document.get("targetArn", ""))
        parsed = arns.parse(target)
        if parsed is None:
            return
    if parsed.service == "kinesis":
        key = partition_key(ctx, grp.rid, stream_name, str(doc.get("distribution") or "ByLogStream"))
        try:
            kinesis.put_record(ctx, target, data, key)
        except AwsError:
            return
    elif parsed.service == "lambda":
        # imported here: Lambda's room writes its functions' logs through Logs' internal module
        from awsmock.services.lambda_ import internal as lambda_

        payload = json.dumps({"awslogs": {"data": base64.b64encode(data).decode("ascii")}}).encode()
        lambda_.invoke_async(ctx, target, payload, service_principal=PRINCIPAL, source_arn=grp.arn + ":*")
