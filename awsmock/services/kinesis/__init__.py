"""Amazon Kinesis Data Streams: streams in PROVISIONED and ON_DEMAND modes, shards with hash key
ranges and their lineage through splits, merges and scaling, records routed by the MD5 of their
partition key with sequence numbers that grow per shard, shard iterators of every type that
expire, retention, encryption settings, enhanced monitoring, consumers, tags, resource policies.

Modules by concern: ``lookup`` (streams and consumers in the shared store, shards, status from
stored times, hash keys and sequence numbers), ``streams`` (lifecycle, modes, retention,
encryption, monitoring, limits), ``shards`` (ListShards, resharding), ``records`` (PutRecord(s),
GetShardIterator, GetRecords), ``consumers``, ``subscriptions`` (SubscribeToShard), ``tags``,
``policies`` (resource policies), ``account`` (account settings), ``warm`` (warm throughput),
``dashboard``, ``errors``; what Kinesis declares about itself: ``access`` (resources, resource
policies); ``internal`` is what other services call. Shards and records are Kinesis's own tables
(``awsmock.models.kinesis``).

SubscribeToShard (``subscriptions``) pushes a shard's records as they arrive, for up to five minutes.
"""

from __future__ import annotations

from awsmock.engine.facts import ServiceFacts
from awsmock.engine.registry import declare

from . import (
    access,
    account,
    consumers,
    dashboard,
    policies,
    records,
    shards,
    streams,
    subscriptions,
    tags,
    warm,
)

FACTS = declare(
    ServiceFacts(
        "kinesis",
        resources=access.resource_arns,
        resource_policy=access.resource_policy,
    )
)

__all__ = ["FACTS", "account", "consumers", "dashboard", "policies", "records", "shards", "streams", "subscriptions", "tags", "warm"]
