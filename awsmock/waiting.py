"""Long polling without busy spinning: handlers ask the dispatcher to wait and run them again.

A handler that has nothing to return yet (SQS ReceiveMessage with WaitTimeSeconds) raises
:class:`WaitAndRetry`. The dispatcher rolls the transaction back, waits until ``topic`` is
notified (a write in this process calls :meth:`Notifier.publish`, which notifies after commit) or
``poll`` seconds pass (on SQLite, writes by other processes sharing the state are seen at the next
poll; on PostgreSQL they arrive by LISTEN/NOTIFY, see :mod:`awsmock.notify_pg`), and calls the
handler again in a new transaction, until ``deadline`` (``time.monotonic()``) passes. After the
deadline the handler is called once more with ``ctx.final_attempt`` true and must answer.
"""

from __future__ import annotations

import threading
import time
from typing import Any


class WaitAndRetry(Exception):
    def __init__(self, topic: str, deadline: float, poll: float = 0.1) -> None:
        super().__init__(topic)
        self.topic = topic
        self.deadline = deadline
        self.poll = poll


class Notifier:
    """In-process wake-ups by topic (one per store).

    A PostgreSQL store uses :class:`awsmock.notify_pg.PgNotifier`, which adds wake-ups across
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
