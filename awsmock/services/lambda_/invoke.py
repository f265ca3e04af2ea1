"""Invoke (and InvokeWithResponseStream, whose answer is an event stream: the payload as one
chunk, then the completion): a function version run by the execution engine, synchronously (``RequestResponse``),
asynchronously (``Event``: queued in the request's transaction through the durable outbox and run
by its worker, with Lambda's retries, destinations and dead-letter queue) or not at all
(``DryRun``: the checks alone).

A synchronous run happens outside the request's transaction and the server's gate (the handler
answers :class:`awsmock.engine.waiting.Outside`): the function's own AWS calls come back to this
awsmock while Invoke waits. What the run printed goes to the function's CloudWatch Logs group
(``/aws/lambda/<name>``, a stream per day and version) and, with the outcome, to a short record
of recent invocations per function (the dashboard's); written outside a request
(:func:`write_apart`), they are written again when a concurrent writer wins (on PostgreSQL, two
first runs creating the function's log group at once).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import json
import logging
import random
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import DBAPIError

from awsmock.engine import arns, outbox
from awsmock.engine.context import RequestContext, acting, utcnow
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.engine.waiting import Outside
from awsmock.models.lambda_ import LambdaInvocation
from awsmock.state import jsontext
from awsmock.state.rawvalues import conversions
from awsmock.state.store import PG_RETRY_SQLSTATES

from . import code as codes
from .endpoint import aws_endpoint
from .errors import (
    InvalidParameterValueException,
    InvalidRequestContentException,
    RequestTooLargeException,
    ResourceConflictException,
    TooManyRequestsException,
    validation,
)
from .execution.contract import Archive, Credentials, FunctionImage, Invocation, Outcome
from .lookup import (
    KEPT_INVOCATIONS,
    LATEST,
    Found,
    Named,
    Target,
    event_invoke_config,
    function_arn,
    parse_name,
    resolve_found,
)
from .queue import DEFAULT_MAX_AGE, DEFAULT_RETRIES, EVENT_KIND, MAX_ASYNC_PAYLOAD, queue_event

if TYPE_CHECKING:
    from awsmock.state.store import Store

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_SYNC_PAYLOAD = 6291456
LOG_TAIL = 4096
#: one invocation recorded in this many (on average) prunes its function's older records
PRUNE_EVERY = 10
#: the waits before Lambda's retries of an asynchronous invocation (about 1, then 2 minutes)
RETRY_WAITS = (60.0, 120.0)
CREDENTIAL_SECONDS = 3600


# -- building what the engine runs -------------------------------------------------------------


_CREDENTIALS: dict[tuple[int, str, str], tuple[Credentials, dt.datetime]] = {}
_CREDENTIALS_LOCK = threading.Lock()


def _credentials(ctx: RequestContext, role: str, session_name: str) -> Credentials | None:
    """Credentials of the execution role (reused while they last, and exist, in this state)."""
    from awsmock.services.sts import internal as sts

    key = (id(ctx.store), role, session_name)
    with _CREDENTIALS_LOCK:
        known = _CREDENTIALS.get(key)
    if known is not None and sts.still_valid(ctx, known[0].access_key_id, ctx.now + dt.timedelta(minutes=15)):
        return known[0]
    minted = sts.credentials_for_role(ctx, role, session_name, CREDENTIAL_SECONDS)
    if minted is None:
        return None
    creds = Credentials(minted.access_key_id, minted.secret_access_key, minted.session_token)
    with _CREDENTIALS_LOCK:
        _CREDENTIALS[key] = (creds, minted.expiration)
    return creds


def _loader(store: Store, sha: str) -> Any:
    def load() -> bytes:
        with store.session(write=False) as session:
            data = codes.load(session, sha)
        if data is None:
            raise LookupError(f"the code {sha} is gone")
        return data

    return load


def build_image(ctx: RequestContext, target: Target[Found]) -> FunctionImage:
    config = target.document["config"]
    name = target.function.rid
    sha = target.document.get("sha")
    store = ctx.store
    layers = tuple(
        Archive(layer["sha"], _loader(store, layer["sha"])) for layer in config.get("Layers") or []
    )
    return FunctionImage(
        account=ctx.account_id,
        region=ctx.region,
        function_name=name,
        function_arn=function_arn(ctx, name, target.version),
        version=target.version,
        revision_id=str(config.get("RevisionId")),
        package_type=config.get("PackageType", "Zip"),
        runtime=config.get("Runtime"),
        handler=config.get("Handler"),
        code=Archive(sha, _loader(store, sha)) if sha else None,
        image_uri=target.document.get("image"),
        layers=layers,
        environment=dict((config.get("Environment") or {}).get("Variables") or {}),
        memory_mb=int(config.get("MemorySize") or 128),
        timeout_s=int(config.get("Timeout") or 3),
        ephemeral_storage_mb=int((config.get("EphemeralStorage") or {}).get("Size") or 512),
        architectures=tuple(config.get("Architectures") or ["x86_64"]),
        log_group=str((config.get("LoggingConfig") or {}).get("LogGroup") or f"/aws/lambda/{name}"),
        credentials=_credentials(ctx, str(config.get("Role")), name),
        aws_endpoint=aws_endpoint(store),
    )


def run(image: FunctionImage, invocation: Invocation) -> Outcome:
    """The engine's run (outside any transaction); an engine that breaks answers a service error."""
    from . import execution

    try:
        return execution.invoke(image, invocation)
    except Exception as exc:  # the engine's bug must not become a 500 without a word
        log.exception("the execution engine failed")
        return Outcome.refused("ServiceException", f"The function could not be run: {type(exc).__name__}")


