"""``awsmock server``: the Falcon app on waitress."""

from __future__ import annotations

import ipaddress
import logging
import signal
import sys
from types import FrameType

from awsmock import __version__
from awsmock.config import Config

log = logging.getLogger("awsmock")

MAX_BODY = 6 * 1024 * 1024 * 1024  # S3's largest single PUT is 5 GiB


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def describe_database(config: Config) -> str:
    if config.database_url:
        from sqlalchemy.engine import make_url

        return make_url(config.database_url).render_as_string(hide_password=True)
    if config.in_memory:
        return "in-memory SQLite (nothing is kept after exit)"
    return f"SQLite {config.data_dir}/awsmock.db"


def serve(config: Config, *, out=sys.stdout) -> int:  # type: ignore[no-untyped-def]
    import waitress

    from awsmock.api.app import create_app
    from awsmock.store import open_store

    logging.basicConfig(
        level=getattr(logging, config.log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if config.data_dir is not None and not config.database_url and not config.in_memory:
        config.data_dir.mkdir(parents=True, exist_ok=True)
    store = open_store(config)
    app = create_app(config, store)
    server = waitress.create_server(
        app,
        host=config.host,
        port=config.port,
        threads=config.threads,
        ident="awsmock",
        expose_tracebacks=False,
        max_request_body_size=MAX_BODY,
        channel_timeout=300,
        connection_limit=1000,
        clear_untrusted_proxy_headers=True,
    )
    port = server.effective_port  # type: ignore[union-attr]
    host = config.host if ":" not in config.host else f"[{config.host}]"
    if not is_loopback(config.host):
        print(
            f"WARNING: awsmock is listening on {config.host}, reachable from other machines. "
            "It accepts any credentials unless access control is on; use --admin-token to protect /_awsmock/.",
            file=sys.stderr,
            flush=True,
        )
    print(f"awsmock {__version__} listening on http://{host}:{port}", file=out, flush=True)
    print(f"database: {describe_database(config)}", file=out, flush=True)

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.run()
    except SystemExit:
        pass
    finally:
        server.close()
        store.dispose()
        print("awsmock stopped", file=out, flush=True)
    return 0
