"""Metric and composite alarms: validation, state computed from the stored datapoints when
read, SetAlarmState, actions to SNS (delivered to an SQS queue), history, listing and deletion."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from .conftest import DIMS, error_of

MINUTE = dt.timedelta(minutes=1)


def _alarm(cw: Any, name: str = "high", **kw: Any) -> None:
    args = {
        "AlarmName": name,
        "Namespace": "Web",
        "MetricName": "Errors",
        "Dimensions": DIMS,
        "Statistic": "Sum",
        "Period": 60,
        "EvaluationPeriods": 1,
        "Threshold": 5.0,
        "ComparisonOperator": "GreaterThanThreshold",
        **kw,
    }
    cw.put_metric_alarm(**args)


def _put(cw: Any, value: float, when: dt.datetime | None = None) -> None:
    datum: dict[str, Any] = {"MetricName": "Errors", "Dimensions": DIMS, "Value": value}
    if when is not None:
        datum["Timestamp"] = when
    cw.put_metric_data(Namespace="Web", MetricData=[datum])


def _state(cw: Any, name: str = "high") -> str:
    return str(cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["StateValue"])


def test_a_new_alarm_has_insufficient_data_then_follows_the_datapoints(cw: Any) -> None:
    _alarm(cw)
    [alarm] = cw.describe_alarms()["MetricAlarms"]
    assert alarm["StateValue"] == "INSUFFICIENT_DATA"
    assert alarm["AlarmArn"] == "arn:aws:cloudwatch:us-east-1:123456789012:alarm:high"
    assert alarm["Dimensions"] == DIMS and alarm["Threshold"] == 5.0 and alarm["ActionsEnabled"] is True
    _put(cw, 3)
    _put(cw, 4)
    assert _state(cw) == "ALARM"  # the sum of the period, 7, is over 5
    reason = cw.describe_alarms(AlarmNames=["high"])["MetricAlarms"][0]
    assert reason["StateReason"].startswith("Threshold Crossed: 1 out of the last 1 datapoints [7.0")
    assert json.loads(reason["StateReasonData"])["recentDatapoints"] == [7.0]


def test_an_alarm_below_its_threshold_is_ok(cw: Any) -> None:
    _alarm(cw, ComparisonOperator="LessThanThreshold", Threshold=1.0)
    _put(cw, 2)
    assert _state(cw) == "OK"


def test_datapoints_to_alarm_m_out_of_n(cw: Any, now: dt.datetime) -> None:
    _alarm(cw, EvaluationPeriods=3, DatapointsToAlarm=2)
    _put(cw, 10, now - 2 * MINUTE)
    _put(cw, 1, now - MINUTE)
    assert _state(cw) == "OK"  # one breaching of three
    _put(cw, 10, now)
    assert _state(cw) == "ALARM"


@pytest.mark.parametrize(
    ("treat", "state"),
    [("missing", "INSUFFICIENT_DATA"), ("breaching", "ALARM"), ("notBreaching", "OK"), ("ignore", "INSUFFICIENT_DATA")],
)
def test_missing_data_is_treated_as_told(cw: Any, treat: str, state: str) -> None:
    _alarm(cw, TreatMissingData=treat)
    assert _state(cw) == state


def test_set_alarm_state_holds_until_the_next_evaluation(cw: Any) -> None:
    _alarm(cw)
    cw.set_alarm_state(AlarmName="high", StateValue="ALARM", StateReason="testing", StateReasonData='{"a": 1}')
    alarm = cw.describe_alarms(AlarmNames=["high"])["MetricAlarms"][0]
    assert (alarm["StateValue"], alarm["StateReason"]) == ("ALARM", "testing")
    assert error_of(lambda: cw.set_alarm_state(AlarmName="nope", StateValue="OK", StateReason="x")) == (
        "ResourceNotFound", "Alarm nope does not exist."
    )
    assert error_of(lambda: cw.set_alarm_state(
        AlarmName="high", StateValue="OK", StateReason="x", StateReasonData="{nope"))[0] == "InvalidFormat"


def test_set_alarm_state_gives_way_to_the_datapoints_a_period_later(cw: Any) -> None:
    from freezegun import freeze_time

    start = dt.datetime.now(dt.UTC).replace(second=5, microsecond=0)
    with freeze_time(start):
        _alarm(cw)
        _put(cw, 1)
        assert _state(cw) == "OK"
        cw.set_alarm_state(AlarmName="high", StateValue="ALARM", StateReason="drill")
        assert _state(cw) == "ALARM"
    with freeze_time(start + dt.timedelta(seconds=61)):
        _put(cw, 1)
        assert _state(cw) == "OK"


@pytest.mark.parametrize(
    ("kw", "code", "message"),
    [
        ({"DatapointsToAlarm": 3, "EvaluationPeriods": 2}, "InvalidParameterValue",
         "DatapointsToAlarm must be less than or equal to EvaluationPeriods and greater than 0."),
        ({"ExtendedStatistic": "p90"}, "InvalidParameterCombination",
         "The parameters Statistic and ExtendedStatistic are mutually exclusive and you have specified both."),
        ({"Period": 45}, "InvalidParameterValue", "The parameter Period must be 10, 20, 30 or a multiple of 60."),
        ({"Period": 60, "EvaluationPeriods": 1441}, "InvalidParameterValue",
         "The product of EvaluationPeriods and Period must not exceed 86400 (1 day)."),
        ({"AlarmActions": ["not-an-arn"]}, "InvalidParameterValue", "Invalid arn syntax: not-an-arn"),
        ({"TreatMissingData": "sometimes"}, "InvalidParameterValue",
         "The value sometimes for parameter TreatMissingData is invalid."),
    ],
)
def test_put_metric_alarm_validation(cw: Any, kw: dict[str, Any], code: str, message: str) -> None:
    assert error_of(lambda: _alarm(cw, **kw)) == (code, message)
    assert cw.describe_alarms()["MetricAlarms"] == []


def test_describe_alarms_filters_and_pages(cw: Any) -> None:
    for i in range(5):
        _alarm(cw, f"a{i}", AlarmActions=["arn:aws:sns:us-east-1:123456789012:ops"] if i < 2 else [])
    _alarm(cw, "b0", TreatMissingData="breaching")
    assert [a["AlarmName"] for a in cw.describe_alarms(AlarmNamePrefix="a")["MetricAlarms"]] == [
        "a0", "a1", "a2", "a3", "a4"
    ]
    assert [a["AlarmName"] for a in cw.describe_alarms(StateValue="ALARM")["MetricAlarms"]] == ["b0"]
    assert [a["AlarmName"] for a in cw.describe_alarms(ActionPrefix="arn:aws:sns")["MetricAlarms"]] == ["a0", "a1"]
    first = cw.describe_alarms(MaxRecords=4)
    assert len(first["MetricAlarms"]) == 4
    rest = cw.describe_alarms(MaxRecords=4, NextToken=first["NextToken"])
    assert [a["AlarmName"] for a in rest["MetricAlarms"]] == ["a4", "b0"] and "NextToken" not in rest
    assert error_of(lambda: cw.describe_alarms(AlarmNames=["a0"], AlarmNamePrefix="a"))[0] == (
        "InvalidParameterCombination"
    )


def test_alarms_for_metric(cw: Any) -> None:
    _alarm(cw, "one")
    _alarm(cw, "other", MetricName="Other")
    found = cw.describe_alarms_for_metric(Namespace="Web", MetricName="Errors", Dimensions=DIMS)["MetricAlarms"]
    assert [a["AlarmName"] for a in found] == ["one"]


def test_delete_alarms_passes_over_names_of_no_alarm(cw: Any) -> None:
    _alarm(cw, "one")
    _alarm(cw, "two")
    cw.delete_alarms(AlarmNames=["one", "ghost"])
    assert [a["AlarmName"] for a in cw.describe_alarms()["MetricAlarms"]] == ["two"]
    cw.put_composite_alarm(AlarmName="c1", AlarmRule="ALARM(two)")
    cw.put_composite_alarm(AlarmName="c2", AlarmRule="OK(two)")
    assert error_of(lambda: cw.delete_alarms(AlarmNames=["c1", "c2"])) == (
        "InvalidParameterValue", "You can delete no more than one composite alarm in one operation."
    )


def test_actions_publish_to_sns_when_enabled(cw: Any, aws_client: Any) -> None:
    sns, sqs = aws_client("sns"), aws_client("sqs")
    topic = sns.create_topic(Name="ops")["TopicArn"]
    queue = sqs.create_queue(QueueName="ops")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
    _alarm(cw, AlarmActions=[topic], OKActions=[topic])
    cw.disable_alarm_actions(AlarmNames=["high"])
    _put(cw, 10)
    assert _state(cw) == "ALARM"
    assert sqs.receive_message(QueueUrl=queue).get("Messages", []) == []
    cw.enable_alarm_actions(AlarmNames=["high"])
    cw.set_alarm_state(AlarmName="high", StateValue="OK", StateReason="all good")
    [msg] = sqs.receive_message(QueueUrl=queue)["Messages"]
    body = json.loads(msg["Body"])
    assert (body["AlarmName"], body["NewStateValue"], body["OldStateValue"]) == ("high", "OK", "ALARM")
    assert body["Trigger"]["MetricName"] == "Errors" and body["Trigger"]["Threshold"] == 5.0
    actions = cw.describe_alarm_history(AlarmName="high", HistoryItemType="Action")["AlarmHistoryItems"]
    assert [a["HistorySummary"] for a in actions] == [f"Successfully executed action {topic}"]


def test_history_newest_first(cw: Any) -> None:
    _alarm(cw)
    cw.set_alarm_state(AlarmName="high", StateValue="ALARM", StateReason="x")
    items = cw.describe_alarm_history(AlarmName="high")["AlarmHistoryItems"]
    assert [(i["HistoryItemType"], i["HistorySummary"]) for i in items] == [
        ("StateUpdate", "Alarm updated from INSUFFICIENT_DATA to ALARM"),
        ("ConfigurationUpdate", 'Alarm "high" created'),
    ]
    oldest = cw.describe_alarm_history(AlarmName="high", ScanBy="TimestampAscending", MaxRecords=1)
    assert oldest["AlarmHistoryItems"][0]["HistoryItemType"] == "ConfigurationUpdate" and "NextToken" in oldest
    cw.delete_alarms(AlarmNames=["high"])
    assert len(cw.describe_alarm_history(AlarmName="high")["AlarmHistoryItems"]) == 2  # kept after deletion


def test_composite_alarms_follow_their_rule(cw: Any) -> None:
    _alarm(cw, "errors")
    _alarm(cw, "quiet", MetricName="Other", TreatMissingData="notBreaching")
    cw.put_composite_alarm(AlarmName="page", AlarmRule='ALARM("errors") AND NOT ALARM(quiet)')
    [composite] = cw.describe_alarms(AlarmTypes=["CompositeAlarm"])["CompositeAlarms"]
    assert composite["StateValue"] == "OK" and composite["AlarmRule"] == 'ALARM("errors") AND NOT ALARM(quiet)'
    _put(cw, 10)
    assert cw.describe_alarms(AlarmNames=["page"], AlarmTypes=["CompositeAlarm"])["CompositeAlarms"][0][
        "StateValue"] == "ALARM"
    children = cw.describe_alarms(ChildrenOfAlarmName="page")
    assert sorted(a["AlarmName"] for a in children["MetricAlarms"]) == ["errors", "quiet"]
    parents = cw.describe_alarms(ParentsOfAlarmName="errors")
    assert [a["AlarmName"] for a in parents["CompositeAlarms"]] == ["page"]
    assert error_of(lambda: cw.delete_alarms(AlarmNames=["errors"]))[0] == "InvalidParameterValue"
    assert error_of(lambda: cw.put_composite_alarm(AlarmName="bad", AlarmRule="ALARM(x) AND"))[0] == (
        "InvalidParameterValue"
    )
    assert error_of(lambda: cw.put_composite_alarm(AlarmName="bad", AlarmRule="ALARM(ghost)"))[0] == (
        "InvalidParameterValue"
    )


def test_an_alarm_on_metric_math(cw: Any) -> None:
    errors = {"Namespace": "Web", "MetricName": "Errors", "Dimensions": DIMS}
    metrics = [
        {"Id": "e", "MetricStat": {"Metric": errors, "Period": 60, "Stat": "Sum"}, "ReturnData": False},
        {"Id": "rate", "Expression": "e * 100 / 50", "Label": "error rate"},
    ]
    cw.put_metric_alarm(AlarmName="rate", Metrics=metrics, EvaluationPeriods=1, Threshold=10.0,
                        ComparisonOperator="GreaterThanOrEqualToThreshold")
    _put(cw, 4)
    assert _state(cw, "rate") == "OK"  # 8% of 50
    _put(cw, 1)
    assert _state(cw, "rate") == "ALARM"  # 10%
    bad = [metrics[0], {"Id": "rate", "Expression": "FILL(e,"}]
    assert error_of(lambda: cw.put_metric_alarm(AlarmName="bad", Metrics=bad, EvaluationPeriods=1, Threshold=1.0,
                                                ComparisonOperator="GreaterThanThreshold"))[0] == "InvalidParameterValue"
