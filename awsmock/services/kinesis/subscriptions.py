"""SubscribeToShard: a consumer's records of one shard, pushed as an event stream.

The JSON protocol layer writes the ``application/vnd.amazon.eventstream`` answer (an
``initial-response``, then one message per event) from the events a handler returns. A
subscription delivers what the shard holds from its starting position when it is made, in
``SubscribeToShardEvent``\\ s of up to 10,000 records each, and ends; AWS keeps one open for up to
five minutes, and clients (the KCL among them) subscribe again from the last event's
``ContinuationSequenceNumber`` (AFTER_SEQUENCE_NUMBER) whenever one ends. A closed shard read to
its end gives its ``ChildShards`` and no continuation. Subscribing again with the same consumer
and shard within five seconds is ResourceInUseException, as on AWS.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import records
from .consumers import consumer_status, find
from .errors import InvalidArgumentException, ResourceInUseException
from .lookup import CONSUMERS, find_shard, iso, require_readable, resolve, sequence_number, shard_id, when

#: a consumer subscribes to a shard once in this long
RESUBSCRIBE_AFTER = dt.timedelta(seconds=5)
#: events one subscription delivers at most
MAX_EVENTS = 10


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
    events: list[dict[str, Any]] = []
    while len(events) < MAX_EVENTS:
        page = records.read_page(ctx, stream, shard, position, records.MAX_GET_RECORDS)
        event: dict[str, Any] = {"Records": page.records, "MillisBehindLatest": page.millis_behind}
        if page.ended:
            event["ChildShards"] = records.children(ctx, stream, shard)
        else:
            event["ContinuationSequenceNumber"] = sequence_number(stream, shard.number, page.next_position - 1)
        events.append({"SubscribeToShardEvent": event})
        if page.ended or page.next_position >= shard.next_position:
            break
        position = page.next_position
    return {"EventStream": events}
