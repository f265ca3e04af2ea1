"""The park (awsmock/engine/parking.py): which parked request runs again, and when."""

from __future__ import annotations

import threading
import types
from typing import Any

from awsmock.engine import clock, parking
from awsmock.state.notify import Notifier


class Requests:
    """Parked requests of one park; ``woken`` collects them as the park queues them again."""

    def __init__(self) -> None:
        self.notifier = Notifier()
        self.park = parking.Park(self.notifier)
        self.woken: list[Any] = []
        self.event = threading.Event()

    def parks(self, name: str, topic: str = "t", wait: float = 30.0, interval: float = 60.0,
              mark: int | None = None) -> Any:
        holder = types.SimpleNamespace(name=name)
        parking.enter(holder)
        try:
            parked = self.park.ticket(topic, self.notifier.sequence() if mark is None else mark,
                                      clock.monotonic() + wait, interval, {}, name)
        finally:
            parking.leave()
        parked.hold(lambda: (self.woken.append(name), self.event.set()))
        return holder

    def names(self, timeout: float = 5.0, count: int = 1) -> list[str]:
        deadline = clock.monotonic() + timeout
        while len(self.woken) < count and clock.monotonic() < deadline:
            self.event.wait(0.01)
            self.event.clear()
        return list(self.woken)


def test_a_notification_wakes_one_request_and_an_answered_one_the_next() -> None:
    r = Requests()
    first, second = r.parks("first"), r.parks("second")
    r.parks("elsewhere", topic="other")
    r.notifier.notify("t")
    assert r.woken == ["first"]  # not "second", nor the other topic's
    parking.answered(first)  # it found what it waited for: the next may too
    assert r.woken == ["first", "second"]
    parking.answered(second)  # nobody left on its topic
    assert r.woken == ["first", "second"] and len(r.park) == 1


def test_a_write_during_the_attempt_runs_it_again_at_once() -> None:
    r = Requests()
    mark = r.notifier.sequence()
    r.notifier.notify("t")  # committed after the attempt began, before it parked
    r.parks("late", mark=mark)
    assert r.woken == ["late"] and len(r.park) == 0


def test_the_deadline_runs_it_once_more_and_wakes_no_other() -> None:
    r = Requests()
    began = clock.monotonic()
    timed = r.parks("timed", wait=0.15)
    r.parks("patient")
    assert r.names() == ["timed"]
    assert 0.15 <= clock.monotonic() - began < 2.0
    parking.answered(timed)  # an empty answer at the deadline says nothing about the others
    assert r.woken == ["timed"] and len(r.park) == 1


def test_an_unannounced_change_is_found_by_a_poll_of_one_request_per_topic() -> None:
    r = Requests()
    r.parks("a", interval=0.05)
    r.parks("b", interval=0.05)
    assert r.names()[:1] == ["a"]  # the longest parked is polled first
    assert r.woken.count("a") == 1 and len(r.park) <= 1
