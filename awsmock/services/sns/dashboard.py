"""SNS in the dashboard (topics are the shared store's listing): subscriptions with their
topic, protocol, endpoint, state and filter policy, and the deliveries awsmock recorded for
endpoints it cannot reach (email, SMS, mobile push), with what they said."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from awsmock.engine import inventory
from awsmock.engine.inventory import Column, Page, Query
from awsmock.models.resources import Resource

PREVIEW = 500


def _rows(session: Session, query: Query, kind: str) -> tuple[list[Resource], Any]:
    stmt = select(Resource).where(Resource.service == "sns", Resource.kind == kind)
    stmt = inventory.scoped(stmt, Resource, query)
    rows, after = inventory.keyset_page(
        session, stmt, query, order=Resource.pk, search=Resource.name, start=int
    )
    return list(rows), after


@inventory.resources(
    "sns",
    "subscriptions",
    title="Subscriptions",
    columns=[
        Column("topic", "Topic"),
        Column("protocol", "Protocol"),
        Column("endpoint", "Endpoint"),
        Column("state", "State"),
        Column("raw", "Raw delivery"),
        Column("filter_policy", "Filter policy", "json"),
        Column("arn", "ARN"),
        Column("created", "Created", "time"),
        Column("account", "Account"),
    ],
)
def list_subscriptions(session: Session, query: Query) -> Page:
    rows, after = _rows(session, query, "subscription")
    items = []
    for r in rows:
        doc = r.document or {}
        attrs = doc.get("Attributes") or {}
        items.append(
            {
                "topic": (r.parent or "").rsplit(":", 1)[-1],
                "protocol": doc.get("Protocol", ""),
                "endpoint": doc.get("Endpoint", ""),
                "state": "pending confirmation" if r.state == "pending" else "confirmed",
                "raw": "yes" if attrs.get("RawMessageDelivery") == "true" else "",
                "filter_policy": attrs.get("FilterPolicy") or "",
                "arn": r.arn,
                "created": inventory.iso(r.created),
                "account": r.account_id,
            }
        )
    return Page(items, after)


@inventory.resources(
    "sns",
    "deliveries",
    title="Recorded deliveries",
    columns=[
        Column("protocol", "Protocol"),
        Column("endpoint", "Endpoint"),
        Column("type", "Type"),
        Column("subject", "Subject"),
        Column("message", "Message"),
        Column("topic", "Topic"),
        Column("sent", "Sent", "time"),
        Column("account", "Account"),
    ],
)
def list_deliveries(session: Session, query: Query) -> Page:
    """What awsmock would have sent by email, SMS or push (it cannot reach those from here)."""
    rows, after = _rows(session, query, "delivery")
    items = []
    for r in rows:
        doc = r.document or {}
        items.append(
            {
                "protocol": doc.get("Protocol", ""),
                "endpoint": doc.get("Endpoint", ""),
                "type": doc.get("Type", ""),
                "subject": doc.get("Subject") or "",
                "message": str(doc.get("Message") or "")[:PREVIEW],
                "topic": doc.get("TopicArn") or "",
                "sent": inventory.iso(r.created),
                "account": r.account_id,
            }
        )
    return Page(items, after)
