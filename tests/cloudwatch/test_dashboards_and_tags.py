"""Dashboards (bodies checked as JSON, global to the account) and tags of alarms."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from .conftest import error_of

BODY = json.dumps({"widgets": [{"type": "text", "x": 0, "y": 0, "width": 6, "height": 3,
                                "properties": {"markdown": "hello"}}]})


def test_dashboards_round_trip(cw: Any, aws_client: Any) -> None:
    assert cw.put_dashboard(DashboardName="main", DashboardBody=BODY)["DashboardValidationMessages"] == []
    cw.put_dashboard(DashboardName="other-1", DashboardBody=json.dumps({"widgets": []}))
    got = cw.get_dashboard(DashboardName="main")
    assert got["DashboardBody"] == BODY
    assert got["DashboardArn"] == "arn:aws:cloudwatch::123456789012:dashboard/main"
    entries = cw.list_dashboards()["DashboardEntries"]
    assert [(e["DashboardName"], e["Size"]) for e in entries] == [("main", len(BODY)), ("other-1", len(json.dumps({"widgets": []})))]
    assert [e["DashboardName"] for e in cw.list_dashboards(DashboardNamePrefix="oth")["DashboardEntries"]] == [
        "other-1"
    ]
    # dashboards are global: another region sees them
    assert aws_client("cloudwatch", region="eu-west-1").get_dashboard(DashboardName="main")["DashboardBody"] == BODY
    assert error_of(lambda: cw.delete_dashboards(DashboardNames=["main", "ghost"])) == (
        "ResourceNotFound", "Dashboard ghost does not exist"
    )
    cw.delete_dashboards(DashboardNames=["main"])
    assert error_of(lambda: cw.get_dashboard(DashboardName="main")) == ("ResourceNotFound", "Dashboard main does not exist")


def test_invalid_bodies_are_refused_with_validation_messages(cw: Any) -> None:
    for body, message in [
        ("{not json", "Invalid JSON in dashboard body"),
        ("[]", "Should be object"),
        (json.dumps({"widgets": [{"x": 1}]}), "Should have required property 'type'"),
    ]:
        try:
            cw.put_dashboard(DashboardName="d", DashboardBody=body)
        except ClientError as err:
            assert err.response["Error"]["Code"] == "InvalidParameterInput"
            assert err.response["Error"]["Message"] == "The field DashboardBody must be a valid JSON object"
            assert message in [m["Message"] for m in err.response["dashboardValidationMessages"]]
        else:
            raise AssertionError(f"{body!r} was taken")
    assert cw.list_dashboards()["DashboardEntries"] == []
    assert error_of(lambda: cw.put_dashboard(DashboardName="bad name", DashboardBody=BODY))[0] == "InvalidParameterInput"
    deep = "[" * 5000 + "]" * 5000
    assert error_of(lambda: cw.put_dashboard(DashboardName="d", DashboardBody=deep))[0] == "InvalidParameterInput"


def test_alarm_tags(cw: Any) -> None:
    cw.put_metric_alarm(
        AlarmName="tagged", Namespace="N", MetricName="M", Statistic="Sum", Period=60, EvaluationPeriods=1,
        Threshold=1, ComparisonOperator="GreaterThanThreshold", Tags=[{"Key": "team", "Value": "a"}],
    )
    arn = cw.describe_alarms()["MetricAlarms"][0]["AlarmArn"]
    cw.tag_resource(ResourceARN=arn, Tags=[{"Key": "env", "Value": "prod"}])
    assert sorted((t["Key"], t["Value"]) for t in cw.list_tags_for_resource(ResourceARN=arn)["Tags"]) == [
        ("env", "prod"), ("team", "a")
    ]
    cw.untag_resource(ResourceARN=arn, TagKeys=["team"])
    assert cw.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "env", "Value": "prod"}]
    missing = arn.replace("tagged", "ghost")
    assert error_of(lambda: cw.list_tags_for_resource(ResourceARN=missing))[0] == "ResourceNotFoundException"
    cw.delete_alarms(AlarmNames=["tagged"])
    assert error_of(lambda: cw.list_tags_for_resource(ResourceARN=arn))[0] == "ResourceNotFoundException"
