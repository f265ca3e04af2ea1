"""The AWS dispatcher: detect service, pick protocol, parse, run the handler in one
transaction, serialize the result or the error. Server mode and in-process mode both end here.
A request to a host a service declares as its own plain-HTTP endpoint
(:class:`~awsmock.engine.facts.HttpEndpoint`) is no API operation: the service answers it whole.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from awsmock.api import protocols
from awsmock.api.detect import detect
from awsmock.api.protocols.base import Protocol
from awsmock.engine import clock, parking, registry, specs, turns
from awsmock.engine.context import DEFAULT_ACCOUNT, RequestContext, new_request_id
from awsmock.engine.errors import (
    AwsError,
    InternalError,
    NotImplementedOperation,
    ServiceUnavailable,
    UnknownOperation,
)
from awsmock.engine.facts import HttpEndpoint
from awsmock.engine.waiting import Outside, WaitAndRetry
from awsmock.engine.wire import BodyTooLarge, WireRequest, WireResponse
from awsmock.engine.xmltext import escape_text as escape  # drops what XML cannot carry
from awsmock.state.store import PG_RETRY_SQLSTATES, LockBusy, Store

log = logging.getLogger("awsmock.dispatch")

#: hooks run before the handler (authentication/authorization); raise AwsError to refuse.
RequestHook = Callable[[RequestContext, WireRequest, Any, dict[str, Any]], None]

LOCK_RETRIES = 8
#: seconds a request waits for SQLite's write lock (as long as the connections' busy timeout)
LOCK_WAIT = 30.0
#: on the event loop's thread, SQLite's write lock found held is asked for again this many times,
#: LOOP_LOCK_PAUSE seconds apart, before the request is handed to a worker thread: another
#: process's write holds it for about 0.15 ms, and the hand-over costs more (with 2 worker
#: processes writing, a third of the writes found the lock held, and handing them over made
#: every write hold it up to twice as long; see docs/benchmarks.md, "Worker processes")
LOOP_LOCK_TRIES = 3
LOOP_LOCK_PAUSE = 0.0001

# PostgreSQL errors raised by raw driver calls (not wrapped by SQLAlchemy) that mean "run the
# request again": serialization failure, deadlock (the store's), and a unique-key race between
# concurrent writers (a request that lost it sees the winner's row when it runs again).
RETRY_SQLSTATES = PG_RETRY_SQLSTATES | {"23505"}
#: PostgreSQL: SERIALIZABLE writers of one hot row fail and retry (first updater wins), so a
#: request may need many attempts under contention; jittered back-off spreads the contenders.
PG_RETRIES = 40


def _endpoints() -> list[tuple[str, HttpEndpoint]]:
    return [(f.name, f.endpoint) for f in registry.declared() if f.endpoint is not None]


#: (service, endpoint) of the services that serve plain HTTP at hosts of their own
_ENDPOINT_HOSTS: list[tuple[str, HttpEndpoint]] = []
_ENDPOINTS_READ = False


def _endpoint_of(req: WireRequest) -> tuple[str, HttpEndpoint] | None:
    labels = req.host.rsplit(":", 1)[0].lower().split(".")
    for service, endpoint in _ENDPOINT_HOSTS:
        if endpoint.host(labels):
            return service, endpoint
    return None


def read_endpoints() -> None:
    """Learn the services' own HTTP endpoints (once, when the first dispatcher is made)."""
    global _ENDPOINTS_READ
    if not _ENDPOINTS_READ:
        _ENDPOINT_HOSTS[:] = _endpoints()
        _ENDPOINTS_READ = True


def _retry_pause(attempt: int, backend: str) -> float:
    if backend == "sqlite":
        return 0.005 * attempt
    return random.uniform(0.001, min(0.05, 0.001 * 2**attempt))


def account_for_access_key(access_key_id: str | None) -> str:
    """A 12-digit access key id names its account; anything else is the default account."""
    if access_key_id and len(access_key_id) == 12 and access_key_id.isdigit():
        return access_key_id
    return DEFAULT_ACCOUNT


_PROTOCOLS: dict[str, list[Protocol]] = {}


def _protocols_of(model: specs.ServiceModel) -> list[Protocol]:
    """The implemented protocols of a service, in the model's order (looked up once)."""
    found = _PROTOCOLS.get(model.service_name)
    if found is None:
        found = []
        for name in specs.protocols_of(model):
            try:
                found.append(protocols.get(name))
            except (ImportError, AttributeError, KeyError):
                continue
        _PROTOCOLS[model.service_name] = found
    return found


_PARK_LOCK = threading.Lock()


class EntityTooLarge(AwsError):
    code = "EntityTooLarge"
    status = 413
    default_message = "Your proposed upload exceeds the maximum allowed size"


