"""Shards: ListShards with its filters and token rules, SplitShard, MergeShards and
UpdateShardCount with their lineage and AWS's refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import time_machine

from tests.kinesis.conftest import error_of


def _ids(shards: list[dict[str, Any]]) -> list[str]:
    return [s["ShardId"][-2:] for s in shards]


def test_list_shards_pages_and_token_rules(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(5)
    first = kinesis.list_shards(StreamName=name, MaxResults=2)
    assert _ids(first["Shards"]) == ["00", "01"]
    code, message = error_of(lambda: kinesis.list_shards(StreamName=name, NextToken=first["NextToken"]))
    assert (code, message) == ("InvalidArgumentException", "NextToken and StreamName cannot be provided together.")
    second = kinesis.list_shards(NextToken=first["NextToken"], MaxResults=2)
    third = kinesis.list_shards(NextToken=second["NextToken"], MaxResults=2)
    assert _ids(second["Shards"]) + _ids(third["Shards"]) == ["02", "03", "04"]
    assert "NextToken" not in third
    assert _ids(kinesis.list_shards(StreamName=name, ExclusiveStartShardId="shardId-000000000003")["Shards"]) == ["04"]
    assert error_of(lambda: kinesis.list_shards(NextToken="garbage"))[0] == "InvalidArgumentException"


def test_list_shards_token_expires(clocked: Any) -> None:
    kinesis = clocked
    with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=dt.UTC), tick=False) as clock:
        name = "tokens"
        kinesis.create_stream(StreamName=name, ShardCount=3)
        token = kinesis.list_shards(StreamName=name, MaxResults=1)["NextToken"]
        clock.shift(301)
        assert error_of(lambda: kinesis.list_shards(NextToken=token))[0] == "ExpiredNextTokenException"


def test_shard_filters(clocked: Any) -> None:
    kinesis = clocked
    with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=dt.UTC), tick=False) as clock:
        name = "filters"
        kinesis.create_stream(StreamName=name, ShardCount=2)
        clock.shift(60)
        kinesis.split_shard(StreamName=name, ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**126))
        clock.shift(60)

        def listed(**flt: Any) -> list[str]:
            return _ids(kinesis.list_shards(StreamName=name, ShardFilter=flt)["Shards"])

        assert listed(Type="AT_LATEST") == ["01", "02", "03"]
        assert listed(Type="AT_TRIM_HORIZON") == ["00", "01"]
        assert listed(Type="FROM_TRIM_HORIZON") == ["00", "01", "02", "03"]
        assert listed(Type="AFTER_SHARD_ID", ShardId="shardId-000000000001") == ["02", "03"]
        assert listed(Type="AT_TIMESTAMP", Timestamp=dt.datetime(2026, 6, 1, 0, 0, 30, tzinfo=dt.UTC)) == ["00", "01"]
        assert listed(Type="FROM_TIMESTAMP", Timestamp=dt.datetime(2026, 6, 1, 0, 1, 30, tzinfo=dt.UTC)) == ["01", "02", "03"]


def test_split_shard(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(1)
    code, message = error_of(
        lambda: kinesis.split_shard(StreamName=name, ShardToSplit="shardId-000000000000", NewStartingHashKey="1")
    )
    assert code == "InvalidArgumentException"
    assert message.startswith("NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000000 in stream")
    kinesis.split_shard(StreamName=name, ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**100))
    shards = kinesis.list_shards(StreamName=name)["Shards"]
    assert [s.get("ParentShardId") for s in shards] == [None, "shardId-000000000000", "shardId-000000000000"]
    assert shards[1]["HashKeyRange"] == {"StartingHashKey": "0", "EndingHashKey": str(2**100 - 1)}
    assert shards[2]["HashKeyRange"] == {"StartingHashKey": str(2**100), "EndingHashKey": str(2**128 - 1)}
    assert "EndingSequenceNumber" in shards[0]["SequenceNumberRange"]
    code, _ = error_of(
        lambda: kinesis.split_shard(StreamName=name, ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**90))
    )
    assert code == "ResourceNotFoundException"  # a closed shard


def test_merge_shards(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(3)
    code, message = error_of(
        lambda: kinesis.merge_shards(StreamName=name, ShardToMerge="shardId-000000000000", AdjacentShardToMerge="shardId-000000000002")
    )
    assert code == "InvalidArgumentException" and "not an adjacent pair of shards" in message
    kinesis.merge_shards(StreamName=name, ShardToMerge="shardId-000000000002", AdjacentShardToMerge="shardId-000000000001")
    child = kinesis.list_shards(StreamName=name, ShardFilter={"Type": "AT_LATEST"})["Shards"][-1]
    assert child["ShardId"] == "shardId-000000000003"
    assert (child["ParentShardId"], child["AdjacentParentShardId"]) == ("shardId-000000000002", "shardId-000000000001")
    third = (2**128) // 3
    assert child["HashKeyRange"] == {"StartingHashKey": str(third), "EndingHashKey": str(2**128 - 1)}


def test_update_shard_count(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(2)
    assert error_of(lambda: kinesis.update_shard_count(StreamName=name, TargetShardCount=5, ScalingType="UNIFORM_SCALING")) == (
        "InvalidArgumentException",
        "UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 2 Target shard count: 5",
    )
    out = kinesis.update_shard_count(StreamName=name, TargetShardCount=4, ScalingType="UNIFORM_SCALING")
    assert (out["CurrentShardCount"], out["TargetShardCount"]) == (2, 4)
    open_ = kinesis.list_shards(StreamName=name, ShardFilter={"Type": "AT_LATEST"})["Shards"]
    assert [int(s["HashKeyRange"]["StartingHashKey"]) for s in open_] == [i * 2**126 for i in range(4)]
    assert [s["ParentShardId"] for s in open_] == ["shardId-000000000000"] * 2 + ["shardId-000000000001"] * 2
    code, message = error_of(lambda: kinesis.update_shard_count(StreamName=name, TargetShardCount=1, ScalingType="UNIFORM_SCALING"))
    assert code == "InvalidArgumentException" and "below half" in message
    kinesis.update_shard_count(StreamName=name, TargetShardCount=2, ScalingType="UNIFORM_SCALING")
    merged = kinesis.list_shards(StreamName=name, ShardFilter={"Type": "AT_LATEST"})["Shards"]
    assert [(s["ParentShardId"], s["AdjacentParentShardId"]) for s in merged] == [
        ("shardId-000000000002", "shardId-000000000003"),
        ("shardId-000000000004", "shardId-000000000005"),
    ]
    assert kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["OpenShardCount"] == 2
