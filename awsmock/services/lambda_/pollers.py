"""The pollers of event source mappings: they read each enabled mapping's source and invoke its
function with batches, without the caller driving them, in the server and in-process alike.

One background thread per store in each process (:func:`start`: when a mapping is created or
enabled, and when a server starts on a state that has some) looks at the enabled mappings every
:data:`CADENCE` seconds and hands each one that is not being worked on to a small pool of
threads. A mapping is polled only under its lease (a conditional update of its row of
:class:`~awsmock.models.lambda_.LambdaPollerPosition`, as the outbox takes its entries), so
several processes on one state never poll one mapping at once; a lease whose process died runs
out and another process takes the mapping over, one whose poller stopped (its state closed) is
given up, and one of this process that no living poller of it holds (a restored snapshot's) is
free at once. The function runs outside any transaction (it
may call awsmock back). The thread ends when the state has had no enabled mapping for a while,
and stops before its store is disposed.

* **SQS**: a batch is received through :mod:`awsmock.services.sqs.internal` (the queue's
  visibility timeout, receive counts and redrive policy hold), gathered up to ``BatchSize`` or
  ``MaximumBatchingWindowInSeconds``; messages that no filter matches are deleted; a successful
  invocation deletes the batch (with ``ReportBatchItemFailures``, all but the failed items); a
  failed one leaves it to come back after the visibility timeout.
* **Kinesis** and **DynamoDB Streams**: each shard is read in order from the mapping's starting
  position (fixed when it was made), and its checkpoint moves on after a batch succeeds; a failed
  batch is retried (split in two first with ``BisectBatchOnFunctionError``) until
  ``MaximumRetryAttempts``, then its description goes to the ``OnFailure`` destination and the
  shard moves on. Records older than ``MaximumRecordAgeInSeconds`` are discarded the same way.
"""

from __future__ import annotations

import base64
import concurrent.futures
import contextlib
import datetime as dt
import json
import logging
import os
import random
import re
import threading
import time
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import DBAPIError

from awsmock.engine import arns, outbox, patterns
from awsmock.engine.context import RequestContext, acting, utcnow
from awsmock.engine.errors import AwsError
from awsmock.models.lambda_ import LambdaPollerPosition
from awsmock.state import jsontext
from awsmock.state.store import PG_RETRY_SQLSTATES

from . import source_kinds as es
from .execution.contract import FunctionImage, Invocation, Outcome

if TYPE_CHECKING:
    from awsmock.state.store import Store

log = logging.getLogger(__name__)
T = TypeVar("T")

#: how often the enabled mappings are looked at (seconds)
CADENCE = 0.2
#: how long a process holds a mapping it polls (renewed while it does; longer while its function runs)
LEASE_SECONDS = 60.0
#: how long the thread lives on with no enabled mapping in the state
IDLE_SECONDS = 30.0
#: invocations running at once per process (each mapping's are in order, one at a time)
WORKERS = 8
#: the longest wait between retries of a failing stream batch
MAX_BACKOFF = 10.0
STOP_SECONDS = 30.0
FUNCTION_FAILED = "PROBLEM: Function call failed"
_KINESIS_SEQ = re.compile(r"49\d{54}")


class SourceGone(Exception):
    """The mapping's source no longer exists (it is looked at again after a while)."""


@dataclass(frozen=True)
class Mapping:
    """An enabled mapping as the poller reads it (a copy of its row, no ORM object)."""

    rid: str
    arn: str
    account: str
    region: str
    source: str
    function_arn: str
    document: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.document["source"])

    @property
    def config(self) -> dict[str, Any]:
        return dict(self.document["config"])


def _acting(
    store: Store, m: Mapping, *, write: bool = True
) -> contextlib.AbstractContextManager[RequestContext]:
    """A transaction of the mapping's account and region."""
    return acting(store, "lambda", "EventSourceMapping", account=m.account, region=m.region, write=write)


