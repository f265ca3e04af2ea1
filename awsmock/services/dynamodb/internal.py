"""What other services ask of DynamoDB inside their own request: Lambda event source mappings
read a table's stream (its one shard) in order, from a sequence number they keep.

Records come as the ``dynamodbstreams`` GetRecords answer shapes them (``eventID``,
``eventName``, ``dynamodb`` with ``Keys``, ``NewImage``, ``OldImage``... in DynamoDB JSON).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from awsmock.engine import arns
from awsmock.engine.context import RequestContext

from .streams import RECORDS, SHARD_ID, STREAMS, _record_out

__all__ = ["SHARD_ID", "latest_sequence", "read_stream", "stream_exists"]


def stream_exists(ctx: RequestContext, stream_arn: str) -> bool:
    """Whether the stream ``stream_arn`` exists (enabled or not)."""
    row = ctx.session.execute(select(STREAMS.c.arn).where(STREAMS.c.arn == stream_arn)).first()
    return row is not None


def latest_sequence(ctx: RequestContext, stream_arn: str) -> int:
    """The sequence number of the stream's newest record (0: none yet)."""
    found = ctx.session.execute(
        select(func.max(RECORDS.c.seq)).where(RECORDS.c.stream_arn == stream_arn)
    ).scalar()
    return int(found or 0)


def read_stream(
    ctx: RequestContext, stream_arn: str, after: int, limit: int
) -> list[tuple[int, dict[str, Any]]]:
    """Up to ``limit`` records of the stream after sequence number ``after``, in order: each
    one's sequence number and the record as GetRecords gives it."""
    parsed = arns.parse(stream_arn)
    region = parsed.region if parsed is not None else ctx.region
    rows = ctx.session.execute(
        select(RECORDS.c.seq, RECORDS.c.created, RECORDS.c.record)
        .where(RECORDS.c.stream_arn == stream_arn, RECORDS.c.seq > after)
        .order_by(RECORDS.c.seq)
        .limit(max(1, limit))
    ).all()
    return [(int(seq), _record_out(int(seq), created, text, region)) for seq, created, text in rows]
