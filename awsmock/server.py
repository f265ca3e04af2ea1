"""``awsmock server``: the Falcon app on waitress."""

from __future__ import annotations

import errno
import ipaddress
import logging
import os
import re
import signal
import socket
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from awsmock import h2c, proxy
from awsmock.auth.settings import ENV as INITIAL_NO_AUTH_ENV
from awsmock.engine import parking, turns
from awsmock.engine.config import Config
from awsmock.engine.version import __version__

log = logging.getLogger("awsmock")

MAX_BODY = 6 * 1024 * 1024 * 1024  # S3's largest single PUT is 5 GiB


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


_META_HEADER = re.compile(rb"^X-Amz-Meta-[^:\r\n]*:", re.MULTILINE)


def _waitress_channel_fixes() -> type:
    """waitress 3.0.x hangs on ``Expect: 100-continue`` with ``Content-Length: 0``: it sends the
    100 and marks the (complete) request incomplete, waiting for a body that never comes.
    botocore sends exactly that for an empty S3 PUT, and needs the 100 (as S3 sends it). This
    channel sends the 100 and keeps a bodiless request complete. (Added by the S3 helper.)"""
    from waitress.channel import HTTPChannel
    from waitress.task import WSGITask

    class Task(WSGITask):
        def build_response_header(self) -> bytes:
            # waitress capitalizes header names; S3 user metadata names are lower case and
            # SDKs hand them back as sent ("x-amz-meta-color" -> {"color": ...}), so keep those
            head = super().build_response_header()
            if b"X-Amz-Meta-" not in head:  # most responses: skip the regex pass
                return head
            return _META_HEADER.sub(lambda m: m.group(0).lower(), head)

    class Channel(HTTPChannel):
        task_class = Task
        first_bytes = True  # until a connection's first bytes tell HTTP/2 (awsmock/h2c.py) from 1.1

        def received(self, data: bytes) -> bool:
            if self.first_bytes:
                data = h2c.sniff(self, data)  # type: ignore[assignment]
                if data is None:  # HTTP/2 took the connection (or its first bytes are still to come)
                    return True
            return bool(super().received(data))

        def handle_read(self) -> None:  # then serve what can run on this thread (turns.py)
            super().handle_read()
            run_inline = getattr(self.server.task_dispatcher, "run_inline", None)
            if run_inline is not None:
                run_inline()

        def service(self) -> None:
            # A request that waits (a long poll) parks instead of holding this thread: nothing
            # was sent; the dispatcher's park queues it again when it may have an answer.
            request = self.requests[0]
            parking.enter(request)
            try:
                super().service()
            except parking.Parked as parked:
                request.get_body_stream().seek(0)
                parked.hold(self._run_again)
                return
            finally:
                parking.leave()
            parking.answered(request)

        def _run_again(self) -> None:
            dispatcher = self.server.task_dispatcher
            getattr(dispatcher, "add_worker_task", dispatcher.add_task)(self)

        def _flush_outbufs_below_high_watermark(self) -> None:
            # A worker waits here for the event loop to send; the event loop itself (running a
            # quick request) must not: it lets the buffer grow (spilling to a temporary file).
            if turns.on_loop_thread():
                return
            super()._flush_outbufs_below_high_watermark()

        def send_continue(self) -> None:
            request = self.request
            bodiless = request.completed and not request.chunked and request.content_length == 0
            super().send_continue()
            if bodiless:
                request.completed = True

    return Channel


def describe_database(config: Config) -> str:
    if config.database_url:
        from sqlalchemy.engine import make_url

        return make_url(config.database_url).render_as_string(hide_password=True)
    if config.in_memory:
        return "in-memory SQLite (nothing is kept after exit)"
    return f"SQLite {config.data_dir}/awsmock.db"


