"""Messages: send, receive (with long polling), delete, change visibility; single and batch."""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import bindparam, select

from awsmock.engine import turns
from awsmock.engine.clock import monotonic
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.engine.waiting import WaitAndRetry
from awsmock.models.sqs import Message
from awsmock.state.rawvalues import conversions

from . import fifo, receipts
from .attributes import int_attr
from .claim import Claimed, M, claim, reclaim
from .errors import (
    BatchEntryIdsNotDistinct,
    BatchRequestTooLong,
    EmptyBatchRequest,
    InvalidBatchEntryId,
    InvalidMessageContents,
    InvalidParameterValue,
    MessageNotInflight,
    MissingParameter,
    ReceiptHandleIsInvalid,
    TooManyEntriesInBatchRequest,
    invalid_value,
)
from .lookup import AnyQueue, get_queue_ref
from .md5 import md5_of_attributes, md5_of_body

#: how often a long poll looks for messages sent by other processes (same-process sends wake it)
#: (0.05 s for the first seconds of a wait, then 0.1 s: idle pollers cost ~10 short transactions/s)
POLL_SECONDS = 0.05
SLOW_POLL_SECONDS = 0.1
FAST_POLL_FOR = 2.0
MAX_BATCH = 10
#: the sum of a SendMessageBatch's message sizes (1 MiB, as one message)
MAX_BATCH_BYTES = 1_048_576
#: how long a message may stay invisible since the receive that took it (12 hours)
MAX_VISIBILITY = 43_200
MAX_ATTRIBUTES = 10
#: raw statements (built once, compiled once per dialect): sends, receives and deletes are hot paths
_INSERT_COLUMNS = (
    "queue_id",
    "message_id",
    "body",
    "md5_body",
    "attributes",
    "md5_attributes",
    "system_attributes",
    "md5_system_attributes",
    "group_id",
    "dedup_id",
    "sender_id",
    "sent_at",
    "visible_at",
    "enqueued_at",
    "receive_count",
)
_INSERT = M.insert().values({name: bindparam(name) for name in _INSERT_COLUMNS})
_INSERT_RETURNING_ID = _INSERT.returning(M.c.id)  # FIFO: the row id is the sequence number
_HELD = select(M.c.receipt_nonce, M.c.visible_at).where(
    M.c.id == bindparam("row_id"), M.c.queue_id == bindparam("queue_id")
)
_DELETE = M.delete().where(M.c.id == bindparam("row_id"))
#: a standard queue's delete in one statement: gone and stale handles both answer success
_DELETE_HELD = M.delete().where(
    M.c.id == bindparam("row_id"),
    M.c.queue_id == bindparam("queue_id"),
    M.c.receipt_nonce == bindparam("nonce"),
)
_SET_VISIBLE_AT = M.update().where(M.c.id == bindparam("row_id")).values(visible_at=bindparam("until"))
_WAIT_DEADLINE = "_awsmock_wait_deadline"  # stashed in the params dict, which survives the retries

_INVALID_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BATCH_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_ATTR_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,256}$")
SYSTEM_ATTRIBUTES = (
    "SenderId",
    "SentTimestamp",
    "ApproximateReceiveCount",
    "ApproximateFirstReceiveTimestamp",
    "SequenceNumber",
    "MessageDeduplicationId",
    "MessageGroupId",
    "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
)


def topic(queue: AnyQueue) -> str:
    return f"sqs:{queue.id}"


def wake(ctx: RequestContext, queue: AnyQueue) -> None:
    """Wake the long polls on ``queue`` once the transaction commits (this process's; on
    PostgreSQL every process's, see :mod:`awsmock.state.notify_pg`)."""
    ctx.store.notifier.publish(ctx, topic(queue))


