"""DynamoDB and DynamoDB Streams.

Modules by concern: ``tables`` (table lifecycle, TTL, tags), ``items`` (Put/Get/Update/Delete),
``query`` (Query, Scan), ``batch``, ``transactions``, ``partiql``, ``streams``, ``backups``
(on-demand backups and restores), ``exports`` and ``imports`` (tables to and from S3, their
records in ``jobs``), ``policies``
(resource-based policies), ``insights`` (Contributor Insights settings); the engine pieces
``types`` (AttributeValues, exact numbers, key encodings), ``schema`` (a table's definition),
``storage`` (rows, index entries, stream records), ``expressions`` (the expression language),
``legacy`` (Expected/AttributeUpdates/KeyConditions/...), ``capacity`` (ConsumedCapacity);
``replication`` (global tables' replica sets), ``fanout`` (what each write passes on to the
replicas and to Kinesis),
``globaltables`` (the version 2017.11.29 global table operations), ``autoscaling`` (replica
auto scaling settings), ``destinations`` (Kinesis streaming destinations);
``access`` (the tables a request acts on, as authorization names them).
"""

from awsmock.engine.facts import ServiceFacts
from awsmock.engine.registry import declare

from . import (
    access,
    autoscaling,
    backups,
    batch,
    destinations,
    exports,
    globaltables,
    insights,
    items,
    partiql,
    policies,
    query,
    streams,
    tables,
    transactions,
)

FACTS = declare(
    ServiceFacts(
        "dynamodb",
        resources=access.resource_arns,
        access=access.access,
        resource_policy=policies.table_policy,
        json_type_namespace=access.TYPE_NAMESPACE,
        crc32=True,
    )
)
STREAMS_FACTS = declare(ServiceFacts("dynamodbstreams", json_type_namespace=access.TYPE_NAMESPACE))

__all__ = [
    "FACTS",
    "STREAMS_FACTS",
    "autoscaling",
    "backups",
    "batch",
    "destinations",
    "exports",
    "globaltables",
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
