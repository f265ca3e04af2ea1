"""Long polling without busy spinning: handlers ask the dispatcher to wait and run them again.

A handler that has nothing to return yet (a long poll) raises :class:`WaitAndRetry`. The
dispatcher rolls the transaction back, waits until ``topic`` is notified (a write in this process
calls :meth:`awsmock.state.notify.Notifier.publish`, which notifies after commit) or ``poll``
seconds pass (on SQLite, writes by other processes sharing the state are seen at the next poll;
on PostgreSQL they arrive by LISTEN/NOTIFY, see :mod:`awsmock.state.notify_pg`), and calls the
handler again in a new transaction, until ``deadline`` (on :func:`awsmock.engine.clock.monotonic`,
which a test's frozen clock does not stop) passes. After the deadline the handler is called once
more with ``ctx.final_attempt`` true and must answer.

That wait holds the caller's thread in-process only. A server parks the request instead, holding
no thread, and runs it again from the start when the topic is notified, now and then, and at the
deadline (:mod:`awsmock.engine.parking`): the parameters dict the handler receives is the same
one on every run, so a handler may keep its deadline in it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class WaitAndRetry(Exception):
    def __init__(self, topic: str, deadline: float, poll: float = 0.1) -> None:
        super().__init__(topic)
        self.topic = topic
        self.deadline = deadline
        self.poll = poll


class Outside:
    """A handler's answer that needs work done outside the request's transaction and outside the
    server's request gate: work that waits on something the state cannot hold (a subprocess
    running user code, which may itself call this server back).

    The handler returns ``Outside(work, then)``: the dispatcher commits the handler's
    transaction, runs ``work()`` with no transaction open and no gate held (other requests go on
    meanwhile), then calls ``then(ctx, value)`` with ``work``'s value in a new write transaction
    of the same request, whose result is the answer (``then`` may return another ``Outside``).
    Access control and request hooks run once, for the handler, not again for ``then``.
    """

    __slots__ = ("then", "work")

    def __init__(self, work: Callable[[], Any], then: Callable[[Any, Any], Any]) -> None:
        self.work = work
        self.then = then
