"""Long polls that hold no thread: a server parks a waiting request and runs it again when it may
have an answer.

A handler with nothing to return yet raises :class:`awsmock.engine.waiting.WaitAndRetry` (a
topic, a deadline, a poll hint). In-process, the dispatcher waits for the topic on the caller's
thread (nobody else needs that thread). A server that can park requests says so for the request
it is running (:func:`enter`): then the dispatcher raises :class:`Parked` instead of waiting; the
server frees its thread, and hands the request to the dispatcher's :class:`Park` with a way to
queue it again (:meth:`Parked.hold`). The park runs it again

* when the topic is notified (a write committed here, or another process's write heard through
  the store's notifier): **one** parked request of the topic at a time. A request that was woken
  and then answered (it found what it waited for) wakes the next one of its topic, so a send
  wakes as many waiters as it fed, not every waiter of the queue;
* now and then, for what no write announces (a delayed item becoming visible, a wake-up lost
  between processes): one request per topic at a time, every few tenths of a second, and never
  more than :data:`POLLS_PER_SECOND` in all, however many requests are parked;
* at its deadline, once, to give the final (empty) answer.

A request runs again from the start of the dispatcher, with what it carried over (the parsed
parameters, where handlers keep their deadline; the request id) in its :class:`Ticket`. It holds
no thread, transaction, request gate or turn while parked: hundreds wait at the cost of their
sockets.
"""

from __future__ import annotations

import collections
import heapq
import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any

from awsmock.engine import clock

log = logging.getLogger("awsmock.parking")

#: the most fallback polls (runs of a parked request that no write woke) per second, per park
POLLS_PER_SECOND = 100.0
#: seconds the park's timer thread stays idle with nothing parked before it ends
IDLE_SECONDS = 5.0
#: the attribute of a server's request object that holds its ticket while it is parked
_ATTR = "awsmock_ticket"

_local = threading.local()


def enter(holder: Any) -> None:
    """The calling thread runs ``holder``'s request (an object that lives as long as the request
    does: the server's parsed request), and may park it."""
    _local.holder = holder


def leave() -> None:
    _local.holder = None


def suspend() -> Any:
    """Run what follows as if no server request were running on this thread (a request served
    inside another's work must not park that one): the holder, for :func:`enter` after."""
    holder = getattr(_local, "holder", None)
    _local.holder = None
    return holder


def may_park() -> bool:
    """Whether the request this thread runs may park (a server request), rather than wait here."""
    return getattr(_local, "holder", None) is not None


def resumed() -> Ticket | None:
    """The ticket of the request this thread runs, when it runs again after parking."""
    holder = getattr(_local, "holder", None)
    return None if holder is None else getattr(holder, _ATTR, None)


def answered(holder: Any) -> None:
    """``holder``'s request was answered (it did not park again): when a write or a poll woke it,
    the next request parked on its topic may find something too."""
    ticket = getattr(holder, _ATTR, None)
    if ticket is not None:
        setattr(holder, _ATTR, None)
        if ticket.why in ("notify", "poll"):
            ticket.park.wake_one(ticket.topic)


class Ticket:
    """One park of one request: what it waits on, until when, and what it carries over."""

    __slots__ = (
        "deadline",
        "interval",
        "mark",
        "params",
        "park",
        "parked",
        "request_id",
        "requeue",
        "started",
        "topic",
        "why",
    )

    def __init__(self, park: Park, topic: str, mark: int, deadline: float, interval: float,
                 params: dict[str, Any], request_id: str, started: float | None) -> None:
        self.park = park
        self.topic = topic
        self.mark = mark  # the notifier's sequence before the attempt that found nothing
        self.deadline = deadline  # clock.monotonic(): then the request runs its final attempt
        self.interval = interval  # the shortest pause between fallback polls of its topic
        self.params = params
        self.request_id = request_id
        self.started: float | None = started  # (for the request log: when it first ran)
        self.requeue: Callable[[], None] | None = None
        self.parked = False
        self.why = ""  # what woke it: "notify", "poll", "deadline"


class Parked(BaseException):
    """Raised (through the server's request code, which must not turn it into an answer: hence a
    BaseException) by a request that parks. Nothing was sent and nothing changed; the server
    rewinds the request's body and calls :meth:`hold` with a function that queues the request
    to run again."""

    def __init__(self, ticket: Ticket) -> None:
        super().__init__(ticket.topic)
        self.ticket = ticket

    def hold(self, requeue: Callable[[], None]) -> None:
        self.ticket.park.hold(self.ticket, requeue)


