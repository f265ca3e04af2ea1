"""Records: PutRecord and PutRecords (routed to the open shard whose hash key range holds the MD5
of the partition key, or the ExplicitHashKey), GetShardIterator of every type, and GetRecords.

A record is a row of ``kinesis_record`` keyed by (shard, position); its sequence number is made
from the shard and the position (:func:`.lookup.sequence_number`). A shard iterator carries the
stream, the shard, the position to read from and when it was issued: it expires five minutes
later. A GetRecords page is one range of the (shard, position) key, whatever the stream holds;
records older than the stream's retention are left out when read.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.kinesis import Record, Shard
from awsmock.models.resources import Resource
from awsmock.state import jsontext
from awsmock.state.rawvalues import conversions
from awsmock.state.store import compiled_sql

from .errors import ExpiredIteratorException, InvalidArgumentException, ResourceNotFoundException
from .lookup import (
    MAX_HASH,
    STREAMS,
    StreamRow,
    describe_arn,
    find_shard,
    millis,
    read_sequence_number,
    require_readable,
    resolve,
    resolve_row,
    retention,
    sequence_number,
    shard_id,
    stream_not_found,
)

#: a shard iterator is valid this long after it is issued
ITERATOR_LIFETIME = dt.timedelta(minutes=5)
#: GetRecords: records and bytes per call at most
MAX_GET_RECORDS, MAX_GET_BYTES = 10000, 10 * 1024 * 1024
#: PutRecords: bytes per request at most (data and partition keys)
MAX_PUT_BYTES = 5 * 1024 * 1024


# -- routing ----------------------------------------------------------------------------------


def hash_key(partition_key: str, explicit: Any) -> int:
    if explicit is not None:
        if not isinstance(explicit, str) or not explicit.isdigit() or len(explicit) > 39 or int(explicit) > MAX_HASH:
            raise InvalidArgumentException(
                f"Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, {MAX_HASH}]. "
                f"Specified value was {str(explicit)[:64]}"
            )
        return int(explicit)
    return int.from_bytes(hashlib.md5(partition_key.encode("utf-8"), usedforsecurity=False).digest(), "big")


@dataclass
class OpenShard:
    """What routing needs of an open shard (read raw: PutRecords is a hot path)."""

    id: int
    number: int
    start: int
    next_position: int


class Router:
    """The open shards of a stream, found by hash key (one read per request)."""

    def __init__(self, shards: Sequence[OpenShard]) -> None:
        self.shards = sorted(shards, key=lambda s: s.start)
        self.starts = [s.start for s in self.shards]

    def shard_for(self, key: int) -> OpenShard:
        i = bisect.bisect_right(self.starts, key) - 1
        return self.shards[max(i, 0)]


#: prebuilt statements (compiled once per dialect): writing and reading records are hot paths
_S = Shard.__table__
_R = Record.__table__
_OPEN_SHARDS = select(_S.c.id, _S.c.number, _S.c.start_key, _S.c.next_position).where(
    _S.c.stream_pk == bindparam("stream_pk"), _S.c.closed.is_(None)
)
_SET_NEXT = _S.update().where(_S.c.id == bindparam("shard_id")).values(next_position=bindparam("next_position"))
_INSERT = _R.insert().values(
    {name: bindparam(name) for name in ("shard_id", "position", "partition_key", "data", "arrived")}
)
_RES = Resource.__table__
_STREAM_SHARD = (
    select(_RES.c.document, _S.c.id, _S.c.closed, _S.c.next_position)
    .select_from(_RES.join(_S, _S.c.stream_pk == _RES.c.pk))
    .where(
        _RES.c.arn == bindparam("arn"),
        _RES.c.pk == bindparam("pk"),
        _RES.c.service == "kinesis",
        _RES.c.kind == "stream",
        _S.c.number == bindparam("number"),
    )
)
_PAGE = (
    select(_R.c.position, _R.c.partition_key, _R.c.data, _R.c.arrived)
    .where(
        _R.c.shard_id == bindparam("shard_id"),
        _R.c.position >= bindparam("position"),
        _R.c.arrived > bindparam("cutoff"),
    )
    .order_by(_R.c.position)
    .limit(bindparam("limit"))
)


def _open_shards(ctx: RequestContext, stream: Resource | StreamRow) -> list[OpenShard]:
    ctx.tx.flush()
    rows = ctx.tx.execute(_OPEN_SHARDS, {"stream_pk": stream.pk}).fetchall()
    return [OpenShard(int(i), int(n), int(k), int(p)) for i, n, k, p in rows]


def _check_entry(stream: Resource | StreamRow, data: Any, partition_key: Any) -> int:
    if not isinstance(partition_key, str) or not partition_key:
        raise InvalidArgumentException("PartitionKey must be provided.")
    if len(partition_key) > 256:
        raise InvalidArgumentException(
            f"1 validation error detected: Value '{partition_key[:64]}...' at 'partitionKey' failed to satisfy "
            "constraint: Member must have length less than or equal to 256"
        )
    if not isinstance(data, (bytes, bytearray)):
        raise InvalidArgumentException("Data must be provided.")
    size = len(data) + len(partition_key.encode("utf-8"))
    limit = int(stream.document.get("MaxRecordSizeInKiB", 1024)) * 1024
    if size > limit:
        raise InvalidArgumentException(
            f"Record size ({size} bytes: data and partition key) exceeds the maximum record size of "
            f"{limit // 1024} KiB for stream {stream.name}."
        )
    return size


def _check_ordering(value: Any) -> None:
    if value is not None:
        read_sequence_number(value, "SequenceNumberForOrdering")


def news_topic(stream_pk: int) -> str:
    """The notifier topic of a stream's new records (SubscribeToShard waits for it)."""
    return f"kinesis:records:{stream_pk}"


