"""What one item write passes on beyond its own row: to the table's replicas in other Regions
(global tables) and to its Kinesis streaming destinations.

:mod:`.storage` calls :func:`echo` for a table with replicas or destinations (nothing else pays
for it). A replica receives the item as it now is, in the same transaction (an acknowledged
write has reached every replica; a failed one reached none): its own index entries, stream
record and Kinesis records follow, and nothing is echoed further. Version 2017.11.29 tables
also carry the attributes that version's replication adds to each item
(``aws:rep:updatetime``, ``aws:rep:updateregion``, ``aws:rep:deleting``).

Each change of an item of a table with an ACTIVE Kinesis destination becomes one record of
that data stream, in the record format AWS documents (``awsRegion``, ``eventID``,
``eventName``, ``userIdentity``, ``recordFormat``, ``tableName``, ``dynamodb`` with the keys,
images and times), written through the ``kinesis`` room's ``internal`` API.
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.services.kinesis import internal as kinesis

from .schema import TableInfo, find_table
from .types import Item, dump_item, item_size, items_equal

LEGACY = "2017.11.29"
CURRENT = "2019.11.21"
#: what AWS names as the identity of deletions DynamoDB makes itself (TTL)
SERVICE_IDENTITY = {"principalId": "dynamodb.amazonaws.com", "type": "Service"}
#: how a replica's stored item is read and written: ``storage``'s functions, passed in
Reader = Callable[[RequestContext, TableInfo, tuple[int, str, bytes]], Item | None]
Writer = Callable[..., None]


def in_region(ctx: RequestContext, region: str) -> RequestContext:
    """The request's context as seen from ``region`` (same account, transaction and clock)."""
    other = copy.copy(ctx)
    other.region = region
    return other


def stamped(ctx: RequestContext, item: Item) -> Item:
    """An item of a version 2017.11.29 global table as that version stores it."""
    now = ctx.now
    return {
        **{k: v for k, v in item.items() if not k.startswith("aws:rep:")},
        "aws:rep:deleting": {"BOOL": False},
        "aws:rep:updateregion": {"S": ctx.region},
        "aws:rep:updatetime": {"N": f"{int(now.timestamp())}.{now.microsecond:06d}"},
    }


def echo(
    ctx: RequestContext,
    table: TableInfo,
    key: tuple[int, str, bytes],
    old: Item | None,
    new: Item | None,
    old_known: bool,
    read: Reader,
    write: Writer,
    *,
    ttl: bool = False,
) -> None:
    """Pass one item change of ``table`` on to its replicas and Kinesis destinations (``read``
    and ``write``: how the replica's row is read and written)."""
    if old_known and items_equal(old, new):
        return
    for region in table.replicas:
        rctx = in_region(ctx, region)
        replica = find_table(rctx, table.name)
        if replica is None:
            continue
        there = read(rctx, replica, key)
        write(rctx, replica, key, there, new, echo=False)
        if replica.destinations and not items_equal(there, new):  # the replica's own destinations
            _to_kinesis(rctx, replica, key, there, new, ttl)
    _to_kinesis(ctx, table, key, old, new, ttl)


def _to_kinesis(
    ctx: RequestContext,
    table: TableInfo,
    key: tuple[int, str, bytes],
    old: Item | None,
    new: Item | None,
    ttl: bool,
) -> None:
    """One record of the change per Kinesis destination of ``table``."""
    for stream_arn, precision in table.destinations:
        record = kinesis_record(ctx, table, old, new, precision, ttl)
        partition = hashlib.md5(key[1].encode("utf-8"), usedforsecurity=False).hexdigest().upper()
        try:
            kinesis.put_record(ctx, stream_arn, dump_item(record).encode("utf-8"), partition)
        except kinesis.KinesisError:
            continue  # the stream is gone or refuses it: the write itself stands, as in AWS


def kinesis_record(
    ctx: RequestContext, table: TableInfo, old: Item | None, new: Item | None, precision: str, ttl: bool
) -> dict[str, Any]:
    """A change record as DynamoDB writes it to a Kinesis data stream."""
    source = new if new is not None else old
    assert source is not None
    keys = table.key_of(source)
    now = ctx.now
    seconds = int(now.timestamp())
    if precision == "MICROSECOND":
        stamp = seconds * 1_000_000 + now.microsecond
    else:
        stamp = seconds * 1000 + now.microsecond // 1000
    body: dict[str, Any] = {
        "ApproximateCreationDateTime": stamp,
        "ApproximateCreationDateTimePrecision": precision,
        "Keys": keys,
    }
    size = item_size(keys)
    if new is not None:
        body["NewImage"] = new
        size += item_size(new)
    if old is not None:
        body["OldImage"] = old
        size += item_size(old)
    body["SizeBytes"] = size
    return {
        "awsRegion": ctx.region,
        "eventID": str(uuid.uuid4()),
        "eventName": "INSERT" if old is None else "REMOVE" if new is None else "MODIFY",
        "userIdentity": SERVICE_IDENTITY if ttl else None,
        "recordFormat": "application/json",
        "tableName": table.name,
        "dynamodb": body,
        "eventSource": "aws:dynamodb",
    }
