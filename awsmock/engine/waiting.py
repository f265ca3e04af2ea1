"""Long polling without busy spinning: handlers ask the dispatcher to wait and run them again.

A handler that has nothing to return yet (a long poll) raises :class:`WaitAndRetry`. The
dispatcher rolls the transaction back, waits until ``topic`` is notified (a write in this process
calls :meth:`awsmock.state.notify.Notifier.publish`, which notifies after commit) or ``poll``
seconds pass (on SQLite, writes by other processes sharing the state are seen at the next poll;
on PostgreSQL they arrive by LISTEN/NOTIFY, see :mod:`awsmock.state.notify_pg`), and calls the
handler again in a new transaction, until ``deadline`` (``time.monotonic()``) passes. After the
deadline the handler is called once more with ``ctx.final_attempt`` true and must answer.
"""

from __future__ import annotations


class WaitAndRetry(Exception):
    def __init__(self, topic: str, deadline: float, poll: float = 0.1) -> None:
        super().__init__(topic)
        self.topic = topic
        self.deadline = deadline
        self.poll = poll
