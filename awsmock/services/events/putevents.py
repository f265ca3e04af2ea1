"""PutEvents (per-entry validation and results, the 10-entry and 256 KB limits, the envelope
EventBridge delivers) and TestEventPattern."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.state import jsontext

from . import delivery
from .errors import validation
from .eventpatterns import compile_event_pattern
from .store import bus_arn, bus_exists, bus_name_of, bus_row

MAX_ENTRIES = 10
MAX_SIZE = 256 * 1024
TIME_SIZE = 14
_REQUIRED_IN_TEST = ("id", "account", "source", "time", "region", "detail-type")


def entry_size(entry: dict[str, Any]) -> int:
    """An entry's size as EventBridge counts it."""
    size = TIME_SIZE if entry.get("Time") is not None else 0
    for key in ("Source", "DetailType", "Detail"):
        value = entry.get(key)
        if isinstance(value, str):
            size += len(value.encode("utf-8", "surrogatepass"))
    for resource in entry.get("Resources") or []:
        if isinstance(resource, str):
            size += len(resource.encode("utf-8", "surrogatepass"))
    return size


def stamp(value: Any, now: dt.datetime) -> str:
    when = value if isinstance(value, dt.datetime) else now
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _failure(code: str, message: str) -> dict[str, Any]:
    return {"ErrorCode": code, "ErrorMessage": message}


def _missing(member: str) -> dict[str, Any]:
    return _failure(
        "InvalidArgument", f"Parameter {member} is not valid. Reason: {member} is a required argument."
    )


def _check_entry(ctx: RequestContext, entry: dict[str, Any]) -> tuple[dict[str, Any] | None, Any]:
    """(a failure, None) or (None, the parsed detail)."""
    for member in ("Source", "DetailType", "Detail"):
        if not entry.get(member):
            return _missing(member), None
    if str(entry["Source"]).startswith("aws."):
        return _failure("NotAuthorizedForSourceException", "Not authorized for the source."), None
    try:
        detail = jsontext.guarded_loads(entry["Detail"], max_depth=64, max_size=MAX_SIZE)
    except ValueError:
        return _failure("MalformedDetail", "Detail is malformed."), None
    if not isinstance(detail, dict):
        return _failure("MalformedDetail", "Detail is malformed."), None
    resources = entry.get("Resources") or []
    if not all(isinstance(r, str) for r in resources):
        return _failure("InvalidArgument", "Parameter Resources is not valid."), None
    return None, detail


def put_entry(ctx: RequestContext, entry: dict[str, Any]) -> dict[str, Any]:
    """Put one entry on its bus: its result (EventId, or ErrorCode and ErrorMessage)."""
    failure, detail = _check_entry(ctx, entry)
    if failure is not None:
        return failure
    try:
        bus = bus_name_of(ctx, entry.get("EventBusName"))
    except AwsError as err:
        return _failure("InvalidArgument", err.message)
    if not bus_exists(ctx, bus):
        return _failure("ResourceNotFoundException", f"Event bus {bus} does not exist.")
    bus_row(ctx, bus)
    event_id = str(uuid.uuid4())
    event = {
        "version": "0",
        "id": event_id,
        "detail-type": entry["DetailType"],
        "source": entry["Source"],
        "account": ctx.account_id,
        "time": stamp(entry.get("Time"), ctx.now),
        "region": ctx.region,
        "resources": list(entry.get("Resources") or []),
        "detail": detail,
    }
    delivery.deliver(ctx, bus_arn(ctx, bus), event)
    return {"EventId": event_id}


@handler("events", "PutEvents")
def put_events(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    entries = params["Entries"]
    if len(entries) > MAX_ENTRIES:
        raise validation(
            "1 validation error detected: Value at 'entries' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_ENTRIES}"
        )
    if sum(entry_size(e) for e in entries) > MAX_SIZE:
        raise validation("Total size of the entries in the request is over the limit.")
    results = [put_entry(ctx, entry) for entry in entries]
    return {"FailedEntryCount": sum(1 for r in results if "ErrorCode" in r), "Entries": results}


@handler("events", "TestEventPattern")
def test_event_pattern(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    pattern = compile_event_pattern(params["EventPattern"])
    try:
        event = jsontext.guarded_loads(params["Event"], max_depth=64, max_size=MAX_SIZE)
    except ValueError:
        raise validation("Parameter Event is not valid.") from None
    if not isinstance(event, dict) or any(key not in event for key in _REQUIRED_IN_TEST):
        raise validation("Parameter Event is not valid.")
    if event.get("account") != ctx.account_id:
        raise validation(
            "Parameter Event is not valid. Reason: Provided account doesn't match the account of the caller."
        )
    return {"Result": pattern.matches(event)}
