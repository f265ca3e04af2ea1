"""EventBridge as access control sees it: the bus, rule, archive, replay, connection or API
destination a request acts on (``event-bus/NAME``, ``rule/[BUS/]NAME``...), and the bus policy
as the resource policy of the requests made to a bus."""

from __future__ import annotations

from typing import Any

from awsmock.auth.resources import ResourcePolicy
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError

from .store import (
    ARCHIVES,
    BUSES,
    CONNECTIONS,
    DEFAULT,
    DESTINATIONS,
    ENDPOINTS,
    PARTNER_SOURCES,
    REPLAYS,
    bus_name_of,
)

_BUS_BY_NAME = frozenset(["CreateEventBus", "DescribeEventBus", "DeleteEventBus", "UpdateEventBus"])
_BUS_BY_EVENT_BUS_NAME = frozenset(["PutPermission", "RemovePermission"])
_RULE_BY_NAME = frozenset(["PutRule", "DescribeRule", "DeleteRule", "EnableRule", "DisableRule"])
_RULE_BY_RULE = frozenset(["PutTargets", "RemoveTargets", "ListTargetsByRule"])
_NAMED = {
    "CreateArchive": (ARCHIVES, "ArchiveName"),
    "DescribeArchive": (ARCHIVES, "ArchiveName"),
    "UpdateArchive": (ARCHIVES, "ArchiveName"),
    "DeleteArchive": (ARCHIVES, "ArchiveName"),
    "StartReplay": (REPLAYS, "ReplayName"),
    "DescribeReplay": (REPLAYS, "ReplayName"),
    "CancelReplay": (REPLAYS, "ReplayName"),
    "DescribeConnection": (CONNECTIONS, "Name"),
    "UpdateConnection": (CONNECTIONS, "Name"),
    "DeleteConnection": (CONNECTIONS, "Name"),
    "DeauthorizeConnection": (CONNECTIONS, "Name"),
    "DescribeApiDestination": (DESTINATIONS, "Name"),
    "UpdateApiDestination": (DESTINATIONS, "Name"),
    "DeleteApiDestination": (DESTINATIONS, "Name"),
    "CreateEndpoint": (ENDPOINTS, "Name"),
    "DescribeEndpoint": (ENDPOINTS, "Name"),
    "UpdateEndpoint": (ENDPOINTS, "Name"),
    "DeleteEndpoint": (ENDPOINTS, "Name"),
    "CreatePartnerEventSource": (PARTNER_SOURCES, "Name"),
    "DescribePartnerEventSource": (PARTNER_SOURCES, "Name"),
    "DeletePartnerEventSource": (PARTNER_SOURCES, "Name"),
    "DescribeEventSource": (PARTNER_SOURCES, "Name"),
    "ActivateEventSource": (PARTNER_SOURCES, "Name"),
    "DeactivateEventSource": (PARTNER_SOURCES, "Name"),
}


def _bus(ctx: RequestContext, given: Any) -> str | None:
    try:
        return bus_name_of(ctx, given)
    except AwsError:
        return None


def _rule_arn(ctx: RequestContext, bus: str | None, name: Any) -> str | None:
    if bus is None or not isinstance(name, str):
        return None
    return ctx.arn("events", f"rule/{name}" if bus == DEFAULT else f"rule/{bus}/{name}")


def resource_arns(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    found: list[str | None] = []
    if operation in _BUS_BY_NAME:
        bus = _bus(ctx, params.get("Name"))
        found = [BUSES.arn_of(ctx, bus) if bus else None]
    elif operation in _BUS_BY_EVENT_BUS_NAME:
        bus = _bus(ctx, params.get("EventBusName"))
        found = [BUSES.arn_of(ctx, bus) if bus else None]
    elif operation in _RULE_BY_NAME:
        found = [_rule_arn(ctx, _bus(ctx, params.get("EventBusName")), params.get("Name"))]
    elif operation in _RULE_BY_RULE:
        found = [_rule_arn(ctx, _bus(ctx, params.get("EventBusName")), params.get("Rule"))]
    elif operation == "PutEvents":
        entries = params.get("Entries")
        buses = (
            {_bus(ctx, e.get("EventBusName")) for e in entries if isinstance(e, dict)}
            if isinstance(entries, list)
            else set()
        )
        found = [BUSES.arn_of(ctx, b) for b in sorted(b for b in buses if b)]
    elif operation in ("TagResource", "UntagResource", "ListTagsForResource"):
        value = params.get("ResourceARN")
        found = [value if isinstance(value, str) else None]
    elif operation in _NAMED:
        kind, member = _NAMED[operation]
        name = params.get(member)
        if isinstance(name, str):
            row = kind.find(ctx, name)
            found = [row.arn if row is not None else kind.arn_of(ctx, name)]
    arns = [a for a in found if a]
    return arns or ["*"]


def bus_policy(ctx: RequestContext, operation: str, params: dict[str, Any]) -> ResourcePolicy | None:
    """The policy of the bus a PutEvents request puts on (None when it has none)."""
    if operation != "PutEvents":
        return None
    entries = params.get("Entries")
    if not isinstance(entries, list) or not entries or not isinstance(entries[0], dict):
        return None
    given = entries[0].get("EventBusName")
    if isinstance(given, str) and given.startswith("arn:"):
        row = BUSES.by_arn(ctx, given)
    else:
        bus = _bus(ctx, given)
        row = BUSES.find(ctx, bus) if bus else None
    if row is None or not row.document.get("Policy"):
        return None
    return ResourcePolicy(row.document["Policy"], row.account_id)
