"""Asynchronous invocations accepted: each one an entry of the durable outbox (kind
``lambda.event``), written in the accepting request's transaction with what its run needs (the
function and qualifier, the event, the request id, when it was queued, and the retries and
maximum event age of the event invoke config then). :mod:`.invoke` runs them."""

from __future__ import annotations

import base64
import uuid

from awsmock.engine import outbox
from awsmock.engine.context import RequestContext

from .lookup import LATEST, Target, event_invoke_config

EVENT_KIND = "lambda.event"
MAX_ASYNC_PAYLOAD = 1048576
DEFAULT_RETRIES = 2
DEFAULT_MAX_AGE = 21600


def queue_event(
    ctx: RequestContext, target: Target, qualifier: str | None, payload: bytes, request_id: str | None = None
) -> str:
    """Queue an asynchronous invocation in the request's transaction; its request id."""
    request_id = request_id or str(uuid.uuid4())
    q = qualifier or LATEST
    cfg = event_invoke_config(target.function, q)
    outbox.put(
        ctx,
        EVENT_KIND,
        {
            "account": ctx.account_id,
            "region": ctx.region,
            "function": target.function.rid,
            "qualifier": q,
            "payload": base64.b64encode(payload).decode(),
            "request_id": request_id,
            "queued_at": ctx.now.isoformat(),
            "retries": int(cfg.get("MaximumRetryAttempts", DEFAULT_RETRIES)),
            "max_age": int(cfg.get("MaximumEventAgeInSeconds", DEFAULT_MAX_AGE)),
        },
    )
    return request_id
