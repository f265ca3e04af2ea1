"""PutMetricData and ListMetrics: what is stored, what is refused (and then nothing is stored),
how metrics are listed and filtered."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from .conftest import DIMS, error_of


def _names(cw: Any, **kw: Any) -> list[tuple[str, str, list[dict[str, str]]]]:
    out = []
    for page in cw.get_paginator("list_metrics").paginate(**kw):
        out.extend((m["Namespace"], m["MetricName"], m["Dimensions"]) for m in page["Metrics"])
    return sorted(out, key=str)


def test_metrics_are_listed_by_namespace_name_and_dimensions(cw: Any) -> None:
    cw.put_metric_data(
        Namespace="Shop",
        MetricData=[
            {"MetricName": "Orders", "Value": 1, "Dimensions": [{"Name": "B", "Value": "2"}, {"Name": "A", "Value": "1"}]},
            {"MetricName": "Orders", "Value": 2, "Dimensions": [{"Name": "A", "Value": "1"}, {"Name": "B", "Value": "2"}]},
            {"MetricName": "Orders", "Value": 3, "Dimensions": [{"Name": "A", "Value": "9"}]},
            {"MetricName": "Errors", "Value": 1},
        ],
    )
    cw.put_metric_data(Namespace="Other", MetricData=[{"MetricName": "Orders", "Value": 1}])
    # the same dimensions in another order are the same metric
    assert len(_names(cw, Namespace="Shop")) == 3
    assert [n for _, n, _ in _names(cw, MetricName="Orders")] == ["Orders"] * 3
    by_value = _names(cw, Namespace="Shop", Dimensions=[{"Name": "A", "Value": "1"}])
    assert by_value == [("Shop", "Orders", [{"Name": "A", "Value": "1"}, {"Name": "B", "Value": "2"}])]
    assert len(_names(cw, Namespace="Shop", Dimensions=[{"Name": "A"}])) == 2
    assert _names(cw, Namespace="Shop", Dimensions=[{"Name": "B", "Value": "1"}]) == []
    assert len(_names(cw, RecentlyActive="PT3H")) == 4


def test_list_metrics_pages_by_500(cw: Any) -> None:
    for batch in range(2):
        cw.put_metric_data(
            Namespace="Many",
            MetricData=[{"MetricName": f"m{batch}-{i}", "Value": 1} for i in range(300)],
        )
    first = cw.list_metrics(Namespace="Many")
    assert len(first["Metrics"]) == 500 and "NextToken" in first
    second = cw.list_metrics(Namespace="Many", NextToken=first["NextToken"])
    assert len(second["Metrics"]) == 100 and "NextToken" not in second
    assert error_of(lambda: cw.list_metrics(Namespace="Other", NextToken=first["NextToken"]))[0] == "InvalidNextToken"


@pytest.mark.parametrize(
    ("datum", "code", "message"),
    [
        ({"Value": 1, "Values": [1.0]}, "InvalidParameterCombination",
         "The parameters MetricData.member.1.Value and MetricData.member.1.Values are mutually exclusive and you "
         "have specified both."),
        ({"Values": [1.0, 2.0], "Counts": [1.0]}, "InvalidParameterValue",
         "The parameters MetricData.member.1.Values and MetricData.member.1.Counts must be of the same size."),
        ({"Value": 1, "StorageResolution": 30}, "InvalidParameterValue",
         "The value 30 for parameter MetricData.member.1.StorageResolution is invalid."),
        ({"Value": 1, "Dimensions": [{"Name": f"d{i}", "Value": "v"} for i in range(31)]}, "InvalidParameterValue",
         None),
        ({"Values": [1.0] * 151}, "InvalidParameterValue",
         "The collection MetricData.member.1.Values must not have a size greater than 150."),
        ({"StatisticValues": {"SampleCount": 2, "Sum": 3, "Minimum": 5, "Maximum": 1}}, "InvalidParameterValue",
         "The parameter MetricData.member.1.StatisticValues.Minimum must be less than or equal to "
         "MetricData.member.1.StatisticValues.Maximum."),
        ({"Value": 2.0**400}, "InvalidParameterValue", None),
        ({}, "MissingParameter", None),
    ],
)
def test_bad_datapoints_are_refused_and_nothing_is_stored(
    cw: Any, datum: dict[str, Any], code: str, message: str | None
) -> None:
    good = {"MetricName": "Fine", "Value": 1}
    got = error_of(lambda: cw.put_metric_data(Namespace="Bad", MetricData=[{"MetricName": "M", **datum}, good]))
    assert got[0] == code
    if message:
        assert got[1] == message
    assert cw.list_metrics(Namespace="Bad")["Metrics"] == []


def test_timestamps_two_weeks_back_and_two_hours_ahead(cw: Any, now: dt.datetime) -> None:
    old = error_of(lambda: cw.put_metric_data(
        Namespace="T", MetricData=[{"MetricName": "M", "Value": 1, "Timestamp": now - dt.timedelta(days=15)}]))
    assert old == ("InvalidParameterValue",
                   "The parameter MetricData.member.1.Timestamp must specify a time no more than two weeks in the past.")
    ahead = error_of(lambda: cw.put_metric_data(
        Namespace="T", MetricData=[{"MetricName": "M", "Value": 1, "Timestamp": now + dt.timedelta(hours=3)}]))
    assert ahead[1].endswith("no more than two hours in the future.")
    cw.put_metric_data(Namespace="T", MetricData=[{"MetricName": "M", "Value": 1, "Timestamp": now - dt.timedelta(days=13)}])


def test_aws_namespaces_are_reserved(cw: Any) -> None:
    assert error_of(lambda: cw.put_metric_data(Namespace="AWS/EC2", MetricData=[{"MetricName": "x", "Value": 1}])) == (
        "InvalidParameterValue", "The value AWS/EC2 for parameter Namespace is invalid."
    )


def test_dimensions_with_the_same_name_twice_are_refused(cw: Any) -> None:
    code, _ = error_of(lambda: cw.put_metric_data(
        Namespace="D", MetricData=[{"MetricName": "M", "Value": 1, "Dimensions": DIMS + DIMS}]))
    assert code == "InvalidParameterValue"


def test_other_services_put_datapoints_through_internal(store: Any, inprocess_client: Any) -> None:
    from awsmock.engine.context import RequestContext
    from awsmock.services.cloudwatch import internal

    cw = inprocess_client("cloudwatch")
    with store.transaction() as tx:
        ctx = RequestContext("logs", "PutLogEvents", tx, store)
        assert internal.put_metric_data(ctx, "AWS/Logs", [{"MetricName": "IncomingLogEvents", "Value": 3.0}]) == 1
    assert [m["MetricName"] for m in cw.list_metrics(Namespace="AWS/Logs")["Metrics"]] == ["IncomingLogEvents"]
