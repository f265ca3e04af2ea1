"""What other services call: records written and read through ``internal`` as the API shows them."""

from __future__ import annotations

from typing import Any

from awsmock.api.app import AwsmockApp
from awsmock.engine.context import RequestContext
from awsmock.services.kinesis import internal


def test_internal_writes_and_reads_records(app: AwsmockApp, inprocess_client: Any) -> None:
    kinesis = inprocess_client("kinesis")
    kinesis.create_stream(StreamName="feed", ShardCount=1)
    arn = "arn:aws:kinesis:us-east-1:123456789012:stream/feed"
    store = app.store
    with store.transaction(write=True) as tx:
        ctx = RequestContext(service="kinesis", operation="PutRecords", tx=tx, store=store)
        written = internal.put_records(ctx, arn, [(b"one", "a"), (b"two", "b")])
    assert [w["ShardId"] for w in written] == ["shardId-000000000000"] * 2
    kinesis.put_record(StreamName="feed", Data=b"three", PartitionKey="c")
    with store.transaction(write=False) as tx:
        ctx = RequestContext(service="kinesis", operation="GetRecords", tx=tx, store=store)
        assert internal.shard_ids(ctx, arn) == ["shardId-000000000000"]
        first, after = internal.read_records(ctx, arn, "shardId-000000000000", limit=2)
        rest, last = internal.read_records(
            ctx, arn, "shardId-000000000000", starting="AFTER_SEQUENCE_NUMBER", sequence_number=after
        )
    assert [r["Data"] for r in first + rest] == [b"one", b"two", b"three"]
    assert after == written[1]["SequenceNumber"] and last == rest[-1]["SequenceNumber"]