# -- choosing the version ------------------------------------------------------------------------


def pick_version(ctx: RequestContext, target: Target[Found]) -> Target[Found]:
    """Through an alias with routing weights, the version this invocation runs."""
    alias = target.alias
    weights = ((alias.document.get("RoutingConfig") or {}) if alias is not None else {}).get(
        "AdditionalVersionWeights"
    )
    if not weights or alias is None:
        return target
    draw = random.random()
    for version, weight in weights.items():
        if draw < float(weight):
            other = resolve_found(ctx, Named(target.function.rid, str(version)))
            other.alias = alias
            return other
        draw -= float(weight)
    return target


def _payload(params: dict[str, Any], limit: int) -> bytes:
    body = params.get("Payload")
    data = b"" if body is None else (body.encode() if isinstance(body, str) else bytes(body))
    if len(data) > limit:
        raise RequestTooLargeException(
            f"Request must be smaller than {limit} bytes for the InvokeFunction operation"
        )
    if data.strip():
        try:
            jsontext.guarded_loads(data)
        except (ValueError, UnicodeDecodeError, jsontext.JsonLimitExceeded) as exc:
            raise InvalidRequestContentException(
                f"Could not parse request body into json: Could not parse payload into json: {exc}"
            ) from exc
    return data or b"{}"


def _check_ready(ctx: RequestContext, target: Target[Found]) -> None:
    reserved = target.function.document.get("concurrency")
    if reserved is not None and int(reserved) == 0:
        raise TooManyRequestsException(
            "Rate Exceeded.", Reason="ReservedFunctionConcurrentInvocationLimitExceeded"
        )
    if target.document["config"].get("PackageType") == "Image" and not target.document.get("image"):
        raise ResourceConflictException("The function has no image to run.")


def _client_context(params: dict[str, Any]) -> str | None:
    value = params.get("ClientContext")
    if value is None:
        return None
    try:
        decoded = base64.b64decode(value, validate=True)
        jsontext.guarded_loads(decoded)
    except (binascii.Error, ValueError, UnicodeDecodeError, jsontext.JsonLimitExceeded) as exc:
        raise InvalidRequestContentException(
            "Client context must be a valid Base64-encoded JSON object."
        ) from exc
    if len(decoded) > 3583:
        raise InvalidRequestContentException("Client context must be smaller than 3583 bytes.")
    return str(value)


# -- logs and records ------------------------------------------------------------------------------


def log_stream(image: FunctionImage, when: dt.datetime) -> str:
    day = when.strftime("%Y/%m/%d")
    return f"{day}/[{image.version}]{hashlib.md5(f'{image.identity}{day}'.encode()).hexdigest()}"


def log_text(outcome: Outcome) -> str:
    return "".join(
        line.message if line.message.endswith("\n") else line.message + "\n" for line in outcome.logs
    )


