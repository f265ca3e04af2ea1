"""EventBridge in the dashboard (buses, archives, replays, connections and API destinations are
the shared store's listings): rules with their bus, state, pattern or schedule, and targets."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from awsmock.engine import inventory, tagging
from awsmock.engine.inventory import Column, Page, Query
from awsmock.models.resources import Resource


@inventory.resources(
    "events",
    "buses",
    title="Event buses",
    columns=[
        Column("name", "Name"),
        Column("description", "Description"),
        Column("policy", "Policy", "json"),
        Column("region", "Region"),
        Column("created", "Created", "time"),
        Column("arn", "ARN"),
        Column("tags", "Tags", "tags"),
        Column("account", "Account"),
    ],
)
def list_buses(session: Session, query: Query) -> Page:
    stmt = select(Resource).where(Resource.service == "events", Resource.kind == "event-bus")
    stmt = inventory.scoped(stmt, Resource, query)
    rows, after = inventory.keyset_page(
        session, stmt, query, order=Resource.pk, search=Resource.name, start=int
    )
    tags = tagging.tags_of_many(session, [r.arn for r in rows])
    items = [
        {
            "name": r.name or r.rid,
            "description": (r.document or {}).get("Description") or "",
            "policy": (r.document or {}).get("Policy") or "",
            "region": r.region,
            "created": inventory.iso(r.created),
            "arn": r.arn,
            "tags": tags.get(r.arn, {}),
            "account": r.account_id,
        }
        for r in rows
    ]
    return Page(items, after)


@inventory.resources(
    "events",
    "rules",
    title="Rules",
    columns=[
        Column("name", "Name"),
        Column("bus", "Event bus"),
        Column("state", "State"),
        Column("pattern", "Event pattern", "json"),
        Column("schedule", "Schedule"),
        Column("targets", "Targets", "json"),
        Column("arn", "ARN"),
        Column("created", "Created", "time"),
        Column("account", "Account"),
    ],
)
def list_rules(session: Session, query: Query) -> Page:
    stmt = select(Resource).where(Resource.service == "events", Resource.kind == "rule")
    stmt = inventory.scoped(stmt, Resource, query)
    rows, after = inventory.keyset_page(
        session, stmt, query, order=Resource.pk, search=Resource.name, start=int
    )
    items = []
    for r in rows:
        doc = r.document or {}
        items.append(
            {
                "name": r.name or "",
                "bus": (r.parent or "").rsplit("/", 1)[-1],
                "state": r.state or "",
                "pattern": doc.get("EventPattern") or "",
                "schedule": doc.get("ScheduleExpression") or "",
                "targets": {str(t.get("Id")): str(t.get("Arn")) for t in doc.get("Targets") or []},
                "arn": r.arn,
                "created": inventory.iso(r.created),
                "account": r.account_id,
            }
        )
    return Page(items, after)