def new_message_id() -> str:
    """A random (version 4) UUID as text: ``str(uuid.uuid4())``, built with less overhead."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def sequence_number(row_id: int) -> str:
    return str(10**19 + row_id)


# -- send ----------------------------------------------------------------------------------------


def _check_body(body: Any) -> str:
    if body is None or body == "":
        raise MissingParameter("The request must contain the parameter MessageBody.")
    bad = _INVALID_CHAR.search(body)
    if bad:
        raise InvalidMessageContents(
            f"Invalid binary character '#x{ord(bad.group()):X}' was found in the message body, the set of allowed "
            "characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"
        )
    return str(body)


def _stored_attributes(attrs: dict[str, Any] | None, kind: str = "Message (user)") -> tuple[dict | None, int]:
    """Validated attributes in storable form (binary base64) and their size in bytes."""
    if not attrs:
        return None, 0
    if len(attrs) > MAX_ATTRIBUTES:
        raise InvalidParameterValue(
            f"Number of message attributes [{len(attrs)}] exceeds the allowed maximum [{MAX_ATTRIBUTES}]."
        )
    out: dict[str, dict[str, Any]] = {}
    size = 0
    for name, value in attrs.items():
        if (
            not _ATTR_NAME.match(name)
            or name.startswith((".", "AWS.", "Amazon."))
            or name.endswith(".")
            or ".." in name
        ):
            raise InvalidParameterValue(f"{kind} attribute name '{name}' is invalid.")
        dtype = str(value.get("DataType") or "")
        base = dtype.split(".", 1)[0]
        if base not in ("String", "Number", "Binary"):
            raise InvalidParameterValue(
                f"The type of message (user) attribute '{name}' is invalid. You must use only the following "
                "supported type prefixes: Binary, Number, String."
            )
        item: dict[str, Any] = {"DataType": dtype}
        if base == "Binary":
            blob = value.get("BinaryValue")
            if blob is None or len(blob) == 0:
                raise InvalidParameterValue(
                    f"Message (user) attribute '{name}' must contain a non-empty value of type '{base}'."
                )
            blob = blob.encode("utf-8") if isinstance(blob, str) else bytes(blob)
            item["BinaryValue"] = base64.b64encode(blob).decode("ascii")
            size += len(blob)
        else:
            text = value.get("StringValue")
            if text is None or text == "":
                raise InvalidParameterValue(
                    f"Message (user) attribute '{name}' must contain a non-empty value of type '{base}'."
                )
            if base == "Number":
                try:
                    Decimal(text)
                except InvalidOperation:
                    raise InvalidParameterValue(
                        f"Could not cast message attribute '{name}' value to number."
                    ) from None
            if _INVALID_CHAR.search(text):
                raise InvalidMessageContents(
                    f"Message (user) attribute '{name}' contains invalid characters."
                )
            item["StringValue"] = text
            size += len(text.encode("utf-8"))
        size += len(name.encode("utf-8")) + len(dtype.encode("utf-8"))
        out[name] = item
    return out, size


def _wire_attributes(
    stored: dict[str, Any] | None, wanted: Callable[[str], bool] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, item in (stored or {}).items():
        if wanted is not None and not wanted(name):
            continue
        value = dict(item)
        if "BinaryValue" in value:
            value["BinaryValue"] = base64.b64decode(value["BinaryValue"])
        out[name] = value
    return out


def _send_one(ctx: RequestContext, queue: AnyQueue, entry: dict[str, Any]) -> dict[str, Any]:
    body = _check_body(entry.get("MessageBody"))
    attrs, attrs_size = _stored_attributes(entry.get("MessageAttributes"))
    system = entry.get("MessageSystemAttributes") or None
    if system:
        unknown = set(system) - {"AWSTraceHeader"}
        if unknown:
            raise InvalidParameterValue(f"Message system attribute name '{sorted(unknown)[0]}' is invalid.")
    system_stored, _ = _stored_attributes(system, "Message system")
    limit = int_attr(queue, "MaximumMessageSize")
    if len(body.encode("utf-8")) + attrs_size > limit:
        raise InvalidParameterValue(
            f"One or more parameters are invalid. Reason: Message must be shorter than {limit} bytes."
        )
    now = ctx.now
    group = entry.get("MessageGroupId") or None
    dedup = None
    if queue.fifo:
        group, dedup = fifo.send_params(queue, entry)
        delay = int_attr(queue, "DelaySeconds")
    else:
        if entry.get("MessageDeduplicationId"):
            raise InvalidParameterValue(
                "The request include parameter MessageDeduplicationId that is not valid for this queue type"
            )
        given = entry.get("DelaySeconds")
        if given is None:
            delay = int_attr(queue, "DelaySeconds")
        elif not 0 <= given <= 900:
            raise invalid_value("DelaySeconds", given, "DelaySeconds must be >= 0 and <= 900")
        else:
            delay = int(given)
    out: dict[str, Any] = {"MD5OfMessageBody": md5_of_body(body)}
    md5_attrs = md5_of_attributes(_wire_attributes(attrs)) if attrs else None
    md5_system = md5_of_attributes(_wire_attributes(system_stored)) if system_stored else None
    if md5_attrs:
        out["MD5OfMessageAttributes"] = md5_attrs
    if md5_system:
        out["MD5OfMessageSystemAttributes"] = md5_system
    if queue.fifo and group is not None and dedup is not None:
        seen = fifo.duplicate_of(ctx, queue, group, dedup)
        if seen is not None:
            out.update(MessageId=seen[0], SequenceNumber=sequence_number(seen[1]))
            return out
    message_id = new_message_id()
    conv = conversions(ctx.tx)
    stored_now = conv.time_in(now)
    sequenced = queue.fifo and group is not None and dedup is not None
    cursor: Any = ctx.tx.execute(
        _INSERT_RETURNING_ID if sequenced else _INSERT,
        {
            "queue_id": queue.id,
            "message_id": message_id,
            "body": body,
            "md5_body": out["MD5OfMessageBody"],
            "attributes": conv.json_in(attrs),
            "md5_attributes": md5_attrs,
            "system_attributes": conv.json_in(system_stored),
            "md5_system_attributes": md5_system,
            "group_id": group,
            "dedup_id": dedup,
            "sender_id": ctx.account_id,
            "sent_at": stored_now,
            "visible_at": conv.time_in(now + dt.timedelta(seconds=delay)) if delay else stored_now,
            "enqueued_at": stored_now,
            "receive_count": 0,
        },
    )
    out["MessageId"] = message_id
    if sequenced and group is not None and dedup is not None:  # (the checks again: for mypy)
        row_id = int(cursor.fetchone()[0])
        fifo.remember(ctx, queue, group, dedup, message_id, row_id)
        out["SequenceNumber"] = sequence_number(row_id)
    return out


@handler("sqs", "SendMessage")
def send_message(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    queue = get_queue_ref(ctx, params["QueueUrl"])
    out = _send_one(ctx, queue, params)
    wake(ctx, queue)
    return out


def _check_batch(entries: list[dict[str, Any]] | None, entry_shape: str) -> list[dict[str, Any]]:
    if not entries:
        raise EmptyBatchRequest(f"There should be at least one {entry_shape} in the request.")
    if len(entries) > MAX_BATCH:
        raise TooManyEntriesInBatchRequest(
            f"Maximum number of entries per request are {MAX_BATCH}. You have sent {len(entries)}."
        )
    seen: set[str] = set()
    for entry in entries:
        entry_id = entry.get("Id") or ""
        if not _BATCH_ID.match(entry_id):
            raise InvalidBatchEntryId()
        if entry_id in seen:
            raise BatchEntryIdsNotDistinct(f"Id {entry_id} repeated.")
        seen.add(entry_id)
    return entries


def _failure(entry_id: str, err: AwsError) -> dict[str, Any]:
    return {
        "Id": entry_id,
        "SenderFault": err.sender_fault,
        "Code": err.code,  # a modeled error's shape name (MessageNotInflight), not its query-era code
        "Message": err.message,
    }


@handler("sqs", "SendMessageBatch")
def send_message_batch(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    queue = get_queue_ref(ctx, params["QueueUrl"])
    entries = _check_batch(params.get("Entries"), "SendMessageBatchRequestEntry")
    total = 0
    for entry in entries:
        total += len(str(entry.get("MessageBody") or "").encode("utf-8"))
        for name, value in (entry.get("MessageAttributes") or {}).items():
            total += len(name.encode()) + len(str(value.get("DataType", "")).encode())
            total += (
                len(value.get("StringValue", "").encode())
                if value.get("StringValue") is not None
                else len(value.get("BinaryValue") or b"")
            )
    if total > MAX_BATCH_BYTES:
        raise BatchRequestTooLong(
            f"Batch requests cannot be longer than {MAX_BATCH_BYTES} bytes. You have sent {total} bytes."
        )
    ok: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for entry in entries:
        try:
            ok.append({"Id": entry["Id"], **_send_one(ctx, queue, entry)})
        except AwsError as err:
            failed.append(_failure(entry["Id"], err))
    if ok:
        wake(ctx, queue)
    return {"Successful": ok, "Failed": failed}


# -- receive -------------------------------------------------------------------------------------


def _ms(ts: dt.datetime) -> str:
    return str(int(ts.timestamp() * 1000))


def _name_filter(names: list[str] | None) -> Callable[[str], bool] | None:
    """A predicate for MessageAttributeNames (``All``, ``.*``, exact names, ``prefix.*``); None: none."""
    if not names:
        return None
    if "All" in names or ".*" in names:
        return lambda _n: True
    exact = {n for n in names if not n.endswith(".*")}
    prefixes = tuple(n[:-1] for n in names if n.endswith(".*"))
    return lambda n: n in exact or (bool(prefixes) and n.startswith(prefixes))


def _system_wanted(params: dict[str, Any]) -> set[str]:
    names = set(params.get("MessageSystemAttributeNames") or []) | set(params.get("AttributeNames") or [])
    if "All" in names:
        return set(SYSTEM_ATTRIBUTES)
    return names


def _render(
    ctx: RequestContext,
    queue: AnyQueue,
    c: Claimed,
    system: set[str],
    attr_filter: Callable[[str], bool] | None,
) -> dict[str, Any]:
    r = c.row
    msg: dict[str, Any] = {
        "MessageId": r.message_id,
        "ReceiptHandle": receipts.make(queue.id, r.id, c.nonce),
        "MD5OfBody": r.md5_body,
        "Body": r.body,
    }
    if system:
        attrs: dict[str, str] = {}
        values = {
            "SenderId": r.sender_id,
            "SentTimestamp": _ms(r.sent_at),
            "ApproximateReceiveCount": str(c.receive_count),
            "ApproximateFirstReceiveTimestamp": _ms(c.first_received_at),
        }
        if r.group_id is not None:
            values["MessageGroupId"] = r.group_id
        if queue.fifo:
            values["SequenceNumber"] = sequence_number(r.id)
            if r.dedup_id is not None:
                values["MessageDeduplicationId"] = r.dedup_id
        trace = (r.system_attributes or {}).get("AWSTraceHeader")
        if trace:
            values["AWSTraceHeader"] = trace.get("StringValue", "")
        if r.dead_letter_source_arn:
            values["DeadLetterQueueSourceArn"] = r.dead_letter_source_arn
        for name, value in values.items():
            if name in system:
                attrs[name] = value
        if attrs:
            msg["Attributes"] = attrs
    if attr_filter is not None and r.attributes:
        chosen = _wire_attributes(r.attributes, attr_filter)
        if chosen:
            msg["MessageAttributes"] = chosen
            msg["MD5OfMessageAttributes"] = (
                r.md5_attributes if len(chosen) == len(r.attributes) else md5_of_attributes(chosen)
            )
    return msg


@handler("sqs", "ReceiveMessage", write=True, isolation="READ COMMITTED")  # claims lock their rows
def receive_message(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    queue = get_queue_ref(ctx, params["QueueUrl"])
    limit = params.get("MaxNumberOfMessages")
    if limit is None:
        limit = 1
    elif not 1 <= limit <= 10:
        raise invalid_value("MaxNumberOfMessages", limit, "Must be between 1 and 10, if provided")
    wait = params.get("WaitTimeSeconds")
    if wait is None:
        wait = int_attr(queue, "ReceiveMessageWaitTimeSeconds")
        turns.note_default_wait(params["QueueUrl"], wait > 0)  # a server hint (awsmock/turns.py)
    elif not 0 <= wait <= 20:
        raise invalid_value("WaitTimeSeconds", wait, "Must be >= 0 and <= 20, if provided")
    visibility = params.get("VisibilityTimeout")
    if visibility is None:
        visibility = int_attr(queue, "VisibilityTimeout")
    elif not 0 <= visibility <= MAX_VISIBILITY:
        raise invalid_value(
            "VisibilityTimeout", visibility, f"Must be >= 0 and <= {MAX_VISIBILITY}, if provided"
        )
    attempt = params.get("ReceiveRequestAttemptId") if queue.fifo else None
    got: list[Claimed] = []
    if attempt:
        pairs = fifo.previous_attempt(ctx, queue, attempt)
        if pairs:
            got = reclaim(ctx, queue, pairs, visibility)
    if not got:
        got = claim(ctx, queue, limit, visibility, receipts.new_nonce(ctx.now))
        if got and attempt:
            fifo.record_attempt(ctx, queue, attempt, [(c.row.id, c.nonce) for c in got])
    if not got:
        if wait > 0 and not ctx.final_attempt:
            clock = monotonic()  # (not a test's frozen clock: the wait must end)
            deadline = params.setdefault(_WAIT_DEADLINE, clock + wait)
            poll = POLL_SECONDS if clock < deadline - wait + FAST_POLL_FOR else SLOW_POLL_SECONDS
            raise WaitAndRetry(topic(queue), deadline, poll)
        return {}
    system = _system_wanted(params)
    attr_filter = _name_filter(params.get("MessageAttributeNames"))
    return {"Messages": [_render(ctx, queue, c, system, attr_filter) for c in got]}


# -- delete and visibility -------------------------------------------------------------------------


def _handle_of(queue: AnyQueue, handle: str) -> tuple[int, str]:
    """The message row id and receive nonce of a receipt handle of ``queue``."""
    queue_id, row_id, nonce = receipts.parse(handle)
    if queue_id != queue.id:
        raise ReceiptHandleIsInvalid(f'The input receipt handle "{handle}" is not a valid receipt handle.')
    return row_id, nonce


def _held(ctx: RequestContext, queue: AnyQueue, handle: str) -> tuple[Any, int, str]:
    """The message row a receipt handle names (None if gone; ``(receipt_nonce, visible_at)``
    as stored), its row id and the handle's nonce."""
    row_id, nonce = _handle_of(queue, handle)
    row = ctx.tx.execute(_HELD, {"row_id": row_id, "queue_id": queue.id}).fetchone()
    return row, row_id, nonce