def _write(store: Store, m: Mapping, fn: Callable[[RequestContext], T], *, isolation: str | None = None) -> T:
    """``fn(ctx)`` in a write transaction of the mapping's account and region, its after-commit
    work done; on PostgreSQL at ``isolation`` (if given), and again when a concurrent writer wins."""
    for attempt in range(1, 41):
        try:
            with _acting(store, m) as ctx:
                if isolation is not None and store.backend == "postgresql":
                    ctx.tx.conn.exec_driver_sql(f"SET TRANSACTION ISOLATION LEVEL {isolation}")
                out = fn(ctx)
        except DBAPIError as exc:
            if attempt == 40 or getattr(exc.orig, "sqlstate", None) not in PG_RETRY_SQLSTATES:
                raise
            time.sleep(random.uniform(0.001, min(0.1, 0.002 * 2**attempt)))
            continue
        return out
    raise AssertionError("unreachable")


# -- starting positions ----------------------------------------------------------------------------


def starting_positions(
    ctx: RequestContext, kind: str, source: str, config: dict[str, Any]
) -> dict[str, str | None]:
    """Where each shard of a new mapping starts: the last sequence number already behind it
    (None: the shard's first record; ``@<epoch seconds>``: the first record that arrived then)."""
    start = config.get("StartingPosition")
    if kind == es.DYNAMODB:
        from awsmock.services.dynamodb import internal as dynamodb

        latest = dynamodb.latest_sequence(ctx, source) if start == "LATEST" else 0
        return {dynamodb.SHARD_ID: str(latest) if latest else None}
    from awsmock.services.kinesis import internal as kinesis

    out: dict[str, str | None] = {}
    for shard in kinesis.shard_ids(ctx, source):
        if start == "AT_TIMESTAMP":
            out[shard] = f"@{float(config['StartingPositionTimestamp'])}"
        elif start == "LATEST":
            _records, after = kinesis.read_records(ctx, source, shard, starting="LATEST", limit=1)
            out[shard] = after if after and _KINESIS_SEQ.fullmatch(after) else None
        else:
            out[shard] = None
    return out


# -- invoking --------------------------------------------------------------------------------------


@dataclass
class Run:
    outcome: Outcome
    version: str
    request_id: str
    timeout: float

    @property
    def failed(self) -> bool:
        return self.outcome.service_error is not None or self.outcome.error_type is not None


def _invoke(store: Store, m: Mapping, payload: bytes, owner: str) -> Run | None:
    """Run the mapping's function on ``payload`` (outside any transaction) and record the run;
    None when the function is gone or throttled to nothing."""
    from .invoke import build_image, pick_version, record, run
    from .lookup import _NAME, Named, resolve

    match = _NAME.fullmatch(m.function_arn)
    if match is None:
        return None
    named = Named(match.group("name"), match.group("qualifier"))

    def prepare(ctx: RequestContext) -> FunctionImage | None:
        try:
            target = resolve(ctx, named)
        except AwsError:
            return None
        reserved = target.function.document.get("concurrency")
        if reserved is not None and int(reserved) == 0:
            return None
        return build_image(ctx, pick_version(ctx, target))

    image = _write(store, m, prepare)
    if image is None:
        return None
    _hold(store, m.rid, owner, max(LEASE_SECONDS, image.timeout_s + 30.0))
    request_id = str(uuid.uuid4())
    outcome = run(image, Invocation(request_id=request_id, payload=payload, invoked_arn=m.function_arn))
    for attempt in (1, 2):  # (the run's record is not worth running the batch again for)
        try:
            _write(store, m, lambda ctx: record(ctx, image, request_id, "RequestResponse", outcome))
            break
        except DBAPIError:  # two first runs creating the function's log group at once: again
            if attempt == 2:
                log.warning("the run of %s could not be recorded", m.function_arn, exc_info=True)
    return Run(outcome, image.version, request_id, float(image.timeout_s))


def _failures(run_: Run, ids: list[str]) -> set[str] | None:
    """The item identifiers a ``ReportBatchItemFailures`` answer names (empty: none failed);
    None when the answer is not a valid one (the whole batch failed)."""
    data = run_.outcome.payload
    if not data or not data.strip():
        return set()
    try:
        answer = jsontext.guarded_loads(data)
    except (ValueError, UnicodeDecodeError, jsontext.JsonLimitExceeded):
        return set()
    if not isinstance(answer, dict) or answer.get("batchItemFailures") is None:
        return set()
    items = answer["batchItemFailures"]
    if not isinstance(items, list):
        return None
    out: set[str] = set()
    known = set(ids)
    for item in items:
        ident = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not isinstance(ident, str) or not ident or ident not in known:
            return None
        out.add(ident)
    return out


# -- filters ---------------------------------------------------------------------------------------


