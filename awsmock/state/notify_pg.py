"""Long-poll wake-ups across processes on PostgreSQL: LISTEN/NOTIFY.

Several awsmock processes (server nodes) share one PostgreSQL database. A write that concerns a
topic (a message sent where receivers wait) runs ``SELECT pg_notify('awsmock_wake', topic)`` inside its own
transaction; PostgreSQL delivers it when (and only when) the transaction commits, to every
listening session. Each process keeps **one** listener connection (a daemon thread, opened on the
first long poll) that turns each notification into a local :meth:`Notifier.notify`, waking that
process's waiters at once. Waiters still look again every :data:`FALLBACK_POLL` seconds (for
what no write announces: delayed messages becoming visible, visibility timeouts running out, or
a lost listener connection, which is reopened with back-off).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from awsmock.state.notify import Notifier

log = logging.getLogger("awsmock.state.notify")

CHANNEL = "awsmock_wake"
#: how often a waiter looks again while the listener is connected (without it: the caller's poll)
FALLBACK_POLL = 0.25
_NOTIFY = text(f"SELECT pg_notify('{CHANNEL}', :topic)")


def libpq_url(sqlalchemy_url: str) -> str:
    """``postgresql+psycopg://…`` -> the ``postgresql://…`` URL libpq (psycopg) understands."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class PgNotifier(Notifier):
    """A :class:`Notifier` that also hears the writes of other processes on the same database."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self._conninfo = libpq_url(url)
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._listening = threading.Event()
        self._stop = threading.Event()
        self._conn: Any = None

    # -- writers ------------------------------------------------------------------------

    def publish(self, ctx: Any, topic: str) -> None:
        ctx.tx.execute(_NOTIFY, {"topic": topic})  # delivered at commit, to every process
        super().publish(ctx, topic)  # this process: no round trip through the listener

    # -- waiters ------------------------------------------------------------------------

    def version(self, topic: str) -> int:
        self._ensure_listener()
        return super().version(topic)

    def poll_interval(self, poll: float) -> float:
        return max(poll, FALLBACK_POLL) if self._listening.is_set() else poll

    @property
    def listening(self) -> bool:
        return self._listening.is_set()

    def _ensure_listener(self, timeout: float = 2.0) -> None:
        if self._thread is not None or self._stop.is_set():
            return
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="awsmock-pg-listener", daemon=True)
                self._thread.start()
        # the first waiter may miss a NOTIFY sent before LISTEN: wait for it (the poll covers a miss)
        self._listening.wait(timeout)

    def _run(self) -> None:
        import psycopg

        backoff = 0.1
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5) as conn:
                    self._conn = conn
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    self._wake_all()  # after a reconnect: anything may have happened meanwhile
                    backoff = 0.1
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            self.notify(note.payload)
            except Exception as exc:  # a lost connection: waiters fall back to polling meanwhile
                if not self._stop.is_set():
                    log.warning("PostgreSQL listener connection lost (%s); reconnecting", exc)
            finally:
                self._listening.clear()
                self._conn = None
            self._stop.wait(backoff)
            backoff = min(backoff * 2, 5.0)

    def _wake_all(self) -> None:
        self.notify_all_topics()

    def close(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=1.5)  # the listener looks at the stop flag every second
