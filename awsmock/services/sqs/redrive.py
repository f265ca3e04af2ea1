"""Dead-letter queue redrive: StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask.

A task moves messages at ``MaxNumberOfMessagesPerSecond`` (all at once when unset). There are no
background workers: a running task is advanced, from its stored start time and rate, whenever a
move-task operation touches it.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

from sqlalchemy import select

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.sqs import MoveTask, Queue

from .attributes import counters
from .claim import M, candidates, move_to
from .errors import InvalidParameterValue, ResourceNotFound
from .lookup import queue_arn, queue_by_arn
from .messages import wake
from .wire import LEGACY_ERROR_CODES

RUNNING, COMPLETED, CANCELLED, FAILED = "RUNNING", "COMPLETED", "CANCELLED", "FAILED"
#: a failed task's FailureReason when a queue it moves from or to is gone (the query-era code)
QUEUE_GONE = LEGACY_ERROR_CODES["QueueDoesNotExist"]


def _queue(ctx: RequestContext, arn: str, what: str) -> Queue:
    queue = queue_by_arn(ctx, arn)
    if queue is None:
        raise ResourceNotFound(f"The resource that you specified for the {what} parameter doesn't exist.")
    return queue


def _handle(source_arn: str) -> str:
    raw = json.dumps({"taskId": str(uuid.uuid4()), "sourceArn": source_arn}, separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def _advance(ctx: RequestContext, task: MoveTask) -> None:
    """Move what the task's rate allows by now; finish when the source has no more."""
    if task.status != RUNNING:
        return
    source = queue_by_arn(ctx, task.source_arn)
    if source is None:
        task.status, task.failure_reason = FAILED, QUEUE_GONE
        return
    budget = task.to_move - task.moved
    if task.max_per_second:
        elapsed = (ctx.now - task.started_at).total_seconds()
        budget = min(budget, int(elapsed * task.max_per_second) - task.moved)
    dest = queue_by_arn(ctx, task.destination_arn) if task.destination_arn else None
    if task.destination_arn and dest is None:
        task.status, task.failure_reason = FAILED, QUEUE_GONE
        return
    while budget > 0:
        rows = candidates(ctx, source, min(budget, 100))
        if not rows:
            break
        groups: dict[str, list[int]] = {}
        for r in rows:
            target_arn = task.destination_arn or r.dead_letter_source_arn or ""
            groups.setdefault(target_arn, []).append(r.id)
        for target_arn, ids in groups.items():
            target = dest if dest is not None else queue_by_arn(ctx, target_arn) if target_arn else None
            if target is None:
                task.status = FAILED
                task.failure_reason = QUEUE_GONE
                return
            move_to(ctx, ids, target, source_arn=None, reset_receives=True)
            ctx.session.execute(M.update().where(M.c.id.in_(ids)).values(dead_letter_source_arn=None))
            wake(ctx, target)
            task.moved += len(ids)
            budget -= len(ids)
    left = counters(ctx, source)["ApproximateNumberOfMessages"]
    if task.moved >= task.to_move or left == 0:
        task.status = COMPLETED
    task.advanced_at = ctx.now


@handler("sqs", "StartMessageMoveTask")
def start_message_move_task(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    source_arn = params["SourceArn"]
    source = _queue(ctx, source_arn, "SourceArn")
    is_dlq = ctx.session.execute(
        select(Queue.id).where(Queue.dead_letter_target_arn == queue_arn(source)).limit(1)
    ).first()
    if is_dlq is None:
        raise InvalidParameterValue("Source queue must be configured as a Dead Letter Queue.")
    dest_arn = params.get("DestinationArn")
    if dest_arn:
        _queue(ctx, dest_arn, "DestinationArn")
    rate = params.get("MaxNumberOfMessagesPerSecond")
    if rate is not None and not 1 <= rate <= 500:
        raise InvalidParameterValue(
            f"Value {rate} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: must be between 1 and 500."
        )
    for task in ctx.session.execute(
        select(MoveTask).where(MoveTask.source_arn == source_arn, MoveTask.status == RUNNING)
    ).scalars():
        _advance(ctx, task)
        if task.status == RUNNING:
            raise InvalidParameterValue(
                "There is already a task running. Only one active task is allowed for a source queue arn at a "
                "given time."
            )
    task = MoveTask(
        task_handle=_handle(source_arn),
        account_id=ctx.account_id,
        region=ctx.region,
        source_arn=source_arn,
        destination_arn=dest_arn,
        max_per_second=rate,
        status=RUNNING,
        moved=0,
        to_move=counters(ctx, source)["ApproximateNumberOfMessages"],
        started_at=ctx.now,
        advanced_at=ctx.now,
    )
    ctx.session.add(task)
    ctx.session.flush()
    _advance(ctx, task)
    return {"TaskHandle": task.task_handle}


@handler("sqs", "CancelMessageMoveTask")
def cancel_message_move_task(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    task = ctx.session.get(MoveTask, params["TaskHandle"])
    if task is None:
        raise ResourceNotFound("Task does not exist.")
    _advance(ctx, task)
    if task.status != RUNNING:
        raise InvalidParameterValue("Only active tasks can be cancelled.")
    task.status = CANCELLED
    return {"ApproximateNumberOfMessagesMoved": task.moved}


@handler("sqs", "ListMessageMoveTasks", write=True)
def list_message_move_tasks(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    source_arn = params["SourceArn"]
    _queue(ctx, source_arn, "SourceArn")
    limit = params.get("MaxResults") or 1
    if not 1 <= limit <= 10:
        raise InvalidParameterValue(
            f"Value {limit} for parameter MaxResults is invalid. Reason: must be between 1 and 10."
        )
    tasks = list(
        ctx.session.execute(
            select(MoveTask)
            .where(MoveTask.source_arn == source_arn)
            .order_by(MoveTask.started_at.desc())
            .limit(limit)
        ).scalars()
    )
    results = []
    for task in tasks:
        _advance(ctx, task)
        item: dict[str, Any] = {
            "Status": task.status,
            "SourceArn": task.source_arn,
            "ApproximateNumberOfMessagesMoved": task.moved,
            "ApproximateNumberOfMessagesToMove": task.to_move,
            "StartedTimestamp": int(task.started_at.timestamp() * 1000),
        }
        if task.status == RUNNING:
            item["TaskHandle"] = task.task_handle
        if task.destination_arn:
            item["DestinationArn"] = task.destination_arn
        if task.max_per_second:
            item["MaxNumberOfMessagesPerSecond"] = task.max_per_second
        if task.failure_reason:
            item["FailureReason"] = task.failure_reason
        results.append(item)
    return {"Results": results}
