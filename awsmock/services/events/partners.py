"""Partner event sources: a SaaS partner's account offers a source to a customer's account
(CreatePartnerEventSource, DescribePartnerEventSource, ListPartnerEventSources,
ListPartnerEventSourceAccounts, DeletePartnerEventSource); the customer sees it
(DescribeEventSource, ListEventSources), makes the bus of the same name to receive from it
(CreateEventBus with EventSourceName), or stops and resumes it (DeactivateEventSource,
ActivateEventSource); the partner sends with PutPartnerEvents."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from typing import Any

from sqlalchemy import select

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource
from awsmock.state import jsontext

from . import delivery
from .errors import ResourceAlreadyExistsException, ResourceNotFoundException, constraint, validation
from .putevents import MAX_ENTRIES, MAX_SIZE, entry_size, stamp
from .records import limit_of, page
from .store import BUSES, PARTNER_SOURCES

SOURCE_NAME = re.compile(r"^aws\.partner(/[\.\-_A-Za-z0-9]+){2,}$")
#: how long a source stays pending before it expires
EXPIRY = dt.timedelta(days=12)


def _check_name(name: Any, member: str = "name") -> str:
    if not isinstance(name, str) or len(name) > 256 or not SOURCE_NAME.match(name):
        raise constraint(
            name,
            member,
            "Member must satisfy regular expression pattern: aws\\.partner(/[\\.\\-_A-Za-z0-9]+){2,}",
        )
    return name


def _as(ctx: RequestContext, account: str) -> RequestContext:
    """The request's context as another account sees the store (the same transaction)."""
    return dataclasses.replace(ctx, account_id=account)


def _created_by(name: str) -> str:
    return name.split("/")[1]


