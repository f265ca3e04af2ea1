"""The durable outbox: deliveries whose effects lie outside the database (an HTTP POST to an
endpoint, a function invoked) are rows of :class:`awsmock.models.awsmock.OutboxEntry`, written
in the transaction of the request that caused them (a request that failed wrote none), and
drained by a worker that retries with the backoff the service documents.

A service registers a deliverer for each kind of delivery it writes, then puts entries::

    outbox.register("svc.http", deliver=post, retry=lambda payload, attempts: 20.0 if attempts < 4 else None)
    outbox.put(ctx, "svc.http", {"url": ..., "body": ...})

``deliver(payload)`` (``deliver(store, payload)`` when registered ``with_store=True``: a
delivery that writes to the database in a transaction of its own) raises on failure (:class:`Failed` with ``permanent=True`` for one not worth
retrying); ``retry(payload, attempts)`` says how many seconds until the next attempt after
``attempts`` failed ones, or None to give up (the entry is kept as ``failed``, and
``gave_up(store, payload, error)``, when registered, runs: a dead-letter queue, say).

Workers take entries with a lease (a conditional update, so two processes on one state never
hold the same entry at once); an entry whose worker died (``kill -9``) is taken again when its
lease runs out, so nothing is lost, and nothing is delivered twice while its worker lives. One
worker thread per store, in each process, starts on the first delivery it is told of (after the
request commits) and when the server starts (:func:`start`: entries a stopped process left); it
ends after a while with nothing to do.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select, update

from awsmock.engine.context import RequestContext, utcnow
from awsmock.models.awsmock import OutboxEntry

if TYPE_CHECKING:
    from awsmock.state.store import Store

__all__ = ["Failed", "drain", "on_server_start", "put", "register", "resume", "server_started", "start"]

log = logging.getLogger(__name__)

#: how long a worker holds an entry it took (another takes it after, if that worker died)
LEASE = dt.timedelta(seconds=60)
#: how long an idle worker waits before it ends
IDLE_SECONDS = 30.0
BATCH = 16
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


class Failed(Exception):
    """A delivery that did not happen; ``permanent``: not worth another attempt."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Deliverer:
    deliver: Callable[..., None]
    retry: Callable[[dict[str, Any], int], float | None]
    gave_up: Callable[[Store, dict[str, Any], str], None] | None = None
    with_store: bool = False


_DELIVERERS: dict[str, Deliverer] = {}


def register(
    kind: str,
    *,
    deliver: Callable[..., None],
    retry: Callable[[dict[str, Any], int], float | None],
    gave_up: Callable[[Store, dict[str, Any], str], None] | None = None,
    with_store: bool = False,
) -> None:
    _DELIVERERS[kind] = Deliverer(deliver, retry, gave_up, with_store)


def put(ctx: RequestContext, kind: str, payload: dict[str, Any], *, delay: float = 0.0) -> None:
    """Write a delivery in the request's transaction; the worker is told once it commits."""
    if kind not in _DELIVERERS:
        raise LookupError(f"no deliverer registered for {kind!r}")
    ctx.session.add(
        OutboxEntry(
            service=ctx.service,
            kind=kind,
            payload=payload,
            state=PENDING,
            attempts=0,
            created_at=ctx.now,
            due_at=ctx.now + dt.timedelta(seconds=delay),
        )
    )
    ctx.session.flush()
    store = ctx.store
    ctx.after_commit(lambda: start(store))


# -- draining -------------------------------------------------------------------------------


def _due(now: dt.datetime) -> Any:
    return and_(
        OutboxEntry.state == PENDING,
        OutboxEntry.due_at <= now,
        or_(OutboxEntry.lease_until.is_(None), OutboxEntry.lease_until < now),
    )


def _claim(store: Store, owner: str, limit: int) -> list[tuple[int, str, dict[str, Any], int]]:
    """Lease up to ``limit`` due entries to ``owner`` (each by a conditional update: an entry
    another worker took meanwhile is skipped); their ids, kinds, payloads and attempts."""

    def take(session: Any) -> list[tuple[int, str, dict[str, Any], int]]:
        now = utcnow()
        until = now + LEASE
        ids = list(
            session.scalars(select(OutboxEntry.id).where(_due(now)).order_by(OutboxEntry.due_at).limit(limit))
        )
        taken = []
        for entry_id in ids:
            done = session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.id == entry_id, _due(now))
                .values(lease_owner=owner, lease_until=until)
            )
            if getattr(done, "rowcount", 0) == 1:
                taken.append(entry_id)
        if not taken:
            return []
        rows = session.execute(
            select(OutboxEntry.id, OutboxEntry.kind, OutboxEntry.payload, OutboxEntry.attempts).where(
                OutboxEntry.id.in_(taken)
            )
        ).all()
        return [(int(r[0]), str(r[1]), dict(r[2] or {}), int(r[3])) for r in rows]

    return store.write_retrying(take)


def _finish(store: Store, owner: str, entry_id: int, values: dict[str, Any]) -> None:
    def write(session: Any) -> None:
        session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id == entry_id, OutboxEntry.lease_owner == owner)
            .values(lease_owner=None, lease_until=None, **values)
        )

    store.write_retrying(write)


