"""SQS in the dashboard: queues with their message counts, and a peek at their messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from awsmock.engine import inventory, tagging
from awsmock.engine.inventory import Column, Page, Query
from awsmock.models.sqs import Message, Queue

from .attributes import message_counts, retention_cutoff
from .lookup import queue_arn

BODY_PREVIEW = 500


@inventory.resources(
    "sqs",
    "queues",
    title="Queues",
    columns=[
        Column("name", "Name"),
        Column("region", "Region"),
        Column("messages", "Messages", "int"),
        Column("in_flight", "In flight", "int"),
        Column("delayed", "Delayed", "int"),
        Column("fifo", "FIFO"),
        Column("dead_letter_target", "Dead-letter target"),
        Column("created", "Created", "time"),
        Column("tags", "Tags", "tags"),
        Column("account", "Account"),
    ],
)
def list_queues(session: Session, query: Query) -> Page:
    stmt = inventory.scoped(select(Queue), Queue, query)
    queues, after = inventory.keyset_page(session, stmt, query, order=Queue.id, search=Queue.name, start=int)
    now = dt.datetime.now(dt.UTC)
    tags = tagging.tags_of_many(session, [queue_arn(q) for q in queues])
    items: list[dict[str, Any]] = []
    for q in queues:
        visible, in_flight, delayed = message_counts(session, q, now)
        items.append(
            {
                "name": q.name,
                "region": q.region,
                "account": q.account_id,
                "messages": visible,
                "in_flight": in_flight,
                "delayed": delayed,
                "fifo": "yes" if q.fifo else "",
                "dead_letter_target": q.dead_letter_target_arn or "",
                "created": inventory.iso(q.created_at),
                "tags": tags.get(queue_arn(q), {}),
            }
        )
    return Page(items, after)


@inventory.view(
    "sqs",
    "queues",
    "messages",
    title="Messages",
    columns=[
        Column("message_id", "Message id"),
        Column("body", "Body"),
        Column("sent", "Sent", "time"),
        Column("state", "State"),
        Column("receive_count", "Receives", "int"),
        Column("group_id", "Group"),
        Column("attributes", "Attributes", "json"),
    ],
)
def list_messages(session: Session, name: str, query: Query) -> Page:
    """The queue's live messages, oldest first (a peek: nothing is received or changed)."""
    queue = inventory.find_named(session, Queue, name, "queue", query)
    now = dt.datetime.now(dt.UTC)
    live = select(Message).where(
        Message.queue_id == queue.id, Message.enqueued_at > retention_cutoff(queue, now)
    )
    messages, after = inventory.keyset_page(
        session, live, query, order=Message.id, search=Message.body, start=int
    )
    items = []
    for m in messages:
        visible_at = m.visible_at if m.visible_at.tzinfo else m.visible_at.replace(tzinfo=dt.UTC)
        state = "visible" if visible_at <= now else ("in flight" if m.receive_count else "delayed")
        body = m.body if len(m.body) <= BODY_PREVIEW else m.body[:BODY_PREVIEW] + "…"
        items.append(
            {
                "message_id": m.message_id,
                "body": body,
                "sent": inventory.iso(m.sent_at),
                "state": state,
                "receive_count": m.receive_count,
                "group_id": m.group_id or "",
                "attributes": m.attributes or {},
            }
        )
    return Page(items, after)