def put(
    ctx: RequestContext, stream: Resource | StreamRow, entries: list[tuple[bytes, str, Any]]
) -> list[tuple[OpenShard, int]]:
    """Append records (data, partition key, explicit hash key); their (shard, position)."""
    require_readable(ctx, stream)
    router = Router(_open_shards(ctx, stream))
    arrived = conversions(ctx.tx).time_in(ctx.now)
    placed: list[tuple[OpenShard, int]] = []
    rows: list[dict[str, Any]] = []
    touched: dict[int, OpenShard] = {}
    for data, partition_key, explicit in entries:
        shard = router.shard_for(hash_key(partition_key, explicit))
        position = shard.next_position
        shard.next_position = position + 1
        touched[shard.id] = shard
        placed.append((shard, position))
        rows.append(
            {
                "shard_id": shard.id,
                "position": position,
                "partition_key": partition_key,
                "data": bytes(data),
                "arrived": arrived,
            }
        )
    if rows:
        sql, bind = compiled_sql(_INSERT, ctx.tx.dialect)
        ctx.tx.dbapi.cursor().executemany(sql, [bind(r) for r in rows])
        for shard in touched.values():
            ctx.tx.execute(_SET_NEXT, {"shard_id": shard.id, "next_position": shard.next_position})
        ctx.store.notifier.publish(ctx, news_topic(stream.pk))  # wakes the stream's subscriptions
    return placed


def _encryption(stream: Resource | StreamRow) -> str:
    return str(stream.document.get("EncryptionType", "NONE"))


