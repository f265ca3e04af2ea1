"""``CONNECT host:port``: the tunnels, on one asyncio loop per process.

A listener's channel hands over a connection whose first request is ``CONNECT`` (see
:mod:`awsmock.proxy.channel`) with the bytes it read; from here:

* an AWS host: ``200``, then the client's TLS is terminated with a certificate for that host
  (:mod:`awsmock.proxy.authority`) and the decrypted HTTP/1.1 stream is handed to the listener as
  a connection of its own (a socket pair), with the ``https`` scheme and the client's address,
  so the app answers it as any request: keep-alive, chunked bodies, ``100-continue`` and large
  uploads are the listener's own HTTP handling. A client that speaks plain HTTP in the tunnel
  (it sends no TLS handshake) is answered the same way over ``http``.
* another host: a blind tunnel to it when passthrough is on, else ``403`` with a text saying why.
* anything else (not a ``CONNECT`` line, no port, a head too long, too slow): ``400`` and close.

Nothing here may take the process down: every connection's failure ends that connection only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import socket
import ssl
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from awsmock.proxy.authority import CA_CERT, Authority
from awsmock.proxy.hosts import is_aws_host, is_host_name
from awsmock.proxy.settings import ProxySettings

log = logging.getLogger("awsmock.proxy")

#: the longest CONNECT head read, and how long a client may take to send it or its first byte after
MAX_HEAD = 16 * 1024
HEAD_SECONDS = 30.0
HANDSHAKE_SECONDS = 30.0
#: how long a tunnel waits for the client's first byte after ``200``
FIRST_BYTE_SECONDS = 120.0
UPSTREAM_CONNECT_SECONDS = 30.0
CHUNK = 256 * 1024
_TLS_HANDSHAKE = 0x16  # a TLS record of type handshake: the ClientHello
#: what a client's TLS alert says when it does not trust the certificate
_UNTRUSTED = ("UNKNOWN_CA", "BAD_CERTIFICATE", "CERTIFICATE_UNKNOWN", "UNSUPPORTED_CERTIFICATE")
_CONNECT_LINE = re.compile(r"^CONNECT ([^\s]+) HTTP/1\.[01]$")

#: (socket for the listener's side, client address, scheme) -> None: makes it a listener connection
Attach = Callable[[socket.socket, Any, str], None]


def plain_response(status: int, reason: str, text: str) -> bytes:
    body = text.encode() + b"\n"
    return (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body


def refusal_text(host: str) -> str:
    return (f"awsmock proxy: {host} is not an AWS endpoint, and this proxy answers AWS endpoints "
            f"only (start it with --passthrough to let other traffic through)")


def parse_connect(head: bytes) -> tuple[str, int] | str:
    """(host, port) of a ``CONNECT`` head, or why it is not one."""
    try:
        line = head.split(b"\r\n", 1)[0].decode("ascii")
    except UnicodeDecodeError:
        return "the request line is not ASCII"
    m = _CONNECT_LINE.match(line)
    if m is None:
        return "expected a request line CONNECT host:port HTTP/1.1"
    target = m.group(1)
    if target.startswith("["):
        host, _, rest = target[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    else:
        host, _, port_text = target.rpartition(":")
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        return f"CONNECT needs host:port, not {target!r}"
    return host.lower().rstrip("."), int(port_text)


class Tunnels:
    """The CONNECT tunnels of this process, served by one asyncio loop on a daemon thread (made
    on first use, and again in a forked worker)."""

    def __init__(self, settings: ProxySettings) -> None:
        self.settings = settings
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0
        self._authority: Authority | None = None
        self._lock = threading.Lock()
        self._warned: set[str] = set()
        self._running: set[asyncio.Task[Any] | None] = set()

    # -- from the listener's thread ---------------------------------------------------------

    def adopt(self, sock: socket.socket, head: bytes, addr: Any, attach: Attach) -> None:
        """Serve the connection ``sock`` (from now on this object's) whose first bytes were ``head``."""
        try:
            loop = self.loop()
            future: Future[None] = asyncio.run_coroutine_threadsafe(self._serve(sock, head, addr, attach), loop)
            future.add_done_callback(_quiet_result)
        except Exception:  # pragma: no cover - a loop that cannot start: drop this connection only
            log.exception("proxy: cannot serve a CONNECT")
            with contextlib.suppress(OSError):
                sock.close()

    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                loop = asyncio.SelectorEventLoop()  # (add_reader everywhere, Windows too)
                loop.set_exception_handler(_log_loop_trouble)
                threading.Thread(target=loop.run_forever, name="awsmock-proxy", daemon=True).start()
                self._loop, self._pid = loop, os.getpid()
            return self._loop

    def authority(self) -> Authority:
        with self._lock:
            if self._authority is None:
                self._authority = Authority.open(self.settings.ca_dir)
            return self._authority

    # -- on the loop ------------------------------------------------------------------------

    async def _serve(self, sock: socket.socket, head: bytes, addr: Any, attach: Attach) -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        self._running.add(task)  # the loop keeps only weak references to tasks (and streams)
        owned = True
        try:
            sock.setblocking(False)
            head, rest = await asyncio.wait_for(self._read_head(loop, sock, head), HEAD_SECONDS)
            target = parse_connect(head) if head else "the CONNECT head is too long or incomplete"
            if isinstance(target, str) or rest:
                why = target if isinstance(target, str) else "data sent before the tunnel was established"
                await loop.sock_sendall(sock, plain_response(400, "Bad Request", f"awsmock proxy: {why}"))
                return
            host, port = target
            if is_aws_host(host) and not is_host_name(host):  # answered here or nowhere
                await loop.sock_sendall(sock, plain_response(400, "Bad Request",
                                                             f"awsmock proxy: {host!r} is not a host name"))
            elif is_aws_host(host):
                owned = False
                await self._terminate(loop, sock, host, addr, attach)
            elif self.settings.passthrough:
                owned = False
                await self._pass(loop, sock, host, port)
            else:
                if self.settings.log_refusals:
                    log.info("proxy: refused CONNECT %s:%d (not an AWS endpoint)", host, port)
                await loop.sock_sendall(sock, plain_response(403, "Forbidden", refusal_text(host)))
        except (TimeoutError, OSError, ssl.SSLError, ConnectionError, asyncio.IncompleteReadError):
            pass
        except Exception:
            log.warning("proxy: a CONNECT from %s failed", addr, exc_info=True)
        finally:
            self._running.discard(task)
            if owned:
                _close(sock)

    async def _read_head(self, loop: asyncio.AbstractEventLoop, sock: socket.socket,
                         head: bytes) -> tuple[bytes, bytes]:
        """The head (up to the blank line, or b"" when it never ends) and any bytes after it."""
        while b"\r\n\r\n" not in head:
            if len(head) > MAX_HEAD:
                return b"", b""
            data = await loop.sock_recv(sock, 4096)
            if not data:
                return b"", b""
            head += data
        end = head.index(b"\r\n\r\n") + 4
        return head[:end], head[end:]

    async def _terminate(self, loop: asyncio.AbstractEventLoop, sock: socket.socket, host: str, addr: Any,
                         attach: Attach) -> None:
        """Answer the tunnel for AWS ``host`` here."""
        client: asyncio.StreamWriter | None = None
        try:
            await loop.sock_sendall(sock, b"HTTP/1.1 200 Connection established\r\n\r\n")
            first = await asyncio.wait_for(_peek(loop, sock), FIRST_BYTE_SECONDS)
            if not first:
                return
            tls = first[0] == _TLS_HANDSHAKE
            context = await loop.run_in_executor(None, self._context, host) if tls else None
            try:
                reader, client = await _accepted(loop, sock, context)
            except (ssl.SSLError, OSError, ConnectionError, TimeoutError) as exc:
                self._handshake_failed(host, exc)
                return
            ours, theirs = socket.socketpair()
            try:
                attach(theirs, addr, "https" if tls else "http")
            except BaseException:
                _close(ours)
                _close(theirs)
                raise
            app_reader, app_writer = await asyncio.open_connection(sock=ours, limit=CHUNK)
            await _relay(reader, client, app_reader, app_writer)
        finally:
            if client is not None:
                client.close()
            else:
                _close(sock)

    def _context(self, host: str) -> ssl.SSLContext:
        return self.authority().context_for(host)

    def _handshake_failed(self, host: str, exc: BaseException) -> None:
        reason = str(getattr(exc, "reason", None) or exc.__class__.__name__)
        if not any(word in reason for word in _UNTRUSTED):  # a client gone, or not speaking TLS
            log.debug("proxy: TLS handshake for %s failed (%s)", host, reason)
        elif len(self._warned) < 1000 and host not in self._warned:  # once per host
            self._warned.add(host)
            log.warning("proxy: a client refused the certificate for %s (%s): it must trust %s "
                        "(AWS_CA_BUNDLE, REQUESTS_CA_BUNDLE, curl --cacert)",
                        host, reason, self.settings.ca_dir / CA_CERT)

    async def _pass(self, loop: asyncio.AbstractEventLoop, sock: socket.socket, host: str, port: int) -> None:
        """A blind tunnel to a host that is not AWS's (passthrough)."""
        client: asyncio.StreamWriter | None = None
        try:
            try:
                up_reader, up_writer = await asyncio.wait_for(
                    asyncio.open_connection(host, port, limit=CHUNK), UPSTREAM_CONNECT_SECONDS)
            except (OSError, TimeoutError) as exc:
                text = f"awsmock proxy: cannot reach {host}:{port}: {getattr(exc, 'strerror', None) or exc}"
                await loop.sock_sendall(sock, plain_response(502, "Bad Gateway", text))
                return
            await loop.sock_sendall(sock, b"HTTP/1.1 200 Connection established\r\n\r\n")
            reader, client = await _accepted(loop, sock, None)
            await _relay(reader, client, up_reader, up_writer)
        finally:
            if client is not None:
                client.close()
            else:
                _close(sock)


async def _peek(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> bytes:
    """The first byte the client sends (left unread), or b"" when it closes."""
    while True:
        try:
            return sock.recv(1, socket.MSG_PEEK)
        except (BlockingIOError, InterruptedError):
            pass
        ready: asyncio.Future[None] = loop.create_future()
        loop.add_reader(sock.fileno(), _set_done, ready)
        try:
            await ready
        finally:
            loop.remove_reader(sock.fileno())


def _set_done(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


async def _accepted(loop: asyncio.AbstractEventLoop, sock: socket.socket,
                    context: ssl.SSLContext | None) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Streams over the client's connection (TLS terminated with ``context`` when given)."""
    reader = asyncio.StreamReader(limit=CHUNK, loop=loop)
    protocol = asyncio.StreamReaderProtocol(reader, loop=loop)
    extra: dict[str, Any] = {"ssl": context, "ssl_handshake_timeout": HANDSHAKE_SECONDS} if context else {}
    transport, _ = await loop.connect_accepted_socket(lambda: protocol, sock, **extra)
    return reader, asyncio.StreamWriter(transport, protocol, reader, loop)


async def _relay(a_reader: asyncio.StreamReader, a_writer: asyncio.StreamWriter,
                 b_reader: asyncio.StreamReader, b_writer: asyncio.StreamWriter) -> None:
    """Copy both ways until either side ends; then close both."""

    async def pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, ssl.SSLError, ConnectionError, asyncio.IncompleteReadError):
            while data := await reader.read(CHUNK):
                writer.write(data)
                await writer.drain()

    tasks = {asyncio.ensure_future(pump(a_reader, b_writer)), asyncio.ensure_future(pump(b_reader, a_writer))}
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for writer in (a_writer, b_writer):
            with contextlib.suppress(Exception):
                writer.close()
        await asyncio.gather(*tasks, return_exceptions=True)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.close()


def _quiet_result(future: Future[None]) -> None:
    if not future.cancelled() and (exc := future.exception()) is not None:
        log.debug("proxy: a tunnel ended with %r", exc)


def _log_loop_trouble(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """asyncio's own reports (a client gone mid-handshake, a reset): one debug line each."""
    log.debug("proxy: %s (%r)", context.get("message"), context.get("exception"))
