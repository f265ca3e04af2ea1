"""The account's encryption configuration (GetEncryptionConfig, PutEncryptionConfig) and the
telemetry records the daemon sends (PutTelemetryRecords), kept as records."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.xray import TelemetryRecord

from .errors import InvalidRequestException, ResourceNotFoundException
from .lookup import SETTINGS

ENCRYPTION = "encryption"
#: what a KeyId may be: a key id, an alias, or the ARN of either
KEY_ID = re.compile(
    r"(arn:[\w-]+:kms:[\w-]+:\d{12}:(key/[\w-]+|alias/[\w/.-]+))|(alias/[\w/.-]+)|([0-9a-fA-F-]{36})|(mrk-[0-9a-f]{32})"
)
_COUNTS = ("SegmentsReceivedCount", "SegmentsSentCount", "SegmentsSpilloverCount", "SegmentsRejectedCount")


@handler("xray", "GetEncryptionConfig")
def get_encryption_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = SETTINGS.find(ctx, ENCRYPTION)
    config = dict(row.document) if row is not None else {"Type": "NONE"}
    return {"EncryptionConfig": {**config, "Status": "ACTIVE"}}


@handler("xray", "PutEncryptionConfig")
def put_encryption_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    kind = params["Type"]
    key = params.get("KeyId")
    if kind == "NONE" and key is not None:
        raise InvalidRequestException("KeyId must not be specified when Type is NONE.")
    if kind == "KMS":
        if key is None:
            raise InvalidRequestException("KeyId is required when Type is KMS.")
        if not KEY_ID.fullmatch(key):
            raise InvalidRequestException(f"Invalid KeyId: {key}")
    config: dict[str, Any] = {"Type": kind}
    if key is not None:
        config["KeyId"] = key
    row = SETTINGS.find(ctx, ENCRYPTION)
    if row is None:
        SETTINGS.create(ctx, rid=ENCRYPTION, document=config)
    else:
        SETTINGS.update(ctx, row, document=config)
    return {"EncryptionConfig": {**config, "Status": "UPDATING"}}


@handler("xray", "PutTelemetryRecords")
def put_telemetry_records(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    for record in params["TelemetryRecords"]:
        counts = {k: record[k] for k in _COUNTS if record.get(k) is not None}
        if any(v < 0 for v in counts.values()):
            raise InvalidRequestException("Telemetry counts must not be negative.")
        if record.get("BackendConnectionErrors"):
            counts["BackendConnectionErrors"] = record["BackendConnectionErrors"]
        ctx.session.add(
            TelemetryRecord(
                account_id=ctx.account_id,
                region=ctx.region,
                timestamp=record["Timestamp"],
                hostname=params.get("Hostname"),
                instance_id=params.get("EC2InstanceId"),
                resource_arn=params.get("ResourceARN"),
                counts=json.dumps(counts),
            )
        )
    return {}


DESTINATION = "destination"
INDEXING = "indexing"
#: the Default indexing rule's sampling percentage (Transaction Search indexes 1% of spans)
DEFAULT_PERCENTAGE = 1.0


@handler("xray", "GetTraceSegmentDestination")
def get_trace_segment_destination(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = SETTINGS.find(ctx, DESTINATION)
    return {"Destination": row.document["Destination"] if row is not None else "XRay", "Status": "ACTIVE"}


@handler("xray", "UpdateTraceSegmentDestination")
def update_trace_segment_destination(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    destination = params.get("Destination") or "XRay"
    row = SETTINGS.find(ctx, DESTINATION)
    if row is None:
        SETTINGS.create(ctx, rid=DESTINATION, document={"Destination": destination})
    else:
        SETTINGS.update(ctx, row, document={"Destination": destination})
    return {"Destination": destination, "Status": "PENDING"}


def _indexing_rule(ctx: RequestContext) -> dict[str, Any]:
    row = SETTINGS.find(ctx, INDEXING)
    percentage = row.document["DesiredSamplingPercentage"] if row is not None else DEFAULT_PERCENTAGE
    modified = row.updated if row is not None else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return {
        "Name": "Default",
        "ModifiedAt": modified,
        "Rule": {"Probabilistic": {"DesiredSamplingPercentage": percentage}},
    }


@handler("xray", "GetIndexingRules")
def get_indexing_rules(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("NextToken"):
        raise InvalidRequestException("The specified NextToken is invalid.")
    return {"IndexingRules": [_indexing_rule(ctx)]}


@handler("xray", "UpdateIndexingRule")
def update_indexing_rule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if params["Name"] != "Default":
        raise ResourceNotFoundException(f"Indexing rule {params['Name']} not found.", ResourceName=params["Name"])
    probabilistic = (params.get("Rule") or {}).get("Probabilistic")
    if not probabilistic:
        raise InvalidRequestException("Rule must specify Probabilistic.")
    percentage = float(probabilistic["DesiredSamplingPercentage"])
    if not 0 <= percentage <= 100:
        raise InvalidRequestException("DesiredSamplingPercentage must be between 0 and 100.")
    row = SETTINGS.find(ctx, INDEXING)
    if row is None:
        SETTINGS.create(ctx, rid=INDEXING, document={"DesiredSamplingPercentage": percentage})
    else:
        SETTINGS.update(ctx, row, document={"DesiredSamplingPercentage": percentage})
    return {"IndexingRule": _indexing_rule(ctx)}
