"""PutEvents: per-entry results, limits, the envelope, and deliveries to each kind of target."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

from .conftest import error_of

ACCOUNT, REGION = "123456789012", "us-east-1"


def _entry(**kw: Any) -> dict[str, Any]:
    return {"Source": "my.app", "DetailType": "Order Placed", "Detail": json.dumps({"n": 1}), **kw}


def _rule_to(events: Any, arn: str, pattern: dict[str, Any], bus: str = "default", **target: Any) -> str:
    name = f"r-{uuid.uuid4().hex[:8]}"
    rule_arn: str = events.put_rule(Name=name, EventPattern=json.dumps(pattern), EventBusName=bus)["RuleArn"]
    events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "t", "Arn": arn, **target}])
    return rule_arn


def test_per_entry_results_and_limits(events: Any) -> None:
    out = events.put_events(
        Entries=[
            _entry(),
            {"Source": "my.app", "DetailType": "x"},
            _entry(Detail="{not json"),
            _entry(EventBusName="nope"),
            _entry(Source="aws.ec2"),
        ]
    )
    assert out["FailedEntryCount"] == 4
    first, missing, malformed, no_bus, aws_source = out["Entries"]
    assert set(first) == {"EventId"}
    assert missing == {
        "ErrorCode": "InvalidArgument",
        "ErrorMessage": "Parameter Detail is not valid. Reason: Detail is a required argument.",
    }
    assert malformed == {"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."}
    assert no_bus["ErrorCode"] == "ResourceNotFoundException"
    assert aws_source["ErrorCode"] == "NotAuthorizedForSourceException"
    code, _ = error_of(lambda: events.put_events(Entries=[_entry()] * 11))
    assert code == "ValidationException"
    big = json.dumps({"x": "a" * 200_000})
    code, message = error_of(lambda: events.put_events(Entries=[_entry(Detail=big), _entry(Detail=big)]))
    assert (code, message) == (
        "ValidationException",
        "Total size of the entries in the request is over the limit.",
    )


def test_envelope_delivered_to_a_queue_exactly(
    events: Any, new_queue: Callable[..., tuple[str, str]], received: Callable[[str], list[Any]]
) -> None:
    url, arn = new_queue()
    _rule_to(events, arn, {"source": ["my.app"], "detail": {"n": [{"numeric": [">", 0]}]}})
    when = dt.datetime(2026, 3, 1, 12, 30, tzinfo=dt.UTC)
    out = events.put_events(
        Entries=[_entry(Time=when, Resources=["arn:aws:s3:::b"]), _entry(Detail='{"n": 0}')]
    )
    got = received(url)
    assert got == [
        {
            "version": "0",
            "id": out["Entries"][0]["EventId"],
            "detail-type": "Order Placed",
            "source": "my.app",
            "account": ACCOUNT,
            "time": "2026-03-01T12:30:00Z",
            "region": REGION,
            "resources": ["arn:aws:s3:::b"],
            "detail": {"n": 1},
        }
    ]


def test_disabled_rules_and_queue_policies_that_deny_get_nothing(
    events: Any, sqs: Any, new_queue: Callable[..., tuple[str, str]], received: Callable[[str], list[Any]]
) -> None:
    url, arn = new_queue()
    rule = _rule_to(events, arn, {"source": ["my.app"]})
    events.disable_rule(Name=rule.rsplit("/", 1)[-1])
    events.put_events(Entries=[_entry()])
    assert received(url) == []
    events.enable_rule(Name=rule.rsplit("/", 1)[-1])
    other = "arn:aws:events:us-east-1:123456789012:rule/other"
    sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={
            "Policy": json.dumps(
                {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "events.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": arn,
                            "Condition": {"ArnEquals": {"aws:SourceArn": other}},
                        }
                    ]
                }
            )
        },
    )
    events.put_events(Entries=[_entry()])
    assert received(url) == []


def test_input_transformer_input_path_and_input(
    events: Any, new_queue: Callable[..., tuple[str, str]], sqs: Any
) -> None:
    url, arn = new_queue()
    events.put_rule(Name="r", EventPattern=json.dumps({"source": ["my.app"]}))
    events.put_targets(
        Rule="r",
        Targets=[
            {
                "Id": "transformed",
                "Arn": arn,
                "InputTransformer": {
                    "InputPathsMap": {"n": "$.detail.n", "src": "$.source"},
                    "InputTemplate": '{"count": <n>, "text": "from <src>", "rule": "<aws.events.rule-name>"}',
                },
            },
        ],
    )
    events.put_events(Entries=[_entry()])
    body = sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"]
    assert json.loads(body) == {"count": 1, "text": "from my.app", "rule": "r"}


def test_pattern_operators(events: Any) -> None:
    event = {
        "id": "1",
        "account": ACCOUNT,
        "source": "my.app",
        "time": "2026-01-01T00:00:00Z",
        "region": REGION,
        "detail-type": "T",
        "resources": [],
        "detail": {
            "ip": "10.0.0.7",
            "name": "Photo.PNG",
            "state": "running",
            "size": 12,
            "nested": {"k": "v"},
        },
    }

    def test(pattern: dict[str, Any]) -> bool:
        result: bool = events.test_event_pattern(EventPattern=json.dumps(pattern), Event=json.dumps(event))[
            "Result"
        ]
        return result

    assert test({"detail": {"ip": [{"cidr": "10.0.0.0/24"}]}})
    assert not test({"detail": {"ip": [{"cidr": "10.0.1.0/24"}]}})
    assert test({"detail": {"name": [{"wildcard": "*.PNG"}]}})
    assert test({"detail": {"name": [{"suffix": {"equals-ignore-case": ".png"}}]}})
    assert test({"detail": {"state": [{"anything-but": {"prefix": "stop"}}]}})
    assert not test({"detail": {"state": [{"anything-but": {"equals-ignore-case": ["RUNNING"]}}]}})
    assert test({"detail": {"state": [{"anything-but": {"wildcard": "st*"}}]}})
    assert test({"detail": {"size": [{"numeric": [">", 10, "<=", 12]}]}})
    assert test({"detail": {"missing": [{"exists": False}], "nested": {"k": ["v"]}}})
    assert test({"$or": [{"source": ["x"]}, {"detail": {"size": [12]}}]})
    assert not test({"source": ["other"]})
    code, _ = error_of(
        lambda: events.test_event_pattern(EventPattern='{"source": "x"}', Event=json.dumps(event))
    )
    assert code == "InvalidEventPatternException"
    code, message = error_of(lambda: events.test_event_pattern(EventPattern='{"source": ["x"]}', Event="{}"))
    assert (code, message) == ("ValidationException", "Parameter Event is not valid.")


def test_sns_logs_kinesis_and_bus_targets(
    events: Any,
    aws_client: Callable[..., Any],
    new_queue: Callable[..., tuple[str, str]],
    received: Callable[[str], list[Any]],
) -> None:
    sns, logs, kinesis = aws_client("sns"), aws_client("logs"), aws_client("kinesis")
    topic = sns.create_topic(Name="t")["TopicArn"]
    topic_url, topic_queue = new_queue()
    sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=topic_queue, Attributes={"RawMessageDelivery": "true"}
    )
    logs.create_log_group(logGroupName="/aws/events/x")
    group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/events/x"
    kinesis.create_stream(StreamName="s", ShardCount=1)
    stream_arn = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s"
    bus_arn = events.create_event_bus(Name="second")["EventBusArn"]
    second_url, second_queue = new_queue()
    _rule_to(events, second_queue, {"source": ["my.app"]}, bus="second")
    for arn in (topic, group_arn, stream_arn, bus_arn):
        _rule_to(events, arn, {"source": ["my.app"]})
    event_id = events.put_events(Entries=[_entry()])["Entries"][0]["EventId"]
    assert [e["id"] for e in received(topic_url)] == [event_id]
    assert [e["id"] for e in received(second_url)] == [event_id]
    logged = logs.filter_log_events(logGroupName="/aws/events/x")["events"]
    assert [json.loads(e["message"])["id"] for e in logged] == [event_id]
    assert logged[0]["logStreamName"] == event_id
    shard = kinesis.list_shards(StreamName="s")["Shards"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(StreamName="s", ShardId=shard, ShardIteratorType="TRIM_HORIZON")[
        "ShardIterator"
    ]
    records = kinesis.get_records(ShardIterator=iterator)["Records"]
    assert [json.loads(r["Data"])["id"] for r in records] == [event_id]
