"""``awsmock.ThreadedServer``: an awsmock server on a thread of the test process, for clients that
in-process patching cannot reach (aiobotocore, s3fs, pyarrow, Spark, a subprocess in another
language): they talk HTTP to ``server.url``."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from awsmock.engine.config import DEFAULT_HOST

#: seconds the serving thread may take to finish once asked to stop
STOP_TIMEOUT = 10.0
#: how long the serving thread waits on its sockets before it looks whether to stop
POLL_SECONDS = 0.1


class ThreadedServer:
    """An awsmock server on a background thread of this process.

    The state options are ``mock_aws``'s: by default a fresh, private, in-memory state;
    ``data_dir=`` / ``database_url=`` attach to a shared persistent one (what an
    ``awsmock server`` on that dir or URL serves); ``snapshot=`` starts a private state from a
    snapshot. ``services`` limits what it answers (names as ``awsmock server SERVICE`` takes).
    ``port=0`` (the default) picks a free port: read ``.port`` or ``.url`` once started.

    Use it as a context manager, or ``start()`` / ``stop()``::

        with ThreadedServer() as server:
            s3 = boto3.client("s3", endpoint_url=server.url)
    """

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = 0,
        *,
        data_dir: str | os.PathLike[str] | None = None,
        database_url: str | None = None,
        snapshot: str | os.PathLike[str] | None = None,
        services: Iterable[str] | None = None,
        threads: int = 8,
    ) -> None:
        if data_dir is not None and database_url is not None:
            raise ValueError("give data_dir or database_url, not both")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"port must be 0 (any free port) to 65535, not {port!r}")
        self.host = host
        self.requested_port = port
        self.data_dir = data_dir
        self.database_url = database_url
        self.snapshot = snapshot
        self.services = tuple(services or ())
        if self.services:
            from awsmock.cli import served_names, unknown_services

            refusal = unknown_services(list(self.services), served_names())
            if refusal is not None:
                raise ValueError(refusal)
        self.threads = threads
        self.port = 0
        self._store: Any = None
        self._app: Any = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def __repr__(self) -> str:
        return f"<ThreadedServer {self.url if self.running else 'stopped'}>"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def url(self) -> str:
        if not self.port:
            raise RuntimeError("the server is not started: call start() or use it in a with block")
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self.port}"

    @property
    def store(self) -> Any:
        """The :class:`awsmock.state.store.Store` it serves."""
        if self._store is None:
            raise RuntimeError("the server is not started")
        return self._store

    def reset(self, services: list[str] | None = None) -> list[str]:
        """Empty the state of all (or some) services."""
        return list(self.store.reset(services))

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> ThreadedServer:
        if self._thread is not None:
            raise RuntimeError("this ThreadedServer is already started")
        import waitress

        from awsmock.api.app import create_app
        from awsmock.engine.config import Config
        from awsmock.server import MAX_BODY, _waitress_channel_fixes

        store, config = self._open_state()
        try:
            config = Config(
                data_dir=config.data_dir, database_url=config.database_url, in_memory=config.in_memory,
                host=self.host, port=self.requested_port, threads=self.threads, services=self.services,
            )
            app = create_app(config, store)
            server = waitress.create_server(
                app,
                host=self.host,
                port=self.requested_port,
                threads=self.threads,
                ident="awsmock",
                expose_tracebacks=False,
                max_request_body_size=MAX_BODY,
                channel_timeout=300,
                clear_untrusted_proxy_headers=True,
            )
        except BaseException:
            store.dispose()
            raise
        server.channel_class = _waitress_channel_fixes()  # type: ignore[union-attr]
        self._store, self._app, self._server = store, app, server
        self.port = int(server.effective_port)  # type: ignore[union-attr]
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=f"awsmock-server-{self.port}", daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        """waitress's loop, a poll at a time until :meth:`stop` asks; then every connection, the
        listening socket and the trigger are closed here, on the thread that polls them (closing
        them from another thread raced the poll, and a descriptor closed twice could be another
        server's by then)."""
        server, stopping = self._server, self._stopping
        try:
            while not stopping.is_set():
                server.asyncore.loop(
                    timeout=POLL_SECONDS, map=server._map, use_poll=server.adj.asyncore_use_poll, count=1
                )
        except (OSError, ValueError):  # pragma: no cover - a socket gone under the poll
            pass
        finally:
            for channel in list(server._map.values()):
                try:
                    channel.close()
                except OSError:
                    pass

    def stop(self) -> None:
        """Stop serving (open connections are closed), and let go of the state."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()
        thread.join(STOP_TIMEOUT)
        server.task_dispatcher.shutdown(timeout=STOP_TIMEOUT)
        self._server = self._thread = self._app = None
        store, self._store = self._store, None
        self.port = 0
        if store is not None:
            store.dispose()

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the state, as mock_aws opens it ---------------------------------------------------

    def _open_state(self) -> tuple[Any, Any]:
        from awsmock.engine.config import Config
        from awsmock.mocking import (
            _attached_snapshot_dir,
            _load_snapshot,
            _snapshot_source,
            memory_snapshot_dir,
        )
        from awsmock.state.store import open_store

        attached = self.data_dir is not None or self.database_url is not None
        if attached:
            data_dir = Path(self.data_dir).expanduser() if self.data_dir is not None else None
            config = Config(data_dir=data_dir, database_url=self.database_url)
            if data_dir is not None and not self.database_url:
                data_dir.mkdir(parents=True, exist_ok=True)
            if self.snapshot is None:
                return open_store(config), config
            snapshot_dir = _attached_snapshot_dir(config, self.snapshot)
        else:
            snapshot_dir = memory_snapshot_dir()
        memory = Config(in_memory=True)
        store = open_store(memory)
        store.snapshot_dir = snapshot_dir
        if self.snapshot is not None:
            try:
                _load_snapshot(store, _snapshot_source(self.snapshot, snapshot_dir))
            except BaseException:
                store.dispose()
                raise
        return store, memory