class Dispatcher:
    """Runs AWS requests against one store.

    ``concurrency`` bounds how many requests run their Python work at once in this process.
    On SQLite the default is 1: measured on waitress with 8 threads and 8 connections, letting
    several worker threads interleave sqlite3 calls (each releases and re-takes the GIL) made a
    primary-key SELECT request ~2x slower than running them one at a time, and SQLite serializes
    writers anyway. Long-poll waits happen outside the gate, so a waiting receive never
    holds it. Other backends wait on the network and default to no bound.
    """

    def __init__(
        self, store: Store, *, services: set[str] | None = None, concurrency: int | None = None
    ) -> None:
        if concurrency is None:
            concurrency = 1 if store.backend == "sqlite" else 0
        # A plain lock for the default bound of 1: acquired and released in C, where a
        # Semaphore runs a Python Condition (a measurable share of a request's CPU time here).
        self.gate: Any = None
        if concurrency == 1:
            self.gate = threading.Lock()
        elif concurrency > 1:
            self.gate = threading.Semaphore(concurrency)
        read_endpoints()
        self.store = store
        self.park: parking.Park | None = None  # parked long polls (server mode)
        self.retries = LOCK_RETRIES if store.backend == "sqlite" else PG_RETRIES
        self.services = services  # None: every service
        self.hooks: list[RequestHook] = []
        self.account_resolver: Callable[[Store, str | None], str] = lambda _s, akid: account_for_access_key(
            akid
        )

    # -- protocol selection -----------------------------------------------------------

    @staticmethod
    def protocol_for(req: WireRequest, model: specs.ServiceModel) -> Protocol:
        available = _protocols_of(model)
        if not available:
            raise RuntimeError(f"no protocol implementation for {model.service_name}")
        if len(available) > 1:
            for proto in available:
                if proto.matches(req, model):
                    return proto
        return available[0]

    # -- the request --------------------------------------------------------------------

    def __call__(self, req: WireRequest) -> WireResponse:
        gate = self.gate
        if gate is None:
            return self._dispatch(req)
        turns.take_gate(gate)  # on the event loop's thread: briefly, else turns.Handoff
        try:
            return self._dispatch(req)
        finally:
            gate.release()

    def _dispatch(self, req: WireRequest) -> WireResponse:
        if _ENDPOINT_HOSTS and "." in req.host:
            found = _endpoint_of(req)
            if found is not None:
                return self._serve_endpoint(req, *found)
        try:
            target = detect(req)
        except BodyTooLarge:  # an unsigned form too large to read its Action from
            too_large = AwsError("Request entity too large", code="RequestEntityTooLarge", status=413)
            return _generic_error(too_large, new_request_id(registry.facts(None).request_ids))
        resume = parking.resumed()  # a parked request, run again: as it stopped
        request_id = resume.request_id if resume is not None else new_request_id(
            registry.facts(target.service).request_ids)
        req.served_as = (target.service or target.signing_name, None)
        if target.service is None or target.service not in specs.service_name_set():
            return _generic_error(NotImplementedOperation(target.signing_name or "unknown", None), request_id)
        model = specs.service_model(target.service)
        try:
            proto = self.protocol_for(req, model)
        except RuntimeError:
            return _generic_error(NotImplementedOperation(target.service, None), request_id)
        operation = None
        try:
            op_name = proto.operation_name(req, model)
            req.served_as = (target.service, op_name)
            operation = None if op_name is None else specs.operation(model, op_name)
            if operation is None:
                raise UnknownOperation(f"Unknown operation for service {target.service}", status=400)
            if self.services is not None and target.service not in self.services:
                raise NotImplementedOperation(
                    target.service, op_name,
                    message=f"the service {target.service} is not enabled on this server (it serves "
                    f"{', '.join(sorted(self.services))}): start awsmock server with {target.service} "
                    "among its services, or with none to serve them all",
                )
            reg = registry.lookup(target.service, op_name)
            if reg is None:
                raise NotImplementedOperation(target.service, op_name)
            params = resume.params if resume is not None else proto.parse(req, operation)
            result, ctx = self._run(reg, req, target, params, operation, request_id, proto.name)
            while isinstance(result, Outside):
                value = self._outside(result.work)
                then = result.then
                follow = registry.Registration(
                    reg.service, reg.operation, lambda c, _p, t=then, v=value: t(c, v), True, reg.isolation
                )
                result, ctx = self._run(follow, req, target, params, operation, request_id, proto.name, hooks=False)
            response = proto.serialize(operation, result or {}, request_id)
            if ctx.response_headers:
                response.headers.update(ctx.response_headers)
            if ctx.response_status is not None:
                response.status = ctx.response_status
            if ctx.response_body is not None:
                response.body, response.headers["Content-Type"] = ctx.response_body
            return response
        except AwsError as err:
            return proto.serialize_error(model, operation, err, request_id)
        except BodyTooLarge:
            return proto.serialize_error(model, operation, EntityTooLarge(), request_id)
        except Exception:
            log.exception("internal error in %s %s", target.service, operation.name if operation else "?")
            return proto.serialize_error(model, operation, InternalError(), request_id)

    def _serve_endpoint(self, req: WireRequest, service: str, endpoint: HttpEndpoint) -> WireResponse:
        """A request to a service's own HTTP endpoint (see :class:`HttpEndpoint`)."""
        request_id = new_request_id(registry.facts(service).request_ids)
        req.served_as = (service, endpoint.operation)
        try:
            target = detect(req)
            hooks = self.hooks

            def check(ctx: RequestContext, params: dict[str, Any]) -> None:
                for hook in hooks:
                    hook(ctx, req, None, params)

            reg = registry.Registration(
                service, endpoint.operation, lambda c, _p: endpoint.serve(c, req, check), True
            )
            result, _ctx = self._run(reg, req, target, {}, None, request_id, "rest-json", hooks=False)
            while isinstance(result, Outside):
                value = self._outside(result.work)
                then = result.then
                follow = registry.Registration(service, endpoint.operation, lambda c, _p, t=then, v=value: t(c, v), True)
                result, _ctx = self._run(follow, req, target, {}, None, request_id, "rest-json", hooks=False)
            return result  # type: ignore[no-any-return]
        except AwsError as err:
            return endpoint.error(err, request_id)  # type: ignore[no-any-return]
        except Exception:
            log.exception("internal error in %s %s", service, endpoint.operation)
            return endpoint.error(InternalError(), request_id)  # type: ignore[no-any-return]

    def _run(
        self,
        reg: registry.Registration,
        req: WireRequest,
        target: Any,
        params: dict[str, Any],
        operation: Any,
        request_id: str,
        protocol: str,
        hooks: bool = True,
    ) -> tuple[Any, RequestContext]:
        attempt = 0
        final = False
        notifier = self.store.notifier
        if hooks and (resume := parking.resumed()) is not None:  # a parked request's deadline passed
            final = resume.deadline <= clock.monotonic()
        busy, busy_since = 0, 0.0  # SQLite's write lock found held: how often, since when
        while True:
            ctx = None
            mark = notifier.sequence()  # a notification after this may concern what the attempt read
            try:
                with self.store.transaction(write=reg.write, wait=False) as tx:
                    if reg.isolation is not None and self.store.backend == "postgresql":
                        tx.conn.exec_driver_sql(f"SET TRANSACTION ISOLATION LEVEL {reg.isolation}")
                    ctx = RequestContext.of_request(
                        reg.service,
                        reg.operation,
                        tx,
                        self.store,
                        self.account_resolver(self.store, target.access_key_id),
                        target.region,
                        request_id,
                        req.endpoint,
                        req.host,
                        target.access_key_id,
                        req.remote_addr,
                        protocol,
                        req.headers,
                        req.query,
                        final,
                    )
                    if hooks:
                        for hook in self.hooks:
                            hook(ctx, req, operation, params)
                    result = reg.fn(ctx, params)
                for fn in ctx._after_commit:
                    try:
                        fn()
                    except Exception:
                        log.exception("after-commit hook failed")
                return result, ctx
            except WaitAndRetry as wait:
                left = wait.deadline - clock.monotonic()
                if left <= 0:
                    final = True
                    continue
                interval = notifier.poll_interval(wait.poll)
                if hooks and parking.may_park():  # a server request: wait holding no thread
                    raise self._park().ticket(
                        wait.topic, mark, wait.deadline, interval, params, request_id
                    ) from None
                if turns.on_loop_thread():  # the event loop never waits: a worker thread runs it
                    raise turns.Handoff() from None
                notifier.version(wait.topic)  # (listens from now on, where other processes write)
                if self.gate is not None:
                    self.gate.release()
                turns.pass_turn()  # a waiting request must not keep other requests waiting
                try:
                    # a write notified while the attempt ran must not be slept through
                    notifier.wait(wait.topic, mark, min(left, interval))
                finally:
                    if self.gate is not None:
                        self.gate.acquire()
                continue
            except LockBusy as exc:  # SQLite's write lock is held (by another process)
                # nothing is done yet: the event loop asks again a few times within a fraction of
                # a millisecond, then hands the request to a worker thread; a worker waits for the
                # lock without the gate or the turn, so this process's other requests go on
                # meanwhile (SQLite's own busy wait would hold both)
                busy += 1
                if turns.on_loop_thread():
                    if busy > LOOP_LOCK_TRIES:
                        raise turns.Handoff() from None
                    time.sleep(LOOP_LOCK_PAUSE)
                    continue
                if busy_since == 0.0:
                    busy_since = clock.monotonic()
                elif clock.monotonic() - busy_since > LOCK_WAIT:
                    log.error("database busy in %s %s: %s", reg.service, reg.operation, exc)
                    raise ServiceUnavailable() from exc
                if self.gate is not None:
                    self.gate.release()
                turns.pass_turn()
                try:
                    time.sleep(0.0001 * 2 ** min(busy, 9))  # 0.2 ms, then longer, up to 51 ms
                finally:
                    if self.gate is not None:
                        self.gate.acquire()
            except sqlite3.OperationalError as exc:  # raw driver calls (blob streaming, backups)
                if (trouble := storage_trouble(exc)) is None:
                    raise
                log.error(
                    "database write failed in %s %s: %s (%s); requests resume once it is fixed",
                    reg.service,
                    reg.operation,
                    trouble,
                    exc,
                )
                raise ServiceUnavailable(f"awsmock cannot write its database: {trouble}") from exc
            except DBAPIError as exc:
                # Reliability: a full disk or a read-only/failing data dir is the operator's problem,
                # not a bug: answer a clean 503 (SDKs retry it) and log one clear line, no traceback.
                if (trouble := storage_trouble(exc)) is not None:
                    log.error(
                        "database write failed in %s %s: %s (%s); requests resume once it is fixed",
                        reg.service,
                        reg.operation,
                        trouble,
                        exc.orig,
                    )
                    raise ServiceUnavailable(f"awsmock cannot write its database: {trouble}") from exc
                # Lock timeouts, PostgreSQL serialization failures and unique-key races between
                # concurrent writers: run the request again on the newer state.
                attempt += 1
                if not _is_transient(exc):
                    raise
                if attempt > self.retries:
                    log.error("database busy in %s %s: %s", reg.service, reg.operation, exc)
                    raise ServiceUnavailable() from exc
                time.sleep(_retry_pause(attempt, self.store.backend))
            except Exception as exc:  # raw driver calls on PostgreSQL (psycopg errors carry a SQLSTATE)
                if getattr(exc, "sqlstate", None) not in RETRY_SQLSTATES:
                    raise
                attempt += 1
                if attempt > self.retries:
                    log.error("database busy in %s %s: %s", reg.service, reg.operation, exc)
                    raise ServiceUnavailable() from exc
                time.sleep(_retry_pause(attempt, self.store.backend))


    def _park(self) -> parking.Park:
        """Where this dispatcher's server requests wait holding no thread (made on first use)."""
        park = self.park
        if park is None:
            with _PARK_LOCK:
                park = self.park
                if park is None:
                    park = self.park = parking.Park(self.store.notifier)
        return park

    def _outside(self, work: Any) -> Any:
        """Run a handler's outside work (:class:`awsmock.engine.waiting.Outside`) with the gate
        released and the turn passed on, so that other requests, the work's own among them,
        are served meanwhile."""
        if self.gate is not None:
            self.gate.release()
        turns.pass_turn()
        holder = parking.suspend()  # requests the work serves on this thread wait in place
        try:
            return work()
        finally:
            parking.enter(holder)
            if self.gate is not None:
                self.gate.acquire()


STORAGE_TROUBLE = (  # (words of the driver's message, what the operator should know)
    ("database or disk is full", "the disk is full"),
    ("disk full", "the disk is full"),
    ("no space left", "the disk is full"),
    ("readonly database", "the data dir is read-only"),
    ("read-only", "the data dir is read-only"),
    ("disk i/o error", "a disk I/O error"),
    ("unable to open database file", "the database file cannot be opened"),
)


def storage_trouble(exc: BaseException) -> str | None:
    """What is wrong with the storage when ``exc`` says the database cannot be written, else None."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    for words, meaning in STORAGE_TROUBLE:
        if words in text:
            return meaning
    return None


def _is_transient(exc: DBAPIError) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    return any(
        w in text for w in ("locked", "busy", "deadlock", "could not serialize", "serialization failure")
    )


def _generic_error(err: AwsError, request_id: str) -> WireResponse:
    """An error for a request whose service could not be told (query-style XML)."""
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>Sender</Type>'
        f"<Code>{escape(err.code)}</Code><Message>{escape(err.message)}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()
    return WireResponse(
        status=err.status,
        headers={"Content-Type": "text/xml", "x-amzn-RequestId": request_id},
        body=body,
    )
