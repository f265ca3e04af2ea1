"""Worker threads that take turns: one thread at a time pulls requests and runs them.

On SQLite the dispatcher runs one request's Python work at a time (its gate; see
``docs/benchmarks.md``). With waitress' own pool, every queued request wakes a worker that then
blocks on the gate, and each request is handed from thread to thread through the GIL: measured
at 8 connections, a DynamoDB GetItem cost 1.1 ms of CPU with 8 workers against 0.8 ms with one.
Here only the thread holding the *turn* pulls tasks, so one thread runs request after request
while the others sleep; the extra threads exist for requests that wait (a long poll, a streamed
response to a slow client): such a request calls :func:`pass_turn` and the next thread takes
over, so waiting requests never stall the rest.
"""

from __future__ import annotations

import threading
from typing import Any

_local = threading.local()


def pass_turn() -> None:
    """The calling request is about to wait or stream: let another worker take new requests.
    A no-op outside a turn-taking worker (in-process mode, other servers)."""
    release = getattr(_local, "release", None)
    if release is not None:
        _local.release = None
        release()


def task_dispatcher() -> Any:
    """A waitress task dispatcher whose threads take turns."""
    from waitress.task import ThreadedTaskDispatcher

    class TurnTaskDispatcher(ThreadedTaskDispatcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.turn = threading.Lock()

        def handler_thread(self, thread_no: int) -> None:
            turn = self.turn
            try:
                while True:
                    if getattr(_local, "release", None) is None:  # (again) wait for the turn
                        turn.acquire()
                        _local.release = turn.release
                    with self.lock:
                        while not self.queue and self.stop_count == 0:
                            self.active_count -= 1
                            self.queue_cv.wait()
                            self.active_count += 1
                        if self.stop_count > 0:
                            self.active_count -= 1
                            self.stop_count -= 1
                            self.threads.discard(thread_no)
                            self.thread_exit_cv.notify()
                            return
                        task = self.queue.popleft()
                    try:
                        task.service()  # keeps the turn unless it passed it on
                    except BaseException:
                        self.logger.exception("Exception when servicing %r", task)
            finally:
                pass_turn()

    return TurnTaskDispatcher()
