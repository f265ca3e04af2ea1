"""What other services ask of Kinesis inside their own request: CloudWatch Logs subscription
filters and IoT rules write records; Lambda event source mappings read a stream's shards.

Each function acts on a stream named by its ARN (any account: the caller checks its own
permissions), with Kinesis's rules (limits, routing, retention), and raises Kinesis's errors
(``ResourceNotFoundException``, ``InvalidArgumentException``...) as the room's
:class:`~awsmock.engine.errors.ModeledError`\\ s.
"""

from __future__ import annotations

from typing import Any

from awsmock.engine.context import RequestContext

from . import records
from .errors import KinesisError
from .lookup import STREAM_ARN, STREAMS, find_shard, resolve, shard_id, shards_of, status
from .lookup import sequence_number as _sequence

__all__ = [
    "KinesisError",
    "is_stream_arn",
    "put_record",
    "put_records",
    "read_records",
    "shard_ids",
    "stream_status",
]


def is_stream_arn(arn: str) -> bool:
    return STREAM_ARN.fullmatch(arn) is not None


def stream_status(ctx: RequestContext, stream_arn: str) -> str | None:
    """The status of the stream ``stream_arn`` (any account): CREATING, ACTIVE, UPDATING or
    DELETING as DescribeStream reports it; None when there is no such stream."""
    if not is_stream_arn(stream_arn):
        return None
    row = STREAMS.by_arn(ctx, stream_arn)
    return None if row is None else status(ctx, row)


def put_records(
    ctx: RequestContext, stream_arn: str, entries: list[tuple[bytes, str]]
) -> list[dict[str, Any]]:
    """Append (data, partition key) records; each one's ShardId and SequenceNumber."""
    stream = resolve(ctx, {"StreamARN": stream_arn})
    for data, partition_key in entries:
        records._check_entry(stream, data, partition_key)
    placed = records.put(ctx, stream, [(data, key, None) for data, key in entries])
    return [
        {"ShardId": shard_id(shard.number), "SequenceNumber": _sequence(stream, shard.number, position)}
        for shard, position in placed
    ]


def put_record(ctx: RequestContext, stream_arn: str, data: bytes, partition_key: str) -> dict[str, Any]:
    return put_records(ctx, stream_arn, [(data, partition_key)])[0]


def shard_ids(ctx: RequestContext, stream_arn: str, *, open_only: bool = False) -> list[str]:
    """The stream's shards (closed ones within its retention too, unless ``open_only``)."""
    stream = resolve(ctx, {"StreamARN": stream_arn})
    return [shard_id(s.number) for s in shards_of(ctx, stream, open_only=open_only)]


def read_records(
    ctx: RequestContext,
    stream_arn: str,
    shard: str,
    *,
    starting: str = "TRIM_HORIZON",
    sequence_number: str | None = None,
    limit: int = 100,
) -> tuple[list[dict[str, Any]], str | None]:
    """Up to ``limit`` records of a shard, as GetRecords gives them, from ``starting``
    (TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER with ``sequence_number``),
    and the sequence number to read AFTER next time (None: the shard is closed and read to its
    end). An event source mapping keeps that number between polls."""
    stream = resolve(ctx, {"StreamARN": stream_arn})
    found = find_shard(ctx, stream, shard)
    position = records.start_position(ctx, found, starting, sequence_number, None)
    page = records.read_page(ctx, stream, found, position, min(max(limit, 1), records.MAX_GET_RECORDS))
    if page.ended:
        return page.records, None
    return page.records, _sequence(stream, found.number, page.next_position - 1)
