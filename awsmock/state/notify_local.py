"""Long-poll wake-ups across processes on one SQLite file: Unix datagram sockets.

Several processes share one SQLite file (the workers of ``awsmock server --workers N``, other
servers, ``mock_aws(data_dir=…)``). SQLite tells no process about another's commit, so a waiter
would only see a send of another process at its next look. Here each process that waits keeps
**one** Unix datagram socket in a directory named after the database file (in the temporary
directory: a socket's path must stay short) and a daemon thread turning each datagram (a topic)
into a local :meth:`Notifier.notify`. A write that concerns a topic sends it, once committed, to
every other socket in that directory (the list is read again only when the directory changes).
A socket left behind by a killed process refuses the datagram and is removed.

A datagram can be lost (a full buffer, a process starting to listen just then): waiters still
look again every :data:`FALLBACK_POLL` seconds, as on PostgreSQL (:mod:`awsmock.state.notify_pg`),
which also covers what no write announces (delayed messages becoming visible, visibility timeouts
running out).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
import tempfile
import threading
from pathlib import Path
from typing import Any

from awsmock.state.notify import Notifier
from awsmock.state.timing import monotonic

log = logging.getLogger("awsmock.state.notify")

#: how often a waiter looks again while this process listens (without it: the caller's poll)
FALLBACK_POLL = 0.25


def wake_dir(db_path: Path) -> Path:
    """Where the sockets of the processes sharing ``db_path`` live."""
    key = hashlib.sha256(str(Path(db_path).resolve()).encode()).hexdigest()[:16]
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"awsmock-wake-{uid}-{key}"


def available() -> bool:
    return hasattr(socket, "AF_UNIX")


class SocketNotifier(Notifier):
    """A :class:`Notifier` that also hears the writes of other processes on the same SQLite file."""

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self._dir = wake_dir(db_path)
        self._pid = os.getpid()
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._listening = threading.Event()
        self._stop = threading.Event()
        self._sock: socket.socket | None = None
        self._name: str | None = None  # this process's socket path, while it listens
        self._out: socket.socket | None = None
        self._peers: list[str] = []
        self._peers_seen: int | None = None  # the directory's mtime when listed
        self._peers_until = 0.0  # (listed again after a second anyway: mtimes are coarse)

    # -- writers ------------------------------------------------------------------------

    def publish(self, ctx: Any, topic: str) -> None:
        ctx.after_commit(lambda: self.announce(topic))

    def announce(self, topic: str) -> None:
        """Wake ``topic``'s waiters here and in every other listening process."""
        self.notify(topic)
        peers = self._peer_list()
        if not peers:
            return
        out = self._out
        if out is None or self._pid != os.getpid():
            out = self._out = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            out.setblocking(False)
            self._pid = os.getpid()
        data = topic.encode()
        for peer in peers:
            try:
                out.sendto(data, peer)
            except ConnectionRefusedError:  # its process is gone: nobody will read it again
                with contextlib.suppress(OSError):
                    os.unlink(peer)
                self._peers_seen = None
            except FileNotFoundError:
                self._peers_seen = None
            except OSError:  # a full buffer: that process's next look finds the change
                continue

    def _peer_list(self) -> list[str]:
        try:
            seen = os.stat(self._dir).st_mtime_ns
        except OSError:
            return []
        now = monotonic()
        if seen != self._peers_seen or now > self._peers_until:
            try:
                names = os.listdir(self._dir)
            except OSError:
                return []
            own = self._name
            self._peers = [
                str(self._dir / n) for n in names if n.endswith(".sock") and str(self._dir / n) != own
            ]
            self._peers_seen = seen
            self._peers_until = now + 1.0
        return self._peers

    # -- waiters ------------------------------------------------------------------------

    def version(self, topic: str) -> int:
        self._ensure_listener()
        return super().version(topic)

    def poll_interval(self, poll: float) -> float:
        return max(poll, FALLBACK_POLL) if self._listening.is_set() else poll

    @property
    def listening(self) -> bool:
        return self._listening.is_set()

    def _ensure_listener(self) -> None:
        if self._thread is not None or self._stop.is_set():
            return
        with self._start_lock:
            if self._thread is not None:
                return
            try:
                name = str(self._dir / f"{os.getpid()}-{os.urandom(4).hex()}.sock")
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                try:
                    for attempt in (1, 2):  # (the last process of the directory may remove it)
                        self._dir.mkdir(mode=0o700, exist_ok=True)
                        try:
                            sock.bind(name)
                            break
                        except FileNotFoundError:
                            if attempt == 2:
                                raise
                except OSError:
                    sock.close()
                    raise
            except OSError as exc:  # (a path too long, a read-only temporary directory): poll
                log.debug("no wake-up socket for %s: %s", self._dir, exc)
                self._stop.set()
                return
            sock.settimeout(1.0)
            self._sock, self._name = sock, name
            self._peers_seen = None
            self._listening.set()
            self._thread = threading.Thread(target=self._run, name="awsmock-wake-listener", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        sock = self._sock
        assert sock is not None
        while not self._stop.is_set():
            try:
                data = sock.recv(1024)
            except TimeoutError:
                continue
            except OSError:
                break
            if data:
                self.notify(data.decode("utf-8", "replace"))
        self._listening.clear()

    def close(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            if self._name is not None:  # wake the listener from its recv
                with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as poke:
                    poke.sendto(b"", self._name)
            thread.join(timeout=1.5)
        for sock in (self._sock, self._out):
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.close()
        if self._name is not None and self._pid == os.getpid():
            with contextlib.suppress(OSError):
                os.unlink(self._name)
            with contextlib.suppress(OSError):  # the last one out removes the directory
                os.rmdir(self._dir)
        self._sock = self._out = None
        self._name = None
