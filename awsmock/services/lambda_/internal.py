"""What other services ask of Lambda inside their own request: invoke a function asynchronously
(SNS subscriptions, EventBridge targets, S3 notifications, CloudWatch Logs subscriptions, alarm
actions), in the caller's transaction; and, from their background work (outside any transaction),
run one synchronously (:func:`invoke_now`: a rotation step of Secrets Manager), after asking
in their request whether the service may invoke it (:func:`service_may_invoke`).

The invocation is accepted as AWS's ``Invoke`` with ``InvocationType=Event`` accepts it: queued
durably in the caller's transaction (an acknowledged publish has queued it; a failed one queued
nothing), then run by the delivery engine with Lambda's own retries (two more attempts), its
destinations on success and failure and its dead-letter queue. The function's resource policy
holds: the calling service must be allowed ``lambda:InvokeFunction`` (``Principal: {"Service":
...}`` with ``aws:SourceArn``/``aws:SourceAccount`` as AWS sets them).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from awsmock.auth import policy
from awsmock.engine import arns
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError

from .lookup import _NAME, Named, function_arn, resolve
from .policies import policy_document
from .queue import MAX_ASYNC_PAYLOAD, queue_event

if TYPE_CHECKING:
    from awsmock.state.store import Store

__all__ = ["Ran", "invoke_async", "invoke_now", "provide_runner", "service_may_invoke"]


def _scoped(ctx: RequestContext, function_arn_: str) -> tuple[RequestContext, Named] | None:
    parsed = arns.parse(function_arn_)
    m = _NAME.fullmatch(function_arn_)
    if parsed is None or m is None or parsed.service != "lambda" or m.group("fn") is None:
        return None
    if parsed.region != ctx.region or parsed.account != ctx.account_id:
        ctx = dataclasses.replace(ctx, region=parsed.region, account_id=parsed.account)
    return ctx, Named(m.group("name"), m.group("qualifier"))


def _permitted(
    ctx: RequestContext,
    function_arn_: str,
    service_principal: str,
    source_arn: str,
    source_account: str | None,
) -> tuple[RequestContext, Named, Any] | str:
    """(the function's context, its name, what it resolves to) when the function exists and its
    resource policy grants ``service_principal`` ``lambda:InvokeFunction`` for ``source_arn`` (a
    grant is needed: a function without a policy refuses every service, as in AWS); else
    ``not-found`` or ``denied``."""
    scoped = _scoped(ctx, function_arn_)
    if scoped is None:
        return "not-found"
    fctx, named = scoped
    try:
        target = resolve(fctx, named)
    except AwsError:
        return "not-found"
    document = policy_document(target.function, named.qualifier)
    if document is None or not policy.service_may(
        document, "lambda:InvokeFunction", _arn(fctx, named), service_principal, source_arn, source_account
    ):
        return "denied"
    return fctx, named, target


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
    found = _permitted(ctx, function_arn, service_principal, source_arn, source_account)
    if isinstance(found, str):
        return None, found
    fctx, named, target = found
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


# -- a synchronous run for another service's background work ------------------------------------


def service_may_invoke(
    ctx: RequestContext,
    function_arn_: str,
    *,
    service_principal: str,
    source_arn: str,
    source_account: str | None = None,
) -> str:
    """Whether ``service_principal`` may invoke ``function_arn_`` for ``source_arn``: "" when
    the function exists and its resource policy grants that service ``lambda:InvokeFunction``
    (a grant is needed: a function without a policy refuses every service), else
    ``not-found`` or ``denied``."""
    found = _permitted(ctx, function_arn_, service_principal, source_arn, source_account)
    return found if isinstance(found, str) else ""


@dataclasses.dataclass(frozen=True)
class Ran:
    """A synchronous run: ``refused`` (``not-found``, ``denied``, or the service error's
    message) when the function did not run; else its payload, and ``function_error``
    (``Unhandled``) when it failed."""

    payload: bytes = b""
    function_error: str | None = None
    refused: str | None = None

    @property
    def ok(self) -> bool:
        return self.refused is None and self.function_error is None


#: runs a function for another service's background work; set by :mod:`.service_runs` when the
#: room loads. This module does not import the invoke path: a run writes its logs, and logs
#: deliver to functions through this module.
_run_now: Callable[..., Ran] | None = None


def provide_runner(run_now: Callable[..., Ran]) -> None:
    """Called once by the room: how :func:`invoke_now` runs a function."""
    global _run_now
    _run_now = run_now


def invoke_now(
    store: Store,
    account: str,
    region: str,
    function_arn_: str,
    payload: bytes,
    *,
    service_principal: str,
    source_arn: str,
    source_account: str | None = None,
) -> Ran:
    """Run ``function_arn_`` as ``Invoke`` with ``RequestResponse`` does, for a service's own
    background work in ``account`` and ``region`` (an outbox delivery): the resource policy is
    checked as :func:`service_may_invoke` does, then the function runs with no transaction open
    (its own AWS calls come back to this awsmock), and the run is recorded (logs, the
    dashboard's invocations). Never call it inside a transaction."""
    assert _run_now is not None, "the Lambda room is loaded with every service"
    return _run_now(
        store,
        account,
        region,
        function_arn_,
        payload,
        service_principal=service_principal,
        source_arn=source_arn,
        source_account=source_account,
    )
