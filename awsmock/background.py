"""An awsmock app served by waitress on a background thread of this process: what
:class:`awsmock.ThreadedServer` runs, and how a process this one starts (a Lambda function's
runtime, calling AWS back) reaches a state that in-process mode serves without a socket
(:func:`serve_in_background`: started once per state, on a free loopback port, the first time
one is needed through ``Store.serve_locally``, which :mod:`awsmock.inprocess` installs; stopped
before the state closes)."""

from __future__ import annotations

import threading
from typing import Any

#: how long the serving thread waits on its sockets before it looks whether to stop
POLL_SECONDS = 0.1
#: seconds the serving thread may take to finish once asked to stop
STOP_TIMEOUT = 10.0
HOST = "127.0.0.1"

_LOCK = threading.Lock()


class ServingThread:
    """waitress serving ``app`` on ``host``:``port`` (0: a free one, read ``.port``) from a daemon
    thread, until :meth:`stop`."""

    def __init__(self, app: Any, host: str, port: int, threads: int) -> None:
        import waitress

        from awsmock.server import MAX_BODY, _waitress_channel_fixes

        server = waitress.create_server(
            app,
            host=host,
            port=port,
            threads=threads,
            ident="awsmock",
            expose_tracebacks=False,
            max_request_body_size=MAX_BODY,
            channel_timeout=300,
            clear_untrusted_proxy_headers=True,
        )
        server.channel_class = _waitress_channel_fixes()  # type: ignore[union-attr]
        self._server = server
        self.port = int(server.effective_port)  # type: ignore[union-attr]
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=f"awsmock-server-{self.port}", daemon=True)
        self._thread.start()

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

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        """Stop serving (open connections are closed)."""
        self._stopping.set()
        self._thread.join(STOP_TIMEOUT)
        self._server.task_dispatcher.shutdown(timeout=STOP_TIMEOUT)


def serve_in_background(store: Any) -> str:
    """The URL of the background server serving ``store`` (started now if none does)."""
    with _LOCK:
        if store.served_url:
            return str(store.served_url)
        from awsmock.api.app import create_app
        from awsmock.engine.config import Config

        app = create_app(Config(in_memory=True, host=HOST, port=0), store)
        serving = ServingThread(app, HOST, 0, threads=4)
        url = f"http://{HOST}:{serving.port}"

        def stop() -> None:
            serving.stop()
            if store.served_url == url:
                store.served_url = None

        store.before_dispose(stop)
        store.served_url = url
        return url
