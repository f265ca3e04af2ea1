"""A function run synchronously for another service's background work (a rotation step of
Secrets Manager): what :func:`.internal.invoke_now` does, given to it when the room loads
(:func:`.internal.provide_runner`), so that ``internal`` never imports the invoke path (a run
writes logs, and logs deliver to functions through ``internal``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from awsmock.engine.context import acting

from .execution.contract import Invocation
from .internal import Ran, _arn, _scoped, provide_runner, service_may_invoke
from .invoke import build_image, pick_version, record, run
from .lookup import resolve_found

if TYPE_CHECKING:
    from awsmock.state.store import Store


def run_now(
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
    """See :func:`.internal.invoke_now`."""
    with acting(store, "lambda", "Invoke", account=account, region=region) as ctx:
        why = service_may_invoke(
            ctx,
            function_arn_,
            service_principal=service_principal,
            source_arn=source_arn,
            source_account=source_account,
        )
        if why:
            return Ran(refused=why)
        scoped = _scoped(ctx, function_arn_)
        assert scoped is not None
        fctx, named = scoped
        image = build_image(fctx, pick_version(fctx, resolve_found(fctx, named)))
        invocation = Invocation(request_id=ctx.request_id, payload=payload, invoked_arn=_arn(fctx, named))
    outcome = run(image, invocation)
    with acting(store, "lambda", "Invoke", account=image.account, region=image.region) as ctx:
        record(ctx, image, invocation.request_id, "RequestResponse", outcome)
    if outcome.service_error is not None:
        return Ran(refused=outcome.service_error[1])
    return Ran(outcome.payload, "Unhandled" if outcome.error_type else None)


provide_runner(run_now)
