"""SubscribeToShard: an event stream that pushes a shard's records as they arrive, for five
minutes (moved through with time-machine), over HTTP/1.1 (boto3) and HTTP/2 (tests/h2client.py)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from botocore.exceptions import EventStreamError

import awsmock
from awsmock.services.kinesis import subscriptions
from tests.h2client import H2Client, event_messages
from tests.kinesis.conftest import error_of

SHARD = "shardId-000000000000"


def _consumer(kinesis: Any, name: str) -> str:
    arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    consumer: str = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="fan")["Consumer"]["ConsumerARN"]
    return consumer


def _subscribe(kinesis: Any, consumer: str, shard: str = SHARD, **position: Any) -> tuple[Any, Iterator[Any]]:
    out = kinesis.subscribe_to_shard(
        ConsumerARN=consumer, ShardId=shard, StartingPosition=position or {"Type": "TRIM_HORIZON"}
    )
    return out["EventStream"], iter(out["EventStream"])


@pytest.mark.modes("server")
def test_records_are_pushed_as_they_arrive(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(1)
    consumer = _consumer(kinesis, name)
    kinesis.put_record(StreamName=name, Data=b"before", PartitionKey="p")
    stream, events = _subscribe(kinesis, consumer)
    try:
        first = next(events)["SubscribeToShardEvent"]
        assert [r["Data"] for r in first["Records"]] == [b"before"]
        assert first["MillisBehindLatest"] == 0
        sent = [kinesis.put_record(StreamName=name, Data=b"after%d" % i, PartitionKey="p")["SequenceNumber"] for i in range(2)]
        seen: list[bytes] = []
        started = time.monotonic()
        while len(seen) < 2:
            event = next(events)["SubscribeToShardEvent"]
            seen += [r["Data"] for r in event["Records"]]
        assert seen == [b"after0", b"after1"]
        assert time.monotonic() - started < subscriptions.HEARTBEAT.total_seconds()  # pushed, not polled
        assert event["ContinuationSequenceNumber"] == sent[-1]
    finally:
        stream.close()


def test_a_quiet_shard_gets_heartbeats_and_the_subscription_ends_after_five_minutes(clocked: Any) -> None:
    kinesis = clocked
    with time_machine.travel(dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC), tick=True) as clock:
        kinesis.create_stream(StreamName="quiet", ShardCount=1)
        consumer = _consumer(kinesis, "quiet")
        start = kinesis.describe_stream(StreamName="quiet")["StreamDescription"]["Shards"][0]
        stream, events = _subscribe(kinesis, consumer, Type="LATEST")
        first = next(events)["SubscribeToShardEvent"]
        assert first["Records"] == [] and first["MillisBehindLatest"] == 0
        # before any record: where reading starts, so AFTER_SEQUENCE_NUMBER misses nothing
        assert first["ContinuationSequenceNumber"] == start["SequenceNumberRange"]["StartingSequenceNumber"]
        code, message = error_of(lambda: kinesis.subscribe_to_shard(
            ConsumerARN=consumer, ShardId=SHARD, StartingPosition={"Type": "LATEST"}))
        assert code == "ResourceInUseException" and "5 seconds" in message
        clock.shift(subscriptions.HEARTBEAT + dt.timedelta(seconds=1))
        beat = next(events)["SubscribeToShardEvent"]
        assert beat["Records"] == [] and beat["ContinuationSequenceNumber"] == first["ContinuationSequenceNumber"]
        clock.shift(subscriptions.LIFETIME)
        assert list(events) == []  # the subscription is over: subscribe again
        stream.close()
        kinesis.put_record(StreamName="quiet", Data=b"x", PartitionKey="p")
        again, more = _subscribe(kinesis, consumer, Type="AFTER_SEQUENCE_NUMBER", SequenceNumber=beat["ContinuationSequenceNumber"])
        assert [r["Data"] for r in next(more)["SubscribeToShardEvent"]["Records"]] == [b"x"]
        again.close()


def test_a_closed_shard_read_to_its_end_gives_its_children_and_ends(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(1)
    consumer = _consumer(kinesis, name)
    kinesis.put_record(StreamName=name, Data=b"old", PartitionKey="p")
    kinesis.split_shard(StreamName=name, ShardToSplit=SHARD, NewStartingHashKey=str(2**127))
    stream, events = _subscribe(kinesis, consumer)
    event = next(events)["SubscribeToShardEvent"]
    assert [r["Data"] for r in event["Records"]] == [b"old"]
    assert [c["ShardId"] for c in event["ChildShards"]] == ["shardId-000000000001", "shardId-000000000002"]
    assert "ContinuationSequenceNumber" not in event
    assert list(events) == []
    stream.close()


def test_a_stream_deleted_meanwhile_ends_the_subscription_with_an_error(kinesis: Any, new_stream: Callable[..., str]) -> None:
    name = new_stream(1)
    consumer = _consumer(kinesis, name)
    stream, events = _subscribe(kinesis, consumer)
    next(events)
    kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
    with pytest.raises(EventStreamError) as caught:
        next(events)
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert name in caught.value.response["Error"]["Message"]
    stream.close()


def test_subscribe_over_http2() -> None:
    """The event stream over HTTP/2: its messages come as DATA frames while other streams of the
    same connection put records."""
    with awsmock.ThreadedServer() as server, H2Client(server.port) as client:
        assert client.kinesis("CreateStream", {"StreamName": "h2", "ShardCount": 1}).status == 200
        arn = client.kinesis("DescribeStreamSummary", {"StreamName": "h2"}).json()["StreamDescriptionSummary"]["StreamARN"]
        consumer = client.kinesis("RegisterStreamConsumer", {"StreamARN": arn, "ConsumerName": "c"}).json()
        sub = client.aws(
            "Kinesis_20131202.SubscribeToShard",
            {"ConsumerARN": consumer["Consumer"]["ConsumerARN"], "ShardId": SHARD, "StartingPosition": {"Type": "LATEST"}},
        )

        def messages(count: int) -> list[tuple[dict[str, Any], bytes]]:
            while len(found := event_messages(client.answers[sub].body)) < count:
                client.read_some()
            return found

        assert [h[":event-type"] for h, _ in messages(2)] == ["initial-response", "SubscribeToShardEvent"]
        answer = client.answers[sub]
        assert answer.status == 200 and answer.headers["content-type"] == "application/vnd.amazon.eventstream"
        put = client.kinesis("PutRecord", {"StreamName": "h2", "Data": base64.b64encode(b"pushed").decode(), "PartitionKey": "p"})
        assert put.status == 200
        headers, payload = messages(3)[2]
        event = json.loads(payload)
        assert headers[":event-type"] == "SubscribeToShardEvent"
        assert [base64.b64decode(r["Data"]) for r in event["Records"]] == [b"pushed"]
        assert event["ContinuationSequenceNumber"] == put.json()["SequenceNumber"]
        assert not answer.ended  # still open: more would come