def _compiled(config: dict[str, Any]) -> list[patterns.Pattern] | None:
    filters = (config.get("FilterCriteria") or {}).get("Filters") or []
    if not filters:
        return None
    out = []
    for f in filters:
        try:
            out.append(
                patterns.compile_pattern(jsontext.guarded_loads(f.get("Pattern") or ""), es.FILTER_LIMITS)
            )
        except (ValueError, TypeError, UnicodeDecodeError, jsontext.JsonLimitExceeded):
            continue
    return out


def _matches(compiled: list[patterns.Pattern] | None, document: dict[str, Any]) -> bool:
    return compiled is None or any(p.matches(document) for p in compiled)


def _json_or(text: str | bytes, fallback: Any) -> Any:
    try:
        value = jsontext.guarded_loads(text)
    except (ValueError, UnicodeDecodeError, jsontext.JsonLimitExceeded):
        return fallback
    return value if isinstance(value, (dict, list)) else fallback


# -- SQS -------------------------------------------------------------------------------------------


def _sqs_attribute(value: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"stringListValues": [], "binaryListValues": [], "dataType": value.get("DataType")}
    if "StringValue" in value:
        out["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        blob = value["BinaryValue"]
        out["binaryValue"] = base64.b64encode(blob).decode() if isinstance(blob, (bytes, bytearray)) else blob
    return out


def _sqs_record(m: Mapping, msg: dict[str, Any]) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "messageId": msg["MessageId"],
        "receiptHandle": msg["ReceiptHandle"],
        "body": msg["Body"],
        "attributes": dict(msg.get("Attributes") or {}),
        "messageAttributes": {k: _sqs_attribute(v) for k, v in (msg.get("MessageAttributes") or {}).items()},
        "md5OfBody": msg["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": m.source,
        "awsRegion": (arns.parse(m.source) or arns.Arn("", "", m.region, "", "")).region,
    }
    if msg.get("MD5OfMessageAttributes"):
        rec["md5OfMessageAttributes"] = msg["MD5OfMessageAttributes"]
    return rec


def _sqs_receive(store: Store, m: Mapping, limit: int) -> list[dict[str, Any]] | None:
    from awsmock.services.sqs import internal as sqs

    # (a receive's claims lock their rows: READ COMMITTED, as ReceiveMessage runs)
    return _write(store, m, lambda ctx: sqs.receive(ctx, m.source, limit), isolation="READ COMMITTED")


def _sqs_delete(store: Store, m: Mapping, handles: list[str]) -> None:
    from awsmock.services.sqs import internal as sqs

    if not handles:
        return
    _write(store, m, lambda ctx: sqs.delete(ctx, m.source, handles))


def poll_sqs(store: Store, m: Mapping, owner: str, stopping: threading.Event) -> bool:
    """One batch of the queue; whether there was one."""
    config = m.config
    batch = int(config["BatchSize"])
    window = float(config.get("MaximumBatchingWindowInSeconds") or 0)
    got = _sqs_receive(store, m, min(batch, 10))
    if got is None:
        raise SourceGone(m.source)
    if not got:
        return False
    deadline = time.monotonic() + window
    while len(got) < batch and not stopping.is_set():
        more = _sqs_receive(store, m, min(batch - len(got), 10))
        if more:
            got.extend(more)
            continue
        if time.monotonic() >= deadline:
            break
        stopping.wait(min(CADENCE, max(0.0, deadline - time.monotonic())))
    compiled = _compiled(config)
    records, unmatched = [], []
    for msg in got:
        rec = _sqs_record(m, msg)
        document = dict(rec)
        document["body"] = _json_or(rec["body"], rec["body"])
        if _matches(compiled, document):
            records.append(rec)
        else:
            unmatched.append(msg["ReceiptHandle"])
    _sqs_delete(store, m, unmatched)
    if not records:
        return True
    payload = json.dumps({"Records": records}, separators=(",", ":")).encode()
    ran = _invoke(store, m, payload, owner)
    if ran is None or ran.failed:
        return True  # the messages come back after their visibility timeout
    done = list(records)
    if "ReportBatchItemFailures" in (config.get("FunctionResponseTypes") or []):
        failed = _failures(ran, [r["messageId"] for r in records])
        if failed is None:
            return True
        if failed:
            blocked: set[str] = set()
            done = []
            for r in records:
                group = r["attributes"].get("MessageGroupId")
                if r["messageId"] in failed or (group is not None and group in blocked):
                    if group is not None:
                        blocked.add(group)  # FIFO: what follows a failed message in its group waits
                    continue
                done.append(r)
    _sqs_delete(store, m, [r["receiptHandle"] for r in done])
    return True


# -- streams ---------------------------------------------------------------------------------------


@dataclass
class Item:
    """One stream record: its sequence number, arrival, the event record and what filters see."""

    seq: str
    arrived: dt.datetime
    record: dict[str, Any]
    document: dict[str, Any]


def _kinesis_items(m: Mapping, shard: str, records: list[dict[str, Any]], role: str) -> list[Item]:
    region = (arns.parse(m.source) or arns.Arn("", "", m.region, "", "")).region
    out = []
    for r in records:
        arrived = r["ApproximateArrivalTimestamp"]
        data = bytes(r["Data"])
        body = {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": r["PartitionKey"],
            "sequenceNumber": r["SequenceNumber"],
            "data": base64.b64encode(data).decode(),
            "approximateArrivalTimestamp": round(arrived.timestamp(), 3),
        }
        record = {
            "kinesis": body,
            "eventSource": "aws:kinesis",
            "eventVersion": "1.0",
            "eventID": f"{shard}:{r['SequenceNumber']}",
            "eventName": "aws:kinesis:record",
            "invokeIdentityArn": role,
            "awsRegion": region,
            "eventSourceARN": m.source,
        }
        # filters see the record's kinesis fields at the top, its data decoded when it is JSON
        document: dict[str, Any] = {**record, **body}
        del document["kinesis"], document["data"]
        decoded = _json_or(data, None)
        if decoded is not None:
            document["data"] = decoded
        out.append(Item(r["SequenceNumber"], arrived, record, document))
    return out


def _dynamodb_items(m: Mapping, rows: list[tuple[int, dict[str, Any]]]) -> list[Item]:
    out = []
    for seq, rec in rows:
        record = dict(rec)
        body = dict(record["dynamodb"])
        arrived = body["ApproximateCreationDateTime"]
        if arrived.tzinfo is None:
            arrived = arrived.replace(tzinfo=dt.UTC)
        body["ApproximateCreationDateTime"] = arrived.timestamp()
        record["dynamodb"] = body
        record["eventSourceARN"] = m.source
        out.append(Item(str(seq), arrived, record, json.loads(json.dumps(record, default=str))))
    return out


def _read_shard(
    store: Store, m: Mapping, shard: str, position: str | None, limit: int
) -> tuple[list[Item], str]:
    """Up to ``limit`` records after ``position``; and the function's role (Kinesis names it)."""
    with _acting(store, m, write=False) as ctx:
        role = _role(ctx, m)
        if m.kind == es.DYNAMODB:
            from awsmock.services.dynamodb import internal as dynamodb

            seq = int(position) if position and position.isdigit() else 0
            return _dynamodb_items(m, dynamodb.read_stream(ctx, m.source, seq, limit)), role
        from awsmock.services.kinesis import internal as kinesis

        after = _after(position)
        if after:
            records, _next = kinesis.read_records(
                ctx, m.source, shard, starting="AFTER_SEQUENCE_NUMBER", sequence_number=after, limit=limit
            )
        else:
            records, _next = kinesis.read_records(ctx, m.source, shard, starting="TRIM_HORIZON", limit=limit)
        return _kinesis_items(m, shard, records, role), role


def _after(position: str | None) -> str | None:
    """The sequence number a stored position reads after (``@<epoch>[:<seq>]``: a mapping
    starting AT_TIMESTAMP, passing over what arrived before that time, read after ``seq``)."""
    if position and position.startswith("@"):
        return position[1:].partition(":")[2] or None
    return position


def _role(ctx: RequestContext, m: Mapping) -> str:
    from .lookup import _NAME, FUNCTIONS

    match = _NAME.fullmatch(m.function_arn)
    fn = FUNCTIONS.find(ctx, match.group("name")) if match else None
    return str(fn.document["config"].get("Role")) if fn is not None else ""


def _shards(store: Store, m: Mapping) -> list[str]:
    with _acting(store, m, write=False) as ctx:
        if m.kind == es.DYNAMODB:
            from awsmock.services.dynamodb import internal as dynamodb

            return [dynamodb.SHARD_ID] if dynamodb.stream_exists(ctx, m.source) else []
        from awsmock.services.kinesis import internal as kinesis

        try:
            return kinesis.shard_ids(ctx, m.source)
        except AwsError:
            return []


def _positions(store: Store, rid: str) -> dict[str, LambdaPollerPosition]:
    with store.session(write=False) as session:
        rows = session.scalars(select(LambdaPollerPosition).where(LambdaPollerPosition.mapping == rid)).all()
        for row in rows:
            session.expunge(row)
    return {r.shard: r for r in rows}


def _save(store: Store, rid: str, shard: str, **values: Any) -> None:
    def write(session: Any) -> None:
        found = session.get(LambdaPollerPosition, (rid, shard))
        if found is None:
            if session.get(LambdaPollerPosition, (rid, "")) is None:
                return  # the mapping is gone
            found = LambdaPollerPosition(mapping=rid, shard=shard, attempts=0)
            session.add(found)
        for name, value in values.items():
            setattr(found, name, value)

    store.write_retrying(write)


def _set_result(store: Store, rid: str, text: str) -> None:
    _save(store, rid, "", last_result=text)


def _batch_info(m: Mapping, shard: str, batch: list[Item]) -> dict[str, Any]:
    def iso(when: dt.datetime) -> str:
        return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"

    return {
        "shardId": shard,
        "startSequenceNumber": batch[0].seq,
        "endSequenceNumber": batch[-1].seq,
        "approximateArrivalOfFirstRecord": iso(batch[0].arrived),
        "approximateArrivalOfLastRecord": iso(batch[-1].arrived),
        "batchSize": len(batch),
        "streamArn": m.source,
    }


def _discard(
    store: Store, m: Mapping, shard: str, batch: list[Item], condition: str, ran: Run | None, attempts: int
) -> None:
    """Describe a discarded batch to the mapping's OnFailure destination."""
    dest = ((m.config.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
    if not dest or not batch:
        return
    from .invoke import send

    now = utcnow()
    doc: dict[str, Any] = {
        "requestContext": {
            "requestId": ran.request_id if ran else str(uuid.uuid4()),
            "functionArn": m.function_arn,
            "condition": condition,
            "approximateInvokeCount": attempts,
        },
        "responseContext": {
            "statusCode": 200,
            "executedVersion": ran.version if ran else "$LATEST",
            "functionError": "Unhandled",
        },
        "version": "1.0",
        "timestamp": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
        ("DDBStreamBatchInfo" if m.kind == es.DYNAMODB else "KinesisBatchInfo"): _batch_info(m, shard, batch),
    }

    def deliver(ctx: RequestContext) -> None:
        try:
            send(ctx, str(dest), doc, m.arn, success=False)
        except AwsError:
            log.warning("the OnFailure destination of %s refused a record", m.arn, exc_info=True)

    _write(store, m, deliver)


def poll_stream(store: Store, m: Mapping, owner: str, backoff: dict[str, float]) -> bool:
    """One batch per shard of the stream; whether any shard had records."""
    config = m.config
    positions = _positions(store, m.rid)
    worked = False
    for shard in _shards(store, m):
        key = f"{m.rid}/{shard}"
        if backoff.get(key, 0.0) > time.monotonic():
            continue
        row = positions.get(shard)  # (none: a shard born after the mapping, read from its start)
        position = row.position if row is not None else None
        attempts = row.attempts if row is not None else 0
        limit = (row.batch_limit if row is not None else None) or int(config["BatchSize"])
        items, _role_arn = _read_shard(store, m, shard, position, limit)
        if not items:
            continue
        if position and position.startswith("@"):
            since = float(position[1:].partition(":")[0])
            early = [i for i in items if i.arrived.timestamp() < since]
            items = [i for i in items if i.arrived.timestamp() >= since]
            if early and not items:  # records from before the starting time are passed over
                _save(store, m.rid, shard, position=f"@{since}:{early[-1].seq}")
                worked = True
                continue
        max_age = int(config.get("MaximumRecordAgeInSeconds", -1))
        if max_age != -1:
            now = utcnow()
            old = [i for i in items if (now - i.arrived).total_seconds() > max_age]
            if old:
                _discard(store, m, shard, old, "RecordAgeExceeded", None, 0)
                items = [i for i in items if (now - i.arrived).total_seconds() <= max_age]
                if not items:
                    _save(store, m.rid, shard, position=old[-1].seq, attempts=0, batch_limit=None)
                    continue
        if not items:
            continue
        window = float(config.get("MaximumBatchingWindowInSeconds") or 0)
        if window and len(items) < limit and (utcnow() - items[0].arrived).total_seconds() < window:
            continue  # gathering: the batch is neither full nor as old as the window
        worked = True
        last = items[-1].seq
        compiled = _compiled(config)
        chosen = [i for i in items if _matches(compiled, i.document)]
        if not chosen:
            _save(store, m.rid, shard, position=last, attempts=0, batch_limit=None)
            continue
        payload = json.dumps({"Records": [i.record for i in chosen]}, separators=(",", ":")).encode()
        ran = _invoke(store, m, payload, owner)
        if ran is None:
            backoff[key] = time.monotonic() + MAX_BACKOFF
            continue
        failed_from: int | None = None
        if ran.failed:
            failed_from = 0
        elif "ReportBatchItemFailures" in (config.get("FunctionResponseTypes") or []):
            seqs = [i.seq for i in chosen]
            failed = _failures(ran, seqs)
            if failed is None:
                failed_from = 0
            elif failed:
                failed_from = min(seqs.index(s) for s in failed)
        if failed_from is None:
            _save(store, m.rid, shard, position=last, attempts=0, batch_limit=None)
            _set_result(store, m.rid, "OK")
            backoff.pop(key, None)
            continue
        _set_result(store, m.rid, FUNCTION_FAILED)
        if failed_from > 0:  # what succeeded before the first failed item is done
            done_seq = chosen[failed_from - 1].seq
            _save(store, m.rid, shard, position=done_seq)
            chosen = chosen[failed_from:]
        attempts += 1
        retries = int(config.get("MaximumRetryAttempts", -1))
        if config.get("BisectBatchOnFunctionError") and len(chosen) > 1:
            _save(store, m.rid, shard, attempts=attempts, batch_limit=max(1, len(chosen) // 2))
            continue
        if retries != -1 and attempts > retries:
            _discard(store, m, shard, chosen, "RetryAttemptsExhausted", ran, attempts)
            _save(store, m.rid, shard, position=chosen[-1].seq, attempts=0, batch_limit=None)
            backoff.pop(key, None)
            continue
        _save(store, m.rid, shard, attempts=attempts)
        backoff[key] = time.monotonic() + min(MAX_BACKOFF, 0.25 * (2 ** min(attempts, 8)))
    return worked


# -- leases ----------------------------------------------------------------------------------------


def _hold(store: Store, rid: str, owner: str, seconds: float) -> bool:
    """Take (or keep) the mapping's lease for ``seconds``; whether this owner holds it. A lease
    of this process's that no living poller of it holds (a poller of a state that was closed,
    or one a restored snapshot carried) is free too."""
    mine = f"{os.getpid()}-"
    with _LOCK:
        living = [p.owner for p in _POLLERS.values() if p.is_alive() and not p.exiting] or [owner]

    def take(session: Any) -> bool:
        now = utcnow()
        done = session.execute(
            update(LambdaPollerPosition)
            .where(
                LambdaPollerPosition.mapping == rid,
                LambdaPollerPosition.shard == "",
                or_(
                    LambdaPollerPosition.lease_owner.is_(None),
                    LambdaPollerPosition.lease_owner == owner,
                    LambdaPollerPosition.lease_until < now,
                    and_(
                        LambdaPollerPosition.lease_owner.startswith(mine, autoescape=True),
                        LambdaPollerPosition.lease_owner.not_in(living),
                    ),
                ),
            )
            .values(lease_owner=owner, lease_until=now + dt.timedelta(seconds=seconds))
        )
        return getattr(done, "rowcount", 0) == 1

    return bool(store.write_retrying(take))


def _release(store: Store, owner: str) -> None:
    """Give up the leases ``owner`` holds (its poller stops: another may take them at once)."""

    def free(session: Any) -> None:
        session.execute(
            update(LambdaPollerPosition)
            .where(LambdaPollerPosition.lease_owner == owner)
            .values(lease_owner=None, lease_until=None)
        )

    try:
        store.write_retrying(free)
    except Exception:  # the store is closing under it: the leases run out instead
        log.debug("lambda pollers: the leases could not be given up", exc_info=True)


# -- the thread ------------------------------------------------------------------------------------


def _enabled(store: Store) -> list[Mapping]:
    with store.session(write=False) as session:
        return [
            Mapping(r.rid, r.arn, r.account_id, r.region, str(r.name), str(r.parent), dict(r.document))
            for r in es.enabled_mappings(session)
        ]


class _Poller(threading.Thread):
    def __init__(self, store: Store) -> None:
        super().__init__(name="awsmock-lambda-pollers", daemon=True)
        self.store_ref = weakref.ref(store)
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.exiting = False
        self.owner = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.pool = concurrent.futures.ThreadPoolExecutor(WORKERS, thread_name_prefix="awsmock-esm")
        self.busy: set[str] = set()
        self.held: dict[str, float] = {}
        self.backoff: dict[str, float] = {}
        self.lock = threading.Lock()

    def halt(self) -> None:
        self.stopping.set()
        self.wake.set()
        if self is not threading.current_thread() and self.is_alive():
            self.join(STOP_SECONDS)
        self.pool.shutdown(wait=True, cancel_futures=True)
        store = self.store_ref()
        if store is not None:
            _release(store, self.owner)

    def run(self) -> None:
        try:
            self._loop()
        finally:
            self.exiting = True
            self.pool.shutdown(wait=False)

    def _loop(self) -> None:
        idle = 0.0
        failures = 0
        while not self.stopping.is_set():
            store = self.store_ref()
            if store is None:
                return
            try:
                mappings = _enabled(store)
                failures = 0
            except Exception:  # the store is closing, or the database is away for a moment
                failures += 1
                log.debug("lambda pollers: the store failed", exc_info=True)
                if failures >= 5:
                    self.exiting = True
                    return
                mappings = []
            if not mappings:
                if idle >= IDLE_SECONDS:
                    with _LOCK:
                        if not self.wake.is_set():
                            self.exiting = True
                            return
                    idle = 0.0
            else:
                idle = 0.0
                for m in mappings:
                    if self.backoff.get(m.rid, 0.0) > time.monotonic():
                        continue
                    with self.lock:
                        if m.rid in self.busy:
                            continue
                        self.busy.add(m.rid)
                    try:
                        self.pool.submit(self._job, m)
                    except RuntimeError:  # the pool is shut down: stopping
                        return
            del store
            self.wake.clear()
            if not self.wake.wait(CADENCE) and not mappings:
                idle += CADENCE

    def _job(self, m: Mapping) -> None:
        try:
            store = self.store_ref()
            if store is None or self.stopping.is_set():
                return
            now = time.monotonic()
            if self.held.get(m.rid, 0.0) - now < LEASE_SECONDS / 2:
                if not _hold(store, m.rid, self.owner, LEASE_SECONDS):
                    self.held.pop(m.rid, None)
                    return
                self.held[m.rid] = now + LEASE_SECONDS
            if m.kind == es.SQS:
                worked = poll_sqs(store, m, self.owner, self.stopping)
            else:
                worked = poll_stream(store, m, self.owner, self.backoff)
            if worked:
                self.held.pop(m.rid, None)  # (an invocation may have lengthened the lease)
                self.wake.set()
        except SourceGone:
            self.backoff[m.rid] = time.monotonic() + MAX_BACKOFF
        except Exception:  # (the store closing under it, or a bug: not again for a while)
            log.warning("lambda pollers: polling %s failed", m.arn, exc_info=True)
            self.backoff[m.rid] = time.monotonic() + MAX_BACKOFF
        finally:
            with self.lock:
                self.busy.discard(m.rid)


_POLLERS: weakref.WeakKeyDictionary[Any, _Poller] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def start(store: Store) -> None:
    """Make sure the pollers of ``store`` run in this process, and look now."""
    with _LOCK:
        poller = _POLLERS.get(store)
        if poller is None or poller.exiting or not poller.is_alive():
            poller = _POLLERS[store] = _Poller(store)
            store.before_dispose(poller.halt)
            poller.start()
    poller.wake.set()


def start_if_enabled(store: Store) -> None:
    """When a server starts: the pollers, if the state has enabled mappings."""
    try:
        found = bool(_enabled(store))
    except Exception:
        log.debug("lambda pollers: cannot read the mappings", exc_info=True)
        return
    if found:
        start(store)


outbox.on_server_start(start_if_enabled)
