"""DynamoDB and DynamoDB Streams.

Modules by concern: ``tables`` (table lifecycle, TTL, tags), ``items`` (Put/Get/Update/Delete),
``query`` (Query, Scan), ``batch``, ``transactions``, ``partiql``, ``streams``; the engine pieces
``types`` (AttributeValues, exact numbers, key encodings), ``schema`` (a table's definition),
``storage`` (rows, index entries, stream records), ``expressions`` (the expression language),
``legacy`` (Expected/AttributeUpdates/KeyConditions/...), ``capacity`` (ConsumedCapacity).
"""

from . import batch, items, partiql, query, streams, tables, transactions

__all__ = ["batch", "items", "partiql", "query", "streams", "tables", "transactions"]
