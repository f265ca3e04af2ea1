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

__all__ = ["Delivery", "delete", "enqueue", "is_fifo_queue", "queue_exists", "receive"]


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
    source_account: str | None = None,
) -> Delivery:
    """Send ``body`` (with message ``attributes`` as SendMessage takes them) to the queue ``arn``
    on behalf of ``service_principal`` (``sns.amazonaws.com``) for ``source_arn`` (owned by
    ``source_account`` where its ARN names no account, as a bucket's)."""
    parsed = split_arn(arn)
    if parsed is None:
        return Delivery(None, "not-found")
    region, account, name = parsed
    queue = find_queue_ref(ctx, account, name, region)
    if queue is None:
        return Delivery(None, "not-found")
    if not policy.service_may(
        queue.attributes.get("Policy"),
        "sqs:SendMessage",
        queue_arn(queue),
        service_principal,
        source_arn,
        source_account,
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


# -- Lambda event source mappings: a poller receives and deletes as a consumer would ------------


def queue_exists(ctx: RequestContext, arn: str) -> bool | None:
    """Whether the queue ``arn`` is FIFO; None when there is no such queue."""
    parsed = split_arn(arn)
    if parsed is None:
        return None
    region, account, name = parsed
    queue = find_queue_ref(ctx, account, name, region)
    return None if queue is None else bool(queue.fifo)


def receive(ctx: RequestContext, arn: str, limit: int) -> list[dict[str, Any]] | None:
    """Receive up to ``limit`` (at most 10) messages of the queue ``arn`` as ReceiveMessage does
    with the queue's visibility timeout (receive counts, FIFO groups and the redrive policy's
    dead-letter queue apply), with every system and message attribute; None when there is no
    such queue."""
    from . import receipts
    from .attributes import int_attr
    from .claim import claim

    parsed = split_arn(arn)
    if parsed is None:
        return None
    region, account, name = parsed
    queue = find_queue_ref(ctx, account, name, region)
    if queue is None:
        return None
    got = claim(
        ctx, queue, max(1, min(limit, 10)), int_attr(queue, "VisibilityTimeout"), receipts.new_nonce(ctx.now)
    )
    system = set(messages.SYSTEM_ATTRIBUTES)
    return [messages._render(ctx, queue, c, system, lambda _n: True) for c in got]


def delete(ctx: RequestContext, arn: str, receipt_handles: list[str]) -> None:
    """Delete received messages of the queue ``arn`` by receipt handle, as DeleteMessage does
    (a handle whose message is gone or was received again meanwhile changes nothing)."""
    parsed = split_arn(arn)
    if parsed is None:
        return
    region, account, name = parsed
    queue = find_queue_ref(ctx, account, name, region)
    if queue is None:
        return
    for handle in receipt_handles:
        try:
            messages._delete_one(ctx, queue, handle)
        except AwsError:
            pass
