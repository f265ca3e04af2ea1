"""What writing log events sets off: metric filters' CloudWatch datapoints and subscription
filters' deliveries (Kinesis streams, Logs destinations across accounts), with the checks
PutSubscriptionFilter makes first."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.logs.conftest import error_of, now_ms

ACCOUNT = "123456789012"
OTHER = "111111111111"
KINESIS_FAILED = (
    "Could not deliver test message to specified Kinesis stream. "
    "Check if the given kinesis stream is in ACTIVE state."
)


def _stats(cw: Any, name: str, stat: str = "Sum", **kw: Any) -> list[Any]:
    now = dt.datetime.now(dt.UTC)
    out = cw.get_metric_statistics(
        Namespace="App",
        MetricName=name,
        StartTime=now - dt.timedelta(hours=1),
        EndTime=now + dt.timedelta(minutes=5),
        Period=3600,
        Statistics=[stat],
        **kw,
    )
    return [p[stat] for p in out["Datapoints"]]


def _put(logs: Any, group: str, messages: list[str], stream: str = "s") -> None:
    base = now_ms()
    logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": base + i, "message": m} for i, m in enumerate(messages)],
    )


# -- metric filters ------------------------------------------------------------------------------


@pytest.mark.modes("postgres")  # (events are inserted on the driver's own cursor)
def test_metric_filters_emit_datapoints(logs: Any, group: str, aws_client: Callable[..., Any]) -> None:
    cw = aws_client("cloudwatch")
    logs.put_metric_filter(
        logGroupName=group,
        filterName="errors",
        filterPattern="ERROR",
        metricTransformations=[
            {"metricName": "Errors", "metricNamespace": "App", "metricValue": "1", "unit": "Count"}
        ],
    )
    logs.put_metric_filter(
        logGroupName=group,
        filterName="latency",
        filterPattern="{ $.latency > 0 }",
        metricTransformations=[
            {
                "metricName": "Latency",
                "metricNamespace": "App",
                "metricValue": "$.latency",
                "unit": "Milliseconds",
                "dimensions": {"Service": "$.service"},
            }
        ],
    )
    _put(
        logs,
        group,
        [
            "ERROR one",
            "fine",
            "ERROR two",
            '{"latency": 10, "service": "api"}',
            '{"latency": 30, "service": "api"}',
            '{"latency": 5, "service": "web"}',
            '{"latency": 0, "service": "web"}',
            '{"latency": 7}',  # no value for the dimension: no datapoint
        ],
    )
    assert _stats(cw, "Errors") == [2.0]
    assert _stats(cw, "Errors", "SampleCount") == [2.0]
    api = [{"Name": "Service", "Value": "api"}]
    assert _stats(cw, "Latency", Dimensions=api) == [40.0]
    assert _stats(cw, "Latency", "Maximum", Dimensions=api) == [30.0]
    assert _stats(cw, "Latency", Dimensions=[{"Name": "Service", "Value": "web"}]) == [5.0]
    assert _stats(cw, "Latency") == []  # only the metrics with the dimension exist
    metrics = cw.list_metrics(Namespace="App")["Metrics"]
    assert sorted((m["MetricName"], json.dumps(m["Dimensions"])) for m in metrics) == [
        ("Errors", "[]"),
        ("Latency", json.dumps(api)),
        ("Latency", json.dumps([{"Name": "Service", "Value": "web"}])),
    ]
    unit = cw.get_metric_statistics(
        Namespace="App",
        MetricName="Latency",
        Dimensions=api,
        StartTime=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
        EndTime=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5),
        Period=3600,
        Statistics=["Sum"],
        Unit="Milliseconds",
    )["Datapoints"]
    assert unit and unit[0]["Unit"] == "Milliseconds"


def test_metric_filter_values_from_space_delimited_fields_and_defaults(
    logs: Any, group: str, aws_client: Callable[..., Any]
) -> None:
    cw = aws_client("cloudwatch")
    logs.put_metric_filter(
        logGroupName=group,
        filterName="bytes",
        filterPattern="[ip, user, status = 2*, size]",
        metricTransformations=[{"metricName": "Bytes", "metricNamespace": "App", "metricValue": "$size"}],
    )
    logs.put_metric_filter(
        logGroupName=group,
        filterName="fatal",
        filterPattern="FATAL",
        metricTransformations=[
            {"metricName": "Fatal", "metricNamespace": "App", "metricValue": "1", "defaultValue": 0.0}
        ],
    )
    _put(logs, group, ["1.2.3.4 bob 200 100", "1.2.3.4 bob 404 999", "5.6.7.8 ann 201 23", "x y 200 lots"])
    assert _stats(cw, "Bytes") == [123.0]
    assert _stats(cw, "Bytes", "SampleCount") == [2.0]
    # no event matched FATAL: the default value, once for the minute that had events
    assert _stats(cw, "Fatal", "SampleCount") in ([1.0], [2.0])  # (the events may straddle a minute)
    assert _stats(cw, "Fatal", "Maximum") == [0.0]
    _put(logs, group, ["FATAL boom"])
    assert _stats(cw, "Fatal", "Maximum") == [1.0]


def test_metric_filter_changes_and_deletion_take_effect(
    logs: Any, group: str, aws_client: Callable[..., Any]
) -> None:
    cw = aws_client("cloudwatch")
    transform = [{"metricName": "Hits", "metricNamespace": "App", "metricValue": "2"}]
    logs.put_metric_filter(
        logGroupName=group, filterName="f", filterPattern="hit", metricTransformations=transform
    )
    _put(logs, group, ["hit"])
    logs.put_metric_filter(
        logGroupName=group, filterName="f", filterPattern="miss", metricTransformations=transform
    )
    _put(logs, group, ["hit", "miss"])
    logs.delete_metric_filter(logGroupName=group, filterName="f")
    _put(logs, group, ["hit", "miss"])
    assert _stats(cw, "Hits") == [4.0]
    # the group's private bookkeeping is never answered
    assert "_filters" not in logs.describe_log_groups()["logGroups"][0]


def test_a_group_without_filters_writes_as_before(
    logs: Any, group: str, aws_client: Callable[..., Any]
) -> None:
    _put(logs, group, ["ERROR nothing watches this"])
    assert aws_client("cloudwatch").list_metrics()["Metrics"] == []
    assert len(logs.get_log_events(logGroupName=group, logStreamName="s")["events"]) == 1


# -- subscription filters: helpers ---------------------------------------------------------------

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "logs.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def _role(iam: Any, name: str, actions: list[str], trust: dict[str, Any] | None = None) -> str:
    arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust or TRUST))["Role"][
        "Arn"
    ]
    if actions:
        iam.put_role_policy(
            RoleName=name,
            PolicyName="p",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}],
                }
            ),
        )
    return arn


def _stream(kinesis: Any, name: str) -> str:
    kinesis.create_stream(StreamName=name, ShardCount=1)
    arn: str = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    return arn


def _records(kinesis: Any, name: str) -> list[tuple[str, dict[str, Any]]]:
    shard = kinesis.list_shards(StreamName=name)["Shards"][0]["ShardId"]
    it = kinesis.get_shard_iterator(StreamName=name, ShardId=shard, ShardIteratorType="TRIM_HORIZON")[
        "ShardIterator"
    ]
    out = kinesis.get_records(ShardIterator=it)["Records"]
    return [(r["PartitionKey"], json.loads(gzip.decompress(r["Data"]))) for r in out]


@pytest.fixture
def kinesis(aws_client: Callable[..., Any]) -> Any:
    return aws_client("kinesis")


@pytest.fixture
def iam(aws_client: Callable[..., Any]) -> Any:
    return aws_client("iam")


# -- subscription filters: Kinesis -----------------------------------------------------------------


@pytest.mark.modes("postgres")  # (the events' ids come back from a multi-row insert)
def test_subscription_filter_delivers_to_kinesis(logs: Any, group: str, kinesis: Any, iam: Any) -> None:
    stream = _stream(kinesis, "logs-out")
    role = _role(iam, "cwl-to-kinesis", ["kinesis:PutRecord"])
    logs.put_subscription_filter(
        logGroupName=group, filterName="errors", filterPattern="ERROR", destinationArn=stream, roleArn=role
    )
    found = _records(kinesis, "logs-out")
    assert len(found) == 1
    control = found[0][1]
    assert control["messageType"] == "CONTROL_MESSAGE"
    assert control["owner"] == "CloudwatchLogs"
    assert (control["logGroup"], control["logStream"], control["subscriptionFilters"]) == ("", "", [])
    assert control["logEvents"][0]["id"] == ""
    assert control["logEvents"][0]["message"] == (
        "CWL CONTROL MESSAGE: Checking health of destination Kinesis stream."
    )

    _put(logs, group, ["ERROR a", "fine", "ERROR b"])
    _put(logs, group, ["nothing to see"])
    logs.create_log_stream(logGroupName=group, logStreamName="other")
    _put(logs, group, ["ERROR c"], stream="other")
    found = _records(kinesis, "logs-out")
    assert len(found) == 3  # the control message, then one message per batch that matched
    (key1, first), (key2, second) = found[1], found[2]
    assert first == {
        "messageType": "DATA_MESSAGE",
        "owner": ACCOUNT,
        "logGroup": group,
        "logStream": "s",
        "subscriptionFilters": ["errors"],
        "logEvents": first["logEvents"],
    }
    assert [e["message"] for e in first["logEvents"]] == ["ERROR a", "ERROR b"]
    assert second["logStream"] == "other"
    assert [e["message"] for e in second["logEvents"]] == ["ERROR c"]
    # the events' ids and timestamps are those FilterLogEvents reports
    filtered = logs.filter_log_events(logGroupName=group, filterPattern="ERROR")["events"]
    assert [(e["eventId"], e["timestamp"]) for e in filtered] == [
        (e["id"], e["timestamp"]) for e in first["logEvents"] + second["logEvents"]
    ]
    assert all(len(e["id"]) == 56 and e["id"].isdigit() for e in first["logEvents"])
    # ByLogStream: a stream's messages share a partition key, another stream's differ
    _put(logs, group, ["ERROR d"])
    assert _records(kinesis, "logs-out")[3][0] == key1 != key2

    logs.delete_subscription_filter(logGroupName=group, filterName="errors")
    _put(logs, group, ["ERROR after"])
    assert len(_records(kinesis, "logs-out")) == 4


def test_put_subscription_filter_checks_the_stream_and_role(
    logs: Any, group: str, kinesis: Any, iam: Any
) -> None:
    stream = _stream(kinesis, "target")
    good = _role(iam, "good", ["kinesis:PutRecord"])
    no_permission = _role(iam, "no-permission", ["sqs:SendMessage"])
    untrusted = _role(
        iam,
        "untrusted",
        ["kinesis:*"],
        trust={
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
    )
    missing_stream = f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/nope"
    for destination, role in [
        (missing_stream, good),
        (stream, None),
        (stream, f"arn:aws:iam::{ACCOUNT}:role/missing"),
        (stream, no_permission),
        (stream, untrusted),
    ]:
        kw = {"roleArn": role} if role else {}

        def subscribe(d: str = destination, kw: dict[str, str] = kw) -> Any:
            return logs.put_subscription_filter(
                logGroupName=group, filterName="f", filterPattern="", destinationArn=d, **kw
            )

        assert error_of(subscribe) == ("InvalidParameterException", KINESIS_FAILED)
    firehose = f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/fh"
    code, message = error_of(
        lambda: logs.put_subscription_filter(
            logGroupName=group, filterName="f", filterPattern="", destinationArn=firehose, roleArn=good
        )
    )
    assert (code, message.split(".")[0]) == (
        "InvalidParameterException",
        "Could not deliver test message to specified Firehose stream",
    )
    other_account_fn = f"arn:aws:lambda:us-east-1:{OTHER}:function:f"
    code, message = error_of(
        lambda: logs.put_subscription_filter(
            logGroupName=group, filterName="f", filterPattern="", destinationArn=other_account_fn
        )
    )
    assert code == "InvalidParameterException" and message.startswith(
        "Could not execute the lambda function."
    )
    # nothing was kept, nothing was sent
    assert logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"] == []
    assert _records(kinesis, "target") == []
    # a pattern that is not one changes nothing either
    assert (
        error_of(
            lambda: logs.put_subscription_filter(
                logGroupName=group,
                filterName="f",
                filterPattern="{ $.x = ",
                destinationArn=stream,
                roleArn=good,
            )
        )[0]
        == "InvalidParameterException"
    )
    logs.put_subscription_filter(
        logGroupName=group,
        filterName="f",
        filterPattern='{ $.level = "ERROR" }',
        destinationArn=stream,
        roleArn=good,
        distribution="Random",
    )
    _put(logs, group, ['{"level": "ERROR", "n": 1}', '{"level": "INFO"}', "not json"])
    found = _records(kinesis, "target")
    assert [m["messageType"] for _, m in found] == ["CONTROL_MESSAGE", "DATA_MESSAGE"]
    assert [e["message"] for e in found[1][1]["logEvents"]] == ['{"level": "ERROR", "n": 1}']


def test_two_filters_send_separate_messages(logs: Any, group: str, kinesis: Any, iam: Any) -> None:
    stream = _stream(kinesis, "both")
    role = _role(iam, "r", ["kinesis:PutRecord"])
    for name, pattern in [("a", "ERROR"), ("b", "")]:
        logs.put_subscription_filter(
            logGroupName=group, filterName=name, filterPattern=pattern, destinationArn=stream, roleArn=role
        )
    _put(logs, group, ["ERROR x", "INFO y"])
    data = [m for _, m in _records(kinesis, "both") if m["messageType"] == "DATA_MESSAGE"]
    assert sorted((m["subscriptionFilters"][0], len(m["logEvents"])) for m in data) == [("a", 1), ("b", 2)]


# -- subscription filters: Logs destinations (cross-account) ---------------------------------------


def test_cross_account_destination(aws_client: Callable[..., Any]) -> None:
    sender = aws_client("logs", aws_access_key_id=OTHER)
    owner_logs, owner_kinesis, owner_iam = aws_client("logs"), aws_client("kinesis"), aws_client("iam")
    stream = _stream(owner_kinesis, "central")
    role = _role(owner_iam, "cwl-destination", ["kinesis:PutRecord"])
    destination = owner_logs.put_destination(destinationName="central", targetArn=stream, roleArn=role)[
        "destination"
    ]["arn"]
    sender.create_log_group(logGroupName="/app/sender")
    sender.create_log_stream(logGroupName="/app/sender", logStreamName="s")

    def subscribe() -> Any:
        return sender.put_subscription_filter(
            logGroupName="/app/sender", filterName="to-central", filterPattern="", destinationArn=destination
        )

    assert error_of(subscribe) == (
        "AccessDeniedException",
        f"User with accountId: {OTHER} is not authorized to perform: logs:PutSubscriptionFilter "
        f"on resource: {destination}",
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": OTHER},
                "Action": "logs:PutSubscriptionFilter",
                "Resource": destination,
            }
        ],
    }
    owner_logs.put_destination_policy(destinationName="central", accessPolicy=json.dumps(policy))
    subscribe()
    _put(sender, "/app/sender", ["hello from the other account"])
    found = [m for _, m in _records(owner_kinesis, "central")]
    assert [m["messageType"] for m in found] == ["CONTROL_MESSAGE", "DATA_MESSAGE"]
    assert found[1]["owner"] == OTHER
    assert found[1]["logGroup"] == "/app/sender"
    assert found[1]["subscriptionFilters"] == ["to-central"]
    # a destination that does not exist
    missing = f"arn:aws:logs:us-east-1:{ACCOUNT}:destination:nope"
    code, _ = error_of(
        lambda: sender.put_subscription_filter(
            logGroupName="/app/sender", filterName="x", filterPattern="", destinationArn=missing
        )
    )
    assert code == "InvalidParameterException"


def test_events_other_services_write_run_the_filters(
    logs: Any, group: str, aws_client: Callable[..., Any]
) -> None:
    """Events written by another service (an EventBridge rule's log group target here) run the
    group's metric filters as PutLogEvents does."""
    logs.put_metric_filter(
        logGroupName=group,
        filterName="orders",
        filterPattern='{ $.detail.kind = "order" }',
        metricTransformations=[
            {"metricName": "Orders", "metricNamespace": "App", "metricValue": "$.detail.n"}
        ],
    )
    events = aws_client("events")
    events.put_rule(Name="to-logs", EventPattern=json.dumps({"source": ["my.app"]}))
    events.put_targets(
        Rule="to-logs", Targets=[{"Id": "1", "Arn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{group}"}]
    )
    events.put_events(
        Entries=[
            {"Source": "my.app", "DetailType": "t", "Detail": json.dumps({"kind": "order", "n": 3})},
            {"Source": "my.app", "DetailType": "t", "Detail": json.dumps({"kind": "refund", "n": 5})},
        ]
    )
    assert len(logs.filter_log_events(logGroupName=group)["events"]) == 2
    assert _stats(aws_client("cloudwatch"), "Orders") == [3.0]


def test_lambda_destination_gets_the_awslogs_event(
    inprocess_client: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What CloudWatch Logs hands Lambda (the call Lambda's room answers is stood in for here,
    in-process)."""
    logs, group = inprocess_client("logs"), "/app/fn"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    import base64

    from awsmock.services.lambda_ import internal as lambda_internal

    calls: list[tuple[str, bytes, str, str]] = []

    def invoke_async(
        ctx: Any, function_arn: str, payload: bytes, *, service_principal: str, source_arn: str
    ) -> tuple[str | None, str]:
        calls.append((function_arn, payload, service_principal, source_arn))
        return "request-id", ""

    monkeypatch.setattr(lambda_internal, "invoke_async", invoke_async)
    fn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:consumer"
    logs.put_subscription_filter(
        logGroupName=group, filterName="fn", filterPattern="?ERROR ?WARN", destinationArn=fn
    )
    _put(logs, group, ["WARN low disk", "INFO ok"])
    assert len(calls) == 1
    arn, payload, principal, source = calls[0]
    assert (arn, principal, source) == (
        fn,
        "logs.amazonaws.com",
        f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{group}:*",
    )
    data = json.loads(gzip.decompress(base64.b64decode(json.loads(payload)["awslogs"]["data"])))
    assert data["messageType"] == "DATA_MESSAGE"
    assert data["subscriptionFilters"] == ["fn"]
    assert [e["message"] for e in data["logEvents"]] == ["WARN low disk"]
