"""Records: routing by the MD5 of the partition key (or ExplicitHashKey), sequence numbers that
grow per shard, size limits, shard iterators of every type and their expiry, GetRecords' pages,
MillisBehindLatest, retention, and the end of a closed shard."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import time_machine

from tests.kinesis.conftest import error_of


def _iterator(kinesis: Any, name: str, shard: str = "shardId-000000000000", kind: str = "TRIM_HORIZON", **kw: Any) -> str:
    it: str = kinesis.get_shard_iterator(StreamName=name, ShardId=shard, ShardIteratorType=kind, **kw)["ShardIterator"]
    return it


def test_records_route_by_md5_of_the_partition_key(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(4)
    keys = [f"key-{i}" for i in range(20)]
    out = kinesis.put_records(StreamName=name, Records=[{"Data": k.encode(), "PartitionKey": k} for k in keys])
    assert out["FailedRecordCount"] == 0
    expected = [
        f"shardId-00000000000{int.from_bytes(hashlib.md5(k.encode()).digest(), 'big') // 2**126}" for k in keys
    ]
    assert [r["ShardId"] for r in out["Records"]] == expected
    explicit = kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="any", ExplicitHashKey=str(2**128 - 1))
    assert explicit["ShardId"] == "shardId-000000000003"
    code, message = error_of(
        lambda: kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="p", ExplicitHashKey=str(2**128))
    )
    assert code == "InvalidArgumentException" and "ExplicitHashKey" in message


def test_sequence_numbers_grow_per_shard(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(1)
    seqs = [kinesis.put_record(StreamName=name, Data=b"%d" % i, PartitionKey="p")["SequenceNumber"] for i in range(3)]
    assert [int(s) for s in seqs] == sorted(int(s) for s in seqs) and len(set(seqs)) == 3
    assert all(len(s) == 56 and s.isdigit() for s in seqs)
    after = kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="p", SequenceNumberForOrdering=seqs[-1])
    assert int(after["SequenceNumber"]) > int(seqs[-1])
    code, _ = error_of(lambda: kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="p", SequenceNumberForOrdering="12"))
    assert code == "InvalidArgumentException"
    start = kinesis.describe_stream(StreamName=name)["StreamDescription"]["Shards"][0]["SequenceNumberRange"]
    assert int(start["StartingSequenceNumber"]) < int(seqs[0])


def test_size_limits(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(1)
    code, message = error_of(lambda: kinesis.put_record(StreamName=name, Data=b"x" * (1024 * 1024), PartitionKey="p"))
    assert code == "InvalidArgumentException" and "1024 KiB" in message
    kinesis.put_record(StreamName=name, Data=b"x" * (1024 * 1024 - 1), PartitionKey="p")
    big = [{"Data": b"y" * (1000 * 1024), "PartitionKey": "p"} for _ in range(6)]
    code, message = error_of(lambda: kinesis.put_records(StreamName=name, Records=big))
    assert code == "InvalidArgumentException" and "5 MB" in message
    it = _iterator(kinesis, name)
    assert len(kinesis.get_records(ShardIterator=it)["Records"]) == 1  # the refused requests wrote nothing


def test_iterator_types(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(1)
    first = [kinesis.put_record(StreamName=name, Data=b"old%d" % i, PartitionKey="p") for i in range(3)]
    latest = _iterator(kinesis, name, kind="LATEST")
    assert kinesis.get_records(ShardIterator=latest)["Records"] == []
    kinesis.put_record(StreamName=name, Data=b"new", PartitionKey="p")
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=latest)["Records"]] == [b"new"]
    at = _iterator(kinesis, name, kind="AT_SEQUENCE_NUMBER", StartingSequenceNumber=first[1]["SequenceNumber"])
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=at)["Records"]] == [b"old1", b"old2", b"new"]
    after = _iterator(kinesis, name, kind="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=first[1]["SequenceNumber"])
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=after)["Records"]] == [b"old2", b"new"]
    trim = kinesis.get_records(ShardIterator=_iterator(kinesis, name))["Records"]
    assert [r["Data"] for r in trim] == [b"old0", b"old1", b"old2", b"new"]
    stamp = trim[3]["ApproximateArrivalTimestamp"]
    at_time = _iterator(kinesis, name, kind="AT_TIMESTAMP", Timestamp=stamp)
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=at_time)["Records"]][-1] == b"new"
    code, _ = error_of(lambda: _iterator(kinesis, name, kind="AT_SEQUENCE_NUMBER"))
    assert code == "InvalidArgumentException"
    assert error_of(lambda: _iterator(kinesis, name, shard="shardId-000000000009"))[0] == "ResourceNotFoundException"
    assert error_of(lambda: kinesis.get_records(ShardIterator="not-an-iterator"))[0] == "InvalidArgumentException"


def test_a_sequence_number_of_another_shard_is_refused(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(2)
    seq = kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="p", ExplicitHashKey="0")["SequenceNumber"]
    assert error_of(
        lambda: _iterator(kinesis, name, shard="shardId-000000000001", kind="AT_SEQUENCE_NUMBER", StartingSequenceNumber=seq)
    ) == (
        "InvalidArgumentException",
        "Invalid StartingSequenceNumber. It encodes shardId-000000000000, while it was used in a call to a shard "
        "with shardId-000000000001",
    )


def test_get_records_pages_and_millis_behind_latest(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(1)
    kinesis.put_records(StreamName=name, Records=[{"Data": b"%d" % i, "PartitionKey": "p"} for i in range(7)])
    it = _iterator(kinesis, name)
    seen: list[bytes] = []
    pages = 0
    while True:
        out = kinesis.get_records(ShardIterator=it, Limit=3)
        pages += 1
        seen += [r["Data"] for r in out["Records"]]
        it = out["NextShardIterator"]
        if not out["Records"]:
            assert out["MillisBehindLatest"] == 0
            break
    assert seen == [b"%d" % i for i in range(7)] and pages == 4
    assert out.get("ChildShards") is None


def test_iterators_expire_after_five_minutes(clocked: Any) -> None:
    kinesis, name = clocked, "expiring"
    kinesis.create_stream(StreamName=name, ShardCount=1)
    with time_machine.travel(dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC), tick=False) as clock:
        it = _iterator(kinesis, name)
        clock.shift(299)
        it = kinesis.get_records(ShardIterator=it)["NextShardIterator"]
        clock.shift(301)
        code, message = error_of(lambda: kinesis.get_records(ShardIterator=it))
    assert code == "ExpiredIteratorException"
    assert message == (
        "Iterator expired. The iterator was created at time Mon May 04 10:04:59 UTC 2026 while right now it is "
        "Mon May 04 10:10:00 UTC 2026 which is further in the future than the tolerated delay of 300000 milliseconds."
    )


def test_records_past_retention_are_not_returned(clocked: Any) -> None:
    kinesis, name = clocked, "retained"
    with time_machine.travel(dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC), tick=False) as clock:
        kinesis.create_stream(StreamName=name, ShardCount=1)
        kinesis.put_record(StreamName=name, Data=b"old", PartitionKey="p")
        clock.shift(dt.timedelta(hours=23))
        kinesis.put_record(StreamName=name, Data=b"new", PartitionKey="p")
        clock.shift(dt.timedelta(hours=2))
        records = kinesis.get_records(ShardIterator=_iterator(kinesis, name))["Records"]
        assert [r["Data"] for r in records] == [b"new"]
        assert records[0]["ApproximateArrivalTimestamp"] == dt.datetime(2026, 5, 5, 9, 0, tzinfo=dt.UTC)


def test_a_closed_shard_ends_with_its_children(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(1)
    kinesis.put_record(StreamName=name, Data=b"before", PartitionKey="p")
    it = _iterator(kinesis, name)
    kinesis.split_shard(StreamName=name, ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**127))
    routed = kinesis.put_record(StreamName=name, Data=b"after", PartitionKey="p")
    assert routed["ShardId"] in ("shardId-000000000001", "shardId-000000000002")
    out = kinesis.get_records(ShardIterator=it)
    assert [r["Data"] for r in out["Records"]] == [b"before"]
    assert "NextShardIterator" not in out
    assert [c["ShardId"] for c in out["ChildShards"]] == ["shardId-000000000001", "shardId-000000000002"]
    assert out["ChildShards"][0]["ParentShards"] == ["shardId-000000000000"]
    parent = kinesis.describe_stream(StreamName=name)["StreamDescription"]["Shards"][0]["SequenceNumberRange"]
    before = kinesis.get_records(ShardIterator=_iterator(kinesis, name))["Records"][0]["SequenceNumber"]
    assert parent["EndingSequenceNumber"] == before
    assert int(routed["SequenceNumber"]) > int(parent["EndingSequenceNumber"])


def test_a_get_records_page_is_one_index_range() -> None:
    """GetRecords' query reads one range of the (shard, position) key and sorts nothing: its cost
    does not grow with what the stream holds."""
    from sqlalchemy import create_engine
    from sqlalchemy.dialects import sqlite

    from awsmock.models.base import Base
    from awsmock.services.kinesis import records

    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine, tables=[records._R])
    sql = str(records._PAGE.compile(dialect=sqlite.dialect()))
    with engine.connect() as conn:
        plan = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, (1, 1, "2020-01-01", 10, 0))]
    engine.dispose()
    assert len(plan) == 1 and "(shard_id=? AND position>?)" in plan[0] and plan[0].startswith("SEARCH")


def test_max_record_size_can_grow(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(1)
    arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    big = b"z" * (1536 * 1024)
    assert error_of(lambda: kinesis.put_record(StreamName=name, Data=big, PartitionKey="p"))[0] == "InvalidArgumentException"
    kinesis.update_max_record_size(StreamARN=arn, MaxRecordSizeInKiB=2048)
    assert kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["MaxRecordSizeInKiB"] == 2048
    kinesis.put_record(StreamName=name, Data=big, PartitionKey="p")
    assert kinesis.get_records(ShardIterator=_iterator(kinesis, name))["Records"][0]["Data"] == big
