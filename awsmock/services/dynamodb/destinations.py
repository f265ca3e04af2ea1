"""Kinesis streaming destinations: Enable/Disable/Describe/UpdateKinesisStreamingDestination.

A table's destinations are kept in its spec (``KinesisDestinations``: stream ARN, status, the
precision of the records' times). A table has at most one live destination; entries of streams
that could not be used (ENABLE_FAILED) and disabled ones stay listed, as AWS keeps them. The
records themselves are written by :mod:`.replication` with each item change, in the request's
transaction, through the ``kinesis`` room's ``internal`` API.

AWS answers Enable with ENABLING and Disable with DISABLING and reaches ACTIVE / DISABLED a few
seconds later; here the change is made at once (records flow from the next write) and the
answer still shows the transitional status, as AWS's does.
"""

from __future__ import annotations

import json
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.services.kinesis import internal as kinesis

from .errors import DynamoValidation, ResourceNotFound
from .schema import TableInfo, find_table, save_spec, table_name_of

PRECISIONS = ("MILLISECOND", "MICROSECOND")
#: the description of a destination whose stream could not be used, as AWS words it
STREAM_REFUSED = "User does not have a permission to use kinesis stream"
_STATE_PREFIX = "Table is not in a valid state to enable Kinesis Streaming Destination: "
#: statuses of a destination that is neither failed nor off
_LIVE = ("ENABLING", "ACTIVE", "UPDATING", "DISABLING")


def _table(ctx: RequestContext, name: str) -> TableInfo:
    info = find_table(ctx, name)
    if info is None:
        raise ResourceNotFound(f"Requested resource not found: Table: {table_name_of(name)} not found")
    return info


def _precision(config: dict[str, Any] | None, where: str) -> str | None:
    value = (config or {}).get("ApproximateCreationDateTimePrecision")
    if value is not None and value not in PRECISIONS:
        raise DynamoValidation(
            f"1 validation error detected: Value '{value}' at '{where}.approximateCreationDateTimePrecision' "
            f"failed to satisfy constraint: Member must satisfy enum value set: [{', '.join(PRECISIONS)}]"
        )
    return value


def _entries(info: TableInfo) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads(json.dumps(info.spec.get("KinesisDestinations") or []))
    return entries


def _save(ctx: RequestContext, info: TableInfo, entries: list[dict[str, Any]]) -> None:
    save_spec(ctx, info, {**info.spec, "KinesisDestinations": entries})


@handler("dynamodb", "EnableKinesisStreamingDestination")
def enable(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    info = _table(ctx, params["TableName"])
    arn = params["StreamArn"]
    config = params.get("EnableKinesisStreamingConfiguration")
    precision = _precision(config, "enableKinesisStreamingConfiguration")
    entries = _entries(info)
    if any(e["DestinationStatus"] in _LIVE for e in entries):
        raise DynamoValidation(
            _STATE_PREFIX + "EnableKinesisStreamingDestination must be DISABLED or ENABLE_FAILED to "
            "perform ENABLE operation."
        )
    entry: dict[str, Any] = {"StreamArn": arn}
    if kinesis.stream_status(ctx, arn) in ("ACTIVE", "UPDATING"):
        entry["DestinationStatus"] = "ACTIVE"
    else:
        entry.update(DestinationStatus="ENABLE_FAILED", DestinationStatusDescription=STREAM_REFUSED)
    if precision is not None:
        entry["ApproximateCreationDateTimePrecision"] = precision
    entries = [entry] + [e for e in entries if e["StreamArn"] != arn]
    _save(ctx, info, entries)
    return {
        "TableName": info.name,
        "StreamArn": arn,
        "DestinationStatus": "ENABLING",
        "EnableKinesisStreamingConfiguration": dict(config or {}),
    }


def _active_entry(entries: list[dict[str, Any]], arn: str) -> dict[str, Any] | None:
    return next((e for e in entries if e["StreamArn"] == arn and e["DestinationStatus"] == "ACTIVE"), None)


@handler("dynamodb", "DisableKinesisStreamingDestination")
def disable(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    info = _table(ctx, params["TableName"])
    arn = params["StreamArn"]
    config = params.get("EnableKinesisStreamingConfiguration")
    _precision(config, "enableKinesisStreamingConfiguration")
    entries = _entries(info)
    entry = _active_entry(entries, arn)
    if entry is None:
        raise DynamoValidation(
            _STATE_PREFIX + "KinesisStreamingDestination must be ACTIVE to perform DISABLE operation."
        )
    entry["DestinationStatus"] = "DISABLED"
    _save(ctx, info, entries)
    return {
        "TableName": info.name,
        "StreamArn": arn,
        "DestinationStatus": "DISABLING",
        "EnableKinesisStreamingConfiguration": dict(config or {}),
    }


@handler("dynamodb", "DescribeKinesisStreamingDestination")
def describe(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    info = _table(ctx, params["TableName"])
    return {"TableName": info.name, "KinesisDataStreamDestinations": _entries(info)}


@handler("dynamodb", "UpdateKinesisStreamingDestination")
def update(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    info = _table(ctx, params["TableName"])
    arn = params["StreamArn"]
    config = params.get("UpdateKinesisStreamingConfiguration")
    precision = _precision(config, "updateKinesisStreamingConfiguration")
    if precision is None:
        raise DynamoValidation(
            "Streaming destination cannot be updated with given parameters: "
            "UpdateKinesisStreamingConfiguration cannot be null or contain only null values"
        )
    entries = _entries(info)
    entry = _active_entry(entries, arn)
    if entry is None:
        raise DynamoValidation(
            _STATE_PREFIX + "Kinesis streaming is not in ACTIVE state. Updates are only allowed in ACTIVE "
            f"state. TableName: {info.name}, kdsArn: {arn}"
        )
    if entry.get("ApproximateCreationDateTimePrecision") == precision:
        raise DynamoValidation(
            f"Invalid Request: Precision is already set to the desired value of {precision} for tableId: "
            f"{info.spec['TableId']}, kdsArn: {arn}"
        )
    entry["ApproximateCreationDateTimePrecision"] = precision
    _save(ctx, info, entries)
    return {
        "TableName": info.name,
        "StreamArn": arn,
        "DestinationStatus": "UPDATING",
        "UpdateKinesisStreamingConfiguration": {"ApproximateCreationDateTimePrecision": precision},
    }
