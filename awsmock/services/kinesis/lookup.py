"""Streams and consumers in the shared resource store, shards in Kinesis's own table, and what
their stored times make of them now.

A stream is a row of kind ``stream`` (id and name: its name; state: ``ACTIVE``; document: its
mode, retention, encryption, enhanced monitoring, record size limit, resource policy, the number
its next shard takes and its recent mode changes and scalings). A consumer is a row of kind
``consumer`` (id: its ARN; parent: its stream's ARN).

**Status comes from stored times.** A stream is ``CREATING`` until :data:`SETTLE` after its
creation and ``UPDATING`` until :data:`SETTLE` after a change that AWS carries out in the
background (resharding, a mode switch, encryption); consumers are ``CREATING`` the same moment.
:data:`SETTLE` is zero: AWS takes seconds, but botocore's ``stream_exists`` waiter polls every
ten seconds, and code written for a frozen clock (freezegun, time-machine) would never see the
moment end; so a stream is ``ACTIVE`` at its first look, and a longer moment (set ``SETTLE``)
shows every transition and its ``ResourceInUseException``\\ s.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import bindparam, select

from awsmock.engine import arns, resources
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import constraint_message
from awsmock.models.kinesis import Shard
from awsmock.models.resources import Resource
from awsmock.state.rawvalues import conversions

from .errors import (
    InvalidArgumentException,
    ResourceInUseException,
    ResourceNotFoundException,
    ValidationException,
)

#: how long CREATING and UPDATING last (see the module's docstring)
SETTLE = dt.timedelta(0)

#: the hash key space: 0 .. 2**128 - 1
MAX_HASH = 2**128 - 1
#: records stay readable this long by default, and within these bounds (hours)
DEFAULT_RETENTION, MIN_RETENTION, MAX_RETENTION = 24, 24, 8760
#: an ON_DEMAND stream starts with this many shards
ON_DEMAND_SHARDS = 4
#: DescribeLimits: shards per account and region, and ON_DEMAND streams
SHARD_LIMIT, ON_DEMAND_STREAM_LIMIT = 500, 50
#: consumers per stream
MAX_CONSUMERS = 20

CREATING, DELETING, ACTIVE, UPDATING = "CREATING", "DELETING", "ACTIVE", "UPDATING"
PROVISIONED, ON_DEMAND = "PROVISIONED", "ON_DEMAND"

NAME_PATTERN = re.compile(r"[a-zA-Z0-9_.-]+")
STREAM_ARN = re.compile(r"arn:aws[a-z-]*:kinesis:([a-z0-9-]+):(\d{12}):stream/([a-zA-Z0-9_.-]+)")
CONSUMER_ARN = re.compile(
    r"(arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream/[a-zA-Z0-9_.-]+)/consumer/([a-zA-Z0-9_.-]+):([0-9]+)"
)


def _missing_stream(rid: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Stream {rid} not found.")


STREAMS = resources.Kind(
    "kinesis",
    "stream",
    arn=lambda ctx, rid: ctx.arn("kinesis", f"stream/{rid}"),
    not_found=_missing_stream,
    exists=lambda rid: ResourceInUseException(f"Stream {rid} already exists."),
    title="Streams",
)

CONSUMERS = resources.Kind(
    "kinesis",
    "consumer",
    arn=lambda ctx, rid: rid,
    not_found=lambda rid: ResourceNotFoundException(f"Consumer {rid} not found."),
)


def iso(value: dt.datetime) -> str:
    return value.isoformat()


def when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def millis(value: dt.datetime) -> int:
    return int(value.timestamp() * 1000)


# -- names and ARNs ---------------------------------------------------------------------------


def check_name(value: Any, member: str) -> str:
    """A stream's or consumer's name as AWS accepts it (ValidationException otherwise)."""
    if not isinstance(value, str) or not value:
        raise ValidationException(constraint_message(value, member, "Member must have length greater than or equal to 1"))
    if len(value) > 128:
        raise ValidationException(constraint_message(value, member, "Member must have length less than or equal to 128"))
    if not NAME_PATTERN.fullmatch(value):
        raise ValidationException(
            constraint_message(value, member, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
        )
    return value


def stream_arn_of(ctx: RequestContext, name: str) -> str:
    return ctx.arn("kinesis", f"stream/{name}")


def parse_stream_arn(value: Any, member: str = "streamARN") -> tuple[str, str, str]:
    """(region, account, name) of a stream ARN (ValidationException when it is not one)."""
    m = STREAM_ARN.fullmatch(value) if isinstance(value, str) else None
    if m is None:
        raise ValidationException(
            constraint_message(
                value, member, "Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+"
            )
        )
    return m.group(1), m.group(2), m.group(3)


def describe_arn(ctx: RequestContext, arn: str) -> str:
    """A stream, named for an error: ``name under account N``."""
    parsed = arns.parse(arn)
    account = parsed.account if parsed else ctx.account_id
    name = parsed.resource_id if parsed else arn
    return f"{name} under account {account}"


# -- streams ----------------------------------------------------------------------------------


def stream_not_found(ctx: RequestContext, arn: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Stream {describe_arn(ctx, arn)} not found.")


def find_by_arn(ctx: RequestContext, arn: str) -> Resource | None:
    parse_stream_arn(arn)
    return STREAMS.by_arn(ctx, arn)


def _named(ctx: RequestContext, params: Mapping[str, Any], arn_only: bool) -> tuple[str, str | None]:
    """The ARN a request names its stream by, and the name when it names it by ``StreamName``."""
    arn = params.get("StreamARN")
    name = params.get("StreamName")
    if arn is None and (name is None or arn_only):
        raise InvalidArgumentException(
            "StreamARN must be provided." if arn_only else "Either StreamName or StreamARN must be provided."
        )
    if arn is not None:
        _region, _account, arn_name = parse_stream_arn(arn)
        if name is not None and name != arn_name:
            raise InvalidArgumentException(f"StreamName {name} does not match the stream of StreamARN {arn}.")
        return arn, None
    name = check_name(name, "streamName")
    return stream_arn_of(ctx, name), name


def resolve(ctx: RequestContext, params: Mapping[str, Any], *, arn_only: bool = False) -> Resource:
    """The stream a request names by ``StreamARN`` (any account, for resource policies) or
    ``StreamName`` (the caller's), or ResourceNotFoundException."""
    arn, name = _named(ctx, params, arn_only)
    row = STREAMS.by_arn(ctx, arn) if name is None else STREAMS.find(ctx, name)
    if row is None or status(ctx, row) == DELETING:
        raise stream_not_found(ctx, arn)
    return row


@dataclass
class StreamRow:
    """What a hot path (PutRecord, PutRecords) reads of a stream's row, raw: the values the ORM
    row would hold."""

    pk: int
    arn: str
    name: str | None
    document: dict[str, Any]
    created: dt.datetime
    state: str | None


_RES = Resource.__table__
_ROW = (_RES.c.pk, _RES.c.arn, _RES.c.name, _RES.c.document, _RES.c.created, _RES.c.state)
_ROW_BY_NAME = select(*_ROW).where(
    _RES.c.service == "kinesis",
    _RES.c.kind == "stream",
    _RES.c.account_id == bindparam("account"),
    _RES.c.region == bindparam("region"),
    _RES.c.rid == bindparam("rid"),
)
_ROW_BY_ARN = select(*_ROW).where(
    _RES.c.arn == bindparam("arn"), _RES.c.service == "kinesis", _RES.c.kind == "stream"
)


def resolve_row(ctx: RequestContext, params: Mapping[str, Any]) -> StreamRow:
    """:func:`resolve` in one prebuilt statement, without the ORM (the same answers and errors)."""
    arn, name = _named(ctx, params, False)
    ctx.tx.flush()  # the raw read must see the request's own ORM changes
    if name is None:
        found = ctx.tx.execute(_ROW_BY_ARN, {"arn": arn}).fetchone()
    else:
        found = ctx.tx.execute(
            _ROW_BY_NAME, {"account": ctx.account_id, "region": ctx.region, "rid": name}
        ).fetchone()
    if found is None:
        raise stream_not_found(ctx, arn)
    conv = conversions(ctx.tx)
    created = conv.time_out(found[4])
    assert created is not None  # (the column is not nullable)
    row = StreamRow(int(found[0]), found[1], found[2], conv.json_out(found[3]), created, found[5])
    if status(ctx, row) == DELETING:
        raise stream_not_found(ctx, arn)
    return row


def status(ctx: RequestContext, row: Resource | StreamRow) -> str:
    doc = row.document
    if row.created <= ctx.now < row.created + SETTLE:  # (a clock moved back before it: ACTIVE)
        return CREATING
    busy = doc.get("BusyUntil")
    if busy and ctx.now < when(busy) <= ctx.now + SETTLE:
        return UPDATING
    return row.state or ACTIVE


def require_active(ctx: RequestContext, row: Resource) -> None:
    """Changes wait for the stream to be ACTIVE (ResourceInUseException)."""
    state = status(ctx, row)
    if state != ACTIVE:
        raise ResourceInUseException(
            f"Stream {describe_arn(ctx, row.arn)} is in use (status {state}): try again when it is ACTIVE."
        )


def require_readable(ctx: RequestContext, row: Resource | StreamRow) -> None:
    """Records go to and come from ACTIVE and UPDATING streams; a CREATING one is not found."""
    if status(ctx, row) == CREATING:
        raise stream_not_found(ctx, row.arn)


def mark_busy(ctx: RequestContext, row: Resource, document: dict[str, Any]) -> None:
    """The stream is UPDATING for a moment after a change AWS carries out in the background."""
    document["BusyUntil"] = iso(ctx.now + SETTLE)
    STREAMS.update(ctx, row, document=document)


def mode(row: Resource) -> str:
    return str(row.document.get("StreamMode", PROVISIONED))


class Documented(Protocol):
    """A stream's row, or what a hot path read of it."""

    @property
    def document(self) -> dict[str, Any]: ...


def retention(row: Documented) -> dt.timedelta:
    return dt.timedelta(hours=int(row.document.get("RetentionPeriodHours", DEFAULT_RETENTION)))


# -- shards -----------------------------------------------------------------------------------


def shard_id(number: int) -> str:
    return f"shardId-{number:012d}"


def shard_number(value: Any) -> int | None:
    """The number of ``shardId-000000000007`` (leading zeros optional, as AWS accepts), or None."""
    if not isinstance(value, str):
        return None
    m = re.fullmatch(r"(?:shardId-)?(\d{1,12})", value)
    return int(m.group(1)) if m else None


def key_text(value: int) -> str:
    """A hash key as stored (39 digits: text order is number order)."""
    return f"{value:039d}"


def even_ranges(count: int) -> list[tuple[int, int]]:
    """The hash key space split evenly into ``count`` ranges, as AWS splits a new stream's."""
    width = (MAX_HASH + 1) // count
    return [(i * width, MAX_HASH if i == count - 1 else (i + 1) * width - 1) for i in range(count)]


def shards_of(ctx: RequestContext, stream: Resource, *, open_only: bool = False) -> list[Shard]:
    """The stream's shards by number (closed ones older than its retention are gone)."""
    stmt = select(Shard).where(Shard.stream_pk == stream.pk).order_by(Shard.number)
    if open_only:
        stmt = stmt.where(Shard.closed.is_(None))
    rows = list(ctx.session.scalars(stmt))
    cutoff = ctx.now - retention(stream)
    return [s for s in rows if s.closed is None or s.closed > cutoff]


def find_shard(ctx: RequestContext, stream: Resource, value: Any) -> Shard:
    number = shard_number(value)
    found = None
    if number is not None:
        found = ctx.session.scalars(
            select(Shard).where(Shard.stream_pk == stream.pk, Shard.number == number)
        ).first()
    if found is None or (found.closed is not None and found.closed <= ctx.now - retention(stream)):
        raise ResourceNotFoundException(
            f"Shard {str(value)[:128]} in stream {describe_arn(ctx, stream.arn)} does not exist"
        )
    return found


def add_shard(
    ctx: RequestContext,
    stream: Resource,
    document: dict[str, Any],
    start: int,
    end: int,
    parent: Shard | None = None,
    adjacent: Shard | None = None,
) -> Shard:
    """A new open shard of the stream (``document`` is the stream's, its next number moves on)."""
    number = int(document.get("NextShard", 0))
    document["NextShard"] = number + 1
    shard = Shard(
        stream_pk=stream.pk,
        number=number,
        parent=shard_id(parent.number) if parent else None,
        adjacent_parent=shard_id(adjacent.number) if adjacent else None,
        start_key=key_text(start),
        end_key=key_text(end),
        created=ctx.now,
        closed=None,
        next_position=1,
    )
    ctx.session.add(shard)
    return shard


# -- sequence numbers -------------------------------------------------------------------------
#
# 56 digits, as AWS's: "49", the stream's creation (13 digits of milliseconds), the shard's
# number (6 digits) and the record's position in the shard (35 digits). They grow within a shard,
# and a child shard's are greater than its parents'.


def sequence_number(stream: Documented, shard_number_: int, position: int) -> str:
    return f"49{int(stream.document['CreatedMs']):013d}{shard_number_:06d}{position:035d}"


def read_sequence_number(value: Any, member: str = "StartingSequenceNumber") -> tuple[int, int, int]:
    """(stream creation ms, shard number, position) of a sequence number, or InvalidArgumentException."""
    if not isinstance(value, str) or not re.fullmatch(r"49\d{54}", value):
        raise InvalidArgumentException(f"Invalid {member}: {str(value)[:128]}.")
    return int(value[2:15]), int(value[15:21]), int(value[21:])


def starting_sequence(stream: Resource, shard: Shard) -> str:
    return sequence_number(stream, shard.number, 0)


def ending_sequence(stream: Resource, shard: Shard) -> str | None:
    if shard.closed is None:
        return None
    return sequence_number(stream, shard.number, max(shard.next_position - 1, 0))
