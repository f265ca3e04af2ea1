"""SQS as authorization sees it: the queue a request acts on, its policy, and the permissions of
a message move task (its source: StartMessageMoveTask, ReceiveMessage, DeleteMessage and
GetQueueAttributes; its destination: SendMessage, as SQS's permissions reference lists them)."""

from __future__ import annotations

from typing import Any

from awsmock.auth.resources import ResourcePolicy
from awsmock.engine.context import RequestContext
from awsmock.engine.facts import Access

from .errors import InvalidAddress, QueueDoesNotExist
from .lookup import find_queue, split_queue_url


def _named(ctx: RequestContext, url: str) -> tuple[str, str] | None:
    try:
        return split_queue_url(ctx, url)
    except (QueueDoesNotExist, InvalidAddress):
        return None


def resource_arns(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    if params.get("QueueUrl"):
        named = _named(ctx, params["QueueUrl"])
        account, name = named if named is not None else (ctx.account_id, "")
        return [ctx.arn("sqs", name, account=account)]
    if params.get("QueueName"):
        return [ctx.arn("sqs", params["QueueName"], account=params.get("QueueOwnerAWSAccountId") or None)]
    return ["*"]


def queue_policy(ctx: RequestContext, operation: str, params: dict[str, Any]) -> ResourcePolicy | None:
    """The policy of the queue the request names (None when it names none, or none exists)."""
    url = params.get("QueueUrl")
    named = _named(ctx, url) if url else None
    if named is None:
        return None
    account, name = named
    queue = find_queue(ctx, account, name)
    if queue is None:
        return None
    return ResourcePolicy((queue.attributes or {}).get("Policy") or None, account)


#: what a message move task needs on its source queue (the dead-letter queue)
_MOVE_SOURCE = ("StartMessageMoveTask", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes")


def access(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[Access] | None:
    if operation != "StartMessageMoveTask" or not isinstance(params.get("SourceArn"), str):
        return None
    source = (params["SourceArn"],)
    checks = [Access(f"sqs:{action}", source) for action in _MOVE_SOURCE]
    if isinstance(params.get("DestinationArn"), str):
        checks.append(Access("sqs:SendMessage", (params["DestinationArn"],)))
    return checks
