"""Hostile inputs get AWS-style 4xx answers and change nothing: nulls where documents, ids and
names belong, wrong types, huge strings."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.helpers import BOTO_CONFIG


@pytest.fixture
def loose(inprocess_client: Callable[..., Any]) -> Any:
    """A client that sends what it is given (no client-side validation)."""
    return inprocess_client("xray", config=BOTO_CONFIG.merge(Config(parameter_validation=False)))


NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("operation", "kw"),
    [
        ("put_trace_segments", {"TraceSegmentDocuments": [None]}),
        ("batch_get_traces", {"TraceIds": [None, 5]}),
        ("get_trace_graph", {"TraceIds": [None]}),
        ("get_trace_summaries", {"StartTime": NOW, "EndTime": NOW, "FilterExpression": "x" * 100_000}),
        ("create_group", {"GroupName": None}),
        ("create_group", {"GroupName": "g", "FilterExpression": 5}),
        ("create_sampling_rule", {"SamplingRule": {"RuleName": None}}),
        ("put_encryption_config", {"Type": "KMS", "KeyId": "k" * 5000}),
        ("tag_resource", {"ResourceARN": None, "Tags": []}),
        ("put_resource_policy", {"PolicyName": "p", "PolicyDocument": "[" * 100_000}),
    ],
)
def test_hostile_inputs_get_a_client_error(loose: Any, operation: str, kw: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as caught:
        getattr(loose, operation)(**kw)
    assert 400 <= caught.value.response["ResponseMetadata"]["HTTPStatusCode"] < 500
    assert loose.get_groups()["Groups"] == []


@pytest.mark.parametrize(
    ("operation", "valid", "body"),
    [
        ("put_trace_segments", {"TraceSegmentDocuments": []}, {"TraceSegmentDocuments": "x" * 10}),
        ("create_group", {"GroupName": "g"}, {"GroupName": "g", "Tags": [None]}),
        ("update_sampling_rule", {"SamplingRuleUpdate": {"RuleName": "Default"}},
         {"SamplingRuleUpdate": {"RuleName": "Default", "FixedRate": "high"}}),
        ("get_sampling_targets", {"SamplingStatisticsDocuments": []}, {"SamplingStatisticsDocuments": [None]}),
        ("put_telemetry_records", {"TelemetryRecords": []}, {"TelemetryRecords": [None, {"Timestamp": "soon"}]}),
        ("create_sampling_rule", {"SamplingRule": {}}, {"SamplingRule": None}),
        ("get_trace_summaries", {"StartTime": NOW, "EndTime": NOW}, {"StartTime": NOW.timestamp(), "EndTime": None}),
    ],
)
def test_hostile_bodies_get_a_client_error(
    loose: Any, operation: str, valid: dict[str, Any], body: dict[str, Any]
) -> None:
    def replace(request: Any, **_: Any) -> None:
        request.data = json.dumps(body).encode()
        request.headers["Content-Length"] = str(len(request.data))

    loose.meta.events.register("request-created.xray.*", replace, unique_id="hostile")
    with pytest.raises(ClientError) as caught:
        getattr(loose, operation)(**valid)
    loose.meta.events.unregister("request-created.xray.*", unique_id="hostile")
    assert 400 <= caught.value.response["ResponseMetadata"]["HTTPStatusCode"] < 500
    assert loose.get_groups()["Groups"] == []
