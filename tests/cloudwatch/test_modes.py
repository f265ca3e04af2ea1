"""One round trip of CloudWatch's tables and shared-store rows over HTTP and on PostgreSQL:
datapoints put and read back as statistics, metrics listed by a dimension, an alarm's state
from them (the rest of CloudWatch's behaviour is tested in-process)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

pytestmark = pytest.mark.modes("server", "postgres")


def test_metrics_and_an_alarm_round_trip(aws_client: Any) -> None:
    cw = aws_client("cloudwatch")
    namespace = f"rt-{uuid.uuid4().hex[:8]}"
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    dims = [{"Name": "Host", "Value": "a\u00e9"}]
    cw.put_metric_data(Namespace=namespace, MetricData=[
        {"MetricName": "Load", "Dimensions": dims, "Timestamp": now, "Values": [1.0, 3.0], "Counts": [1.0, 3.0]},
    ])
    [metric] = cw.list_metrics(Namespace=namespace, Dimensions=[{"Name": "Host", "Value": "a\u00e9"}])["Metrics"]
    assert metric["Dimensions"] == dims
    [point] = cw.get_metric_statistics(
        Namespace=namespace, MetricName="Load", Dimensions=dims, StartTime=now, EndTime=now + dt.timedelta(minutes=1),
        Period=60, Statistics=["Average", "Maximum"],
    )["Datapoints"]
    assert (point["Average"], point["Maximum"]) == (2.5, 3.0)
    cw.put_metric_alarm(AlarmName=namespace, Namespace=namespace, MetricName="Load", Dimensions=dims,
                        Statistic="Maximum", Period=60, EvaluationPeriods=1, Threshold=2.0,
                        ComparisonOperator="GreaterThanThreshold")
    assert cw.describe_alarms(AlarmNames=[namespace])["MetricAlarms"][0]["StateValue"] == "ALARM"
    cw.delete_alarms(AlarmNames=[namespace])
