"""SubscribeToShard: a consumer's records of one shard, pushed as an event stream as they arrive.

The JSON protocol layer writes the ``application/vnd.amazon.eventstream`` answer (an
``initial-response``, then one message per event) from the events a handler returns, lazily: the
handler returns a :class:`Subscription`, an iterable that makes its events as the records come.
Its first event holds what the shard has from the starting position when the call is made (read
in the call's own transaction, so a bad position or a missing shard is an error answer); then,
for up to :data:`LIFETIME` (five minutes, as on AWS), each batch of records that arrives is an
event of its own (up to 10,000 records each, as GetRecords pages), and a quiet shard still gets
an event every :data:`HEARTBEAT`, with no records, so its ``ContinuationSequenceNumber`` and
``MillisBehindLatest`` move on. Clients (the KCL among them) subscribe again from the last
event's ``ContinuationSequenceNumber`` (AFTER_SEQUENCE_NUMBER) whenever one ends. A closed shard
read to its end gives its ``ChildShards`` and no continuation, and ends the subscription; a
stream deleted meanwhile ends it with a ``ResourceNotFoundException`` event. Subscribing again
with the same consumer and shard within five seconds is ResourceInUseException, as on AWS.

Time is the engine's clock (what freezegun and time-machine move): moving it past
:data:`LIFETIME` ends a subscription at its next look, so tests need not wait five minutes. Over
HTTP/2 (``awsmock/h2c.py``) and HTTP/1.1 (chunked) alike, events go out as they are made; a
subscription reads in short transactions of its own between events, and waits for
``PutRecord(s)`` to notify the stream's topic (:func:`.records.news_topic`), looking again every
:data:`LOOK_EVERY` seconds for the clock and for writes of other processes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from awsmock.engine.context import RequestContext, acting, utcnow
from awsmock.engine.registry import handler
from awsmock.state.store import Store

from . import records
from .consumers import consumer_status, find
from .errors import InvalidArgumentException, ResourceInUseException
from .lookup import (
    CONSUMERS,
    find_shard,
    iso,
    require_readable,
    resolve,
    sequence_number,
    shard_id,
    stream_not_found,
    when,
)

#: a consumer subscribes to a shard once in this long
RESUBSCRIBE_AFTER = dt.timedelta(seconds=5)
#: how long a subscription delivers events (AWS: five minutes), on the engine's clock
LIFETIME = dt.timedelta(minutes=5)
#: a quiet shard gets an event (with no records) this often
HEARTBEAT = dt.timedelta(seconds=5)
#: seconds a waiting subscription sleeps at most before it looks again
LOOK_EVERY = 0.5


@handler("kinesis", "SubscribeToShard")
def subscribe_to_shard(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("ConsumerARN") is None:
        raise InvalidArgumentException("ConsumerARN must be provided.")
    consumer = find(ctx, {"ConsumerARN": params["ConsumerARN"]})
    if consumer_status(ctx, consumer) != "ACTIVE":
        raise ResourceInUseException(f"Consumer {consumer.arn} is not ACTIVE.")
    stream = resolve(ctx, {"StreamARN": consumer.parent})
    require_readable(ctx, stream)
    shard = find_shard(ctx, stream, params.get("ShardId"))
    start = params.get("StartingPosition") or {}
    position = records.start_position(
        ctx, shard, start.get("Type"), start.get("SequenceNumber"), start.get("Timestamp"), "SequenceNumber"
    )
    name = shard_id(shard.number)
    recent = {
        k: v
        for k, v in (consumer.document.get("Subscriptions") or {}).items()
        if ctx.now < when(v) + RESUBSCRIBE_AFTER
    }
    if name in recent:
        raise ResourceInUseException(
            f"Another active subscription exists for consumer {consumer.arn} on shard {name}: "
            f"subscribe again {int(RESUBSCRIBE_AFTER.total_seconds())} seconds after the last call."
        )
    recent[name] = iso(ctx.now)
    CONSUMERS.update(ctx, consumer, document={**consumer.document, "Subscriptions": recent})
    page = records.read_page(ctx, stream, shard, position, records.MAX_GET_RECORDS)
    first = _event(ctx, stream, shard, page)
    where = _Where(ctx.store, ctx.account_id, ctx.region, ctx.request_id, stream.arn, stream.pk, shard.number)
    return {"EventStream": Subscription(where, first, page, ctx.now)}


class _Where:
    """What a subscription reads again after its call's transaction ended."""

    __slots__ = ("account", "arn", "number", "pk", "region", "request_id", "store")

    def __init__(self, store: Store, account: str, region: str, request_id: str, arn: str, pk: int, number: int) -> None:
        self.store = store
        self.account = account
        self.region = region
        self.request_id = request_id
        self.arn = arn
        self.pk = pk
        self.number = number


def _event(ctx: RequestContext, stream: Any, shard: Any, page: records.RecordPage) -> dict[str, Any]:
    event: dict[str, Any] = {"Records": page.records, "MillisBehindLatest": page.millis_behind}
    if page.ended:
        event["ChildShards"] = records.children(ctx, stream, shard)
    else:
        # the last record read (or, before any, where reading starts): AFTER_SEQUENCE_NUMBER goes on
        event["ContinuationSequenceNumber"] = sequence_number(stream, shard.number, max(page.next_position - 1, 0))
    return {"SubscribeToShardEvent": event}


class Subscription:
    """The events of one subscription, made as they are read (see the module's docstring)."""

    def __init__(self, where: _Where, first: dict[str, Any], page: records.RecordPage, started: dt.datetime) -> None:
        self.where = where
        self.first = first
        self.position = page.next_position
        self.ended = page.ended
        self.started = started

    def __iter__(self) -> Iterator[dict[str, Any]]:
        yield self.first
        if self.ended:
            return
        where = self.where
        notifier = where.store.notifier
        news = records.news_topic(where.pk)
        end = self.started + LIFETIME
        last = self.started  # when the last event was made
        while True:
            now = utcnow()
            if now >= end:
                return
            seen = notifier.version(news)  # a write after this is not slept through
            event, page = self._read()
            if page is None:  # the stream (or the shard) is gone
                yield event
                return
            self.position = page.next_position
            if page.records or page.ended or now - last >= HEARTBEAT:
                last = now
                yield event
                if page.ended:
                    return
                if page.records and page.millis_behind:  # more to read at once
                    continue
            wait = min(HEARTBEAT - (now - last), end - now).total_seconds()
            notifier.wait(news, seen, max(0.0, min(notifier.poll_interval(LOOK_EVERY), wait)))

    def _read(self) -> tuple[dict[str, Any], records.RecordPage | None]:
        where = self.where
        with acting(
            where.store, "kinesis", "SubscribeToShard", account=where.account, region=where.region,
            request_id=where.request_id, write=False,
        ) as ctx:
            found = records.stream_and_shard(ctx, where.arn, where.pk, where.number)
            if found is None:
                return {"ResourceNotFoundException": {"message": stream_not_found(ctx, where.arn).message}}, None
            stream, shard = found
            page = records.read_page(ctx, stream, shard, self.position, records.MAX_GET_RECORDS)
            return _event(ctx, stream, shard, page), page