def _error_name(outcome: Outcome) -> str | None:
    """What went wrong: the function's errorType, or the service error's message."""
    if outcome.service_error is not None:
        return outcome.service_error[1][:256]
    if not outcome.error_type:
        return None
    try:
        doc = json.loads(outcome.payload)
    except ValueError:
        return outcome.error_type
    found = doc.get("errorType") if isinstance(doc, dict) else None
    return str(found or outcome.error_type)[:256]


def record(ctx: RequestContext, image: FunctionImage, request_id: str, kind: str, outcome: Outcome) -> None:
    """The run's log lines to CloudWatch Logs, and a record of it for the dashboard."""
    if outcome.logs:
        from awsmock.services.logs import internal as logs

        try:
            logs.write_events(
                ctx,
                image.log_group,
                log_stream(image, ctx.now),
                [(int(line.at.timestamp() * 1000), line.message.rstrip("\n")) for line in outcome.logs],
            )
        except AwsError:
            log.warning("the logs of %s could not be written", image.function_arn, exc_info=True)
    result = (
        outcome.service_error[0]
        if outcome.service_error
        else ("Unhandled" if outcome.error_type else "Success")
    )
    scope = {"account": ctx.account_id, "region": ctx.region, "function": image.function_name}
    ctx.tx.execute(
        _RECORD,
        {
            **scope,
            "version": image.version,
            "request_id": request_id,
            "kind": kind,
            "at": conversions(ctx.tx).time_in(ctx.now),
            "duration_ms": float(outcome.duration_ms),
            "result": result,
            "error_type": _error_name(outcome),
            "log_tail": log_text(outcome)[-LOG_TAIL:],
        },
    )
    if random.random() * PRUNE_EVERY < 1:  # (the dashboard shows the newest KEPT_INVOCATIONS alone)
        ctx.tx.execute(_PRUNE, scope)


_I = LambdaInvocation.__table__
#: an invocation's record and the pruning of its function's older ones, run raw
_RECORD = _I.insert().values(
    account_id=bindparam("account"),
    region=bindparam("region"),
    function_name=bindparam("function"),
    **{
        c: bindparam(c)
        for c in ("version", "request_id", "kind", "at", "duration_ms", "result", "error_type", "log_tail")
    },
)
_MINE = (
    _I.c.account_id == bindparam("account"),
    _I.c.region == bindparam("region"),
    _I.c.function_name == bindparam("function"),
)
_PRUNE = delete(_I).where(
    *_MINE,
    _I.c.id
    <= select(_I.c.id)
    .where(*_MINE)
    .order_by(_I.c.id.desc())
    .offset(KEPT_INVOCATIONS)
    .limit(1)
    .scalar_subquery(),
)


def service_error(name: str, message: str) -> AwsError:
    from awsmock.engine import specs

    shape = specs.error_shape("lambda", name)
    status = 500
    if shape is not None:
        status = int((shape.metadata.get("error") or {}).get("httpStatusCode") or 500)
    return AwsError(
        message,
        code=name,
        status=status,
        sender_fault=status < 500,
        Type="User" if status < 500 else "Service",
    )


#: PostgreSQL errors after which Lambda's own writes (a run's logs and record, outside any
#: request) run again on the newer state: a concurrent writer won, or made the same new row
#: first (two first runs of a function creating its log group or stream at once)
_AGAIN = PG_RETRY_SQLSTATES | {"23505"}
WRITE_ATTEMPTS = 40


def write_apart(
    store: Store, account: str, region: str, request_id: str, fn: Callable[[RequestContext], T]
) -> T:
    """``fn(ctx)`` in a write transaction of its own for ``account`` and ``region`` (what a run
    leaves: its logs, its record, its destination), run again when a concurrent writer wins."""
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with acting(store, "lambda", "Invoke", account=account, region=region, request_id=request_id) as ctx:
                return fn(ctx)
        except DBAPIError as exc:
            if attempt == WRITE_ATTEMPTS or getattr(exc.orig, "sqlstate", None) not in _AGAIN:
                raise
            time.sleep(random.uniform(0.001, min(0.1, 0.002 * 2**attempt)))
    raise AssertionError("unreachable")


# -- Invoke ----------------------------------------------------------------------------------------


@handler("lambda", "Invoke")
def invoke(ctx: RequestContext, params: dict[str, Any]) -> Any:
    return _invoke(ctx, params, streamed=False)


