"""``awsmock.ThreadedServer``: an awsmock server on a thread of the test process, for clients that
in-process patching cannot reach (aiobotocore, s3fs, pyarrow, Spark, a subprocess in another
language): they talk HTTP to ``server.url``."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from awsmock.engine.config import DEFAULT_HOST


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
        self._serving: Any = None

    def __repr__(self) -> str:
        return f"<ThreadedServer {self.url if self.running else 'stopped'}>"

    @property
    def running(self) -> bool:
        return self._serving is not None and self._serving.alive

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
        if self._serving is not None:
            raise RuntimeError("this ThreadedServer is already started")
        from awsmock.api.app import create_app
        from awsmock.background import ServingThread
        from awsmock.engine.config import Config

        store, config = self._open_state()
        try:
            config = Config(
                data_dir=config.data_dir, database_url=config.database_url, in_memory=config.in_memory,
                host=self.host, port=self.requested_port, threads=self.threads, services=self.services,
            )
            serving = ServingThread(create_app(config, store), self.host, self.requested_port, self.threads)
        except BaseException:
            store.dispose()
            raise
        self._store, self._serving = store, serving
        self.port = serving.port
        return self

    def stop(self) -> None:
        """Stop serving (open connections are closed), and let go of the state."""
        serving, self._serving = self._serving, None
        if serving is None:
            return
        serving.stop()
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
