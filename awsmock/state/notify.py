"""Wake-ups by topic: a write that concerns a topic wakes the requests
waiting on it (long polls, see :mod:`awsmock.engine.waiting`). In-process here; a PostgreSQL store
adds wake-ups across processes (:mod:`awsmock.state.notify_pg`).
"""

from __future__ import annotations

import threading
import time
from typing import Any


class Notifier:
    """In-process wake-ups by topic (one per store).

    A PostgreSQL store uses :class:`awsmock.state.notify_pg.PgNotifier`, which adds wake-ups across
    processes (LISTEN/NOTIFY); handlers only call :meth:`publish`.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._versions: dict[str, int] = {}

    def version(self, topic: str) -> int:
        with self._cond:
            return self._versions.get(topic, 0)

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
            self._versions[topic] = self._versions.get(topic, 0) + 1
            self._cond.notify_all()

    def wait(self, topic: str, seen: int, timeout: float) -> bool:
        """Wait until ``topic`` moves past version ``seen`` or ``timeout`` passes."""
        end = time.monotonic() + timeout
        with self._cond:
            while self._versions.get(topic, 0) == seen:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True
