"""What other services ask of SQS inside their own request: deliver a message to a queue named
by ARN (SNS subscriptions, EventBridge targets, S3 notifications), in the caller's transaction,
so that an acknowledged publish has delivered and a failed one delivered nothing.

The queue's own rules hold: its size limit and attribute rules, its delay, FIFO groups and
deduplication (the caller passes the group and deduplication id it decided), and its policy:
a queue with a policy takes the message only if that policy allows the sending service
(``Principal: {"Service": ...}``) to ``sqs:SendMessage``, with ``aws:SourceArn`` and
``aws:SourceAccount`` naming the source. A queue without a policy takes it (within one state the
sender and the queue are the user's own).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from awsmock.auth import policy
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError

from . import messages
from .lookup import find_queue_ref, queue_arn, split_arn

__all__ = ["Delivery", "enqueue", "is_fifo_queue"]


@dataclass(frozen=True)
class Delivery:
    """What became of one delivery: ``message_id`` when the queue took it, else why not
    (``reason``: ``not-found``, ``denied`` or the queue's error message)."""

    message_id: str | None
    reason: str = ""

    @property
    def delivered(self) -> bool:
        return self.message_id is not None


def is_fifo_queue(arn: str) -> bool:
    parsed = split_arn(arn)
    return parsed is not None and parsed[2].endswith(".fifo")


def enqueue(
    ctx: RequestContext,
    arn: str,
    body: str,
    *,
    attributes: Mapping[str, Mapping[str, Any]] | None = None,
    group_id: str | None = None,
    deduplication_id: str | None = None,
    service_principal: str,
    source_arn: str,
) -> Delivery:
    """Send ``body`` (with message ``attributes`` as SendMessage takes them) to the queue ``arn``
    on behalf of ``service_principal`` (``sns.amazonaws.com``) for ``source_arn``."""
    parsed = split_arn(arn)
    if parsed is None:
        return Delivery(None, "not-found")
    region, account, name = parsed
    queue = find_queue_ref(ctx, account, name, region)
    if queue is None:
        return Delivery(None, "not-found")
    if not policy.service_may(
        queue.attributes.get("Policy"), "sqs:SendMessage", queue_arn(queue), service_principal, source_arn
    ):
        return Delivery(None, "denied")
    entry: dict[str, Any] = {"MessageBody": body}
    if attributes:
        entry["MessageAttributes"] = {k: dict(v) for k, v in attributes.items()}
    if queue.fifo:
        entry["MessageGroupId"] = group_id
        entry["MessageDeduplicationId"] = deduplication_id
    try:
        out = messages._send_one(ctx, queue, entry)
    except AwsError as err:
        return Delivery(None, err.message or err.code)
    messages.wake(ctx, queue)
    return Delivery(str(out["MessageId"]))
