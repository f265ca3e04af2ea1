"""How the server's threads run requests: quick ones on the event loop's own thread, the rest
on worker threads that take turns.

On SQLite the dispatcher runs one request's Python work at a time (its gate; see
``docs/benchmarks.md``). Handing each request from waitress' event-loop thread to a worker and
back costs more CPU than a small item read itself: every GIL hand-over between the two threads
is a futex round trip. So a request that is known to be quick — a JSON-protocol call that
cannot wait (anything but a long poll a service declares), or a small PUT — runs right on the event-loop
thread once its read is done (:func:`quick`); measured at 8 connections, a GetItem cost 0.31 ms
of CPU that way against 0.58 ms through a worker.

Everything else goes to waitress' worker threads, which take turns: only the thread holding the
*turn* pulls tasks, so one thread runs request after request while the others sleep (with
waitress' own pool every queued request woke a worker that then blocked on the gate: 1.1 ms of
CPU per GetItem against 0.8 ms). The extra threads exist for requests that wait (a long poll, a
streamed response to a slow client): such a request calls :func:`pass_turn` and the next
thread takes over, so waiting requests never stall the rest.

The event loop's thread must never wait: while it does, no other request is read, not even
``/_awsmock/health``. So a quick request that would have to wait (for the request gate a worker
thread holds, for SQLite's write lock another process holds, or for a long poll whose wait the
hints below did not foresee) raises :class:`Handoff` before it has changed anything, and the
loop hands it to a worker thread, which runs it from the start.
"""

from __future__ import annotations

import collections
import threading
from typing import Any

from awsmock.engine import registry, specs
from awsmock.state import jsontext

_local = threading.local()

#: how long the event loop's thread waits for the request gate before handing the request over
LOOP_GATE_WAIT = 0.005


class Handoff(BaseException):
    """Raised on the event loop's thread by a request that would wait, before it changed anything:
    a worker thread runs it again from the start. (A BaseException: no ``except Exception`` on
    the way, the dispatcher's or waitress', turns it into an error answer.)"""


def take_gate(gate: Any) -> None:
    """Acquire the dispatcher's request gate; on the event loop's thread only briefly, else
    :class:`Handoff` (a worker thread holds it for a request that takes a while)."""
    if _loop_thread is not None and threading.current_thread() is _loop_thread:
        if not gate.acquire(timeout=LOOP_GATE_WAIT):
            raise Handoff()
    else:
        gate.acquire()


def pass_turn() -> None:
    """The calling request is about to wait or stream: let another worker take new requests.
    A no-op outside a turn-taking worker (in-process mode, other servers)."""
    release = getattr(_local, "release", None)
    if release is not None:
        _local.release = None
        release()


