"""LISTEN/NOTIFY wake-ups between processes on one PostgreSQL database (two stores stand for
two processes: each has its own listener connection)."""

from __future__ import annotations

import threading
from typing import Any

from awsmock.state.notify_pg import PgNotifier
from awsmock.state.store import Store


class _Ctx:
    """The two things :meth:`Notifier.publish` uses of a request context."""

    def __init__(self, tx: Any) -> None:
        self.tx = tx
        self.hooks: list[Any] = []

    def after_commit(self, fn: Any) -> None:
        self.hooks.append(fn)


def test_a_commit_on_one_store_wakes_a_waiter_of_another(pg_store: Store) -> None:
    other = Store(pg_store.url)
    try:
        waiting, writing = pg_store.notifier, other.notifier
        assert isinstance(waiting, PgNotifier) and isinstance(writing, PgNotifier)
        seen = waiting.version("sqs:42")
        assert waiting.listening
        woke: list[bool] = []
        started = threading.Event()

        def wait() -> None:
            started.set()
            woke.append(waiting.wait("sqs:42", seen, 30.0))

        thread = threading.Thread(target=wait)
        thread.start()
        started.wait()
        with other.transaction() as tx:
            ctx = _Ctx(tx)
            writing.publish(ctx, "sqs:42")
            # NOTIFY is transactional: nothing is delivered before the commit
            assert not waiting.wait("sqs:42", seen, 0.3)
        thread.join(35)
        assert woke == [True]  # woken by the notification, not by the 30 s timeout
        assert waiting.version("sqs:42") > seen
        assert waiting.version("sqs:other") == 0
    finally:
        other.dispose()


def test_a_rolled_back_write_wakes_nobody(pg_store: Store) -> None:
    other = Store(pg_store.url)
    try:
        seen = pg_store.notifier.version("sqs:7")
        try:
            with other.transaction() as tx:
                other.notifier.publish(_Ctx(tx), "sqs:7")
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        assert not pg_store.notifier.wait("sqs:7", seen, 0.5)
    finally:
        other.dispose()


def test_waiters_look_again_less_often_while_listening(pg_store: Store) -> None:
    pg_store.notifier.version("any")
    assert pg_store.notifier.poll_interval(0.05) >= 0.25
    local = Store("sqlite://")
    try:
        assert local.notifier.poll_interval(0.05) == 0.05
    finally:
        local.dispose()