@handler("kinesis", "PutRecord")
def put_record(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve_row(ctx, params)
    data, partition_key = params.get("Data"), params.get("PartitionKey")
    _check_entry(stream, data, partition_key)
    _check_ordering(params.get("SequenceNumberForOrdering"))
    explicit = params.get("ExplicitHashKey")
    hash_key(str(partition_key), explicit)
    [(shard, position)] = put(ctx, stream, [(data, partition_key, explicit)])  # type: ignore[list-item]
    return {
        "ShardId": shard_id(shard.number),
        "SequenceNumber": sequence_number(stream, shard.number, position),
        "EncryptionType": _encryption(stream),
    }


@handler("kinesis", "PutRecords")
def put_records(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve_row(ctx, params)
    entries = params.get("Records") or []
    if not entries:
        raise InvalidArgumentException("Records must contain at least one record.")
    if len(entries) > 500:
        raise InvalidArgumentException(
            "1 validation error detected: Value at 'records' failed to satisfy constraint: "
            "Member must have length less than or equal to 500"
        )
    total = 0
    checked: list[tuple[bytes, str, Any]] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise InvalidArgumentException("Each record must be a structure with Data and PartitionKey.")
        total += _check_entry(stream, entry.get("Data"), entry.get("PartitionKey"))
        hash_key(str(entry.get("PartitionKey")), entry.get("ExplicitHashKey"))
        checked.append((entry["Data"], entry["PartitionKey"], entry.get("ExplicitHashKey")))
    if total > MAX_PUT_BYTES:
        raise InvalidArgumentException(
            f"Records size exceeds 5 MB limit: the request's records and partition keys take {total} bytes."
        )
    placed = put(ctx, stream, checked)
    return {
        "FailedRecordCount": 0,
        "Records": [
            {"SequenceNumber": sequence_number(stream, shard.number, position), "ShardId": shard_id(shard.number)}
            for shard, position in placed
        ],
        "EncryptionType": _encryption(stream),
    }


# -- shard iterators --------------------------------------------------------------------------


def _iterator(stream: Resource | StreamView, shard: Shard | ShardView, position: int, now: dt.datetime) -> str:
    raw = json.dumps([stream.arn, stream.pk, shard.number, position, millis(now)], separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def _bad_iterator(value: Any) -> InvalidArgumentException:
    return InvalidArgumentException(f"Invalid ShardIterator: {str(value)[:128]}.")


def read_iterator(value: Any) -> tuple[str, int, int, int, int]:
    """(stream ARN, stream row, shard number, position, issued ms) of an iterator."""
    try:
        if not isinstance(value, str) or len(value) > 512:
            raise ValueError("not an iterator")
        parts = jsontext.guarded_loads(base64.b64decode(value, validate=True))
        arn, pk, number, position, issued = parts
        if not isinstance(arn, str) or not all(isinstance(v, int) and not isinstance(v, bool) for v in (pk, number, position, issued)):
            raise ValueError("not an iterator")
    except (ValueError, TypeError, binascii.Error, UnicodeError):
        raise _bad_iterator(value) from None
    return arn, pk, number, position, issued


def _position_at(ctx: RequestContext, shard: Shard, when: dt.datetime) -> int:
    found = ctx.session.scalar(
        select(Record.position)
        .where(Record.shard_id == shard.id, Record.arrived >= when)
        .order_by(Record.position)
        .limit(1)
    )
    return int(found) if found is not None else shard.next_position


def start_position(ctx: RequestContext, shard: Shard, kind: Any, seq: Any, stamp: Any, member: str = "StartingSequenceNumber") -> int:
    """Where reading of the shard starts, for a shard iterator type (or a starting position)."""
    if kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
        if seq is None:
            raise InvalidArgumentException(f"{member} must be provided for ShardIteratorType {kind}.")
        _created, number, position = read_sequence_number(seq, member)
        if number != shard.number:
            raise InvalidArgumentException(
                f"Invalid {member}. It encodes {shard_id(number)}, while it was used in a call "
                f"to a shard with {shard_id(shard.number)}"
            )
        return position if kind == "AT_SEQUENCE_NUMBER" else position + 1
    if seq is not None:
        raise InvalidArgumentException(f"{member} must not be provided for ShardIteratorType {kind}.")
    if kind == "TRIM_HORIZON":
        return 0
    if kind == "LATEST":
        return shard.next_position
    if kind == "AT_TIMESTAMP":
        if not isinstance(stamp, dt.datetime):
            raise InvalidArgumentException("Timestamp must be provided for ShardIteratorType AT_TIMESTAMP.")
        return _position_at(ctx, shard, stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC))
    raise InvalidArgumentException(f"Invalid ShardIteratorType: {kind}.")


@handler("kinesis", "GetShardIterator")
def get_shard_iterator(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve(ctx, params)
    require_readable(ctx, stream)
    shard = find_shard(ctx, stream, params.get("ShardId"))
    start = start_position(
        ctx, shard, params.get("ShardIteratorType"), params.get("StartingSequenceNumber"), params.get("Timestamp")
    )
    return {"ShardIterator": _iterator(stream, shard, start, ctx.now)}


def _java_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%a %b %d %H:%M:%S UTC %Y")


@handler("kinesis", "GetRecords")
def get_records(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn, pk, number, position, issued_ms = read_iterator(params.get("ShardIterator"))
    issued = dt.datetime.fromtimestamp(issued_ms / 1000, dt.UTC)
    if ctx.now > issued + ITERATOR_LIFETIME:
        raise ExpiredIteratorException(
            f"Iterator expired. The iterator was created at time {_java_time(issued)} while right now it is "
            f"{_java_time(ctx.now)} which is further in the future than the tolerated delay of "
            f"{int(ITERATOR_LIFETIME.total_seconds() * 1000)} milliseconds."
        )
    given = params.get("StreamARN")
    if given is not None and given != arn:
        raise InvalidArgumentException(f"The ShardIterator does not belong to stream {given}.")
    found = stream_and_shard(ctx, arn, pk, number)
    if found is None:
        row = STREAMS.by_arn(ctx, arn)
        if row is None or row.pk != pk:
            raise stream_not_found(ctx, arn)
        raise ResourceNotFoundException(f"Shard {shard_id(number)} in stream {describe_arn(ctx, arn)} does not exist.")
    stream, shard = found
    limit = params.get("Limit") or MAX_GET_RECORDS
    if not isinstance(limit, int) or not 1 <= limit <= MAX_GET_RECORDS:
        raise InvalidArgumentException(f"Limit must be between 1 and {MAX_GET_RECORDS}.")
    page = read_page(ctx, stream, shard, position, limit)
    out: dict[str, Any] = {"Records": page.records, "MillisBehindLatest": page.millis_behind}
    if page.ended:
        out["ChildShards"] = children(ctx, stream, shard)
    else:
        out["NextShardIterator"] = _iterator(stream, shard, page.next_position, ctx.now)
    return out


@dataclass
class RecordPage:
    records: list[dict[str, Any]]
    #: where the next page starts
    next_position: int
    millis_behind: int
    #: the shard is closed and read to its end
    ended: bool


@dataclass
class StreamView:
    """What reading needs of a stream (read raw with its shard: GetRecords is a hot path)."""

    pk: int
    arn: str
    document: dict[str, Any]


@dataclass
class ShardView:
    id: int
    number: int
    closed: Any
    next_position: int


def stream_and_shard(ctx: RequestContext, arn: str, pk: int, number: int) -> tuple[StreamView, ShardView] | None:
    """What reading needs of a stream (``arn`` and ``pk``: the same stream, not one made again
    under its name) and of its shard ``number``, read as they are now; None when either is gone."""
    ctx.tx.flush()
    found = ctx.tx.execute(_STREAM_SHARD, {"arn": arn, "pk": pk, "number": number}).fetchone()
    if found is None:
        return None
    stream = StreamView(pk, arn, conversions(ctx.tx).json_out(found[0]))
    return stream, ShardView(int(found[1]), number, found[2], int(found[3]))


def read_page(
    ctx: RequestContext, stream: Resource | StreamView, shard: Shard | ShardView, position: int, limit: int
) -> RecordPage:
    """Up to ``limit`` live records (10 MiB at most) of the shard from ``position``: one range
    of the (shard, position) key."""
    conv = conversions(ctx.tx)
    ctx.tx.flush()
    rows = ctx.tx.execute(
        _PAGE,
        {
            "shard_id": shard.id,
            "position": position,
            "cutoff": conv.time_in(ctx.now - retention(stream)),
            "limit": limit + 1,
        },
    ).fetchall()
    out_records: list[dict[str, Any]] = []
    size = 0
    encryption = str(stream.document.get("EncryptionType", "NONE"))
    prefix = sequence_number(stream, shard.number, 0)[:21]
    arrivals: list[dt.datetime] = []
    for row_position, partition_key, data, arrived in rows[:limit]:
        size += len(data) + len(partition_key)
        if out_records and size > MAX_GET_BYTES:
            break
        when = conv.time_out(arrived)
        arrivals.append(when)  # type: ignore[arg-type]
        record: dict[str, Any] = {
            "SequenceNumber": f"{prefix}{row_position:035d}",
            "ApproximateArrivalTimestamp": when,
            "Data": bytes(data),
            "PartitionKey": partition_key,
        }
        if encryption != "NONE":
            record["EncryptionType"] = encryption
        out_records.append(record)
    taken = len(out_records)
    more = len(rows) > taken
    if not more:  # nothing between the page and the shard's tip
        next_position = max(position, shard.next_position)
        behind = 0
    else:
        next_position = int(rows[taken - 1][0]) + 1
        behind = max(0, int((ctx.now - arrivals[-1]).total_seconds() * 1000))
    ended = shard.closed is not None and not more
    return RecordPage(out_records, next_position, behind, ended)


def children(ctx: RequestContext, stream: Resource | StreamView, shard: Shard | ShardView) -> list[dict[str, Any]]:
    name = shard_id(shard.number)
    found = ctx.session.scalars(
        select(Shard)
        .where(Shard.stream_pk == stream.pk, (Shard.parent == name) | (Shard.adjacent_parent == name))
        .order_by(Shard.number)
    )
    return [
        {
            "ShardId": shard_id(child.number),
            "ParentShards": [p for p in (child.parent, child.adjacent_parent) if p],
            "HashKeyRange": {
                "StartingHashKey": str(int(child.start_key)),
                "EndingHashKey": str(int(child.end_key)),
            },
        }
        for child in found
    ]
