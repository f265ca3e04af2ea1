"""``awsmock server --workers N``: N server processes on one address and one state.

The parent process does what must happen once: it checks the address, opens the state and
migrates it to head, binds the listening socket(s) and prints the ready line. Then it forks N
workers (the first at once; the others once the parent has loaded the services, models and
detection indexes every worker's first requests need, so they start warm); each inherits the
listening socket and runs the ordinary server on it (its own store connections, request gate,
event loop and threads: :func:`awsmock.server.build_server`), so the kernel hands each new
connection to whichever worker accepts it first: an idle worker takes it, a busy one does not
ask. The state is the database, which several processes already share safely (SQLite's WAL and
write lock, PostgreSQL's transactions); long polls wake across processes
(:mod:`awsmock.state.notify_local` on a SQLite file, :mod:`awsmock.state.notify_pg`).

One socket inherited by every worker, rather than one ``SO_REUSEPORT`` socket per worker: when a
worker dies (``kill -9``), the connections the kernel had queued on its own socket would be
reset; on a shared socket they wait for the next worker to accept them, and while a crashed
worker is being replaced the others (or, with none left, the socket's backlog) keep taking
connections. It works wherever ``fork`` does.

The parent then only watches: a worker that exits (crashed, killed) is replaced, with a growing
pause when replacements die at once; SIGTERM or SIGINT stops every worker (SIGTERM, then SIGKILL
after :data:`STOP_GRACE` seconds) and the parent prints ``awsmock stopped``. A worker dies with its
parent (``PR_SET_PDEATHSIG`` on Linux, a watch of the parent's pid elsewhere), so a ``kill -9``
of the parent leaves no worker behind holding the port.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import signal
import socket
import sys
import threading
import time
from types import FrameType
from typing import Any

from awsmock import server as single
from awsmock.engine.config import Config

log = logging.getLogger("awsmock.workers")

#: the default number of workers is the number of cores this process may use, at most this
MAX_DEFAULT_WORKERS = 8
#: seconds the workers get to finish after SIGTERM before they are killed
STOP_GRACE = 10.0
#: a worker that dies within this many seconds of its start makes the next replacement wait
QUICK_DEATH = 2.0
BACKLOG = 1024


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def default_workers(config: Config) -> int:
    """``--workers`` when not given: the cores (capped); 1 for an in-memory state, which one
    process holds."""
    if config.in_memory or not hasattr(os, "fork"):
        return 1
    return max(1, min(available_cores(), MAX_DEFAULT_WORKERS))


def refusal(config: Config, workers: int) -> str | None:
    """Why ``--workers N`` cannot run with ``config`` (one line), or None."""
    if workers < 1:
        return f"--workers must be at least 1 (got {workers})"
    if workers > 1 and config.in_memory:
        return (
            "--in-memory keeps the state inside one process, so worker processes cannot share it: "
            "use --workers 1, or --data-dir / --database-url for several workers"
        )
    if workers > 1 and not hasattr(os, "fork"):
        return "--workers N needs fork(), which this platform lacks: use --workers 1"
    return None


def bind(host: str, port: int) -> list[socket.socket]:
    """Listening sockets for ``host:port`` (every address the name has, as waitress binds; port
    0: one free port, the same on each)."""
    infos = socket.getaddrinfo(
        host.strip("[]"), port, socket.AF_UNSPEC, socket.SOCK_STREAM, socket.IPPROTO_TCP, socket.AI_PASSIVE
    )
    sockets: list[socket.socket] = []
    seen: set[tuple[int, Any]] = set()
    try:
        for family, kind, proto, _name, address in infos:
            if (family, address) in seen:
                continue
            seen.add((family, address))
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            if port == 0 and len(sockets) > 1:
                address = (address[0], sockets[0].getsockname()[1], *address[2:])
            sock.bind(address)
            sock.listen(BACKLOG)
            sock.set_inheritable(True)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def serve_workers(config: Config, workers: int, *, out: Any = sys.stdout, quiet: bool = False) -> int:
    """Run ``workers`` server processes on ``config``'s address and state until SIGTERM/SIGINT."""
    if (why := refusal(config, workers)) is not None:
        print(f"awsmock: {why}", file=sys.stderr, flush=True)
        return 2
    if (refused := single.prepare(config)) is not None:
        return refused
    store = single.open_state(config)  # the one migration, before any worker starts
    if isinstance(store, int):
        return store
    from awsmock.auth import settings

    settings.start_once_for_workers(store)  # not again in each worker (nor in a replacement)
    store.dispose()  # a forked worker must not share a connection of the parent's
    try:
        sockets = bind(config.host, config.port)
    except OSError as exc:
        busy = exc.errno == errno.EADDRINUSE
        print(
            f"awsmock: port {config.port} is in use; try -p 0"
            if busy
            else f"awsmock: cannot listen on {config.host}:{config.port}: {exc.strerror or exc}",
            file=sys.stderr,
            flush=True,
        )
        return 1
    group = _Group(config, sockets, workers, quiet)

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise _Stop(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        # listening already: connections wait in the backlog until a worker takes them
        single.announce(config, sockets[0].getsockname()[1], out)
        # the first worker at once (it loads what its first requests need, as a single server
        # does), the others from a parent that has loaded it: they start ready to answer fast
        group.start(1)
        _warm_up()
        group.start(*range(2, workers + 1))
        group.watch()
    except _Stop:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        group.stop()
        for sock in sockets:
            sock.close()
        print("awsmock stopped", file=out, flush=True)
    return 0


class _Stop(BaseException):
    """SIGTERM/SIGINT in the parent (a BaseException: the warm-up's ``suppress(Exception)`` must
    not swallow it, or a stop during the warm-up is lost)."""


_AUTH = (
    "AWS4-HMAC-SHA256 Credential=warmup/20260101/us-east-1/{}/aws4_request, SignedHeaders=host, Signature=0"
)
#: requests whose service detection builds the indexes every first request of a worker needs
_WARM_REQUESTS: tuple[tuple[str, str, str, dict[str, str]], ...] = (
    ("GET", "/", "s3", {}),
    ("POST", "/", "dynamodb", {"HTTP_X_AMZ_TARGET": "DynamoDB_20120810.ListTables"}),
    ("POST", "/", "sqs", {"HTTP_X_AMZ_TARGET": "AmazonSQS.ListQueues"}),
)


def _warm_up() -> None:
    """Load, before forking, what every worker's first request would otherwise load on its own
    (seconds on a loaded machine): the services, their models and the detection indexes. Nothing
    is dispatched: the state is not touched."""
    import io

    import waitress  # noqa: F401

    from awsmock.api import app, protocols  # noqa: F401
    from awsmock.api.detect import detect
    from awsmock.engine import registry, specs
    from awsmock.engine.wire import WireRequest

    for facts in registry.declared():
        with contextlib.suppress(Exception):
            for name in specs.protocols_of(specs.service_model(facts.name)):
                with contextlib.suppress(Exception):
                    protocols.get(name)
    for method, path, signing, headers in _WARM_REQUESTS:
        env = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "4566",
            "HTTP_HOST": "localhost:4566",
            "HTTP_AUTHORIZATION": _AUTH.format(signing),
            "wsgi.input": io.BytesIO(b""),
            **headers,
        }
        with contextlib.suppress(Exception):
            detect(WireRequest.from_environ(env))


