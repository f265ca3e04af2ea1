"""The ``awsmock`` command line (also ``python -m awsmock``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from awsmock.engine.config import DEFAULT_HOST, DEFAULT_PORT, Config
from awsmock.engine.version import __version__

DATA_DIR_HELP = ("directory of the SQLite state (awsmock.db, snapshots), created if missing "
                 "(default: $AWSMOCK_DATA_DIR, else ~/.local/share/awsmock)")
DATABASE_URL_HELP = ("SQLAlchemy URL of the database instead of a data dir, e.g. "
                     "postgresql+psycopg://user:password@host/db (default: $AWSMOCK_DATABASE_URL)")


def _state_options(p: argparse.ArgumentParser) -> argparse._MutuallyExclusiveGroup:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--data-dir", metavar="DIR", help=DATA_DIR_HELP)
    g.add_argument("--database-url", metavar="URL", help=DATABASE_URL_HELP)
    return g


def port_number(text: str) -> int:
    """A TCP port for argparse: 0 (any free port) to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is out of range (0 to 65535; 0 picks a free port)")
    return port


def worker_count(text: str) -> int:
    """A number of worker processes for argparse: 1 or more."""
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of workers: {text!r}") from None
    if count < 1:
        raise argparse.ArgumentTypeError(f"{count} workers: at least 1 is needed")
    return count


def served_names() -> set[str]:
    """The names ``awsmock server SERVICE`` takes: the README's table, aliases, botocore's names."""
    from awsmock.engine import catalog

    return {*catalog.BY_NAME, *catalog.ALIASES, *catalog.BOTOCORE_NAMES}


def resettable_names() -> set[str]:
    """The names ``awsmock reset --service`` takes (as the admin API's reset does)."""
    from awsmock.engine import catalog, registry

    return {*registry.known_services(), *catalog.BY_NAME, *catalog.ALIASES}


def unknown_services(names: list[str], valid: set[str]) -> str | None:
    """The refusal of the names that are no service (with the valid ones), or None when all are."""
    from awsmock.engine import catalog

    bad = [n for n in names if n not in valid]
    if not bad:
        return None
    return (f"unknown service{'s' if len(bad) > 1 else ''}: {', '.join(bad)} "
            f"(valid names: {', '.join(e.name for e in catalog.SERVICES)})")


PROXY_PORT = 4567
PROXY_EPILOG = (
    "As a proxy (awsmock proxy, or awsmock server --proxy) the listener also answers HTTP proxy "
    "requests and HTTPS CONNECT for AWS hosts (*.amazonaws.com, *.amazonaws.com.cn, *.aws, ...), "
    "terminating TLS with certificates from a local CA kept in the data dir as proxy-ca.pem (printed "
    "at start; trust it with AWS_CA_BUNDLE, REQUESTS_CA_BUNDLE or curl --cacert). Point clients at it "
    "with HTTPS_PROXY=http://127.0.0.1:PORT. Other hosts are refused with 403 unless --passthrough."
)


