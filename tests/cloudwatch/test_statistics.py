"""GetMetricStatistics and GetMetricData: statistics by period, percentiles, units, limits;
metric queries, metric math, ScanBy, labels and pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from .conftest import DIMS, error_of

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def series(cw: Any, now: dt.datetime) -> dt.datetime:
    """Latency of 'api': minute -3: 10 and 20 (ms); minute -2: values 1..100; minute -1: a
    statistic set; minute 0: nothing. Returns the start of minute -3."""
    start = now - 3 * MINUTE
    cw.put_metric_data(
        Namespace="Web",
        MetricData=[
            {"MetricName": "Latency", "Dimensions": DIMS, "Timestamp": start, "Value": 10, "Unit": "Milliseconds"},
            {"MetricName": "Latency", "Dimensions": DIMS, "Timestamp": start + dt.timedelta(seconds=30),
             "Value": 20, "Unit": "Milliseconds"},
            {"MetricName": "Latency", "Dimensions": DIMS, "Timestamp": start + MINUTE,
             "Values": [float(v) for v in range(1, 101)], "Unit": "Milliseconds"},
            {"MetricName": "Latency", "Dimensions": DIMS, "Timestamp": start + 2 * MINUTE,
             "StatisticValues": {"SampleCount": 4, "Sum": 40, "Minimum": 5, "Maximum": 15}, "Unit": "Milliseconds"},
            {"MetricName": "Latency", "Dimensions": DIMS, "Timestamp": start, "Value": 999, "Unit": "Seconds"},
        ],
    )
    return start


def _stats(cw: Any, start: dt.datetime, **kw: Any) -> list[dict[str, Any]]:
    args = {"Namespace": "Web", "MetricName": "Latency", "Dimensions": DIMS, "StartTime": start,
            "EndTime": start + 4 * MINUTE, "Period": 60, **kw}
    return sorted(cw.get_metric_statistics(**args)["Datapoints"], key=lambda p: (p["Timestamp"], p["Unit"]))


def test_statistics_by_period(cw: Any, series: dt.datetime) -> None:
    points = _stats(cw, series, Statistics=["SampleCount", "Sum", "Average", "Minimum", "Maximum"], Unit="Milliseconds")
    assert [(p["SampleCount"], p["Sum"], p["Average"], p["Minimum"], p["Maximum"]) for p in points] == [
        (2.0, 30.0, 15.0, 10.0, 20.0),
        (100.0, 5050.0, 50.5, 1.0, 100.0),
        (4.0, 40.0, 10.0, 5.0, 15.0),
    ]
    assert [p["Timestamp"] for p in points] == [series, series + MINUTE, series + 2 * MINUTE]
    assert {p["Unit"] for p in points} == {"Milliseconds"}


def test_units_are_kept_apart_unless_one_is_asked_for(cw: Any, series: dt.datetime) -> None:
    points = _stats(cw, series, Statistics=["Sum"])
    assert [(p["Unit"], p["Sum"]) for p in points if p["Timestamp"] == series] == [
        ("Milliseconds", 30.0), ("Seconds", 999.0)
    ]
    assert [p["Sum"] for p in _stats(cw, series, Statistics=["Sum"], Unit="Seconds")] == [999.0]
    assert _stats(cw, series, Statistics=["Sum"], Unit="Bytes") == []


def test_percentiles_of_values(cw: Any, series: dt.datetime) -> None:
    points = _stats(cw, series + MINUTE, ExtendedStatistics=["p50", "p99", "p100"], Unit="Milliseconds")
    assert points[0]["ExtendedStatistics"] == {"p50": 50.0, "p99": 99.0, "p100": 100.0}


def test_a_longer_period_sums_periods(cw: Any, series: dt.datetime) -> None:
    [point] = _stats(cw, series, Statistics=["Sum", "SampleCount"], Unit="Milliseconds", Period=300)
    assert (point["Sum"], point["SampleCount"]) == (5120.0, 106.0)


def test_statistics_errors(cw: Any, now: dt.datetime) -> None:
    base = {"Namespace": "Web", "MetricName": "Latency", "StartTime": now - MINUTE, "EndTime": now, "Period": 60}
    assert error_of(lambda: cw.get_metric_statistics(**base)) == (
        "InvalidParameterCombination", "Must specify either Statistics or ExtendedStatistics, but not both."
    )
    assert error_of(lambda: cw.get_metric_statistics(**{**base, "EndTime": now - 2 * MINUTE}, Statistics=["Sum"])) == (
        "InvalidParameterValue", "The parameter StartTime must be less than the parameter EndTime."
    )
    assert error_of(lambda: cw.get_metric_statistics(**{**base, "Period": 90}, Statistics=["Sum"]))[1] == (
        "The parameter Period must be a multiple of 60."
    )
    code, message = error_of(lambda: cw.get_metric_statistics(
        **{**base, "StartTime": now - dt.timedelta(days=2)}, Statistics=["Sum"]))
    assert code == "InvalidParameterCombination"
    assert message.startswith("You have requested up to 2,880 datapoints, which exceeds the limit of 1,440.")


def test_old_data_needs_a_coarser_period(cw: Any, now: dt.datetime) -> None:
    when = now - dt.timedelta(hours=5)
    cw.put_metric_data(Namespace="Old", MetricData=[{"MetricName": "M", "Value": 3, "Timestamp": when}])
    args = {"Namespace": "Old", "MetricName": "M", "StartTime": when - MINUTE, "EndTime": when + MINUTE,
            "Statistics": ["Sum"]}
    assert cw.get_metric_statistics(Period=10, **args)["Datapoints"] == []
    assert [p["Sum"] for p in cw.get_metric_statistics(Period=60, **args)["Datapoints"]] == [3.0]


def _query(qid: str, stat: str = "Sum", **kw: Any) -> dict[str, Any]:
    return {
        "Id": qid,
        "MetricStat": {"Metric": {"Namespace": "Web", "MetricName": "Latency", "Dimensions": DIMS},
                       "Period": 60, "Stat": stat, "Unit": "Milliseconds"},
        **kw,
    }


def test_metric_data_with_math(cw: Any, series: dt.datetime) -> None:
    got = cw.get_metric_data(
        MetricDataQueries=[
            _query("total", ReturnData=False),
            _query("count", "SampleCount", ReturnData=False),
            {"Id": "avg", "Expression": "total / count", "Label": "Average latency"},
            {"Id": "both", "Expression": "SUM(METRICS()) - 2 * count"},
            {"Id": "filled", "Expression": "FILL(count, 0)"},
            {"Id": "repeat", "Expression": "FILL(count, REPEAT)"},
        ],
        StartTime=series,
        EndTime=series + 5 * MINUTE,
        ScanBy="TimestampAscending",
    )["MetricDataResults"]
    results = {r["Id"]: r for r in got}
    assert set(results) == {"avg", "both", "filled", "repeat"}
    assert results["avg"]["Label"] == "Average latency" and results["avg"]["Values"] == [15.0, 50.5, 10.0]
    assert results["both"]["Values"] == [28.0, 4950.0, 36.0]
    assert results["filled"]["Values"] == [2.0, 100.0, 4.0, 0.0, 0.0]
    assert results["repeat"]["Values"] == [2.0, 100.0, 4.0, 4.0, 4.0]
    assert all(r["StatusCode"] == "Complete" for r in got)


def test_metric_data_descending_and_paged(cw: Any, series: dt.datetime) -> None:
    args = {"MetricDataQueries": [_query("a")], "StartTime": series, "EndTime": series + 4 * MINUTE}
    whole = cw.get_metric_data(**args)["MetricDataResults"][0]
    assert whole["Label"] == "Latency" and whole["Values"] == [40.0, 5050.0, 30.0]
    assert whole["Timestamps"] == [series + 2 * MINUTE, series + MINUTE, series]
    first = cw.get_metric_data(**args, MaxDatapoints=2)
    assert first["MetricDataResults"][0]["Values"] == [40.0, 5050.0]
    second = cw.get_metric_data(**args, MaxDatapoints=2, NextToken=first["NextToken"])
    assert second["MetricDataResults"][0]["Values"] == [30.0] and "NextToken" not in second


@pytest.mark.parametrize(
    ("queries", "code"),
    [
        ([{"Id": "Bad", "Expression": "1"}], "InvalidParameterValue"),
        ([{"Id": "a", "Expression": "1"}, {"Id": "a", "Expression": "2"}], "InvalidParameterValue"),
        ([{"Id": "a", "Expression": "b + 1"}], "InvalidParameterValue"),
        ([{"Id": "a", "Expression": "(" * 300 + "1" + ")" * 300}], "InvalidParameterValue"),
        ([{"Id": "a", "Expression": "b"}, {"Id": "b", "Expression": "a"}], "InvalidParameterValue"),
        ([{"Id": "a", "Expression": "1", "ReturnData": False}], "InvalidParameterValue"),
    ],
)
def test_metric_data_errors(cw: Any, now: dt.datetime, queries: list[dict[str, Any]], code: str) -> None:
    got = error_of(lambda: cw.get_metric_data(MetricDataQueries=queries, StartTime=now - MINUTE, EndTime=now))
    assert got[0] == code
