"""Anomaly detectors and Contributor Insights rules, kept as records."""

from __future__ import annotations

import json
from typing import Any

from .conftest import DIMS, error_of

RULE = json.dumps({
    "Schema": {"Name": "CloudWatchLogRule", "Version": 1},
    "LogGroupNames": ["/app/api"],
    "LogFormat": "JSON",
    "Contribution": {"Keys": ["$.ip"], "Filters": []},
    "AggregateOn": "Count",
})


def test_anomaly_detectors(cw: Any) -> None:
    single = {"Namespace": "Web", "MetricName": "Latency", "Dimensions": DIMS, "Stat": "Average"}
    cw.put_anomaly_detector(SingleMetricAnomalyDetector=single)
    cw.put_anomaly_detector(SingleMetricAnomalyDetector=single)  # the same detector: one
    cw.put_anomaly_detector(SingleMetricAnomalyDetector={**single, "MetricName": "Errors", "Stat": "Sum"})
    detectors = cw.describe_anomaly_detectors()["AnomalyDetectors"]
    assert len(detectors) == 2 and {d["StateValue"] for d in detectors} == {"PENDING_TRAINING"}
    [found] = cw.describe_anomaly_detectors(MetricName="Latency")["AnomalyDetectors"]
    assert found["SingleMetricAnomalyDetector"] == single
    assert error_of(lambda: cw.put_anomaly_detector(
        Namespace="Web", MetricName="x", Stat="Sum", SingleMetricAnomalyDetector=single))[0] == (
        "InvalidParameterCombination")
    cw.delete_anomaly_detector(SingleMetricAnomalyDetector=single)
    assert error_of(lambda: cw.delete_anomaly_detector(SingleMetricAnomalyDetector=single))[0] == (
        "ResourceNotFoundException")
    assert len(cw.describe_anomaly_detectors()["AnomalyDetectors"]) == 1


def test_insight_rules(cw: Any) -> None:
    cw.put_insight_rule(RuleName="top-ips", RuleDefinition=RULE, Tags=[{"Key": "k", "Value": "v"}])
    cw.put_insight_rule(RuleName="off", RuleDefinition=RULE, RuleState="DISABLED")
    rules = {r["Name"]: r for r in cw.describe_insight_rules()["InsightRules"]}
    assert (rules["top-ips"]["State"], rules["off"]["State"]) == ("ENABLED", "DISABLED")
    assert rules["top-ips"]["Definition"] == RULE and rules["top-ips"]["Schema"] == "CloudWatchLogRule/1"
    arn = "arn:aws:cloudwatch:us-east-1:123456789012:insight-rule/top-ips"
    assert cw.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "k", "Value": "v"}]
    failures = cw.disable_insight_rules(RuleNames=["top-ips", "ghost"])["Failures"]
    assert [(f["FailureResource"], f["ExceptionType"]) for f in failures] == [("ghost", "ResourceNotFoundException")]
    assert {r["State"] for r in cw.describe_insight_rules()["InsightRules"]} == {"DISABLED"}
    cw.delete_insight_rules(RuleNames=["top-ips", "off"])
    assert cw.describe_insight_rules()["InsightRules"] == []
    assert error_of(lambda: cw.put_insight_rule(RuleName="bad", RuleDefinition="{}"))[0] == "InvalidParameterValue"
    assert error_of(lambda: cw.put_insight_rule(RuleName="bad", RuleDefinition="[" * 3000))[0] == (
        "InvalidParameterValue")
