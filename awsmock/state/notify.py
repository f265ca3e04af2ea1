"""Wake-ups by topic: a write that concerns a topic wakes the requests
waiting on it (long polls, see :mod:`awsmock.engine.waiting`). In-process here; a PostgreSQL store
adds wake-ups across processes (:mod:`awsmock.state.notify_pg`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from awsmock.state.timing import monotonic

log = logging.getLogger("awsmock.state.notify")


class Notifier:
    """In-process wake-ups by topic (one per store).

    A PostgreSQL store uses :class:`awsmock.state.notify_pg.PgNotifier`, which adds wake-ups across
    processes (LISTEN/NOTIFY); handlers only call :meth:`publish`.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        #: topic -> the sequence number of its last notification
        self._versions: dict[str, int] = {}
        self._sequence = 0  # notifications so far, on every topic
        self._listeners: list[Callable[[str | None], None]] = []

    def version(self, topic: str) -> int:
        """The sequence number of ``topic``'s last notification (0: none yet); it is greater than
        :meth:`sequence` read before any notification of ``topic`` that came after."""
        with self._cond:
            return self._versions.get(topic, 0)

    def sequence(self) -> int:
        """The notifications so far, on every topic: read before an attempt, a later
        :meth:`version` of the topic it waits on above it says a write came since."""
        return self._sequence

    def add_listener(self, listener: Callable[[str | None], None]) -> None:
        """Call ``listener(topic)`` after each notification (on the notifying thread, which must
        not wait for it), ``listener(None)`` when every topic may have moved."""
        self._listeners.append(listener)

    def publish(self, ctx: Any, topic: str) -> None:
        """A write in ``ctx``'s transaction concerns ``topic``: wake its waiters once it commits."""
        ctx.after_commit(lambda: self.notify(topic))

    def poll_interval(self, poll: float) -> float:
        """How long a waiter may sleep before looking again (writes of other processes are only
        seen by looking again here; a PostgreSQL notifier hears them and looks less often)."""
        return poll

    def close(self) -> None:
        """Release what the notifier holds (nothing in-process)."""

    def notify(self, topic: str) -> None:
        with self._cond:
            self._sequence += 1
            self._versions[topic] = self._sequence
            self._cond.notify_all()
        self._tell(topic)

    def notify_all_topics(self) -> None:
        """Every topic may have moved (notifications may have been missed): wake every waiter."""
        with self._cond:
            self._sequence += 1
            for topic in self._versions:
                self._versions[topic] = self._sequence
            self._cond.notify_all()
        self._tell(None)

    def _tell(self, topic: str | None) -> None:
        for listener in self._listeners:
            try:
                listener(topic)
            except Exception:
                log.exception("a notification listener failed")

    def wait(self, topic: str, seen: int, timeout: float) -> bool:
        """Wait until ``topic`` moves past ``seen`` (a :meth:`version` or :meth:`sequence`) or
        ``timeout`` passes."""
        end = monotonic() + timeout
        with self._cond:
            while self._versions.get(topic, 0) <= seen:
                left = end - monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True
