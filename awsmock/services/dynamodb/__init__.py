"""DynamoDB and DynamoDB Streams.

Modules by concern: ``tables`` (table lifecycle, TTL, tags), ``items`` (Put/Get/Update/Delete),
``query`` (Query, Scan), ``batch``, ``transactions``, ``partiql``, ``streams``, ``backups``
(on-demand backups and restores), ``exports`` and ``imports`` (tables to and from S3, their
records in ``jobs``), ``policies``
(resource-based policies), ``insights`` (Contributor Insights settings); the engine pieces
``types`` (AttributeValues, exact numbers, key encodings), ``schema`` (a table's definition),
``storage`` (rows, index entries, stream records), ``expressions`` (the expression language),
``legacy`` (Expected/AttributeUpdates/KeyConditions/...), ``capacity`` (ConsumedCapacity).
"""

from . import (
    backups,
    batch,
    exports,
    insights,
    items,
    partiql,
    policies,
    query,
    streams,
    tables,
    transactions,
)

__all__ = [
    "backups",
    "batch",
    "exports",
    "imports",
    "insights",
    "items",
    "partiql",
    "policies",
    "query",
    "streams",
    "tables",
    "transactions",
]
