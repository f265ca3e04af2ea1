"""Deliveries to endpoints outside the database.

* ``http``/``https``: a POST with SNS's headers through the durable outbox
  (:mod:`awsmock.engine.outbox`), retried as the subscription's (or topic's) delivery policy
  says (SNS's default: 3 retries 20 seconds apart); a 4xx answer other than 429 is not retried.
* ``lambda``: through the outbox too, each notification handed to Lambda as an asynchronous
  invocation (``awsmock.services.lambda_.internal``) of the event Lambda gets from SNS; the
  function's policy must let ``sns.amazonaws.com`` invoke it.
* ``firehose``: through the outbox too; awsmock has no Firehose yet, so each attempt fails (and
  is retried, then kept as failed), visible in the outbox.
* ``email``, ``email-json``, ``sms``, ``application``: cannot be reached from here; each
  delivery is recorded in the shared store (the dashboard's "Recorded deliveries").
"""

from __future__ import annotations

import math
import urllib.error
import urllib.request
import uuid
from typing import TYPE_CHECKING, Any

from awsmock.engine import arns, outbox, resources
from awsmock.engine.context import RequestContext, acting
from awsmock.services.sqs import internal as sqs

from . import documents
from .errors import NotFoundException
from .store import AnyRow
from .topics import DEFAULT_DELIVERY_POLICY

if TYPE_CHECKING:
    from awsmock.state.store import Store

#: deliveries awsmock cannot make, kept for the user to see (rid: a uuid; state: the protocol)
RECORDED = resources.Kind(
    "sns",
    "delivery",
    arn=lambda ctx, rid: ctx.arn("sns", f"delivery/{rid}"),
    not_found=lambda rid: NotFoundException("Delivery does not exist"),
)
HTTP_TIMEOUT = 15.0
USER_AGENT = "Amazon Simple Notification Service Agent"


def record(
    ctx: RequestContext,
    protocol: str,
    endpoint: str,
    message: str,
    *,
    message_id: str,
    subject: str | None,
    source: str,
    kind: str = "Notification",
) -> None:
    RECORDED.create(
        ctx,
        rid=str(uuid.uuid4()),
        name=endpoint[:255],
        state=protocol,
        parent=source or None,
        document={
            "Type": kind,
            "Protocol": protocol,
            "Endpoint": endpoint,
            "Message": message,
            "MessageId": message_id,
            "Subject": subject,
            "TopicArn": source,
        },
    )


def _retry_policy(sub: AnyRow, topic_policy: str | None) -> dict[str, Any]:
    defaults: Any = DEFAULT_DELIVERY_POLICY["http"]
    policy = dict(defaults["defaultHealthyRetryPolicy"])
    for text, path in ((topic_policy, ("http", "defaultHealthyRetryPolicy")), (None, ())):
        if not text:
            continue
        try:
            doc: Any = documents.load_object(text)
            for key in path:
                doc = doc.get(key) or {}
            policy.update(doc)
        except (ValueError, AttributeError):
            pass
    own = (sub.document.get("Attributes") or {}).get("DeliveryPolicy")
    if own:
        try:
            doc = documents.load_object(own)
            policy.update(doc.get("healthyRetryPolicy") or {})
        except ValueError:
            pass
    return policy


def send(
    ctx: RequestContext,
    topic_arn: str,
    sub: AnyRow,
    body: str,
    *,
    message_id: str,
    subject: str | None,
    raw: bool,
    message_type: str = "Notification",
    topic_delivery_policy: str | None = None,
) -> None:
    """Deliver ``body`` (the envelope, or the raw message) to a non-SQS subscription."""
    protocol = str(sub.document["Protocol"])
    endpoint = str(sub.document["Endpoint"])
    if protocol in ("http", "https"):
        headers = {
            "x-amz-sns-message-type": message_type,
            "x-amz-sns-message-id": message_id,
            "x-amz-sns-topic-arn": topic_arn,
            "Content-Type": "text/plain; charset=UTF-8",
            "User-Agent": USER_AGENT,
        }
        if message_type == "Notification":
            headers["x-amz-sns-subscription-arn"] = sub.arn
        if raw:
            headers["x-amz-sns-rawdelivery"] = "true"
        payload = {
            "url": endpoint,
            "body": body,
            "headers": headers,
            "retry": _retry_policy(sub, topic_delivery_policy),
            "topic": topic_arn,
        }
        dead_letter = dead_letter_target(sub)
        if dead_letter and message_type == "Notification":
            payload["dead_letter"] = dead_letter
        outbox.put(ctx, "sns.http", payload)
    elif protocol in ("lambda", "firehose"):
        outbox.put(ctx, f"sns.{protocol}", {"endpoint": endpoint, "body": body, "topic": topic_arn})
    else:
        record(
            ctx,
            protocol,
            endpoint,
            body,
            message_id=message_id,
            subject=subject,
            source=topic_arn,
            kind=message_type,
        )