def _serving_parser(sub: argparse._SubParsersAction, command: str) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    """``awsmock server`` and ``awsmock proxy``: the same options (a proxy is a server that also
    answers proxy requests, on port 4567 by default)."""
    proxy = command == "proxy"
    port = PROXY_PORT if proxy else DEFAULT_PORT
    what = "Serve the AWS APIs as an HTTP/HTTPS proxy for AWS hosts." if proxy else "Serve the AWS APIs over HTTP."
    srv = sub.add_parser(
        command, help=what[0].lower() + what[1:-1], description=what,
        epilog="The state lives in one database: a SQLite file in the data dir (--data-dir, else "
        "$AWSMOCK_DATA_DIR, else ~/.local/share/awsmock), or the database --database-url (or "
        "$AWSMOCK_DATABASE_URL) names. It survives restarts and is shared with other servers and "
        "awsmock commands on the same dir or URL. " + PROXY_EPILOG,
    )
    srv.add_argument("services", nargs="*", metavar="SERVICE",
                     help="serve only these services (default: all; names as in `awsmock coverage`)")
    srv.add_argument("-H", "--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST})")
    srv.add_argument("-p", "--port", type=port_number, default=port,
                     help=f"port (default {port}; 0 = any free port, printed)")
    g = _state_options(srv)
    g.add_argument("--in-memory", action="store_true", help="keep the state in memory only (lost on exit)")
    srv.add_argument("--workers", type=worker_count, default=None, metavar="N",
                     help="worker processes answering on the address, all on the one state (default: the "
                     "number of cores, at most 8; 1 with --in-memory)")
    srv.add_argument("--threads", type=int, default=8, help="threads per worker process (default 8)")
    srv.add_argument("--concurrency", type=int, default=None,
                     help="requests running at once per process (default: 1 on SQLite, unbounded otherwise)")
    srv.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    srv.add_argument("--admin-token", help="require this bearer token on /_awsmock/ (or $AWSMOCK_ADMIN_TOKEN)")
    srv.add_argument("-q", "--quiet", action="store_true",
                     help="no request log (by default one line per request: service, operation, status, time)")
    if not proxy:
        srv.add_argument("--proxy", action="store_true",
                         help="also answer as an HTTP/HTTPS proxy for AWS hosts (as awsmock proxy does)")
    srv.add_argument("--passthrough", action=argparse.BooleanOptionalAction, default=False,
                     help="as a proxy, forward requests for hosts that are not AWS's (default: refuse them "
                     "with 403; requests for AWS hosts are never forwarded)")
    return srv


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="awsmock", description="A mock of AWS whose state lives in a database.")
    parser.add_argument("--version", action="version", version=f"awsmock {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    for command in ("server", "proxy"):
        _serving_parser(sub, command)

    rst = sub.add_parser("reset", help="delete the state of all or some services")
    rst.add_argument("--service", action="append", default=[], help="a service to reset (repeatable)")
    _state_options(rst)

    snap = sub.add_parser("snapshot", help="save, restore, list, delete, export and import snapshots")
    ssub = snap.add_subparsers(dest="action", required=True)
    for action in ("save", "restore", "delete"):
        a = ssub.add_parser(action)
        a.add_argument("name")
        _state_options(a)
    a = ssub.add_parser("list")
    _state_options(a)
    for action in ("export", "import"):
        a = ssub.add_parser(action)
        a.add_argument("name")
        a.add_argument("file")
        _state_options(a)

    db = sub.add_parser("db", help="schema migrations")
    dsub = db.add_subparsers(dest="action", required=True)
    for action in ("upgrade", "current"):
        _state_options(dsub.add_parser(action))

    cov = sub.add_parser("coverage", help="implemented operations per service")
    cov.add_argument("--json", action="store_true")
    return parser


def _config(args: argparse.Namespace, **extra: object) -> Config:
    return Config.from_env(data_dir=getattr(args, "data_dir", None), database_url=getattr(args, "database_url", None),
                           **extra)


def _parsers(parser: argparse.ArgumentParser) -> None:
    """Let every (sub)command's namespace name its own parser, so its errors print its usage."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                sub.set_defaults(_parser=sub)
                _parsers(sub)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    _parsers(parser)
    args, rest = parser.parse_known_args(argv)
    own: argparse.ArgumentParser = getattr(args, "_parser", parser)
    if rest:
        own.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "server" and args.passthrough and not args.proxy:
        own.error("--passthrough is for a proxy: add --proxy (or run awsmock proxy)")
    if args.command in ("server", "proxy") and args.services:
        refusal = unknown_services(args.services, served_names())
    elif args.command == "reset" and args.service:
        from awsmock.engine import catalog

        refusal = unknown_services(args.service, {*catalog.BY_NAME, *catalog.ALIASES})  # found at once
        if refusal is not None:
            refusal = unknown_services(args.service, resettable_names())
    else:
        refusal = None
    if refusal is not None:
        own.error(refusal)
    try:
        return _run(args)
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace) -> int:
    if args.command in ("server", "proxy"):
        from awsmock.server import serve

        proxy = args.command == "proxy" or args.proxy
        config = Config.from_env(
            data_dir=args.data_dir, database_url=args.database_url, in_memory=args.in_memory or None,
            host=args.host, port=args.port, threads=args.threads, services=tuple(args.services),
            log_level=args.log_level, admin_token=args.admin_token, concurrency=args.concurrency,
            proxy=proxy, proxy_passthrough=proxy and args.passthrough,
        )
        from awsmock import workers

        count = args.workers if args.workers is not None else workers.default_workers(config)
        if count == 1:
            return serve(config, quiet=args.quiet)  # one process, as without --workers
        return workers.serve_workers(config, count, quiet=args.quiet)
    if args.command == "coverage":
        from awsmock.engine.coverage import coverage_rows, render_table

        rows = coverage_rows()
        print(json.dumps(rows, indent=2) if args.json else render_table(rows))
        return 0

    from awsmock.state.store import open_store

    config = _config(args)
    if config.data_dir is not None and not config.database_url:
        config.data_dir.mkdir(parents=True, exist_ok=True)
    if args.command == "db":
        store = open_store(config, migrate=args.action == "upgrade")
        try:
            print(store.current_revision() or "(empty database)")
        finally:
            store.dispose()
        return 0
    store = open_store(config)
    try:
        if args.command == "reset":
            from awsmock.engine import catalog

            names = sorted({catalog.ALIASES.get(n, n) for n in args.service}) or None
            print("reset: " + ", ".join(store.reset(names)))
            return 0
        return _snapshot(store, args)
    finally:
        store.dispose()


def _snapshot(store, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    from awsmock.state.snapshots import SnapshotError, Snapshots

    snaps = Snapshots(store)
    try:
        if args.action == "save":
            info = snaps.save(args.name)
            print(f"saved snapshot {info.name} ({info.size_bytes} bytes)")
        elif args.action == "restore":
            snaps.restore(args.name)
            print(f"restored snapshot {args.name}")
        elif args.action == "delete":
            snaps.delete(args.name)
            print(f"deleted snapshot {args.name}")
        elif args.action == "list":
            for info in snaps.list():
                print(f"{info.name}\t{info.created}\t{info.size_bytes}\t{info.schema_revision}")
        elif args.action == "export":
            data = snaps.export_bytes(args.name)
            Path(args.file).write_bytes(data)
            print(f"exported snapshot {args.name} to {args.file}")
        elif args.action == "import":
            info = snaps.import_file(args.name, Path(args.file))
            print(f"imported snapshot {info.name} ({info.size_bytes} bytes)")
    except SnapshotError as exc:
        print(f"awsmock: {exc}", file=sys.stderr)
        return 1 if exc.status != 400 else 2
    except OSError as exc:
        print(f"awsmock: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
