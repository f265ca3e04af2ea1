"""Scheduled rules firing on time, across any number of processes on one state.

Each enabled rule with a schedule has one pending entry of the durable outbox (kind
``events.schedule``), due when the rule fires next. The outbox's worker takes it under a lease
(one process at a time), and the firing is one transaction: the scheduled event goes to the
rule's targets (as PutEvents delivers), the rule records the time it fired for, and the entry for
the next time is written. A worker that dies after that commit leaves an entry another worker
takes again, and finds the time already fired for: nothing fires twice. Changing, disabling or
deleting a rule bumps its schedule's generation, so an entry written before is spent without
firing.

A schedule whose time passed while no process ran fires once, then keeps to its period.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from awsmock.engine import outbox
from awsmock.engine.context import RequestContext, acting
from awsmock.models.resources import Resource

from . import delivery, schedules
from .store import RULES

KIND = "events.schedule"


def arm(ctx: RequestContext, rule: Resource) -> None:
    """Give the rule a new schedule generation and, when it is enabled and scheduled, the
    entry for its next firing (call after any change to the rule)."""
    doc = dict(rule.document)
    generation = int(doc.get("ScheduleGeneration") or 0) + 1
    doc["ScheduleGeneration"] = generation
    RULES.update(ctx, rule, document=doc)
    expression = doc.get("ScheduleExpression")
    if not expression or rule.state == "DISABLED":
        return
    _put_next(ctx, rule, expression, generation, ctx.now)


def _put_next(
    ctx: RequestContext, rule: Resource, expression: str, generation: int, after: dt.datetime
) -> None:
    when = schedules.next_fire(expression, after)
    if when is None:
        return
    outbox.put(
        ctx,
        KIND,
        {
            "account": rule.account_id,
            "region": rule.region,
            "rid": rule.rid,
            "generation": generation,
            "at": when.isoformat(),
        },
        delay=max(0.0, (when - ctx.now).total_seconds()),
    )


def fire(store: Any, payload: dict[str, Any]) -> None:
    """The outbox's deliverer: fire the rule for ``payload['at']`` once, and arm the next time."""
    with acting(
        store, "events", "ScheduledRule", account=str(payload["account"]), region=str(payload["region"])
    ) as ctx:
        rule = RULES.find(ctx, str(payload["rid"]))
        if rule is None or rule.state == "DISABLED":
            return
        doc = rule.document
        generation = int(payload["generation"])
        if int(doc.get("ScheduleGeneration") or 0) != generation or not doc.get("ScheduleExpression"):
            return
        at = dt.datetime.fromisoformat(str(payload["at"]))
        if doc.get("LastFiredFor") and dt.datetime.fromisoformat(doc["LastFiredFor"]) >= at:
            return  # fired already (by a worker that died before it could say so)
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": rule.account_id,
            "time": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": rule.region,
            "resources": [rule.arn],
            "detail": {},
        }
        for target in doc.get("Targets") or []:
            delivery.to_target(ctx, rule, target, event)
        RULES.update(ctx, rule, document={**doc, "LastFiredFor": at.isoformat()})
        _put_next(ctx, rule, str(doc["ScheduleExpression"]), generation, max(at, ctx.now))


outbox.register(KIND, deliver=fire, retry=lambda payload, n: 1.0 if n < 5 else None, with_store=True)