def task_dispatcher() -> Any:
    """A waitress task dispatcher that runs quick requests on the event loop's thread (see
    :meth:`run_inline`) and the others on worker threads that take turns."""
    from waitress.task import ThreadedTaskDispatcher

    class TurnTaskDispatcher(ThreadedTaskDispatcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.turn = threading.Lock()
            self.inline: collections.deque[Any] = collections.deque()

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

        def add_task(self, task: Any) -> None:
            if on_loop_thread() and quick(task):
                self.inline.append(task)  # run by the channel once its read is done
                return
            super().add_task(task)

        def add_worker_task(self, task: Any) -> None:
            """Queue ``task`` for a worker thread, whichever thread calls (a parked request
            running again: :mod:`awsmock.engine.parking`)."""
            super().add_task(task)

        def run_inline(self) -> None:
            """Serve the quick requests the last read completed (on the event loop's thread)."""
            inline = self.inline
            while inline:
                channel = inline.popleft()
                # pipelined requests, or output still waiting to be sent: a worker may wait for
                # the event loop to drain it, where this thread would only let it grow
                if len(channel.requests) > 1 or channel.total_outbufs_len > QUICK_BODY:
                    super().add_task(channel)
                    continue
                try:
                    channel.service()
                except Handoff:  # it would wait: a worker runs it (nothing was sent, nothing changed)
                    channel.requests[0].get_body_stream().seek(0)
                    super().add_task(channel)

    return TurnTaskDispatcher()


QUICK_BODY = 1024 * 1024

_loop_thread: threading.Thread | None = None


def set_loop_thread() -> None:
    """The calling thread runs the server's event loop (quick requests run on it)."""
    global _loop_thread
    _loop_thread = threading.current_thread()


def on_loop_thread() -> bool:
    """Whether this is the event loop's thread, which must never wait (a long poll there
    answers at once, as with a zero wait time)."""
    return _loop_thread is not None and threading.current_thread() is _loop_thread


#: resource -> whether a request that names no wait time waits by default (long-poll hints)
_default_waits: dict[str, bool] = {}


def note_default_wait(resource: str, waits: bool) -> None:
    """Record whether requests on ``resource`` (as sent: the identifier the request names) that set no wait time
    long-poll by default, so the next one can run on the event loop's thread when they do not."""
    if len(_default_waits) >= 10_000:
        _default_waits.clear()
    _default_waits[resource] = waits


def forget_default_waits() -> None:
    """A resource's default wait changed in this process: learn the default waits again. (A change
    made by another process sharing the state is learned at the resource's next long poll, which then
    runs on the event loop's thread, finds it must wait after all and is handed to a worker:
    :class:`Handoff`. The hint only ever decides which thread runs a request, never its answer.)"""
    _default_waits.clear()


_long_polls: dict[str, tuple[str, str]] | None = None


def may_wait() -> dict[str, tuple[str, str]]:
    """JSON-protocol operations that may wait (the long polls services declare): X-Amz-Target ->
    (the request member that sets the wait, the member naming the resource whose default wait
    applies otherwise)."""
    global _long_polls
    found = _long_polls
    if found is None:
        found = {}
        for facts in registry.declared():
            prefix = specs.service_metadata(facts.name).get("targetPrefix")
            for operation, poll in facts.long_polls.items():
                found[f"{prefix}.{operation}"] = (poll.wait_member, poll.resource_member)
        _long_polls = found
    return found


def _may_wait(request: Any, fields: tuple[str, str]) -> bool:
    wait_field, resource_field = fields
    try:
        stream = request.get_body_stream()
        try:
            body = jsontext.guarded_loads(stream.read() or b"{}")
        finally:
            stream.seek(0)  # the dispatcher reads the body again, whatever it holds
    except (ValueError, OSError):  # not JSON, or nested too deeply: a worker answers the error
        return True
    if not isinstance(body, dict):
        return True
    wait = body.get(wait_field)
    if wait is not None:
        return wait != 0
    resource = body.get(resource_field)
    return not isinstance(resource, str) or _default_waits.get(resource) is not False


def quick(channel: Any) -> bool:
    """Whether the channel's next request can run on the event loop's own thread: it never
    waits (no long poll), its body is small and its answer is small: a JSON-protocol call (a
    declared long poll only with a zero wait, or none on a resource known not to wait by default:
    :func:`note_default_wait`), a small PUT, a HEAD, or a GET of a path whose last answer was small
    (:func:`remember_answer`; the first GET of a path goes to a worker). Should an answer turn
    out large after all, the channel spools it (see ``awsmock/server.py``) rather than wait."""
    try:
        request = channel.requests[0]
    except (AttributeError, IndexError):
        return False
    if request.error or request.chunked or request.content_length > QUICK_BODY:
        return False
    if request.path.startswith(ADMIN_PREFIXES):  # admin work may wait for the write lock
        return request.command == "GET" and request.path in HEALTH_PATHS
    headers = request.headers
    target = headers.get("X_AMZ_TARGET")
    if target is not None:
        fields = may_wait().get(target)
        return fields is None or not _may_wait(request, fields)
    command = request.command
    if command == "PUT":
        return "X_AMZ_COPY_SOURCE" not in headers
    if command == "HEAD":
        return True
    return command == "GET" and _small_answers.get((headers.get("HOST", ""), request.path)) is True


#: admin paths (snapshots, reset: never on the event loop), of which health always is
ADMIN_PREFIXES = ("/_awsmock/", "/moto-api/", "/_localstack/")
HEALTH_PATHS = frozenset({"/_awsmock/health", "/_localstack/health"})

#: (Host, path) -> whether the last GET answer for it was small (bytes, not a streamed body)
_small_answers: dict[tuple[str, str], bool] = {}


def remember_answer(host: str, path: str, small: bool) -> None:
    """Record whether a GET of ``path`` on ``host`` was answered with a small body."""
    answers = _small_answers
    if len(answers) >= 10_000:
        answers.clear()
    answers[(host, path)] = small