@handler("events", "CreatePartnerEventSource")
def create_partner_event_source(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _check_name(params["Name"])
    account = params["Account"]
    if not isinstance(account, str) or not re.fullmatch(r"\d{12}", account):
        raise constraint(account, "account", "Member must satisfy regular expression pattern: \\d{12}")
    if PARTNER_SOURCES.find(ctx, name) is not None:
        raise ResourceAlreadyExistsException(f"Event source {name} already exists.")
    if _offered(ctx, name, account) is not None:
        raise ResourceAlreadyExistsException(f"Event source {name} already exists.")
    row = PARTNER_SOURCES.create(ctx, rid=name, name=name, state="PENDING", document={"Account": account})
    return {"EventSourceArn": row.arn}


@handler("events", "DescribePartnerEventSource")
def describe_partner_event_source(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = PARTNER_SOURCES.get(ctx, _check_name(params["Name"]))
    return {"Arn": row.arn, "Name": row.name}


@handler("events", "ListPartnerEventSources")
def list_partner_event_sources(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows, token = page(ctx, PARTNER_SOURCES, params)
    out: dict[str, Any] = {"PartnerEventSources": [{"Arn": r.arn, "Name": r.name} for r in rows]}
    if token:
        out["NextToken"] = token
    return out


def _offered_all(ctx: RequestContext, account: str, prefix: str = "") -> list[Resource]:
    """The sources offered to ``account`` in this region (by name)."""
    stmt = select(Resource).where(
        Resource.service == "events", Resource.kind == "partner-event-source", Resource.region == ctx.region
    )
    if prefix:
        stmt = stmt.where(Resource.rid.startswith(prefix, autoescape=True))
    rows = ctx.session.scalars(stmt.order_by(Resource.rid))
    return [r for r in rows if r.document.get("Account") == account]


def _offered(ctx: RequestContext, name: str, account: str | None = None) -> Resource | None:
    """The source ``name`` offered to ``account`` (the caller's by default)."""
    wanted = account or ctx.account_id
    rows = ctx.session.scalars(
        select(Resource).where(
            Resource.service == "events",
            Resource.kind == "partner-event-source",
            Resource.region == ctx.region,
            Resource.rid == name,
        )
    )
    return next((r for r in rows if r.document.get("Account") == wanted), None)


def _offered_or_not_found(ctx: RequestContext, name: str) -> Resource:
    row = _offered(ctx, name)
    if row is None:
        raise ResourceNotFoundException(f"Event source {name} does not exist.")
    return row


@handler("events", "ListPartnerEventSourceAccounts")
def list_partner_event_source_accounts(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = PARTNER_SOURCES.get(ctx, _check_name(params["EventSourceName"], "eventSourceName"))
    limit_of(params)
    account = {
        "Account": str(row.document.get("Account")),
        "CreationTime": row.created,
        "ExpirationTime": row.created + EXPIRY,
        "State": row.state,
    }
    return {"PartnerEventSourceAccounts": [account]}


@handler("events", "DeletePartnerEventSource")
def delete_partner_event_source(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _check_name(params["Name"])
    row = PARTNER_SOURCES.get(ctx, name)
    if row.document.get("Account") != params["Account"]:
        raise ResourceNotFoundException(f"Event source {name} does not exist.")
    PARTNER_SOURCES.delete(ctx, row)
    return {}


def _source(row: Resource) -> dict[str, Any]:
    return {
        "Arn": row.arn,
        "CreatedBy": _created_by(str(row.name)),
        "CreationTime": row.created,
        "ExpirationTime": row.created + EXPIRY,
        "Name": row.name,
        "State": row.state,
    }


@handler("events", "DescribeEventSource")
def describe_event_source(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _source(_offered_or_not_found(ctx, _check_name(params["Name"])))


@handler("events", "ListEventSources")
def list_event_sources(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows = _offered_all(ctx, ctx.account_id, params.get("NamePrefix") or "")
    found = pager.page_list(
        rows,
        key=lambda r: r.rid,
        limit=limit_of(params),
        token=params.get("NextToken"),
        scope="events:event-sources:" + (params.get("NamePrefix") or ""),
        invalid=lambda _t: validation("The NextToken provided is invalid."),
    )
    token = found.token
    out: dict[str, Any] = {"EventSources": [_source(r) for r in found.rows]}
    if token:
        out["NextToken"] = token
    return out


def _set_state(ctx: RequestContext, params: dict[str, Any], state: str) -> dict[str, Any]:
    row = _offered_or_not_found(ctx, _check_name(params["Name"]))
    if state == "ACTIVE" and BUSES.find(ctx, str(row.name)) is None:
        raise validation(
            f"Event source {row.name} has no event bus: create the event bus named for it first."
        )
    PARTNER_SOURCES.update(ctx, row, state=state)
    return {}


@handler("events", "ActivateEventSource")
def activate_event_source(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _set_state(ctx, params, "ACTIVE")


@handler("events", "DeactivateEventSource")
def deactivate_event_source(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _set_state(ctx, params, "PENDING")


def activate_for_bus(ctx: RequestContext, name: str) -> None:
    """CreateEventBus with EventSourceName: the customer's source becomes ACTIVE (or
    ResourceNotFoundException when no such source is offered to the account)."""
    PARTNER_SOURCES.update(ctx, _offered_or_not_found(ctx, name), state="ACTIVE")


@handler("events", "PutPartnerEvents")
def put_partner_events(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    entries = params["Entries"]
    if len(entries) > MAX_ENTRIES:
        raise validation(
            "1 validation error detected: Value at 'entries' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_ENTRIES}"
        )
    if sum(entry_size(e) for e in entries) > MAX_SIZE:
        raise validation("Total size of the entries in the request is over the limit.")
    results = [_partner_entry(ctx, e) for e in entries]
    return {"FailedEntryCount": sum(1 for r in results if "ErrorCode" in r), "Entries": results}


def _partner_entry(ctx: RequestContext, entry: dict[str, Any]) -> dict[str, Any]:
    for member in ("Source", "DetailType", "Detail"):
        if not entry.get(member):
            return {
                "ErrorCode": "InvalidArgument",
                "ErrorMessage": f"Parameter {member} is not valid. Reason: {member} is a required argument.",
            }
    source = PARTNER_SOURCES.find(ctx, str(entry["Source"]))
    if source is None:
        return {
            "ErrorCode": "NotAuthorizedForSourceException",
            "ErrorMessage": "Not authorized for the source.",
        }
    try:
        detail = jsontext.guarded_loads(entry["Detail"], max_depth=64, max_size=MAX_SIZE)
    except ValueError:
        detail = None
    if not isinstance(detail, dict):
        return {"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."}
    event_id = str(uuid.uuid4())
    if source.state != "ACTIVE":
        return {"EventId": event_id}  # accepted; nobody receives it
    account = str(source.document.get("Account"))
    customer = _as(ctx, account)
    bus = BUSES.find(customer, str(source.name))
    if bus is None:
        return {"EventId": event_id}
    event = {
        "version": "0",
        "id": event_id,
        "detail-type": entry["DetailType"],
        "source": entry["Source"],
        "account": account,
        "time": stamp(entry.get("Time"), ctx.now),
        "region": ctx.region,
        "resources": list(entry.get("Resources") or []),
        "detail": detail,
    }
    delivery.deliver(customer, bus.arn, event)
    return {"EventId": event_id}