@handler("lambda", "InvokeWithResponseStream")
def invoke_with_response_stream(ctx: RequestContext, params: dict[str, Any]) -> Any:
    """Invoke answering an event stream: the function's answer as one ``PayloadChunk`` (as AWS
    sends a function that does not stream its answer), then ``InvokeComplete`` (a function
    error's type and message as ``ErrorCode``/``ErrorDetails``, and the log tail with
    ``LogType=Tail``)."""
    return _invoke(ctx, params, streamed=True)


def _streamed(image: FunctionImage, outcome: Outcome, tail: bool) -> dict[str, Any]:
    complete: dict[str, Any] = {}
    events: list[dict[str, Any]] = []
    if outcome.error_type:
        try:
            doc = json.loads(outcome.payload)
        except ValueError:
            doc = None
        doc = doc if isinstance(doc, dict) else {}
        complete["ErrorCode"] = str(doc.get("errorType") or outcome.error_type or "Unhandled")
        complete["ErrorDetails"] = str(doc.get("errorMessage") or outcome.payload.decode("utf-8", "replace"))
    elif outcome.payload:
        events.append({"PayloadChunk": {"Payload": outcome.payload}})
    if tail:
        complete["LogResult"] = base64.b64encode(log_text(outcome).encode()[-LOG_TAIL:]).decode()
    events.append({"InvokeComplete": complete})
    return {"StatusCode": 200, "ExecutedVersion": image.version, "EventStream": events}


def _invoke(ctx: RequestContext, params: dict[str, Any], *, streamed: bool) -> Any:
    kind = params.get("InvocationType") or "RequestResponse"
    if streamed and kind not in ("RequestResponse", "DryRun"):
        raise validation(kind, "invocationType", "Member must satisfy enum value set: [RequestResponse, DryRun]")
    named = parse_name(ctx, params["FunctionName"], params.get("Qualifier"))
    target = resolve_found(ctx, named)
    payload = _payload(params, MAX_ASYNC_PAYLOAD if kind == "Event" else MAX_SYNC_PAYLOAD)
    client_context = _client_context(params)
    _check_ready(ctx, target)
    if kind == "DryRun":
        ctx.response_status = 204
        return {"StatusCode": 204}
    if kind == "Event":
        queue_event(ctx, target, named.qualifier, payload, ctx.request_id)
        ctx.response_status = 202
        return {"StatusCode": 202}
    if params.get("LogType") not in (None, "None", "Tail"):
        raise InvalidParameterValueException(f"Unsupported log type: {params['LogType']}")
    chosen = pick_version(ctx, target)
    image = build_image(ctx, chosen)
    invoked = function_arn(ctx, named.name, named.qualifier)
    invocation = Invocation(
        request_id=ctx.request_id, payload=payload, client_context=client_context, invoked_arn=invoked
    )
    tail = params.get("LogType") == "Tail"

    store = ctx.store

    def work() -> Outcome:
        outcome = run(image, invocation)
        if outcome.service_error is not None:  # the answer is an error: recorded apart
            write_apart(
                store,
                image.account,
                image.region,
                invocation.request_id,
                lambda own: record(own, image, invocation.request_id, "RequestResponse", outcome),
            )
        return outcome

    def then(ctx2: RequestContext, outcome: Outcome) -> dict[str, Any]:
        if outcome.service_error is not None:
            raise service_error(*outcome.service_error)
        record(ctx2, image, invocation.request_id, "RequestResponse", outcome)
        if streamed:
            return _streamed(image, outcome, tail)
        out: dict[str, Any] = {
            "StatusCode": 200,
            "Payload": outcome.payload,
            "ExecutedVersion": image.version,
        }
        if outcome.error_type:
            out["FunctionError"] = "Unhandled"
        if tail:
            text = log_text(outcome).encode()[-LOG_TAIL:]
            out["LogResult"] = base64.b64encode(text).decode()
        return out

    return Outside(work, then)