class _Group:
    """The worker processes: started, replaced when one exits, stopped together."""

    def __init__(self, config: Config, sockets: list[socket.socket], size: int, quiet: bool) -> None:
        self.config = config
        self.sockets = sockets
        self.size = size
        self.quiet = quiet
        self.pids: dict[int, int] = {}  # pid -> worker number
        self.started: dict[int, float] = {}  # worker number -> when its process started
        self.pause: dict[int, float] = {}  # worker number -> wait before its next replacement
        self.parent = os.getpid()

    def start(self, *numbers: int) -> None:
        for number in numbers:
            self._spawn(number)

    def _spawn(self, number: int) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                code = _worker(number, self.config, self.sockets, self.quiet, self.parent)
            except BaseException:
                log.exception("worker %d failed", number)
            finally:
                with contextlib.suppress(Exception):
                    sys.stdout.flush()
                    sys.stderr.flush()
                os._exit(code)
        self.pids[pid] = number
        self.started[number] = time.monotonic()

    def watch(self) -> None:
        """Replace every worker that exits, until a signal stops the group."""
        while True:
            try:
                pid, status = os.waitpid(-1, 0)
            except ChildProcessError:  # none left (cannot happen while the group runs)
                time.sleep(0.1)
                continue
            number = self.pids.pop(pid, None)
            if number is None:
                continue
            lived = time.monotonic() - self.started.get(number, 0.0)
            pause = self.pause.get(number, 0.0)
            pause = min(max(pause * 2, 0.1), 5.0) if lived < QUICK_DEATH else 0.0
            self.pause[number] = pause
            log.warning(
                "worker %d (pid %d) %s; starting another%s",
                number,
                pid,
                _how(status),
                f" in {pause:.1f}s" if pause else "",
            )
            if pause:
                time.sleep(pause)
            self._spawn(number)

    def stop(self) -> None:
        for pid in list(self.pids):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        while self.pids:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid:
                self.pids.pop(pid, None)
                continue
            if time.monotonic() > deadline:
                for pid in list(self.pids):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                deadline = float("inf")
            time.sleep(0.02)


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = str(sig)
        return f"was killed by {name}"
    return f"exited with status {os.WEXITSTATUS(status)}"


def _die_with_parent(parent: int) -> None:
    """This worker ends when its parent does, even by ``kill -9``."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it died before the prctl
        os.kill(os.getpid(), signal.SIGTERM)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="awsmock-parent-watch", daemon=True).start()


def _worker(number: int, config: Config, sockets: list[socket.socket], quiet: bool, parent: int) -> int:
    """One worker process's life: the server on the inherited sockets until SIGTERM/SIGINT."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    logging.basicConfig(
        level=getattr(logging, config.log_level.upper(), logging.INFO),
        format=f"%(asctime)s %(levelname)s %(name)s [worker {number}]: %(message)s",
        force=True,
    )
    _die_with_parent(parent)
    store = single.open_state(config, migrate=False)
    if isinstance(store, int):
        return store
    try:
        server = single.build_server(config, store, quiet=quiet, sockets=sockets)
        if server is None:
            return 1
        single.run_server(server)
    finally:
        store.dispose()
    return 0