# -- the deliverers --------------------------------------------------------------------------


def _post(payload: dict[str, Any]) -> None:
    request = urllib.request.Request(
        str(payload["url"]),
        data=str(payload["body"]).encode("utf-8"),
        headers=dict(payload.get("headers") or {}),
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as answer:
            answer.read()
    except urllib.error.HTTPError as err:
        permanent = 400 <= err.code < 500 and err.code != 429
        raise outbox.Failed(f"HTTP {err.code}", permanent=permanent) from None
    except (urllib.error.URLError, OSError, ValueError) as err:
        raise outbox.Failed(str(getattr(err, "reason", err))) from None


def retry_delay(policy: dict[str, Any], attempts: int) -> float | None:
    """Seconds until the next attempt after ``attempts`` failed ones, under an SNS retry
    policy (its phases: no delay, minimum delay, backoff, maximum delay), or None when its
    retries are used up. The first attempt is not a retry."""

    def number(name: str, default: int) -> int:
        try:
            return max(0, int(policy.get(name, default)))
        except (TypeError, ValueError):
            return default

    retries = number("numRetries", 3)
    retry = attempts  # the retry about to happen (1-based)
    if retry > retries:
        return None
    low = max(1, number("minDelayTarget", 20))
    high = max(low, number("maxDelayTarget", 20))
    no_delay = number("numNoDelayRetries", 0)
    at_min = number("numMinDelayRetries", 0)
    at_max = number("numMaxDelayRetries", 0)
    if retry <= no_delay:
        return 0.0
    if retry <= no_delay + at_min:
        return float(low)
    backoff = max(1, retries - no_delay - at_min - at_max)
    step = retry - no_delay - at_min
    if step > backoff:
        return float(high)
    fraction = step / backoff
    shape = str(policy.get("backoffFunction") or "linear")
    if shape == "exponential":
        return float(low * math.pow(high / low, fraction))
    if shape == "geometric":
        return float(low + (high - low) * fraction**3)
    if shape == "arithmetic":
        return float(low + (high - low) * fraction**2)
    return float(low + (high - low) * fraction)


def dead_letter_target(sub: AnyRow) -> str | None:
    """The queue a subscription's RedrivePolicy names, if any."""
    redrive = (sub.document.get("Attributes") or {}).get("RedrivePolicy")
    if not redrive:
        return None
    try:
        target = documents.load_object(redrive).get("deadLetterTargetArn")
    except ValueError:
        return None
    return target if isinstance(target, str) else None


def _to_dead_letter_queue(store: Store, payload: dict[str, Any], error: str) -> None:
    """A delivery whose retries are used up goes to the subscription's dead-letter queue."""
    target, topic = payload.get("dead_letter"), arns.parse(str(payload.get("topic") or ""))
    if not target or topic is None:
        return
    with acting(store, "sns", "Deliver", account=topic.account, region=topic.region) as ctx:
        sqs.enqueue(
            ctx,
            str(target),
            str(payload["body"]),
            service_principal="sns.amazonaws.com",
            source_arn=str(topic),
        )


def _no_service(payload: dict[str, Any]) -> None:
    raise outbox.Failed("awsmock has no Firehose yet: the delivery cannot be made")


def _to_lambda(store: Store, payload: dict[str, Any]) -> None:
    """A notification to a function: an asynchronous invocation with the event Lambda gets from
    SNS (the body)."""
    from awsmock.services.lambda_ import internal as lambda_

    topic = arns.parse(str(payload.get("topic") or ""))
    if topic is None:
        raise outbox.Failed("no topic", permanent=True)
    with acting(store, "sns", "Deliver", account=topic.account, region=topic.region) as ctx:
        request_id, why = lambda_.invoke_async(
            ctx,
            str(payload["endpoint"]),
            str(payload["body"]).encode(),
            service_principal="sns.amazonaws.com",
            source_arn=str(topic),
        )
    if request_id is None:
        raise outbox.Failed(
            f"Lambda did not take the notification: {why}", permanent=why in ("not-found", "denied")
        )


outbox.register(
    "sns.http",
    deliver=_post,
    retry=lambda payload, n: retry_delay(payload.get("retry") or {}, n),
    gave_up=_to_dead_letter_queue,
)
#: Lambda: SNS retries 3 times with no delay, then twice a second apart (then far longer)
outbox.register(
    "sns.lambda",
    deliver=_to_lambda,
    with_store=True,
    retry=lambda payload, n: [0.0, 0.0, 0.0, 1.0, 1.0][n - 1] if n <= 5 else None,
)
outbox.register("sns.firehose", deliver=_no_service, retry=lambda payload, n: 1.0 if n <= 3 else None)
