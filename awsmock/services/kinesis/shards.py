"""Shards: their descriptions, ListShards (with its ShardFilter and NextToken rules) and
resharding: SplitShard, MergeShards and UpdateShardCount, which close shards (their ending
sequence number fixed) and open children that name their parents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.kinesis import Shard
from awsmock.models.resources import Resource

from .errors import (
    ExpiredNextTokenException,
    InvalidArgumentException,
    LimitExceededException,
    ResourceNotFoundException,
    ValidationException,
)
from .lookup import (
    MAX_HASH,
    ON_DEMAND,
    SHARD_LIMIT,
    STREAMS,
    add_shard,
    describe_arn,
    ending_sequence,
    even_ranges,
    find_shard,
    iso,
    key_text,
    mark_busy,
    mode,
    require_active,
    resolve,
    retention,
    shard_id,
    shard_number,
    shards_of,
    starting_sequence,
    when,
)

#: a ListShards token lives this long
TOKEN_LIFETIME = dt.timedelta(seconds=300)
#: UpdateShardCount: scalings per stream in a rolling day; shards per stream
SCALINGS_PER_DAY, MAX_SHARDS_PER_STREAM = 10, 10000


def describe(stream: Resource, shard: Shard) -> dict[str, Any]:
    out: dict[str, Any] = {"ShardId": shard_id(shard.number)}
    if shard.parent:
        out["ParentShardId"] = shard.parent
    if shard.adjacent_parent:
        out["AdjacentParentShardId"] = shard.adjacent_parent
    out["HashKeyRange"] = {
        "StartingHashKey": str(int(shard.start_key)),
        "EndingHashKey": str(int(shard.end_key)),
    }
    seq: dict[str, str] = {"StartingSequenceNumber": starting_sequence(stream, shard)}
    ending = ending_sequence(stream, shard)
    if ending is not None:
        seq["EndingSequenceNumber"] = ending
    out["SequenceNumberRange"] = seq
    return out


def open_shard_count(ctx: RequestContext) -> int:
    """Open shards of every stream of the caller's account and region (the shard limit's count)."""
    pks = select(Resource.pk).where(
        Resource.service == "kinesis",
        Resource.kind == "stream",
        Resource.account_id == ctx.account_id,
        Resource.region == ctx.region,
    )
    count = ctx.session.scalar(
        select(func.count()).select_from(Shard).where(Shard.stream_pk.in_(pks), Shard.closed.is_(None))
    )
    return int(count or 0)


def require_shard_limit(ctx: RequestContext, more: int) -> None:
    current = open_shard_count(ctx)
    if current + more > SHARD_LIMIT:
        raise LimitExceededException(
            f"This request would exceed the shard limit for the account {ctx.account_id} in {ctx.region}. "
            f"Current shard count for the account: {current}. Limit: {SHARD_LIMIT}. "
            f"Number of additional shards that would have resulted from this request: {more}."
        )


# -- ListShards -------------------------------------------------------------------------------


def _filtered(ctx: RequestContext, stream: Resource, shards: list[Shard], flt: dict[str, Any] | None) -> list[Shard]:
    if not flt:
        return shards
    kind = flt.get("Type")
    horizon = max(ctx.now - retention(stream), stream.created)
    if kind == "AT_LATEST":
        return [s for s in shards if s.closed is None]
    if kind == "FROM_TRIM_HORIZON":
        return shards
    if kind == "AT_TRIM_HORIZON":
        return [s for s in shards if s.created <= horizon and (s.closed is None or s.closed > horizon)]
    if kind in ("AT_TIMESTAMP", "FROM_TIMESTAMP"):
        ts = flt.get("Timestamp")
        if not isinstance(ts, dt.datetime):
            raise InvalidArgumentException(f"Timestamp must be provided for ShardFilter type {kind}.")
        ts = ts if ts.tzinfo else ts.replace(tzinfo=dt.UTC)
        if kind == "FROM_TIMESTAMP":
            return [s for s in shards if s.closed is None or s.closed > ts]
        point = max(ts, stream.created)
        return [s for s in shards if s.created <= point and (s.closed is None or s.closed > point)]
    if kind == "AFTER_SHARD_ID":
        number = shard_number(flt.get("ShardId"))
        if number is None:
            raise InvalidArgumentException("ShardId must be provided for ShardFilter type AFTER_SHARD_ID.")
        return [s for s in shards if s.number > number]
    raise InvalidArgumentException(f"Invalid ShardFilter type: {kind}.")


def _bad_token(token: str) -> InvalidArgumentException:
    return InvalidArgumentException(f"Invalid NextToken: {token[:128]}.")


@handler("kinesis", "ListShards")
def list_shards(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    token = params.get("NextToken")
    flt = params.get("ShardFilter")
    after: int | None = None
    if token is not None:
        for member in ("StreamName", "StreamARN", "ExclusiveStartShardId", "StreamCreationTimestamp", "ShardFilter"):
            if params.get(member) is not None:
                raise InvalidArgumentException(f"NextToken and {member} cannot be provided together.")
        values = pager.decode(token, "ListShards", _bad_token)
        if len(values) != 4:
            raise _bad_token(token)
        arn, after, flt, issued = values
        if not isinstance(arn, str) or not isinstance(after, int) or not isinstance(issued, str):
            raise _bad_token(token)
        try:
            issued_at = when(issued)
        except ValueError:
            raise _bad_token(token) from None
        if ctx.now > issued_at + TOKEN_LIFETIME:
            raise ExpiredNextTokenException(f"The NextToken {token[:64]}... has expired.")
        stream = resolve(ctx, {"StreamARN": arn})
        flt = _read_filter_token(flt, token)
    else:
        stream = resolve(ctx, params)
        created = params.get("StreamCreationTimestamp")
        if isinstance(created, dt.datetime):
            created = created if created.tzinfo else created.replace(tzinfo=dt.UTC)
            if abs((created - stream.created).total_seconds()) >= 1:
                raise ResourceNotFoundException(
                    f"Stream {describe_arn(ctx, stream.arn)} created at {created.isoformat()} not found."
                )
        start = params.get("ExclusiveStartShardId")
        if start is not None:
            after = shard_number(start)
            if after is None:
                raise InvalidArgumentException(f"Invalid ExclusiveStartShardId: {start}.")
    limit = min(params.get("MaxResults") or 1000, 1000)  # "at most 1000 results are returned"
    shards = _filtered(ctx, stream, shards_of(ctx, stream), flt)
    if after is not None:
        shards = [s for s in shards if s.number > after]
    page = shards[:limit]
    out: dict[str, Any] = {"Shards": [describe(stream, s) for s in page]}
    if len(shards) > limit:
        out["NextToken"] = pager.encode(
            "ListShards", [stream.arn, page[-1].number, _filter_token(flt), iso(ctx.now)]
        )
    return out


def _filter_token(flt: dict[str, Any] | None) -> Any:
    if not flt:
        return None
    ts = flt.get("Timestamp")
    return {
        "Type": flt.get("Type"),
        "ShardId": flt.get("ShardId"),
        "Timestamp": ts.isoformat() if isinstance(ts, dt.datetime) else None,
    }


def _read_filter_token(flt: Any, token: str) -> dict[str, Any] | None:
    if flt is None:
        return None
    if not isinstance(flt, dict):
        raise _bad_token(token)
    out = dict(flt)
    if isinstance(out.get("Timestamp"), str):
        try:
            out["Timestamp"] = when(out["Timestamp"])
        except ValueError:
            raise _bad_token(token) from None
    return out


# -- resharding -------------------------------------------------------------------------------


def _provisioned(ctx: RequestContext, stream: Resource, operation: str) -> None:
    if mode(stream) == ON_DEMAND:
        raise ValidationException(
            f"{operation} is not supported for stream {describe_arn(ctx, stream.arn)}: its capacity mode is ON_DEMAND."
        )


def _close(ctx: RequestContext, shard: Shard) -> None:
    shard.closed = ctx.now


def _open_shard(ctx: RequestContext, stream: Resource, value: Any) -> Shard:
    shard = find_shard(ctx, stream, value)
    if shard.closed is not None:
        raise ResourceNotFoundException(
            f"Shard {shard_id(shard.number)} in stream {describe_arn(ctx, stream.arn)} is closed."
        )
    return shard


@handler("kinesis", "SplitShard")
def split_shard(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve(ctx, params)
    _provisioned(ctx, stream, "SplitShard")
    require_active(ctx, stream)
    shard = _open_shard(ctx, stream, params.get("ShardToSplit"))
    raw = params.get("NewStartingHashKey")
    if not isinstance(raw, str) or not raw.isdigit() or len(raw) > 39:
        raise InvalidArgumentException(f"Invalid NewStartingHashKey: {str(raw)[:64]}.")
    key = int(raw)
    start, end = int(shard.start_key), int(shard.end_key)
    if not start + 1 < key < end or key > MAX_HASH:
        raise InvalidArgumentException(
            f"NewStartingHashKey {key} used in SplitShard() on shard {shard_id(shard.number)} in stream "
            f"{describe_arn(ctx, stream.arn)} is not both greater than one plus the shard's StartingHashKey "
            f"{start} and less than the shard's EndingHashKey {end}."
        )
    require_shard_limit(ctx, 1)
    doc = dict(stream.document)
    _close(ctx, shard)
    add_shard(ctx, stream, doc, start, key - 1, parent=shard)
    add_shard(ctx, stream, doc, key, end, parent=shard)
    mark_busy(ctx, stream, doc)
    return {}


@handler("kinesis", "MergeShards")
def merge_shards(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve(ctx, params)
    _provisioned(ctx, stream, "MergeShards")
    require_active(ctx, stream)
    first = _open_shard(ctx, stream, params.get("ShardToMerge"))
    second = _open_shard(ctx, stream, params.get("AdjacentShardToMerge"))
    a_start, a_end = int(first.start_key), int(first.end_key)
    b_start, b_end = int(second.start_key), int(second.end_key)
    if a_end + 1 != b_start and b_end + 1 != a_start:
        raise InvalidArgumentException(
            f"Shards {shard_id(first.number)} and {shard_id(second.number)} in stream "
            f"{describe_arn(ctx, stream.arn)} are not an adjacent pair of shards eligible for merging."
        )
    doc = dict(stream.document)
    _close(ctx, first)
    _close(ctx, second)
    add_shard(ctx, stream, doc, min(a_start, b_start), max(a_end, b_end), parent=first, adjacent=second)
    mark_busy(ctx, stream, doc)
    return {}


def reshard_uniformly(ctx: RequestContext, stream: Resource, doc: dict[str, Any], target: int) -> None:
    """Close the open shards and open ``target`` shards splitting the space evenly; each new shard
    names the old shards its range overlaps most as its parents (two at most, as AWS's lineage
    allows)."""
    old = sorted(shards_of(ctx, stream, open_only=True), key=lambda s: int(s.start_key))
    for shard in old:
        _close(ctx, shard)
    for start, end in even_ranges(target):
        overlaps = sorted(
            (
                (min(end, int(s.end_key)) - max(start, int(s.start_key)), i, s)
                for i, s in enumerate(old)
                if int(s.start_key) <= end and int(s.end_key) >= start
            ),
            key=lambda t: (-t[0], t[1]),
        )[:2]
        parents = [s for _, _, s in sorted(overlaps, key=lambda t: t[1])]
        add_shard(
            ctx, stream, doc, start, end,
            parent=parents[0] if parents else None,
            adjacent=parents[1] if len(parents) > 1 else None,
        )


@handler("kinesis", "UpdateShardCount")
def update_shard_count(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve(ctx, params)
    _provisioned(ctx, stream, "UpdateShardCount")
    target = params.get("TargetShardCount")
    if params.get("ScalingType") != "UNIFORM_SCALING":
        raise InvalidArgumentException("ScalingType must be UNIFORM_SCALING.")
    if not isinstance(target, int) or target < 1:
        raise InvalidArgumentException("TargetShardCount must be a positive integer.")
    require_active(ctx, stream)
    current = len(shards_of(ctx, stream, open_only=True))
    if target > 2 * current:
        raise InvalidArgumentException(
            "UpdateShardCount cannot scale up over double your current open shard count. "
            f"Current open shard count: {current} Target shard count: {target}"
        )
    if target * 2 < current:
        raise InvalidArgumentException(
            "UpdateShardCount cannot scale down below half your current open shard count. "
            f"Current open shard count: {current} Target shard count: {target}"
        )
    if target > MAX_SHARDS_PER_STREAM:
        raise LimitExceededException(
            f"UpdateShardCount cannot scale up over {MAX_SHARDS_PER_STREAM} shards in a stream. Target shard count: {target}"
        )
    doc = dict(stream.document)
    day_ago = ctx.now - dt.timedelta(days=1)
    recent = [t for t in doc.get("Scalings", []) if when(t) > day_ago]
    if len(recent) >= SCALINGS_PER_DAY:
        raise LimitExceededException(
            f"Stream {describe_arn(ctx, stream.arn)} has already been scaled {len(recent)} times "
            f"in the last 24 hours: the limit is {SCALINGS_PER_DAY}."
        )
    if target > current:
        require_shard_limit(ctx, target - current)
    if target != current:
        reshard_uniformly(ctx, stream, doc, target)
        doc["Scalings"] = [*recent, iso(ctx.now)]
        mark_busy(ctx, stream, doc)
    return {
        "StreamName": stream.name,
        "StreamARN": stream.arn,
        "CurrentShardCount": current,
        "TargetShardCount": target,
    }


def initial_shards(ctx: RequestContext, stream: Resource, doc: dict[str, Any], count: int) -> None:
    for start, end in even_ranges(count):
        add_shard(ctx, stream, doc, start, end)
    STREAMS.update(ctx, stream, document=doc)


__all__ = ["describe", "initial_shards", "key_text", "open_shard_count"]
