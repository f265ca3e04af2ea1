"""CloudWatch in the dashboard: metrics with their recent datapoints (a series the page plots),
alarms with their state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import falcon.testing

from awsmock.api.app import AwsmockApp
from tests.dashboard.conftest import group


def test_metrics_carry_a_series_of_their_last_hour_and_alarms_their_state(
    app: AwsmockApp, inprocess_client: Callable[..., Any]
) -> None:
    cw = inprocess_client("cloudwatch")
    now = dt.datetime.now(dt.UTC).replace(second=30, microsecond=0)
    cw.put_metric_data(
        Namespace="Dash",
        MetricData=[
            {"MetricName": "Latency", "Timestamp": now - dt.timedelta(minutes=2), "Value": 10.0},
            {"MetricName": "Latency", "Timestamp": now - dt.timedelta(minutes=2), "Value": 20.0},
            {"MetricName": "Latency", "Timestamp": now, "Value": 4.0},
        ],
    )
    cw.put_metric_alarm(
        AlarmName="slow",
        Namespace="Dash",
        MetricName="Latency",
        Statistic="Average",
        Period=60,
        EvaluationPeriods=1,
        Threshold=5.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    cw.set_alarm_state(AlarmName="slow", StateValue="ALARM", StateReason="test")
    web = falcon.testing.TestClient(app)
    listing = web.simulate_get("/_awsmock/dashboard/cloudwatch/resources").json
    metrics = group(listing, "metrics")
    assert {"key": "plot", "title": "Last 60 minutes (average per minute)", "type": "series"} in metrics["columns"]
    [row] = [r for r in metrics["items"] if r["name"] == "Latency"]
    series = row["plot"]
    points = [(i, v) for i, v in enumerate(series) if v is not None]
    assert len(series) == 60 and [v for _, v in points] == [15.0, 4.0]  # averages per minute
    assert points[1][0] - points[0][0] == 2 and points[1][0] >= 58  # a minute without any between
    assert row["last"] == "4"
    [alarm] = [a for a in group(listing, "alarms")["items"] if a["name"] == "slow"]
    assert alarm["state"] == "ALARM"