class Park:
    """The parked requests of one dispatcher, by topic, woken by ``notifier`` and by one timer
    thread (started while something is parked)."""

    def __init__(self, notifier: Any) -> None:
        self.notifier = notifier
        self._cond = threading.Condition()
        self._topics: dict[str, collections.deque[Ticket]] = {}
        self._timers: list[tuple[float, int, Any]] = []  # (when, order, Ticket | topic)
        self._polls: dict[str, float] = {}  # topic -> when its next fallback poll is due
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        notifier.add_listener(self._notified)

    def ticket(self, topic: str, mark: int, deadline: float, interval: float,
               params: dict[str, Any], request_id: str) -> Parked:
        """What the dispatcher raises to park the request this thread runs (see :func:`enter`)."""
        holder = _local.holder
        previous = getattr(holder, _ATTR, None)
        ticket = Ticket(self, topic, mark, deadline, interval, params, request_id,
                        previous.started if previous is not None else None)
        setattr(holder, _ATTR, ticket)
        return Parked(ticket)

    def __len__(self) -> int:
        with self._cond:
            return sum(1 for q in self._topics.values() for t in q if t.parked)

    # -- parking --------------------------------------------------------------------------

    def hold(self, ticket: Ticket, requeue: Callable[[], None]) -> None:
        ticket.requeue = requeue
        topic = ticket.topic
        with self._cond:
            # a write committed while the attempt ran (or the listener is just starting): go again
            moved = self.notifier.version(topic) > ticket.mark
            if not moved:
                ticket.parked = True
                self._topics.setdefault(topic, collections.deque()).append(ticket)
                self._push(ticket.deadline, ticket)
                if topic not in self._polls:
                    self._schedule_poll(topic, ticket.interval)
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="awsmock-park", daemon=True)
                    self._thread.start()
                self._cond.notify()
        if moved:
            self._wake(ticket, "notify")

    def wake_one(self, topic: str | None) -> None:
        """Run one request parked on ``topic`` again (on every topic: None)."""
        with self._cond:
            topics = list(self._topics) if topic is None else [topic]
            woken = [t for t in map(self._pop, topics) if t is not None]
        for ticket in woken:
            self._wake(ticket, "notify")

    _notified = wake_one

    # -- inside the lock ------------------------------------------------------------------

    def _push(self, when: float, item: Any) -> None:
        heapq.heappush(self._timers, (when, next(self._order), item))

    def _schedule_poll(self, topic: str, interval: float) -> None:
        # polls share POLLS_PER_SECOND among the topics with parked requests
        pause = max(interval, len(self._topics) / POLLS_PER_SECOND)
        when = clock.monotonic() + pause
        self._polls[topic] = when
        self._push(when, topic)

    def _pop(self, topic: str) -> Ticket | None:
        """The longest-parked request of ``topic``, taken out of the park."""
        queue = self._topics.get(topic)
        while queue:
            ticket = queue.popleft()
            if ticket.parked:
                ticket.parked = False
                if not queue:
                    del self._topics[topic]
                return ticket
        self._topics.pop(topic, None)
        return None

    # -- the timer thread -----------------------------------------------------------------

    def _run(self) -> None:
        cond, timers = self._cond, self._timers
        while True:
            due: list[tuple[Ticket, str]] = []
            with cond:
                while not timers:
                    if not cond.wait(IDLE_SECONDS) and not timers:
                        self._thread = None
                        return
                now = clock.monotonic()
                while timers and timers[0][0] <= now:
                    when, _order, item = heapq.heappop(timers)
                    if isinstance(item, Ticket):
                        if item.parked:  # (its place in the topic's queue is skipped later)
                            item.parked = False
                            due.append((item, "deadline"))
                    elif self._polls.get(item) == when:
                        ticket = self._pop(item)
                        if ticket is not None:
                            due.append((ticket, "poll"))
                        if item in self._topics:
                            self._schedule_poll(item, ticket.interval if ticket else 0.25)
                        else:
                            del self._polls[item]
                if not due:
                    cond.wait(max(0.0, timers[0][0] - now) if timers else IDLE_SECONDS)
                    continue
            for ticket, why in due:
                self._wake(ticket, why)

    @staticmethod
    def _wake(ticket: Ticket, why: str) -> None:
        ticket.why = why
        requeue = ticket.requeue
        if requeue is None:
            return
        try:
            requeue()
        except Exception:  # (a server shutting down): the request is lost with its connection
            log.exception("could not run a parked request again")
