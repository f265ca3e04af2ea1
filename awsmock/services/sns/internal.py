"""What other services ask of SNS inside their own request: publish a message to a topic named
by ARN (EventBridge targets, S3 notifications, CloudWatch alarms), in the caller's transaction,
fanned out to the topic's subscriptions as Publish does.

The topic's policy holds: a topic with a policy takes the message only if it allows the sending
service (``Principal: {"Service": ...}``) to ``sns:Publish``, with ``aws:SourceArn`` and
``aws:SourceAccount`` naming the source. A topic without a policy of its own takes it.
"""

from __future__ import annotations

from typing import Any

from awsmock.auth import policy
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError

from .publishing import publish_to_topic
from .store import TOPICS
from .topics import attributes, is_fifo

__all__ = ["is_fifo_topic", "publish"]


def is_fifo_topic(arn: str) -> bool:
    return arn.endswith(".fifo")


def publish(
    ctx: RequestContext,
    topic_arn: str,
    message: str,
    *,
    service_principal: str,
    source_arn: str,
    subject: str | None = None,
    group_id: str | None = None,
    deduplication_id: str | None = None,
    source_account: str | None = None,
) -> tuple[str | None, str]:
    """Publish ``message`` to the topic on behalf of ``service_principal`` for ``source_arn``
    (owned by ``source_account`` where its ARN names no account, as a bucket's): (the message
    id, "") when the topic took it, else (None, why: ``not-found``, ``denied`` or SNS's error
    message)."""
    topic = TOPICS.by_arn(ctx, topic_arn)
    if topic is None:
        return None, "not-found"
    if not policy.service_may(
        attributes(topic).get("Policy"),
        "sns:Publish",
        topic.arn,
        service_principal,
        source_arn,
        source_account,
    ):
        return None, "denied"
    entry: dict[str, Any] = {"Message": message}
    if subject:
        entry["Subject"] = subject
    if is_fifo(topic):
        entry["MessageGroupId"] = group_id
        entry["MessageDeduplicationId"] = deduplication_id
    try:
        out = publish_to_topic(ctx, topic, entry)
    except AwsError as err:
        return None, err.message or err.code
    return str(out["MessageId"]), ""
