"""What other services ask of Lambda inside their own request: invoke a function asynchronously
(SNS subscriptions, EventBridge targets, S3 notifications, CloudWatch Logs subscriptions, alarm
actions), in the caller's transaction.

The invocation is accepted as AWS's ``Invoke`` with ``InvocationType=Event`` accepts it: queued
durably in the caller's transaction (an acknowledged publish has queued it; a failed one queued
nothing), then run by the delivery engine with Lambda's own retries (two more attempts), its
destinations on success and failure and its dead-letter queue. The function's resource policy
holds: the calling service must be allowed ``lambda:InvokeFunction`` (``Principal: {"Service":
...}`` with ``aws:SourceArn``/``aws:SourceAccount`` as AWS sets them).
"""

from __future__ import annotations

import dataclasses

from awsmock.auth import policy
from awsmock.engine import arns
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError

from .lookup import _NAME, Named, function_arn, resolve
from .policies import policy_document
from .queue import MAX_ASYNC_PAYLOAD, queue_event

__all__ = ["invoke_async"]


def _scoped(ctx: RequestContext, function_arn_: str) -> tuple[RequestContext, Named] | None:
    parsed = arns.parse(function_arn_)
    m = _NAME.fullmatch(function_arn_)
    if parsed is None or m is None or parsed.service != "lambda" or m.group("fn") is None:
        return None
    if parsed.region != ctx.region or parsed.account != ctx.account_id:
        ctx = dataclasses.replace(ctx, region=parsed.region, account_id=parsed.account)
    return ctx, Named(m.group("name"), m.group("qualifier"))


def invoke_async(
    ctx: RequestContext,
    function_arn: str,
    payload: bytes,
    *,
    service_principal: str,
    source_arn: str,
    source_account: str | None = None,
) -> tuple[str | None, str]:
    """Queue an asynchronous invocation of ``function_arn`` (unqualified, a version or an alias)
    with ``payload`` (the event, JSON bytes) on behalf of ``service_principal``
    (``s3.amazonaws.com``) for ``source_arn`` (owned by ``source_account`` where the ARN names
    none, as a bucket's): (the request id, "") when Lambda took it, else (None, why:
    ``not-found``, ``denied`` or Lambda's error message)."""
    scoped = _scoped(ctx, function_arn)
    if scoped is None:
        return None, "not-found"
    fctx, named = scoped
    try:
        target = resolve(fctx, named)
    except AwsError:
        return None, "not-found"
    document = policy_document(target.function, named.qualifier)
    resource = _arn(fctx, named)
    if not policy.service_may(
        document, "lambda:InvokeFunction", resource, service_principal, source_arn, source_account
    ):
        return None, "denied"
    if len(payload) > MAX_ASYNC_PAYLOAD:
        return (
            None,
            f"Request must be smaller than {MAX_ASYNC_PAYLOAD} bytes for the InvokeFunction operation",
        )
    return queue_event(fctx, target, named.qualifier, payload or b"{}"), ""


def _arn(ctx: RequestContext, named: Named) -> str:
    return function_arn(ctx, named.name, named.qualifier)


def queue_for(ctx: RequestContext, function_arn_: str, payload: bytes) -> str | None:
    """Queue an invocation Lambda itself makes (a destination function): no resource policy
    applies (the execution role's permissions do)."""
    scoped = _scoped(ctx, function_arn_)
    if scoped is None:
        return None
    fctx, named = scoped
    try:
        target = resolve(fctx, named)
    except AwsError:
        return None
    return queue_event(fctx, target, named.qualifier, payload)