def listen_trouble(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port`` (one line for the operator), or None when it
    can: checked before anything is created, so a port in use leaves no data dir behind."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0,
                                   socket.AI_PASSIVE)
    except (OSError, UnicodeError) as exc:
        return f"cannot listen on {host}: {getattr(exc, 'strerror', None) or exc}"
    for family, kind, proto, _name, address in infos:
        sock = socket.socket(family, kind, proto)
        try:
            if os.name != "nt":  # as waitress binds
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} is in use; try -p 0"
            return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
        finally:
            sock.close()
    return None


def request_logger() -> Callable[[str, str, int, float], None]:
    """The request log: one line per request (the logging format adds the time)."""
    info = logging.getLogger("awsmock.requests").info

    def log_request(service: str, operation: str, status: int, seconds: float) -> None:
        info("%s %s %d %.1fms", service, operation, status, seconds * 1000.0)

    return log_request


def prepare(config: Config) -> int | None:
    """What every server does before it opens its state: logging, the refusals that need no state
    (an admin token missing, the address taken), the data dir made. An exit status, or None."""
    logging.basicConfig(
        level=getattr(logging, config.log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if not is_loopback(config.host) and not config.admin_token and os.environ.get(INITIAL_NO_AUTH_ENV):
        # access control is to come: the admin API would be the way around it from other machines
        print(
            f"awsmock: listening on {config.host} with access control ({INITIAL_NO_AUTH_ENV}) needs an admin "
            "token, or the admin API and the dashboard would let anyone around it: pass --admin-token "
            "(or AWSMOCK_ADMIN_TOKEN)",
            file=sys.stderr,
            flush=True,
        )
        return 2
    if (trouble := listen_trouble(config.host, config.port)) is not None:
        print(f"awsmock: {trouble}", file=sys.stderr, flush=True)
        return 1
    if config.data_dir is not None and not config.database_url and not config.in_memory:
        config.data_dir.mkdir(parents=True, exist_ok=True)
    if config.proxy and (trouble := proxy.prepare(config)) is not None:  # the local CA (awsmock/proxy/)
        print(f"awsmock: {trouble}", file=sys.stderr, flush=True)
        return 1
    return None


def open_state(config: Config, *, migrate: bool = True) -> Any:
    """The server's store (migrated to head unless told), or an exit status after one line saying
    why the database cannot be opened."""
    from awsmock.state.store import open_store

    try:
        return open_store(config, migrate=migrate)
    except Exception as exc:
        # Reliability: a data dir that is read-only, full or unreadable is the operator's to fix;
        # say so in one line instead of a traceback (exit status 1).
        from awsmock.api.dispatch import storage_trouble

        trouble = storage_trouble(exc)
        if trouble is None:
            raise
        if config.data_dir is not None and not os.access(config.data_dir, os.W_OK):
            trouble = "the data dir is read-only"
        print(f"awsmock: cannot open the database ({describe_database(config)}): {trouble}: "
              f"{getattr(exc, 'orig', None) or exc}", file=sys.stderr, flush=True)
        return 1


def announce(config: Config, port: int, out: Any) -> None:
    """The warning for a non-loopback address, the database line and, last, the ready line."""
    host = config.host if ":" not in config.host else f"[{config.host}]"
    if not is_loopback(config.host):
        advice = "" if config.admin_token else " Use --admin-token to protect /_awsmock/."
        print(
            f"WARNING: awsmock is listening on {config.host}, reachable from other machines. "
            f"It accepts any credentials unless access control is on.{advice}",
            file=sys.stderr,
            flush=True,
        )
    print(f"database: {describe_database(config)}", file=out, flush=True)
    for line in proxy.announcement(config) if config.proxy else ():
        print(line, file=out, flush=True)
    print(f"awsmock {__version__} listening on http://{host}:{port}", file=out, flush=True)  # last: "ready"


def build_server(
    config: Config, store: Any, *, quiet: bool, sockets: list[socket.socket] | None = None
) -> Any:
    """The waitress server answering ``config``'s address (or listening on ``sockets``, bound by a
    parent process: see :mod:`awsmock.workers`), with the app on ``store``; None after one line
    saying why it cannot listen."""
    import waitress

    from awsmock.api.app import create_app
    from awsmock.engine import outbox

    app = create_app(config, store)
    outbox.server_started(store)  # deliveries and pollers a stopped process left behind
    extra: dict[str, Any] = {}
    if isinstance(app.dispatcher.gate, type(threading.Lock())):  # one request at a time: take turns
        extra["_dispatcher"] = turns.task_dispatcher()
        extra["_dispatcher"].set_thread_count(config.threads)
    if not quiet and log.isEnabledFor(logging.INFO):
        app.request_log = request_logger()
    where: dict[str, Any] = {"sockets": sockets} if sockets else {"host": config.host, "port": config.port}
    try:
        server = waitress.create_server(
            app,
            threads=config.threads,
            ident="awsmock",
            expose_tracebacks=False,
            max_request_body_size=MAX_BODY,
            channel_timeout=300,
            connection_limit=1000,
            asyncore_use_poll=True,  # select() fails beyond descriptor 1023 (parked long polls add up)
            clear_untrusted_proxy_headers=True,
            **where,
            **extra,
        )
    except OSError as exc:  # taken between the check and now
        busy = exc.errno == errno.EADDRINUSE
        print(f"awsmock: port {config.port} is in use; try -p 0" if busy
              else f"awsmock: cannot listen on {config.host}:{config.port}: {exc.strerror or exc}",
              file=sys.stderr, flush=True)
        return None
    channel_class = _waitress_channel_fixes()
    found = listeners(server)
    for listener in found:
        listener.channel_class = channel_class
    if config.proxy:  # CONNECT and absolute-form requests too (awsmock/proxy/)
        proxy.install(found, config, quiet=quiet)
    server.turn_taking = "_dispatcher" in extra  # type: ignore[union-attr]
    server.effective_port = found[0].effective_port  # (the first address's, when a name has several)
    store.served_url = reachable_url(config.host, int(server.effective_port))  # type: ignore[union-attr]
    return server


def listeners(server: Any) -> list[Any]:
    """The listening servers behind what ``waitress.create_server`` returned: itself, or each of
    a MultiSocketServer's (a host name with several addresses, such as ``localhost`` with both
    ``::1`` and ``127.0.0.1``), on which a channel class must be set one by one."""
    from waitress.server import BaseWSGIServer

    if isinstance(server, BaseWSGIServer):
        return [server]
    return [s for s in server.map.values() if isinstance(s, BaseWSGIServer)]


def reachable_url(host: str, port: int) -> str:
    """The URL a process on this machine reaches a server bound to ``host``:``port`` at (a
    wildcard address is reached on loopback)."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://{host if ':' not in host else f'[{host}]'}:{port}"


def run_server(server: Any) -> None:
    """Serve until SIGTERM/SIGINT."""

    def stop(signum: int, _frame: FrameType | None) -> None:
        h2c.going_away(server)  # HTTP/2 clients hear it now, not once the threads have stopped
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if server.turn_taking:
        turns.set_loop_thread()  # quick requests run on this thread
    try:
        server.run()
    except SystemExit:
        pass
    finally:
        h2c.close_connections(server)  # each with a GOAWAY
        server.close()


def serve(config: Config, *, out=sys.stdout, quiet: bool = False) -> int:  # type: ignore[no-untyped-def]
    """Run the server (one process) until SIGTERM/SIGINT; ``quiet``: no request log. (Several
    worker processes: :func:`awsmock.workers.serve_workers`.)"""
    if (refused := prepare(config)) is not None:
        return refused
    store = open_state(config)
    if isinstance(store, int):
        return store
    server = build_server(config, store, quiet=quiet)
    if server is None:
        store.dispose()
        return 1
    announce(config, server.effective_port, out)
    try:
        run_server(server)
    finally:
        store.dispose()
        print("awsmock stopped", file=out, flush=True)
    return 0
