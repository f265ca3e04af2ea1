"""Streams: creation in both capacity modes, names and limits, status from stored times,
descriptions and listings, retention, encryption, enhanced monitoring, mode switches, deletion."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine

from awsmock.services.kinesis import lookup
from tests.kinesis.conftest import error_of

ACCOUNT = "123456789012"


def test_provisioned_stream_splits_the_hash_key_space_evenly(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(4)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 2})
    desc = kinesis.describe_stream(StreamName=name)["StreamDescription"]
    assert desc["StreamStatus"] == "ACTIVE"
    assert desc["StreamARN"] == f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/{name}"
    assert desc["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    assert desc["RetentionPeriodHours"] == 24
    assert desc["EncryptionType"] == "NONE"
    assert [s["ShardId"] for s in desc["Shards"]] == [f"shardId-00000000000{i}" for i in range(4)]
    ranges = [(int(s["HashKeyRange"]["StartingHashKey"]), int(s["HashKeyRange"]["EndingHashKey"])) for s in desc["Shards"]]
    assert ranges == [(i * 2**126, (i + 1) * 2**126 - 1) for i in range(4)]
    assert all("EndingSequenceNumber" not in s["SequenceNumberRange"] for s in desc["Shards"])


def test_on_demand_streams_start_with_four_shards(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(None, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    assert summary["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}
    assert summary["OpenShardCount"] == 4
    code, _ = error_of(
        lambda: kinesis.create_stream(StreamName="x", ShardCount=2, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    )
    assert code == "ValidationException"
    assert kinesis.describe_limits()["OnDemandStreamCount"] == 1


def test_names_duplicates_and_missing_streams(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(1)
    assert error_of(lambda: kinesis.create_stream(StreamName=name, ShardCount=1)) == (
        "ResourceInUseException",
        f"Stream {name} under account {ACCOUNT} already exists.",
    )
    code, message = error_of(lambda: kinesis.create_stream(StreamName="bad name", ShardCount=1))
    assert code == "ValidationException"
    assert "[a-zA-Z0-9_.-]+" in message
    assert error_of(lambda: kinesis.describe_stream_summary(StreamName="nope")) == (
        "ResourceNotFoundException",
        f"Stream nope under account {ACCOUNT} not found.",
    )
    arn = f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/{name}"
    assert kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]["StreamName"] == name
    code, _ = error_of(lambda: kinesis.create_stream(StreamName="big", ShardCount=501))
    assert code == "LimitExceededException"
    assert error_of(lambda: kinesis.describe_stream_summary(StreamName="big"))[0] == "ResourceNotFoundException"


def test_describe_stream_pages_its_shards(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(5)
    first = kinesis.describe_stream(StreamName=name, Limit=2)["StreamDescription"]
    assert [s["ShardId"] for s in first["Shards"]] == ["shardId-000000000000", "shardId-000000000001"]
    assert first["HasMoreShards"] is True
    rest = kinesis.describe_stream(StreamName=name, ExclusiveStartShardId="shardId-000000000001")["StreamDescription"]
    assert [s["ShardId"][-1] for s in rest["Shards"]] == ["2", "3", "4"]
    assert rest["HasMoreShards"] is False


def test_list_streams_pages_with_summaries(kinesis: Any, new_stream: Callable[..., str]) -> None:
    for n in ("c", "a", "b"):
        new_stream(1, StreamName=f"list-{n}")
    page = kinesis.list_streams(Limit=2)
    assert page["StreamNames"] == ["list-a", "list-b"]
    assert page["HasMoreStreams"] is True
    assert page["StreamSummaries"][0]["StreamARN"].endswith(":stream/list-a")
    assert page["StreamSummaries"][0]["StreamStatus"] == "ACTIVE"
    rest = kinesis.list_streams(Limit=2, NextToken=page["NextToken"])
    assert rest["StreamNames"] == ["list-c"] and rest["HasMoreStreams"] is False
    assert kinesis.list_streams(ExclusiveStartStreamName="list-a")["StreamNames"] == ["list-b", "list-c"]
    assert error_of(lambda: kinesis.list_streams(NextToken="bogus"))[0] == "InvalidArgumentException"


def test_retention_period_rules(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(1)
    kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=48)
    assert kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["RetentionPeriodHours"] == 48
    assert error_of(lambda: kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=8761)) == (
        "InvalidArgumentException",
        "Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.",
    )
    code, message = error_of(lambda: kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=30))
    assert code == "InvalidArgumentException" and "can not be shorter than existing retention period (48 hours)" in message
    code, message = error_of(lambda: kinesis.decrease_stream_retention_period(StreamName=name, RetentionPeriodHours=72))
    assert code == "InvalidArgumentException" and "can not be longer" in message
    assert error_of(lambda: kinesis.decrease_stream_retention_period(StreamName=name, RetentionPeriodHours=23)) == (
        "InvalidArgumentException",
        "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.",
    )
    kinesis.decrease_stream_retention_period(StreamName=name, RetentionPeriodHours=24)
    assert kinesis.describe_stream(StreamName=name)["StreamDescription"]["RetentionPeriodHours"] == 24


def test_encryption_needs_an_existing_key(aws_client: Any, kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(1)
    key = aws_client("kms").create_key()["KeyMetadata"]["KeyId"]
    code, _ = error_of(
        lambda: kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId="alias/missing")
    )
    assert code == "KMSNotFoundException"
    kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId=key)
    desc = kinesis.describe_stream(StreamName=name)["StreamDescription"]
    assert (desc["EncryptionType"], desc["KeyId"]) == ("KMS", key)
    assert kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="p")["EncryptionType"] == "KMS"
    kinesis.stop_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId=key)
    desc = kinesis.describe_stream(StreamName=name)["StreamDescription"]
    assert desc["EncryptionType"] == "NONE" and "KeyId" not in desc
    kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId="alias/aws/kinesis")


def test_enhanced_monitoring(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(1)
    out = kinesis.enable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["IncomingBytes"])
    assert (out["CurrentShardLevelMetrics"], out["DesiredShardLevelMetrics"]) == ([], ["IncomingBytes"])
    out = kinesis.enable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["ALL"])
    assert len(out["DesiredShardLevelMetrics"]) == 7
    out = kinesis.disable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["IncomingBytes"])
    assert "IncomingBytes" not in out["DesiredShardLevelMetrics"] and len(out["DesiredShardLevelMetrics"]) == 6
    metrics = kinesis.describe_stream(StreamName=name)["StreamDescription"]["EnhancedMonitoring"][0]
    assert metrics["ShardLevelMetrics"] == out["DesiredShardLevelMetrics"]


def test_stream_mode_switches_twice_a_day(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(2)
    arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    kinesis.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    assert kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamModeDetails"] == {
        "StreamMode": "ON_DEMAND"
    }
    assert error_of(lambda: kinesis.update_shard_count(StreamName=name, TargetShardCount=3, ScalingType="UNIFORM_SCALING"))[0] == "ValidationException"
    kinesis.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": "PROVISIONED"})
    code, _ = error_of(lambda: kinesis.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": "ON_DEMAND"}))
    assert code == "LimitExceededException"


def test_status_follows_stored_times(clocked: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    kinesis = clocked
    monkeypatch.setattr(lookup, "SETTLE", dt.timedelta(seconds=10))
    start = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        kinesis.create_stream(StreamName="slow", ShardCount=1)
        assert kinesis.describe_stream_summary(StreamName="slow")["StreamDescriptionSummary"]["StreamStatus"] == "CREATING"
        assert error_of(lambda: kinesis.put_record(StreamName="slow", Data=b"x", PartitionKey="p"))[0] == "ResourceNotFoundException"
        clock.shift(11)
        kinesis.split_shard(StreamName="slow", ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**127))
        assert kinesis.describe_stream_summary(StreamName="slow")["StreamDescriptionSummary"]["StreamStatus"] == "UPDATING"
        assert error_of(lambda: kinesis.increase_stream_retention_period(StreamName="slow", RetentionPeriodHours=48))[0] == "ResourceInUseException"
        kinesis.put_record(StreamName="slow", Data=b"x", PartitionKey="p")  # an UPDATING stream takes records
        clock.shift(11)
        assert kinesis.describe_stream_summary(StreamName="slow")["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE"


def test_frozen_clock_sees_an_active_stream(clocked: Any) -> None:
    kinesis = clocked
    with time_machine.travel(dt.datetime(2026, 3, 1, tzinfo=dt.UTC), tick=False):
        kinesis.create_stream(StreamName="frozen", ShardCount=1)
        kinesis.get_waiter("stream_exists").wait(StreamName="frozen", WaiterConfig={"Delay": 1, "MaxAttempts": 1})
        kinesis.put_record(StreamName="frozen", Data=b"x", PartitionKey="p")


def test_delete_stream_with_consumers(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(1)
    arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="c")
    kinesis.add_tags_to_stream(StreamName=name, Tags={"k": "v"})
    assert error_of(lambda: kinesis.delete_stream(StreamName=name))[0] == "ResourceInUseException"
    kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
    kinesis.get_waiter("stream_not_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 1})
    kinesis.create_stream(StreamName=name, ShardCount=1)
    assert kinesis.list_tags_for_stream(StreamName=name)["Tags"] == []
    assert kinesis.list_stream_consumers(StreamARN=arn)["Consumers"] == []


def test_minimum_throughput_commitment_lasts_a_day(clocked: Any) -> None:
    kinesis = clocked
    def status() -> dict[str, Any]:
        out: dict[str, Any] = kinesis.describe_account_settings()["MinimumThroughputBillingCommitment"]
        return out

    assert status() == {"Status": "DISABLED"}
    start = dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        on = kinesis.update_account_settings(MinimumThroughputBillingCommitment={"Status": "ENABLED"})
        assert on["MinimumThroughputBillingCommitment"]["EarliestAllowedEndAt"] == start + dt.timedelta(days=1)
        clock.shift(3600)
        kinesis.update_account_settings(MinimumThroughputBillingCommitment={"Status": "DISABLED"})
        assert status()["Status"] == "ENABLED_UNTIL_EARLIEST_ALLOWED_END"
        kinesis.update_account_settings(MinimumThroughputBillingCommitment={"Status": "ENABLED"})
        assert status()["Status"] == "ENABLED" and status()["StartedAt"] == start
        kinesis.update_account_settings(MinimumThroughputBillingCommitment={"Status": "DISABLED"})
        clock.shift(dt.timedelta(days=1))
        ended = status()
        assert (ended["Status"], ended["EndedAt"]) == ("DISABLED", start + dt.timedelta(days=1))


def test_warm_throughput_needs_on_demand_and_the_commitment(kinesis: Any, new_stream: Callable[..., str]) -> None:
    provisioned = new_stream(1)
    on_demand = new_stream(None, StreamModeDetails={"StreamMode": "ON_DEMAND"})
    code, message = error_of(lambda: kinesis.update_stream_warm_throughput(StreamName=on_demand, WarmThroughputMiBps=100))
    assert code == "ValidationException" and "MinimumThroughputBillingCommitment" in message
    kinesis.update_account_settings(MinimumThroughputBillingCommitment={"Status": "ENABLED"})
    assert error_of(lambda: kinesis.update_stream_warm_throughput(StreamName=provisioned, WarmThroughputMiBps=100))[0] == "ValidationException"
    out = kinesis.update_stream_warm_throughput(StreamName=on_demand, WarmThroughputMiBps=100)
    assert out["WarmThroughput"] == {"TargetMiBps": 100, "CurrentMiBps": 100}
    summary = kinesis.describe_stream_summary(StreamName=on_demand)["StreamDescriptionSummary"]
    assert summary["WarmThroughput"] == {"TargetMiBps": 100, "CurrentMiBps": 100}
    assert "WarmThroughput" not in kinesis.describe_stream_summary(StreamName=provisioned)["StreamDescriptionSummary"]
    code, _ = error_of(lambda: kinesis.update_stream_warm_throughput(StreamName=on_demand, WarmThroughputMiBps=20000))
    assert code == "LimitExceededException"
