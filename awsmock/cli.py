"""The ``awsmock`` command line (also ``python -m awsmock``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from awsmock import __version__
from awsmock.engine.config import DEFAULT_HOST, DEFAULT_PORT, Config


def _state_options(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--data-dir", help="state directory (default: $AWSMOCK_DATA_DIR or ~/.local/share/awsmock)")
    g.add_argument("--database-url", help="SQLAlchemy URL of the database (e.g. postgresql+psycopg://...)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="awsmock", description="A mock of AWS whose state lives in a database.")
    parser.add_argument("--version", action="version", version=f"awsmock {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    srv = sub.add_parser("server", help="serve the AWS APIs over HTTP")
    srv.add_argument("services", nargs="*", metavar="SERVICE", help="serve only these services (default: all)")
    srv.add_argument("-H", "--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST})")
    srv.add_argument("-p", "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any free)")
    g = srv.add_mutually_exclusive_group()
    g.add_argument("--data-dir")
    g.add_argument("--database-url")
    g.add_argument("--in-memory", action="store_true", help="keep the state in memory only")
    srv.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    srv.add_argument("--concurrency", type=int, default=None,
                     help="requests running at once per process (default: 1 on SQLite, unbounded otherwise)")
    srv.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    srv.add_argument("--admin-token", help="require this bearer token on /_awsmock/ (or $AWSMOCK_ADMIN_TOKEN)")

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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace) -> int:
    if args.command == "server":
        from awsmock.server import serve

        config = Config.from_env(
            data_dir=args.data_dir, database_url=args.database_url, in_memory=args.in_memory or None,
            host=args.host, port=args.port, threads=args.threads, services=tuple(args.services),
            log_level=args.log_level, admin_token=args.admin_token, concurrency=args.concurrency,
        )
        return serve(config)
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
