"""DynamoDB Streams: change records written with each item write, read through the
``dynamodbstreams`` API (ListStreams, DescribeStream, GetShardIterator, GetRecords).

Each stream has one shard; a record's sequence number is its row id, so a shard iterator is just
the stream, the shard and the last sequence number read (encoded, with its issue time).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from typing import Any

from sqlalchemy import func, insert, select

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.dynamodb import DynamoStream, DynamoStreamRecord
from awsmock.state import jsontext

from .errors import DynamoValidation, ExpiredIterator, ResourceNotFound
from .schema import TableInfo, arn_of, table_name_of
from .types import Item, dump_item, item_size, load_item

STREAMS = DynamoStream.__table__
RECORDS = DynamoStreamRecord.__table__
SHARD_ID = "shardId-00000000000000000001-00000001"
ITERATOR_LIFETIME = 15 * 60
VIEW_TYPES = ("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY")


def stream_label(now: dt.datetime) -> str:
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}"


def create_stream(
    ctx: RequestContext, table_name: str, key_schema: list[dict[str, str]], view_type: str
) -> tuple[str, str]:
    """A new stream for a table; returns ``(arn, label)``."""
    label = stream_label(ctx.now)
    arn = arn_of(ctx, table_name, "stream", label)
    existing = ctx.session.execute(select(STREAMS.c.arn).where(STREAMS.c.arn == arn)).first()
    if existing is not None:  # two streams within one millisecond: nudge the label
        label = stream_label(ctx.now + dt.timedelta(milliseconds=1))
        arn = arn_of(ctx, table_name, "stream", label)
    ctx.session.execute(
        insert(STREAMS).values(
            arn=arn,
            account_id=ctx.account_id,
            region=ctx.region,
            table_name=table_name,
            label=label,
            view_type=view_type,
            key_schema=json.dumps(key_schema),
            enabled=True,
            created=ctx.now,
        )
    )
    return arn, label


def disable_stream(ctx: RequestContext, arn: str) -> None:
    ctx.session.execute(STREAMS.update().where(STREAMS.c.arn == arn).values(enabled=False))


def emit_record(
    ctx: RequestContext, table: TableInfo, old: Item | None, new: Item | None, *, ttl: bool = False
) -> None:
    view = table.stream_view or "KEYS_ONLY"
    source = new if new is not None else old
    assert source is not None
    keys = table.key_of(source)
    rec: dict[str, Any] = {
        "id": uuid.uuid4().hex,
        "name": "INSERT" if old is None else "REMOVE" if new is None else "MODIFY",
        "keys": keys,
        "view": view,
    }
    size = item_size(keys)
    if new is not None and view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
        rec["new"] = new
        size += item_size(new)
    if old is not None and view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
        rec["old"] = old
        size += item_size(old)
    rec["size"] = size
    if ttl:
        rec["ttl"] = True
    assert table.stream_arn is not None
    ctx.session.execute(
        insert(RECORDS).values(stream_arn=table.stream_arn, created=ctx.now, record=dump_item(rec))
    )


def _record_out(seq: int, created: dt.datetime, text: str, region: str) -> dict[str, Any]:
    rec = load_item(text)
    body: dict[str, Any] = {
        "ApproximateCreationDateTime": created.replace(microsecond=0),
        "Keys": rec["keys"],
        "SequenceNumber": _seq_text(seq),
        "SizeBytes": rec["size"],
        "StreamViewType": rec["view"],
    }
    if "new" in rec:
        body["NewImage"] = rec["new"]
    if "old" in rec:
        body["OldImage"] = rec["old"]
    out: dict[str, Any] = {
        "eventID": rec["id"],
        "eventName": rec["name"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": body,
    }
    if rec.get("ttl"):
        out["userIdentity"] = {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
    return out


def _seq_text(seq: int) -> str:
    return f"{seq:021d}"


def _stream_row(ctx: RequestContext, arn: str) -> Any:
    row = ctx.session.execute(
        select(STREAMS).where(STREAMS.c.arn == arn, STREAMS.c.account_id == ctx.account_id)
    ).first()
    if row is None:
        raise ResourceNotFound(f"Requested resource not found: Stream: {arn} not found")
    return row


@handler("dynamodbstreams", "ListStreams")
def list_streams(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stmt = (
        select(STREAMS.c.arn, STREAMS.c.table_name, STREAMS.c.label)
        .where(STREAMS.c.account_id == ctx.account_id, STREAMS.c.region == ctx.region)
        .order_by(STREAMS.c.arn)
    )
    if params.get("TableName"):
        stmt = stmt.where(STREAMS.c.table_name == table_name_of(params["TableName"]))
    if params.get("ExclusiveStartStreamArn"):
        stmt = stmt.where(STREAMS.c.arn > params["ExclusiveStartStreamArn"])
    limit = int(params.get("Limit") or 100)
    rows = ctx.session.execute(stmt.limit(limit + 1)).all()
    out: dict[str, Any] = {
        "Streams": [
            {"StreamArn": arn, "TableName": name, "StreamLabel": label} for arn, name, label in rows[:limit]
        ]
    }
    if len(rows) > limit:
        out["LastEvaluatedStreamArn"] = rows[limit - 1][0]
    return out


@handler("dynamodbstreams", "DescribeStream")
def describe_stream(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _stream_row(ctx, params["StreamArn"])
    first, last = ctx.session.execute(
        select(func.min(RECORDS.c.seq), func.max(RECORDS.c.seq)).where(RECORDS.c.stream_arn == row.arn)
    ).one()
    rng: dict[str, Any] = {"StartingSequenceNumber": _seq_text(first or 1)}
    if not row.enabled:
        rng["EndingSequenceNumber"] = _seq_text(last or 1)
    return {
        "StreamDescription": {
            "StreamArn": row.arn,
            "StreamLabel": row.label,
            "StreamStatus": "ENABLED" if row.enabled else "DISABLED",
            "StreamViewType": row.view_type,
            "CreationRequestDateTime": row.created,
            "TableName": row.table_name,
            "KeySchema": json.loads(row.key_schema),
            "Shards": [{"ShardId": SHARD_ID, "SequenceNumberRange": rng}],
        }
    }


def _encode_iterator(arn: str, position: int, issued: float) -> str:
    raw = json.dumps([arn, position, issued], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii")


def _decode_iterator(text: str) -> tuple[str, int, float]:
    try:
        arn, position, issued = jsontext.guarded_loads(base64.urlsafe_b64decode(text.encode("ascii")))
        return str(arn), int(position), float(issued)
    except (ValueError, TypeError, UnicodeError, OverflowError):  # OverflowError: a position of 1e400
        raise DynamoValidation("Invalid ShardIterator") from None


@handler("dynamodbstreams", "GetShardIterator")
def get_shard_iterator(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _stream_row(ctx, params["StreamArn"])
    if params["ShardId"] != SHARD_ID:
        raise ResourceNotFound(f"Requested resource not found: Shard does not exist: {params['ShardId']}")
    kind = params["ShardIteratorType"]
    seq_text = params.get("SequenceNumber")
    if kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
        if not seq_text or not str(seq_text).isdigit():
            raise DynamoValidation("Invalid SequenceNumber for ShardIteratorType: " + kind)
        seq = int(seq_text)
        position = seq - 1 if kind == "AT_SEQUENCE_NUMBER" else seq
    elif kind == "LATEST":
        position = (
            ctx.session.execute(
                select(func.max(RECORDS.c.seq)).where(RECORDS.c.stream_arn == row.arn)
            ).scalar()
            or 0
        )
    else:
        position = 0
    return {"ShardIterator": _encode_iterator(row.arn, position, ctx.now.timestamp())}


@handler("dynamodbstreams", "GetRecords")
def get_records(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn, position, issued = _decode_iterator(params["ShardIterator"])
    now = ctx.now.timestamp()
    if now - issued > ITERATOR_LIFETIME:
        raise ExpiredIterator(
            "Iterator expired. The iterator was created at time "
            f"{dt.datetime.fromtimestamp(issued, dt.UTC)} while right now it's time "
            f"{ctx.now} which is further in the future than the tolerated delay of "
            "900000 milliseconds."
        )
    row = _stream_row(ctx, arn)
    limit = int(params.get("Limit") or 1000)
    if limit < 1 or limit > 1000:
        raise DynamoValidation(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: "
            "Member must have value less than or equal to 1000"
        )
    rows = ctx.session.execute(
        select(RECORDS.c.seq, RECORDS.c.created, RECORDS.c.record)
        .where(RECORDS.c.stream_arn == arn, RECORDS.c.seq > position)
        .order_by(RECORDS.c.seq)
        .limit(limit)
    ).all()
    records = [_record_out(seq, created, text, ctx.region) for seq, created, text in rows]
    last = rows[-1][0] if rows else position
    out: dict[str, Any] = {"Records": records}
    if row.enabled or rows:
        out["NextShardIterator"] = _encode_iterator(arn, last, now)
    return out
