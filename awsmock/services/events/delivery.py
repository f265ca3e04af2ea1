"""Delivering an event: every enabled rule of its bus whose pattern matches sends it, shaped by
each target's input settings, to the target.

Targets in the database are written in the PutEvents transaction: SQS queues (whose policy must
let ``events.amazonaws.com`` send for the rule), SNS topics (likewise their policy), another
bus (once: an event a bus forwarded is not forwarded again), CloudWatch Logs log groups (a
stream named for the event) and Kinesis streams. Lambda functions are invoked through the
durable outbox (an asynchronous invocation, retried as the target's RetryPolicy says while
Lambda does not take it). A delivery that fails goes to the target's dead-letter queue when it
has one.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from awsmock.engine import arns, outbox
from awsmock.engine.context import RequestContext, acting, utcnow
from awsmock.models.resources import Resource
from awsmock.services.kinesis import internal as kinesis
from awsmock.services.logs import internal as logs
from awsmock.services.sns import internal as sns
from awsmock.services.sqs import internal as sqs

from . import transform
from .eventpatterns import compile_event_pattern
from .store import ARCHIVES, BUSES, DEFAULT

if TYPE_CHECKING:
    from awsmock.state.store import Store

PRINCIPAL = "events.amazonaws.com"
LAMBDA = "events.lambda"
DEFAULT_RETRIES = 185
DEFAULT_MAX_AGE = 86_400


def rules_on(ctx: RequestContext, bus_arn: str) -> list[Resource]:
    """The enabled rules of the bus ``bus_arn`` (in any account) that match events."""
    rows = ctx.session.scalars(
        select(Resource)
        .where(
            Resource.service == "events",
            Resource.kind == "rule",
            Resource.parent == bus_arn,
            Resource.state != "DISABLED",
        )
        .order_by(Resource.pk)
    )
    return [r for r in rows if r.document.get("EventPattern")]


def bus_of_arn(ctx: RequestContext, arn: str) -> bool:
    """Whether ``arn`` names an existing bus (a default bus always exists)."""
    parsed = arns.parse(arn)
    if parsed is None or parsed.service != "events" or not parsed.resource.startswith("event-bus/"):
        return False
    return parsed.resource == f"event-bus/{DEFAULT}" or BUSES.by_arn(ctx, arn) is not None


def deliver(ctx: RequestContext, bus_arn: str, event: dict[str, Any], *, forwarded: bool = False) -> int:
    """Send ``event`` (put on the bus ``bus_arn``) to every matching rule's targets; the number
    of rules that matched."""
    matched = 0
    for rule in rules_on(ctx, bus_arn):
        try:
            pattern = compile_event_pattern(rule.document["EventPattern"])
        except Exception:
            continue
        if not pattern.matches(event):
            continue
        matched += 1
        for target in rule.document.get("Targets") or []:
            to_target(ctx, rule, target, event, forwarded)
    _archive(ctx, bus_arn, event)
    return matched


def _archive(ctx: RequestContext, bus_arn: str, event: dict[str, Any]) -> None:
    rows = ctx.session.scalars(
        select(Resource).where(
            Resource.service == "events",
            Resource.kind == "archive",
            Resource.parent == bus_arn,
            Resource.state == "ENABLED",
        )
    )
    size = len(json.dumps(event, separators=(",", ":")).encode())
    for row in rows:
        text = row.document.get("EventPattern")
        if text:
            try:
                if not compile_event_pattern(text).matches(event):
                    continue
            except Exception:
                continue
        doc = dict(row.document)
        doc["EventCount"] = int(doc.get("EventCount") or 0) + 1
        doc["SizeBytes"] = int(doc.get("SizeBytes") or 0) + size
        ARCHIVES.update(ctx, row, document=doc)


def to_target(
    ctx: RequestContext,
    rule: Resource,
    target: dict[str, Any],
    event: dict[str, Any],
    forwarded: bool = False,
) -> None:
    """Send ``event`` to one target of ``rule`` (its dead-letter queue when that fails)."""
    arn = str(target.get("Arn") or "")
    parsed = arns.parse(arn)
    if parsed is None:
        return
    if parsed.service == "events" and parsed.resource.startswith("event-bus/"):
        if forwarded:
            return  # an event one bus sent to another goes no further
        if bus_of_arn(ctx, arn):
            deliver(ctx, arn, event, forwarded=True)
        else:
            _dead_letter(ctx, rule, target, event, "ResourceNotFound", "Event bus does not exist.")
        return
    body = transform.render(target, event, rule.name or "", rule.arn)
    reason = ""
    if parsed.service == "sqs":
        params = target.get("SqsParameters") or {}
        done = sqs.enqueue(
            ctx,
            arn,
            body,
            group_id=params.get("MessageGroupId"),
            deduplication_id=str(event["id"]),
            service_principal=PRINCIPAL,
            source_arn=rule.arn,
        )
        reason = done.reason
    elif parsed.service == "sns":
        _message_id, reason = sns.publish(
            ctx,
            arn,
            body,
            service_principal=PRINCIPAL,
            source_arn=rule.arn,
            group_id=str(event["id"]),
            deduplication_id=str(event["id"]),
        )
    elif parsed.service == "logs" and parsed.resource.startswith("log-group:"):
        group = parsed.resource[len("log-group:") :].removesuffix(":*")
        try:
            logs.write_events(ctx, group, str(event["id"]), [(_millis(event), body)])
        except Exception as err:  # the group name is not one CloudWatch Logs takes
            reason = str(getattr(err, "message", err))
    elif parsed.service == "kinesis":
        key_path = (target.get("KinesisParameters") or {}).get("PartitionKeyPath")
        key = str(event["id"])
        if key_path:
            value = transform.select(event, key_path)
            if transform.found(value):
                key = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
        try:
            kinesis.put_record(ctx, arn, body.encode(), key[:256] or str(event["id"]))
        except kinesis.KinesisError as err:
            reason = err.message or err.code
    elif parsed.service == "lambda":
        retry = target.get("RetryPolicy") or {}
        outbox.put(
            ctx,
            LAMBDA,
            {
                "function": arn,
                "payload": body,
                "rule": rule.arn,
                "event_time": ctx.now.isoformat(),
                "retries": int(retry.get("MaximumRetryAttempts", DEFAULT_RETRIES)),
                "max_age": int(retry.get("MaximumEventAgeInSeconds", DEFAULT_MAX_AGE)),
            },
        )
        return
    else:
        return  # a kind of target awsmock cannot reach: nothing is sent
    if reason:
        _dead_letter(ctx, rule, target, event, "FailedDelivery", reason)


def _dead_letter(
    ctx: RequestContext,
    rule: Resource,
    target: dict[str, Any],
    event: dict[str, Any],
    code: str,
    message: str,
) -> None:
    queue = ((target.get("DeadLetterConfig") or {}).get("Arn")) or ""
    if not queue:
        return
    attributes = {
        "RULE_ARN": {"DataType": "String", "StringValue": rule.arn},
        "TARGET_ARN": {"DataType": "String", "StringValue": str(target.get("Arn"))},
        "ERROR_CODE": {"DataType": "String", "StringValue": code},
        "ERROR_MESSAGE": {"DataType": "String", "StringValue": message[:256] or code},
    }
    sqs.enqueue(
        ctx,
        queue,
        json.dumps(event, separators=(",", ":")),
        attributes=attributes,
        service_principal=PRINCIPAL,
        source_arn=rule.arn,
    )


def _millis(event: dict[str, Any]) -> int:
    try:
        when = dt.datetime.strptime(str(event["time"]), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return 0
    return int(when.timestamp() * 1000)


# -- Lambda through the outbox -------------------------------------------------------------


def _invoke(store: Store, payload: dict[str, Any]) -> None:
    """The event to the target function: an asynchronous invocation, which the function's policy
    must let ``events.amazonaws.com`` make for the rule."""
    from awsmock.services.lambda_ import internal as lambda_

    rule = arns.parse(str(payload.get("rule") or ""))
    if rule is None:
        raise outbox.Failed("no rule", permanent=True)
    with acting(store, "events", "Deliver", account=rule.account, region=rule.region) as ctx:
        request_id, why = lambda_.invoke_async(
            ctx,
            str(payload["function"]),
            str(payload["payload"]).encode(),
            service_principal=PRINCIPAL,
            source_arn=str(rule),
        )
    if request_id is None:
        raise outbox.Failed(
            f"Lambda function {payload.get('function')} did not take the event: {why}",
            permanent=why in ("not-found", "denied"),
        )


def _retry(payload: dict[str, Any], attempts: int) -> float | None:
    if attempts > int(payload.get("retries", DEFAULT_RETRIES)):
        return None
    wait = float(min(2**attempts, 300))
    try:
        started = dt.datetime.fromisoformat(str(payload.get("event_time")))
    except ValueError:
        return None
    age = (utcnow() - started).total_seconds() + wait
    return None if age > int(payload.get("max_age", DEFAULT_MAX_AGE)) else wait


outbox.register(LAMBDA, deliver=_invoke, retry=_retry, with_store=True)
