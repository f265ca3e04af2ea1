"""Archives (CreateArchive, DescribeArchive, ListArchives, UpdateArchive, DeleteArchive) and
replays (StartReplay, DescribeReplay, ListReplays, CancelReplay) as records.

An archive counts the events its bus receives that match its pattern (EventCount, SizeBytes);
it does not keep them, so a replay has nothing to send: it is recorded, validated as
EventBridge validates it, and completes at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from awsmock.engine import arns
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from .errors import IllegalStatusException, ResourceAlreadyExistsException, bus_not_found, validation
from .eventpatterns import compile_event_pattern
from .records import check_name, page
from .store import ARCHIVES, BUSES, DEFAULT, REPLAYS


def _source_bus(ctx: RequestContext, arn: Any) -> str:
    parsed = arns.parse(arn) if isinstance(arn, str) else None
    if parsed is None or parsed.service != "events" or not parsed.resource.startswith("event-bus/"):
        raise validation(f"Parameter {arn} is not valid. Reason: Provided Arn is not in correct format.")
    name = parsed.resource[len("event-bus/") :]
    if (
        parsed.account != ctx.account_id
        or parsed.region != ctx.region
        or (name != DEFAULT and BUSES.find(ctx, name) is None)
    ):
        raise bus_not_found(name)
    return str(arn)


def _retention(value: Any) -> int:
    if value is None:
        return 0
    if not isinstance(value, int) or value < 0:
        raise constraint_error(value)
    return value


def constraint_error(value: Any) -> Exception:
    return validation(
        f"1 validation error detected: Value '{value}' at 'retentionDays' failed to satisfy constraint: "
        "Member must have value greater than or equal to 0"
    )


def _archive(row: Resource, *, full: bool) -> dict[str, Any]:
    doc = row.document
    out: dict[str, Any] = {"ArchiveName": row.name, "EventSourceArn": row.parent, "State": row.state}
    if full:
        out = {"ArchiveArn": row.arn, **out}
        for key in ("Description", "EventPattern"):
            if doc.get(key):
                out[key] = doc[key]
    out["RetentionDays"] = int(doc.get("RetentionDays") or 0)
    out["SizeBytes"] = int(doc.get("SizeBytes") or 0)
    out["EventCount"] = int(doc.get("EventCount") or 0)
    out["CreationTime"] = row.created
    return out


@handler("events", "CreateArchive")
def create_archive(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params["ArchiveName"], "archiveName", 48)
    source = _source_bus(ctx, params["EventSourceArn"])
    if params.get("EventPattern"):
        compile_event_pattern(params["EventPattern"])
    retention = _retention(params.get("RetentionDays"))
    if ARCHIVES.find(ctx, name) is not None:
        raise ResourceAlreadyExistsException(f"Archive {name} already exists.")
    doc: dict[str, Any] = {"RetentionDays": retention, "EventCount": 0, "SizeBytes": 0}
    for key in ("Description", "EventPattern", "KmsKeyIdentifier"):
        if params.get(key):
            doc[key] = params[key]
    row = ARCHIVES.create(ctx, rid=name, name=name, parent=source, state="ENABLED", document=doc)
    return {"ArchiveArn": row.arn, "State": row.state, "CreationTime": row.created}


@handler("events", "DescribeArchive")
def describe_archive(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params["ArchiveName"], "archiveName", 48)
    return _archive(ARCHIVES.get(ctx, name), full=True)


@handler("events", "ListArchives")
def list_archives(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows, token = page(ctx, ARCHIVES, params, parent=params.get("EventSourceArn"), state=params.get("State"))
    out: dict[str, Any] = {"Archives": [_archive(r, full=False) for r in rows]}
    if token:
        out["NextToken"] = token
    return out


@handler("events", "UpdateArchive")
def update_archive(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params["ArchiveName"], "archiveName", 48)
    row = ARCHIVES.get(ctx, name)
    doc = dict(row.document)
    if params.get("EventPattern"):
        compile_event_pattern(params["EventPattern"])
        doc["EventPattern"] = params["EventPattern"]
    if "RetentionDays" in params:
        doc["RetentionDays"] = _retention(params["RetentionDays"])
    for key in ("Description", "KmsKeyIdentifier"):
        if key in params:
            doc[key] = params[key]
    ARCHIVES.update(ctx, row, document=doc)
    return {"ArchiveArn": row.arn, "State": row.state, "CreationTime": row.created}


@handler("events", "DeleteArchive")
def delete_archive(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params["ArchiveName"], "archiveName", 48)
    ARCHIVES.delete(ctx, ARCHIVES.get(ctx, name))
    return {}


# -- replays --------------------------------------------------------------------------------


def _replay(row: Resource, *, full: bool) -> dict[str, Any]:
    doc = row.document
    out: dict[str, Any] = {"ReplayName": row.name}
    if full:
        out["ReplayArn"] = row.arn
        if doc.get("Description"):
            out["Description"] = doc["Description"]
    out.update(
        {
            "EventSourceArn": row.parent,
            "State": row.state,
            "StateReason": doc.get("StateReason", ""),
            "EventStartTime": dt.datetime.fromisoformat(doc["EventStartTime"]),
            "EventEndTime": dt.datetime.fromisoformat(doc["EventEndTime"]),
            "ReplayStartTime": row.created,
            "ReplayEndTime": row.updated,
        }
    )
    if full:
        out["Destination"] = doc["Destination"]
    return out


@handler("events", "StartReplay")
def start_replay(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params["ReplayName"], "replayName", 64)
    source = params["EventSourceArn"]
    parsed = arns.parse(source) if isinstance(source, str) else None
    if parsed is None or not parsed.resource.startswith("archive/"):
        raise validation(
            "Parameter EventSourceArn is not valid. Reason: Provided Arn is not in correct format."
        )
    archive = ARCHIVES.get(ctx, parsed.resource[len("archive/") :])
    start, end = params["EventStartTime"], params["EventEndTime"]
    if start >= end:
        raise validation(
            "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime."
        )
    if end > ctx.now:
        raise validation(
            "Parameter EventEndTime is not valid. Reason: EventEndTime must be before the current time."
        )
    destination = params["Destination"]
    if destination.get("Arn") != archive.parent:
        raise validation(
            "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted."
        )
    if REPLAYS.find(ctx, name) is not None:
        raise ResourceAlreadyExistsException(f"Replay {name} already exists.")
    doc: dict[str, Any] = {
        "EventStartTime": start.isoformat(),
        "EventEndTime": end.isoformat(),
        "Destination": destination,
        "StateReason": "Replay completed: the archive kept no events to replay",
    }
    if params.get("Description"):
        doc["Description"] = params["Description"]
    row = REPLAYS.create(ctx, rid=name, name=name, parent=archive.arn, state="COMPLETED", document=doc)
    return {
        "ReplayArn": row.arn,
        "State": "STARTING",
        "StateReason": "Replay is starting",
        "ReplayStartTime": row.created,
    }


@handler("events", "DescribeReplay")
def describe_replay(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _replay(REPLAYS.get(ctx, check_name(params["ReplayName"], "replayName", 64)), full=True)


@handler("events", "ListReplays")
def list_replays(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows, token = page(ctx, REPLAYS, params, parent=params.get("EventSourceArn"), state=params.get("State"))
    out: dict[str, Any] = {"Replays": [_replay(r, full=False) for r in rows]}
    if token:
        out["NextToken"] = token
    return out


@handler("events", "CancelReplay")
def cancel_replay(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params["ReplayName"], "replayName", 64)
    row = REPLAYS.get(ctx, name)
    if row.state not in ("STARTING", "RUNNING"):
        raise IllegalStatusException(f"Replay {name} is not in a valid state for this operation.")
    REPLAYS.update(ctx, row, state="CANCELLED")
    return {"ReplayArn": row.arn, "State": "CANCELLING"}
