"""CloudWatch in the awsmock dashboard: metrics, each with its last value and its recent
datapoints (the average of each of the last 60 minutes, a ``series`` the page plots as a line).
Alarms (with their state) and dashboards are listed through their shared-store kinds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from awsmock.engine import inventory
from awsmock.engine.inventory import Column, Page, Query
from awsmock.models.cloudwatch import Metric, MetricPoint

from .lookup import at, dims_of_key, millis

MINUTES = 60


@inventory.resources(
    "cloudwatch",
    "metrics",
    title="Metrics",
    columns=[
        Column("namespace", "Namespace"),
        Column("name", "Metric"),
        Column("dimensions", "Dimensions"),
        Column("last", "Last value"),
        Column("plot", f"Last {MINUTES} minutes (average per minute)", "series"),
        Column("last_put", "Last put", "time"),
        Column("account", "Account"),
    ],
)
def list_metrics(session: Session, query: Query) -> Page:
    stmt = inventory.scoped(select(Metric), Metric, query)
    rows, after = inventory.keyset_page(session, stmt, query, order=Metric.id, search=Metric.name, start=int)
    now = millis(dt.datetime.now(dt.UTC))
    first = now - now % 60_000 - (MINUTES - 1) * 60_000
    items: list[dict[str, Any]] = []
    for m in rows:
        points = list(
            session.execute(
                select(MetricPoint.timestamp, MetricPoint.sum, MetricPoint.sample_count)
                .where(MetricPoint.metric_id == m.id, MetricPoint.timestamp >= first)
                .order_by(MetricPoint.timestamp)
            )
        )
        sums = [0.0] * MINUTES
        counts = [0.0] * MINUTES
        for ts, total, count in points:
            slot = min((ts - first) // 60_000, MINUTES - 1)
            sums[slot] += total
            counts[slot] += count
        averages = [s / c if c else None for s, c in zip(sums, counts, strict=True)]
        last = next((v for v in reversed(averages) if v is not None), None)
        items.append(
            {
                "namespace": m.namespace,
                "name": m.name,
                "dimensions": ", ".join(f"{d['Name']}={d['Value']}" for d in dims_of_key(m.dims_key)),
                "last": "" if last is None else f"{last:g}",
                "plot": averages,
                "last_put": inventory.iso(at(m.last_put)),
                "account": m.account_id,
            }
        )
    return Page(items, after)