def drain(store: Store, *, owner: str | None = None, limit: int = BATCH) -> int:
    """Take the entries that are due (up to ``limit``), try each, record what became of it;
    the number tried."""
    owner = owner or f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    claimed = _claim(store, owner, limit)
    for entry_id, kind, payload, attempts in claimed:
        deliverer = _DELIVERERS.get(kind)
        error: str | None = None
        permanent = False
        if deliverer is None:
            error, permanent = f"no deliverer for {kind!r} in this process", False
        else:
            try:
                if deliverer.with_store:
                    deliverer.deliver(store, payload)
                else:
                    deliverer.deliver(payload)
            except Failed as exc:
                error, permanent = str(exc), exc.permanent
            except Exception as exc:  # a deliverer's bug must not stop the others
                log.exception("outbox delivery %s failed", kind)
                error = f"{type(exc).__name__}: {exc}"
        now = utcnow()
        if error is None:
            _finish(
                store, owner, entry_id, {"state": DELIVERED, "attempts": attempts + 1, "finished_at": now}
            )
            continue
        wait = None if permanent or deliverer is None else deliverer.retry(payload, attempts + 1)
        if deliverer is None:
            wait = 5.0  # another process may know the kind
        values: dict[str, Any] = {"attempts": attempts + 1, "last_error": error[:2000]}
        if wait is None:
            values.update(state=FAILED, finished_at=now)
        else:
            values["due_at"] = now + dt.timedelta(seconds=wait)
        _finish(store, owner, entry_id, values)
        if wait is None and deliverer is not None and deliverer.gave_up is not None:
            try:
                deliverer.gave_up(store, payload, error)
            except Exception:
                log.exception("outbox: giving up on a %s delivery failed", kind)
    return len(claimed)


def _next_due(store: Store) -> dt.datetime | None:
    with store.session(write=False) as session:
        found: dt.datetime | None = session.scalar(
            select(func.min(OutboxEntry.due_at)).where(OutboxEntry.state == PENDING)
        )
    if found is not None and found.tzinfo is None:
        found = found.replace(tzinfo=dt.UTC)
    return found


# -- the worker ------------------------------------------------------------------------------


class _Worker(threading.Thread):
    def __init__(self, store: Store) -> None:
        super().__init__(name="awsmock-outbox", daemon=True)
        self.store_ref = weakref.ref(store)
        self.wake = threading.Event()
        self.owner = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.exiting = False
        self.stopping = threading.Event()

    def halt(self) -> None:
        """Stop, and wait until the store is no longer in use (the store is being disposed)."""
        self.stopping.set()
        self.wake.set()
        if self is not threading.current_thread() and self.is_alive():
            self.join(STOP_SECONDS)

    def run(self) -> None:
        idle = 0.0
        failures = 0
        while not self.stopping.is_set():
            if idle >= IDLE_SECONDS:
                with _LOCK:  # (a wake-up that came meanwhile keeps it going)
                    if not self.wake.is_set():
                        self.exiting = True
                        return
                idle = 0.0
            store = self.store_ref()
            if store is None:
                return
            try:
                tried = drain(store, owner=self.owner)
                upcoming = None if tried else _next_due(store)
                failures = 0
            except Exception:  # the database is away for a moment, or the store was closed
                failures += 1
                log.debug("outbox worker: the store failed", exc_info=True)
                if failures >= 5:
                    return
                tried, upcoming = 0, None
            finally:
                del store
            if tried:
                idle = 0.0
                continue
            wait = 1.0
            if upcoming is not None:
                wait = min(wait, max(0.01, (upcoming - utcnow()).total_seconds()))
                idle = 0.0
            self.wake.clear()
            if not self.wake.wait(wait) and upcoming is None:
                idle += wait
            elif self.wake.is_set():
                idle = 0.0


#: how long disposing a store waits for its worker to finish the delivery in hand
STOP_SECONDS = 30.0

_WORKERS: weakref.WeakKeyDictionary[Any, _Worker] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def start(store: Store) -> None:
    """Make sure a worker drains ``store`` in this process, and tell it to look now."""
    with _LOCK:
        worker = _WORKERS.get(store)
        if worker is None or worker.exiting or not worker.is_alive():
            worker = _WORKERS[store] = _Worker(store)
            store.before_dispose(worker.halt)
            worker.start()
    worker.wake.set()


# -- other background work that starts with a server -------------------------------------------

#: what else a server starts on its store (a service's pollers, registered from its room)
_STARTERS: list[Callable[[Store], None]] = []


def on_server_start(fn: Callable[[Store], None]) -> Callable[[Store], None]:
    """Register ``fn(store)`` to run when a server starts on a store (after the outbox worker):
    background work a stopped process left that no request will restart (schedules, pollers)."""
    if fn not in _STARTERS:
        _STARTERS.append(fn)
    return fn


def server_started(store: Store) -> None:
    """A server starts on ``store``: the outbox worker, then what services registered."""
    start(store)
    _start_registered(store)


def resume(store: Store) -> None:
    """The state of ``store`` was replaced (a snapshot restored) or this process attached to a
    state others wrote: the background work it holds starts here, as when a server starts on it
    (the outbox worker when deliveries are pending, then what services registered)."""
    try:
        pending = _next_due(store) is not None
    except Exception:
        log.debug("the outbox cannot be read", exc_info=True)
        pending = False
    if pending:
        start(store)
    _start_registered(store)


def _start_registered(store: Store) -> None:
    from awsmock.engine import registry

    registry.load_all()
    for fn in list(_STARTERS):
        try:
            fn(store)
        except Exception:
            log.exception("starting background work of %r failed", fn)
