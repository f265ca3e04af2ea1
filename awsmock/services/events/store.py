"""EventBridge's resources in the shared store, and how a request's names and ARNs find them.

Buses (rid: the name; the ``default`` bus of each account and region exists without being
made: its row is written the first time something is kept on it), rules (rid ``<bus>/<name>``,
parent the bus's ARN, state ``ENABLED``/``DISABLED``, their targets in the document), archives,
replays, connections and API destinations (rid: the name).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from awsmock.engine import arns, resources
from awsmock.engine.context import RequestContext
from awsmock.models.resources import Resource

from .errors import ResourceNotFoundException, bus_not_found, constraint, validation

DEFAULT = "default"
BUS_NAME = re.compile(r"^(?:aws\.partner/)?[/\.\-_A-Za-z0-9]{1,256}$")
RULE_NAME = re.compile(r"^[\.\-_A-Za-z0-9]{1,64}$")


def _rule_arn(ctx: RequestContext, rid: str) -> str:
    bus, _, name = rid.partition("/")
    return ctx.arn("events", f"rule/{name}" if bus == DEFAULT else f"rule/{bus}/{name}")


BUSES = resources.Kind(
    "events",
    "event-bus",
    arn=lambda ctx, rid: ctx.arn("events", f"event-bus/{rid}"),
    not_found=bus_not_found,
)  # (listed in the dashboard as "buses": dashboard.py)
RULES = resources.Kind(
    "events",
    "rule",
    arn=_rule_arn,
    not_found=lambda rid: ResourceNotFoundException(f"Rule {rid} does not exist."),
)  # (listed in the dashboard with its targets: dashboard.py)
ARCHIVES = resources.Kind(
    "events",
    "archive",
    arn=lambda ctx, rid: ctx.arn("events", f"archive/{rid}"),
    not_found=lambda rid: ResourceNotFoundException(f"Archive {rid} does not exist."),
    title="Archives",
)
REPLAYS = resources.Kind(
    "events",
    "replay",
    arn=lambda ctx, rid: ctx.arn("events", f"replay/{rid}"),
    not_found=lambda rid: ResourceNotFoundException(f"Replay {rid} does not exist."),
    title="Replays",
)
CONNECTIONS = resources.Kind(
    "events",
    "connection",
    arn=lambda ctx, rid: ctx.arn("events", f"connection/{rid}"),
    not_found=lambda rid: ResourceNotFoundException(f"Connection '{rid}' does not exist."),
    title="Connections",
)
DESTINATIONS = resources.Kind(
    "events",
    "api-destination",
    arn=lambda ctx, rid: ctx.arn("events", f"api-destination/{rid}"),
    not_found=lambda rid: ResourceNotFoundException(f"An api-destination '{rid}' does not exist."),
    title="API destinations",
)


def bus_name_of(ctx: RequestContext, given: Any, member: str = "eventBusName") -> str:
    """The bus name a request's ``EventBusName`` (a name or an ARN) means."""
    if given is None or given == "":
        return DEFAULT
    if not isinstance(given, str):
        raise constraint(given, member, "Member must be a string")
    if given.startswith("arn:"):
        parsed = arns.parse(given)
        if parsed is None or parsed.service != "events" or not parsed.resource.startswith("event-bus/"):
            raise validation(
                f"Parameter {given} is not valid. Reason: Provided Arn is not in correct format."
            )
        if parsed.account != ctx.account_id or parsed.region != ctx.region:
            raise bus_not_found(parsed.resource[len("event-bus/") :])
        given = parsed.resource[len("event-bus/") :]
    if not BUS_NAME.match(given):
        raise constraint(
            given,
            member,
            "Member must satisfy regular expression pattern: (arn:aws[\\w-]*:events:[a-z]{2}-[a-z]+-[\\w-]+:[0-9]{12}:event-bus\\/)?[/\\.\\-_A-Za-z0-9]+",
        )
    return given


def find_bus(ctx: RequestContext, name: str) -> Resource | None:
    return BUSES.find(ctx, name)


def bus_exists(ctx: RequestContext, name: str) -> bool:
    return name == DEFAULT or BUSES.find(ctx, name) is not None


def bus_row(ctx: RequestContext, name: str) -> Resource:
    """The bus's row, written for the default bus when it has none yet (write requests only)."""
    row = BUSES.find(ctx, name)
    if row is not None:
        return row
    if name != DEFAULT:
        raise bus_not_found(name)
    return BUSES.create(ctx, rid=DEFAULT, name=DEFAULT, document={})


def bus_arn(ctx: RequestContext, name: str) -> str:
    return BUSES.arn_of(ctx, name)


def rule_rid(bus: str, name: str) -> str:
    return f"{bus}/{name}"


def rules_of(ctx: RequestContext, bus: str) -> list[Resource]:
    """Every rule of a bus (by name)."""
    rows = ctx.session.scalars(
        select(Resource)
        .where(
            Resource.service == "events",
            Resource.kind == "rule",
            Resource.account_id == ctx.account_id,
            Resource.region == ctx.region,
            Resource.parent == bus_arn(ctx, bus),
        )
        .order_by(Resource.name)
    )
    return list(rows)


def find_by_arn(ctx: RequestContext, arn: str) -> Resource | None:
    """Any of EventBridge's resources by ARN (the default bus made when it has no row yet)."""
    row: Resource | None = ctx.session.scalars(
        select(Resource).where(Resource.arn == arn, Resource.service == "events")
    ).first()
    return row


#: a partner's event source, in the partner's account (rid: the name; document: the account it
#: is offered to, and its state as that account sees it: PENDING or ACTIVE)
PARTNER_SOURCES = resources.Kind(
    "events",
    "partner-event-source",
    arn=lambda ctx, rid: ctx.arn("events", f"event-source/{rid}", account=""),
    not_found=lambda rid: ResourceNotFoundException(f"Event source {rid} does not exist."),
    title="Partner event sources",
)
#: global endpoints (rid: the name; document: routing, replication, the two buses)
ENDPOINTS = resources.Kind(
    "events",
    "endpoint",
    arn=lambda ctx, rid: ctx.arn("events", f"endpoint/{rid}"),
    not_found=lambda rid: ResourceNotFoundException(f"Endpoint '{rid}' does not exist."),
    title="Global endpoints",
)