@handler("lambda", "InvokeAsync")
def invoke_async_operation(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The deprecated asynchronous Invoke (a 256 KB payload)."""
    named = parse_name(ctx, params["FunctionName"])
    target = resolve_found(ctx, named)
    body: Any = params.get("InvokeArgs")
    data = bytes(body.read(262145)) if hasattr(body, "read") else bytes(body or b"")
    if len(data) > 262144:
        raise RequestTooLargeException(
            "Request must be smaller than 262144 bytes for the InvokeAsync operation"
        )
    _payload({"Payload": data}, 262144)
    _check_ready(ctx, target)
    queue_event(ctx, target, named.qualifier, data or b"{}")
    ctx.response_status = 202
    return {"Status": 202}


# -- asynchronous invocations --------------------------------------------------------------------


def _acting(store: Store, payload: dict[str, Any]) -> contextlib.AbstractContextManager[RequestContext]:
    """A transaction of the queued invocation's account and region (its request id)."""
    return acting(
        store,
        "lambda",
        "Invoke",
        account=str(payload["account"]),
        region=str(payload["region"]),
        request_id=str(payload["request_id"]),
    )


def _deliver_event(store: Store, payload: dict[str, Any]) -> None:
    event = base64.b64decode(payload["payload"])
    with _acting(store, payload) as ctx:
        try:
            target = resolve_found(ctx, Named(str(payload["function"]), str(payload["qualifier"])))
        except AwsError as err:
            raise outbox.Failed(err.message, permanent=True) from err
        reserved = target.function.document.get("concurrency")
        if reserved is not None and int(reserved) == 0:
            raise outbox.Failed("the function's reserved concurrency is 0")
        target = pick_version(ctx, target)
        image = build_image(ctx, target)
    invoked = function_arn(
        ctx, image.function_name, None if payload["qualifier"] == LATEST else payload["qualifier"]
    )
    outcome = run(
        image, Invocation(request_id=str(payload["request_id"]), payload=event, invoked_arn=invoked)
    )

    def after(ctx: RequestContext) -> None:
        record(ctx, image, str(payload["request_id"]), "Event", outcome)
        if outcome.service_error is None and outcome.error_type is None:
            _to_destination(ctx, payload, image, event, outcome, "Success")

    write_apart(store, str(payload["account"]), str(payload["region"]), str(payload["request_id"]), after)
    if outcome.service_error is not None or outcome.error_type is not None:
        raise outbox.Failed(
            json.dumps(
                {
                    "awsmock.lambda": True,
                    "version": image.version,
                    "payload": base64.b64encode(outcome.payload).decode(),
                    "error": outcome.error_type or (outcome.service_error or ("", ""))[0],
                    "message": (outcome.service_error or ("", ""))[1],
                }
            )
        )


def _retry(payload: dict[str, Any], attempts: int) -> float | None:
    retries = int(payload.get("retries", DEFAULT_RETRIES))
    if attempts > retries:
        return None
    wait = RETRY_WAITS[min(attempts - 1, len(RETRY_WAITS) - 1)]
    try:
        queued = dt.datetime.fromisoformat(str(payload["queued_at"]))
    except (KeyError, ValueError):
        return None
    if (utcnow() - queued).total_seconds() + wait > int(payload.get("max_age", DEFAULT_MAX_AGE)):
        payload["_age_exceeded"] = True
        return None
    return wait


def _gave_up(store: Store, payload: dict[str, Any], error: str) -> None:
    try:
        failure = json.loads(error)
    except ValueError:
        failure = {}
    if not isinstance(failure, dict) or not failure.get("awsmock.lambda"):
        failure = {
            "version": payload.get("qualifier"),
            "payload": "",
            "error": "ServiceException",
            "message": error,
        }
    event = base64.b64decode(payload["payload"])
    with _acting(store, payload) as ctx:
        from .lookup import FUNCTIONS

        fn = FUNCTIONS.find(ctx, str(payload["function"]))
        if fn is None:
            return
        response = base64.b64decode(failure.get("payload") or "")
        condition = "EventAgeExceeded" if payload.get("_age_exceeded") else "RetriesExhausted"
        _send_failure(
            ctx, fn, payload, event, response, str(failure.get("version") or LATEST), condition, failure
        )


outbox.register(EVENT_KIND, deliver=_deliver_event, retry=_retry, gave_up=_gave_up, with_store=True)


# -- destinations and dead-letter queues ---------------------------------------------------------


def _json_or_text(data: bytes) -> Any:
    try:
        return json.loads(data) if data else None
    except ValueError:
        return data.decode("utf-8", "replace")


def _destination_record(
    ctx: RequestContext,
    payload: dict[str, Any],
    version: str,
    event: bytes,
    response: bytes,
    condition: str,
    function_error: str | None,
) -> dict[str, Any]:
    q = str(payload["qualifier"])
    invokes = 1 if condition == "Success" else int(payload.get("retries", DEFAULT_RETRIES)) + 1
    response_context: dict[str, Any] = {"statusCode": 200, "executedVersion": version}
    if function_error:
        response_context["functionError"] = function_error
    return {
        "version": "1.0",
        "timestamp": ctx.now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ctx.now.microsecond // 1000:03d}Z",
        "requestContext": {
            "requestId": payload["request_id"],
            "functionArn": function_arn(ctx, str(payload["function"]), q),
            "condition": condition,
            "approximateInvokeCount": invokes,
        },
        "requestPayload": _json_or_text(event),
        "responseContext": response_context,
        "responsePayload": _json_or_text(response),
    }


def _to_destination(
    ctx: RequestContext,
    payload: dict[str, Any],
    image: FunctionImage,
    event: bytes,
    outcome: Outcome,
    condition: str,
) -> None:
    from .lookup import FUNCTIONS

    fn = FUNCTIONS.find(ctx, str(payload["function"]))
    if fn is None:
        return
    cfg = event_invoke_config(fn, str(payload["qualifier"]))
    dest = ((cfg.get("DestinationConfig") or {}).get("OnSuccess") or {}).get("Destination")
    if dest:
        doc = _destination_record(ctx, payload, image.version, event, outcome.payload, condition, None)
        send(ctx, str(dest), doc, fn.arn, success=True)


def _send_failure(
    ctx: RequestContext,
    fn: Any,
    payload: dict[str, Any],
    event: bytes,
    response: bytes,
    version: str,
    condition: str,
    failure: dict[str, Any],
) -> None:
    cfg = event_invoke_config(fn, str(payload["qualifier"]))
    dest = ((cfg.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
    if dest:
        doc = _destination_record(ctx, payload, version, event, response, condition, "Unhandled")
        send(ctx, str(dest), doc, fn.arn, success=False)
    dead = (fn.document["config"].get("DeadLetterConfig") or {}).get("TargetArn")
    if dead:
        _to_dead_letter(ctx, str(dead), event, payload, failure, fn.arn)


def send(ctx: RequestContext, dest: str, doc: dict[str, Any], source: str, *, success: bool) -> None:
    """A destination record to an SQS queue, SNS topic, function or EventBridge bus."""
    body = json.dumps(doc, separators=(",", ":"))
    parsed = arns.parse(dest)
    if parsed is None:
        return
    principal = "lambda.amazonaws.com"
    if parsed.service == "sqs":
        from awsmock.services.sqs import internal as sqs

        sqs.enqueue(ctx, dest, body, service_principal=principal, source_arn=source)
    elif parsed.service == "sns":
        from awsmock.services.sns import internal as sns

        sns.publish(ctx, dest, body, service_principal=principal, source_arn=source)
    elif parsed.service == "lambda":
        from .internal import queue_for

        queue_for(ctx, dest, body.encode())
    elif parsed.service == "events" and parsed.resource == "event-bus/default":
        from awsmock.services.events import internal as events

        events.put_service_event(
            ctx,
            source="lambda",
            detail_type=f"Lambda Function Invocation Result - {'Success' if success else 'Failure'}",
            detail=doc,
            resources=[source, dest],
            region=parsed.region,
            account=parsed.account,
        )


def _to_dead_letter(
    ctx: RequestContext,
    dest: str,
    event: bytes,
    payload: dict[str, Any],
    failure: dict[str, Any],
    source: str,
) -> None:
    parsed = arns.parse(dest)
    if parsed is None:
        return
    message = str(failure.get("message") or failure.get("error") or "")
    body = event.decode("utf-8", "replace")
    if parsed.service == "sqs":
        from awsmock.services.sqs import internal as sqs

        attributes = {
            "RequestID": {"DataType": "String", "StringValue": str(payload["request_id"])},
            "ErrorCode": {"DataType": "Number", "StringValue": "200"},
            "ErrorMessage": {"DataType": "String", "StringValue": message[:256] or "Unhandled"},
        }
        sqs.enqueue(
            ctx,
            dest,
            body,
            attributes=attributes,
            service_principal="lambda.amazonaws.com",
            source_arn=source,
        )
    elif parsed.service == "sns":
        from awsmock.services.sns import internal as sns

        sns.publish(ctx, dest, body, service_principal="lambda.amazonaws.com", source_arn=source)
