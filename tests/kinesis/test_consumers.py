"""Consumers, tags and resource policies, and the access control that weighs them."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.auth.test_access_control import allow, policy, user_with_key
from tests.kinesis.conftest import error_of


def _arn(kinesis: Any, name: str) -> str:
    arn: str = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    return arn


def test_consumers_lifecycle(kinesis: Any, new_stream: Callable[..., str]) -> None:
    arn = _arn(kinesis, new_stream(1))
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="reader")["Consumer"]
    assert consumer["ConsumerARN"].startswith(f"{arn}/consumer/reader:")
    assert consumer["ConsumerStatus"] == "ACTIVE"
    code, _ = error_of(lambda: kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="reader"))
    assert code == "ResourceInUseException"
    by_arn = kinesis.describe_stream_consumer(ConsumerARN=consumer["ConsumerARN"])["ConsumerDescription"]
    by_name = kinesis.describe_stream_consumer(StreamARN=arn, ConsumerName="reader")["ConsumerDescription"]
    assert by_arn == by_name and by_arn["StreamARN"] == arn
    for i in range(3):
        kinesis.register_stream_consumer(StreamARN=arn, ConsumerName=f"c{i}")
    page = kinesis.list_stream_consumers(StreamARN=arn, MaxResults=2)
    rest = kinesis.list_stream_consumers(StreamARN=arn, NextToken=page["NextToken"])
    assert [c["ConsumerName"] for c in page["Consumers"] + rest["Consumers"]] == ["c0", "c1", "c2", "reader"]
    assert kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]["ConsumerCount"] == 4
    kinesis.deregister_stream_consumer(ConsumerARN=consumer["ConsumerARN"])
    assert error_of(lambda: kinesis.describe_stream_consumer(ConsumerARN=consumer["ConsumerARN"]))[0] == "ResourceNotFoundException"
    for i in range(3, 20):
        kinesis.register_stream_consumer(StreamARN=arn, ConsumerName=f"c{i}")
    assert error_of(lambda: kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="one-too-many"))[0] == "LimitExceededException"


def test_tags_old_and_new_operations(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(1, Tags={"team": "a"})
    arn = _arn(kinesis, name)
    kinesis.add_tags_to_stream(StreamName=name, Tags={f"k{i}": str(i) for i in range(5)})
    page = kinesis.list_tags_for_stream(StreamName=name, Limit=3)
    assert [t["Key"] for t in page["Tags"]] == ["k0", "k1", "k2"] and page["HasMoreTags"] is True
    rest = kinesis.list_tags_for_stream(StreamName=name, ExclusiveStartTagKey="k2")
    assert [t["Key"] for t in rest["Tags"]] == ["k3", "k4", "team"] and rest["HasMoreTags"] is False
    kinesis.remove_tags_from_stream(StreamARN=arn, TagKeys=["k0", "k1", "k2", "k3", "k4"])
    kinesis.tag_resource(ResourceARN=arn, Tags={"env": "test"})
    assert kinesis.list_tags_for_resource(ResourceARN=arn)["Tags"] == [
        {"Key": "env", "Value": "test"},
        {"Key": "team", "Value": "a"},
    ]
    kinesis.untag_resource(ResourceARN=arn, TagKeys=["team"])
    assert kinesis.list_tags_for_stream(StreamName=name)["Tags"] == [{"Key": "env", "Value": "test"}]
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="c", Tags={"x": "y"})["Consumer"]
    assert kinesis.list_tags_for_resource(ResourceARN=consumer["ConsumerARN"])["Tags"] == [{"Key": "x", "Value": "y"}]
    code, _ = error_of(lambda: kinesis.add_tags_to_stream(StreamName=name, Tags={f"t{i}": "v" for i in range(11)}))
    assert code == "InvalidArgumentException"
    for start in range(0, 49, 10):  # "env" and 49 more: 50, the limit
        kinesis.add_tags_to_stream(StreamName=name, Tags={f"t{i}": "v" for i in range(start, min(start + 10, 49))})
    code, message = error_of(lambda: kinesis.add_tags_to_stream(StreamName=name, Tags={"x1": "v", "x2": "v"}))
    assert code == "InvalidArgumentException" and "50" in message
    assert error_of(lambda: kinesis.add_tags_to_stream(StreamName=name, Tags={"aws:x": "v"}))[0] == "InvalidArgumentException"
    assert error_of(lambda: kinesis.list_tags_for_resource(ResourceARN=arn + "x"))[0] == "ResourceNotFoundException"


def test_resource_policies(kinesis: Any, new_stream: Callable[..., str]) -> None:
    arn = _arn(kinesis, new_stream(1))
    assert error_of(lambda: kinesis.delete_resource_policy(ResourceARN=arn))[0] == "ResourceNotFoundException"
    assert error_of(lambda: kinesis.put_resource_policy(ResourceARN=arn, Policy="{not json"))[0] == "InvalidArgumentException"
    doc = policy({**allow("kinesis:GetRecords", arn), "Principal": {"AWS": "arn:aws:iam::111122223333:root"}})
    kinesis.put_resource_policy(ResourceARN=arn, Policy=doc)
    assert json.loads(kinesis.get_resource_policy(ResourceARN=arn)["Policy"]) == json.loads(doc)
    kinesis.delete_resource_policy(ResourceARN=arn)
    assert error_of(lambda: kinesis.delete_resource_policy(ResourceARN=arn))[0] == "ResourceNotFoundException"


def test_access_control_names_streams_and_consumers(clients: Any) -> None:
    admin, iam = clients("kinesis"), clients("iam")
    admin.create_stream(StreamName="open", ShardCount=2)
    admin.create_stream(StreamName="closed", ShardCount=2)
    open_arn = "arn:aws:kinesis:us-east-1:123456789012:stream/open"
    key = user_with_key(
        iam,
        "app",
        policy(
            allow(
                ["kinesis:PutRecord", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:ListShards"],
                open_arn,
            )
        ),
    )
    open_token = admin.list_shards(StreamName="open", MaxResults=1)["NextToken"]
    closed_token = admin.list_shards(StreamName="closed", MaxResults=1)["NextToken"]
    clients.on()
    app = clients("kinesis", key)
    assert len(app.list_shards(NextToken=open_token)["Shards"]) == 1  # the token names the stream
    assert error_of(lambda: app.list_shards(NextToken=closed_token))[0] == "AccessDeniedException"
    app.put_record(StreamName="open", Data=b"x", PartitionKey="p", ExplicitHashKey="0")
    it = app.get_shard_iterator(StreamName="open", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")
    assert len(app.get_records(ShardIterator=it["ShardIterator"])["Records"]) == 1
    code, message = error_of(lambda: app.put_record(StreamName="closed", Data=b"x", PartitionKey="p"))
    assert code == "AccessDeniedException"
    assert "kinesis:PutRecord" in message and "stream/closed" in message
    assert error_of(lambda: app.delete_stream(StreamName="open"))[0] == "AccessDeniedException"


#: the answer is an event stream: its messages travel over HTTP as the server writes them
@pytest.mark.modes("server")
def test_subscribe_to_shard_streams_the_shards_records(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(1)
    arn = _arn(kinesis, name)
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="fan")["Consumer"]["ConsumerARN"]
    sent = [kinesis.put_record(StreamName=name, Data=b"r%d" % i, PartitionKey="p")["SequenceNumber"] for i in range(3)]
    out = kinesis.subscribe_to_shard(
        ConsumerARN=consumer, ShardId="shardId-000000000000", StartingPosition={"Type": "TRIM_HORIZON"}
    )
    first = next(iter(out["EventStream"]))["SubscribeToShardEvent"]  # then more, as records come
    out["EventStream"].close()
    assert [r["Data"] for r in first["Records"]] == [b"r0", b"r1", b"r2"]
    assert first["ContinuationSequenceNumber"] == sent[-1]
    code, _ = error_of(
        lambda: kinesis.subscribe_to_shard(
            ConsumerARN=consumer, ShardId="shardId-000000000000", StartingPosition={"Type": "LATEST"}
        )
    )
    assert code == "ResourceInUseException"  # again within five seconds


def test_a_stream_policy_deny_wins_over_iam(clients: Any) -> None:
    admin, iam = clients("kinesis"), clients("iam")
    admin.create_stream(StreamName="guarded", ShardCount=1)
    arn = "arn:aws:kinesis:us-east-1:123456789012:stream/guarded"
    key = user_with_key(iam, "writer", policy(allow("kinesis:*")))
    admin.put_resource_policy(
        ResourceARN=arn,
        Policy=policy(
            {
                "Effect": "Deny",
                "Principal": {"AWS": "arn:aws:iam::123456789012:user/writer"},
                "Action": "kinesis:PutRecord",
                "Resource": arn,
            }
        ),
    )
    clients.on()
    writer = clients("kinesis", key)
    assert writer.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]["StreamName"] == "guarded"
    assert error_of(lambda: writer.put_record(StreamARN=arn, Data=b"x", PartitionKey="p"))[0] == "AccessDeniedException"
