"""What other services ask of EventBridge inside their own request: put an event an AWS service
emits (``aws.s3``'s object events, ...) on the default bus of an account and region, in the
caller's transaction, so that the rules of that bus whose patterns match send it to their
targets as PutEvents does (an acknowledged write has delivered; a failed one delivered nothing).

Unlike PutEvents, the source may be an ``aws.`` one: the event comes from the service itself.

Other services that take schedule expressions in EventBridge's form (Secrets Manager's rotation
schedules) read them with :func:`next_cron_time`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from awsmock.engine.context import RequestContext

from . import delivery, schedules
from .putevents import stamp
from .store import DEFAULT, bus_arn

__all__ = ["next_cron_time", "put_service_event"]


def put_service_event(
    ctx: RequestContext,
    *,
    source: str,
    detail_type: str,
    detail: dict[str, Any],
    resources: Sequence[str] = (),
    region: str | None = None,
    account: str | None = None,
) -> str:
    """Put an event of ``source`` (``aws.s3``) on the default bus of ``account`` in ``region``
    (the request's own when None), with EventBridge's envelope; returns its id."""
    if (region is not None and region != ctx.region) or (account is not None and account != ctx.account_id):
        ctx = dataclasses.replace(ctx, region=region or ctx.region, account_id=account or ctx.account_id)
    event_id = str(uuid.uuid4())
    event = {
        "version": "0",
        "id": event_id,
        "detail-type": detail_type,
        "source": source,
        "account": ctx.account_id,
        "time": stamp(None, ctx.now),
        "region": ctx.region,
        "resources": list(resources),
        "detail": detail,
    }
    delivery.deliver(ctx, bus_arn(ctx, DEFAULT), event)
    return event_id


def next_cron_time(expression: str, after: dt.datetime) -> dt.datetime | None:
    """The first time after ``after`` that ``cron(minutes hours day-of-month month day-of-week
    year)`` names, in EventBridge's syntax (None: never again); ValueError when it is not one."""
    if not expression.startswith("cron("):
        raise ValueError(expression)
    try:
        schedules.check(expression)
    except Exception as exc:
        raise ValueError(expression) from exc
    return schedules.next_fire(expression, after)
