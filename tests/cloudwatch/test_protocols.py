"""CloudWatch's model offers three protocols (smithy-rpc-v2-cbor, JSON with awsQueryCompatible,
query): a client speaking each one gets the same answers and the same errors. Large
PutMetricData bodies arrive gzip-compressed (botocore compresses what the model marks)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError

from tests.helpers import BOTO_CONFIG


def _client(app: Any, protocol: str) -> Any:
    from awsmock.inprocess import botocore_response

    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    original = loader.load_service_model

    def load(service_name: str, type_name: str, api_version: str | None = None) -> Any:
        model = original(service_name, type_name, api_version)
        if service_name == "cloudwatch" and type_name == "service-2":
            model = copy.deepcopy(model)
            model["metadata"]["protocol"] = protocol
            model["metadata"]["protocols"] = [protocol]
        return model

    loader.load_service_model = load  # type: ignore[method-assign]
    client = session.create_client(
        "cloudwatch", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing",
        config=BOTO_CONFIG,
    )
    client.meta.events.register("before-send", lambda request, **_: botocore_response(app, request))
    return client


@pytest.mark.parametrize("protocol", ["smithy-rpc-v2-cbor", "json", "query"])
def test_each_protocol_round_trips(app: Any, protocol: str) -> None:
    cw = _client(app, protocol)
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    cw.put_metric_data(
        Namespace="Wire",
        MetricData=[{"MetricName": "M", "Dimensions": [{"Name": "d", "Value": "v"}], "Timestamp": now,
                     "Values": [1.5, 2.5], "Counts": [2, 2], "Unit": "Seconds"}],
    )
    [metric] = cw.list_metrics(Namespace="Wire")["Metrics"]
    assert metric == {"Namespace": "Wire", "MetricName": "M", "Dimensions": [{"Name": "d", "Value": "v"}]}
    [point] = cw.get_metric_statistics(
        Namespace="Wire", MetricName="M", Dimensions=[{"Name": "d", "Value": "v"}], StartTime=now,
        EndTime=now + dt.timedelta(minutes=1), Period=60, Statistics=["Average", "SampleCount"],
    )["Datapoints"]
    assert (point["Average"], point["SampleCount"], point["Unit"], point["Timestamp"]) == (2.0, 4.0, "Seconds", now)
    data = cw.get_metric_data(
        MetricDataQueries=[{"Id": "e", "Expression": "10 * 2"}], StartTime=now, EndTime=now + dt.timedelta(minutes=2)
    )["MetricDataResults"][0]
    assert data["Values"] == [20.0, 20.0] and data["Timestamps"] == [now + dt.timedelta(minutes=1), now]
    cw.put_dashboard(DashboardName="w", DashboardBody='{"widgets": []}')
    assert cw.list_dashboards()["DashboardEntries"][0]["DashboardName"] == "w"
    with pytest.raises(ClientError) as err:
        cw.get_dashboard(DashboardName="missing")
    assert err.value.response["Error"]["Code"] == "ResourceNotFound"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as err:
        cw.put_metric_data(Namespace="AWS/X", MetricData=[{"MetricName": "M", "Value": 1}])
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_large_put_metric_data_arrives_gzipped(cw: Any) -> None:
    data = [{"MetricName": f"metric-with-a-long-name-{i}", "Value": float(i),
             "Dimensions": [{"Name": "Host", "Value": f"host-{i:04d}.example.com"}]} for i in range(400)]
    cw.put_metric_data(Namespace="Big", MetricData=data)
    assert len(cw.list_metrics(Namespace="Big")["Metrics"]) == 400