def _in_flight(ctx: RequestContext, row: Any, nonce: str) -> bool:
    """Whether a held row is in flight under the receive ``nonce``."""
    if row[0] != nonce:
        return False
    visible_at = conversions(ctx.tx).time_out(row[1])
    return visible_at is not None and visible_at > ctx.now


def _delete_one(ctx: RequestContext, queue: AnyQueue, handle: str) -> None:
    if not queue.fifo:
        # deleted if the handle's receive still holds it; a message already gone, or a stale
        # handle (the message stays), answer success too
        row_id, nonce = _handle_of(queue, handle)
        ctx.tx.execute(_DELETE_HELD, {"row_id": row_id, "queue_id": queue.id, "nonce": nonce})
        return
    row, row_id, nonce = _held(ctx, queue, handle)
    if row is None:
        return  # already deleted: AWS answers success
    if not _in_flight(ctx, row, nonce):
        raise ReceiptHandleIsInvalid("The receipt handle has expired.")
    ctx.tx.execute(_DELETE, {"row_id": row_id})


@handler("sqs", "DeleteMessage")
def delete_message(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    queue = get_queue_ref(ctx, params["QueueUrl"])
    _delete_one(ctx, queue, params["ReceiptHandle"])
    return {}


@handler("sqs", "DeleteMessageBatch")
def delete_message_batch(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    queue = get_queue_ref(ctx, params["QueueUrl"])
    entries = _check_batch(params.get("Entries"), "DeleteMessageBatchRequestEntry")
    ok: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for entry in entries:
        try:
            _delete_one(ctx, queue, entry.get("ReceiptHandle") or "")
            ok.append({"Id": entry["Id"]})
        except AwsError as err:
            failed.append(_failure(entry["Id"], err))
    return {"Successful": ok, "Failed": failed}


def _change_one(ctx: RequestContext, queue: AnyQueue, handle: str, timeout: Any) -> bool:
    """Change one message's visibility; True when it became visible now."""
    if timeout is None or not 0 <= int(timeout) <= MAX_VISIBILITY:
        raise invalid_value("VisibilityTimeout", timeout, f"Must be >= 0 and <= {MAX_VISIBILITY}")
    row, row_id, nonce = _held(ctx, queue, handle)
    if row is None or not _in_flight(ctx, row, nonce):
        raise MessageNotInflight()
    received = receipts.received_at(nonce)
    if received is not None and int((ctx.now - received).total_seconds()) + int(timeout) > MAX_VISIBILITY:
        # the 12 hours count from the receive: extending past them is refused, not capped
        raise invalid_value(
            "VisibilityTimeout",
            timeout,
            f"Total VisibilityTimeout for the message is beyond the limit [{MAX_VISIBILITY} seconds]",
        )
    until = conversions(ctx.tx).time_in(ctx.now + dt.timedelta(seconds=int(timeout)))
    ctx.tx.execute(_SET_VISIBLE_AT, {"row_id": row_id, "until": until})
    return int(timeout) == 0


@handler("sqs", "ChangeMessageVisibility")
def change_message_visibility(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    queue = get_queue_ref(ctx, params["QueueUrl"])
    if _change_one(ctx, queue, params["ReceiptHandle"], params.get("VisibilityTimeout")):
        wake(ctx, queue)
    return {}


@handler("sqs", "ChangeMessageVisibilityBatch")
def change_message_visibility_batch(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    queue = get_queue_ref(ctx, params["QueueUrl"])
    entries = _check_batch(params.get("Entries"), "ChangeMessageVisibilityBatchRequestEntry")
    ok: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    visible = False
    for entry in entries:
        try:
            visible |= _change_one(
                ctx, queue, entry.get("ReceiptHandle") or "", entry.get("VisibilityTimeout")
            )
            ok.append({"Id": entry["Id"]})
        except AwsError as err:
            failed.append(_failure(entry["Id"], err))
    if visible:
        wake(ctx, queue)
    return {"Successful": ok, "Failed": failed}


__all__ = ["Message", "topic", "wake"]
