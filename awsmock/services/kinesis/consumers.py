"""Enhanced fan-out consumers: RegisterStreamConsumer, DescribeStreamConsumer,
ListStreamConsumers, DeregisterStreamConsumer. A consumer is a row of the shared store (id: its
ARN, ``<stream ARN>/consumer/<name>:<creation seconds>``; parent: its stream's ARN); it is
``CREATING`` for :data:`.lookup.SETTLE` after it is registered, then ``ACTIVE``. What it reads:
:mod:`.subscriptions`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from .errors import (
    ExpiredNextTokenException,
    InvalidArgumentException,
    LimitExceededException,
    ResourceInUseException,
    ResourceNotFoundException,
)
from .lookup import (
    CONSUMER_ARN,
    CONSUMERS,
    MAX_CONSUMERS,
    SETTLE,
    check_name,
    iso,
    resolve,
    when,
)
from .streams import consumers_of
from .tags import apply

#: a ListStreamConsumers token lives this long
TOKEN_LIFETIME = dt.timedelta(seconds=300)


def consumer_status(ctx: RequestContext, row: Resource) -> str:
    return "CREATING" if row.created <= ctx.now < row.created + SETTLE else "ACTIVE"


def _describe(ctx: RequestContext, row: Resource, *, full: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ConsumerName": row.name,
        "ConsumerARN": row.arn,
        "ConsumerStatus": consumer_status(ctx, row),
        "ConsumerCreationTimestamp": row.created,
    }
    if full:
        out["StreamARN"] = row.parent
    return out


def _by_name(ctx: RequestContext, stream: Resource, name: str) -> Resource | None:
    for row in _of_stream(ctx, stream):
        if row.name == name:
            return row
    return None


def _of_stream(ctx: RequestContext, stream: Resource) -> list[Resource]:
    return consumers_of(ctx, stream)


def find(ctx: RequestContext, params: dict[str, Any]) -> Resource:
    """The consumer named by ConsumerARN, or by StreamARN and ConsumerName."""
    arn = params.get("ConsumerARN")
    if arn is not None:
        m = CONSUMER_ARN.fullmatch(arn) if isinstance(arn, str) else None
        if m is None:
            raise InvalidArgumentException(f"Invalid ConsumerARN: {str(arn)[:256]}.")
        row = CONSUMERS.by_arn(ctx, arn)
        if row is None:
            raise ResourceNotFoundException(f"Consumer {arn} not found.")
        return row
    if params.get("StreamARN") is None or params.get("ConsumerName") is None:
        raise InvalidArgumentException("Either ConsumerARN, or StreamARN and ConsumerName, must be provided.")
    stream = resolve(ctx, params, arn_only=True)
    name = check_name(params.get("ConsumerName"), "consumerName")
    found = _by_name(ctx, stream, name)
    if found is None:
        raise ResourceNotFoundException(f"Consumer {name} under stream {stream.arn} not found.")
    return found


@handler("kinesis", "RegisterStreamConsumer")
def register_stream_consumer(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve(ctx, params, arn_only=True)
    name = check_name(params.get("ConsumerName"), "consumerName")
    existing = _of_stream(ctx, stream)
    if any(r.name == name for r in existing):
        raise ResourceInUseException(f"Consumer {name} under stream {stream.arn} already exists.")
    if len(existing) >= MAX_CONSUMERS:
        raise LimitExceededException(
            f"Stream {stream.arn} already has {len(existing)} consumers: the limit is {MAX_CONSUMERS}."
        )
    arn = f"{stream.arn}/consumer/{name}:{int(ctx.now.timestamp())}"
    row = CONSUMERS.create(ctx, rid=arn, name=name, parent=stream.arn, arn=arn, document={}, state="ACTIVE")
    apply(ctx, arn, params.get("Tags"))
    return {"Consumer": _describe(ctx, row, full=False)}


@handler("kinesis", "DescribeStreamConsumer")
def describe_stream_consumer(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"ConsumerDescription": _describe(ctx, find(ctx, params), full=True)}


@handler("kinesis", "DeregisterStreamConsumer")
def deregister_stream_consumer(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    CONSUMERS.delete(ctx, find(ctx, params))
    return {}


def _bad_token(token: str) -> InvalidArgumentException:
    return InvalidArgumentException(f"Invalid NextToken: {token[:128]}.")


@handler("kinesis", "ListStreamConsumers")
def list_stream_consumers(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve(ctx, params, arn_only=True)
    created = params.get("StreamCreationTimestamp")
    if isinstance(created, dt.datetime):
        created = created if created.tzinfo else created.replace(tzinfo=dt.UTC)
        if abs((created - stream.created).total_seconds()) >= 1:
            raise ResourceNotFoundException(f"Stream {stream.arn} created at {created.isoformat()} not found.")
    limit = min(params.get("MaxResults") or 100, 100)  # "at most 100 results are returned"
    token = params.get("NextToken")
    after = None
    if token is not None:
        values = pager.decode(token, "ListStreamConsumers", _bad_token)
        if len(values) != 3:
            raise _bad_token(token)
        scope_arn, after, issued = values
        if scope_arn != stream.arn or not isinstance(after, str) or not isinstance(issued, str):
            raise _bad_token(token)
        try:
            issued_at = when(issued)
        except ValueError:
            raise _bad_token(token) from None
        if ctx.now > issued_at + TOKEN_LIFETIME:
            raise ExpiredNextTokenException(f"The NextToken {token[:64]}... has expired.")
    rows = sorted(_of_stream(ctx, stream), key=lambda r: r.name or "")
    if after is not None:
        rows = [r for r in rows if (r.name or "") > after]
    page = rows[:limit]
    out: dict[str, Any] = {"Consumers": [_describe(ctx, r, full=False) for r in page]}
    if len(rows) > limit:
        out["NextToken"] = pager.encode("ListStreamConsumers", [stream.arn, page[-1].name, iso(ctx.now)])
    return out
