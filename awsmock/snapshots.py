"""Snapshots: consistent online copies of the whole state, restorable atomically.

A snapshot is a portable file: an SQLite database holding every awsmock table, the Alembic
``alembic_version`` row of its schema, and an ``awsmock_snapshot_meta`` table (format marker,
creation time). The same file is exported and imported whatever the live backend is.

* save: SQLite -> the backup API (an online, consistent copy); other backends -> rows copied in
  one read transaction.
* restore: the file is validated, migrated to head on a temporary copy when its revision is
  older, then every service table is emptied and refilled **in one write transaction**, so each
  process sharing the state sees the state before or after, never a mixture.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, insert, select
from sqlalchemy.pool import NullPool

from awsmock.models import Base, load_all, tables_of
from awsmock.store import Store, head_revision, upgrade_database

NAME_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SUFFIX = ".awsmock"
FORMAT = "awsmock-snapshot/1"


class SnapshotError(Exception):
    """Base for snapshot failures; ``status`` is the admin API's HTTP status."""

    status = 400


class InvalidName(SnapshotError):
    status = 400


class NotFound(SnapshotError):
    status = 404


class AlreadyExists(SnapshotError):
    status = 409


class InvalidSnapshot(SnapshotError):
    status = 400


@dataclass
class SnapshotInfo:
    name: str
    created: str
    size_bytes: int
    schema_revision: str | None

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "created": self.created, "size_bytes": self.size_bytes,
                "schema_revision": self.schema_revision}


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_RE.match(name) or name.startswith("."):
        raise InvalidName(f"invalid snapshot name {name!r}: use 1-64 of [A-Za-z0-9._-], not starting with '.'")
    return name


class Snapshots:
    """The snapshots of one store, kept as files in ``store.snapshot_dir``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.dir = Path(store.snapshot_dir)

    def path(self, name: str) -> Path:
        path = (self.dir / (check_name(name) + SUFFIX)).resolve()
        if path.parent != self.dir.resolve():
            raise InvalidName(f"invalid snapshot name {name!r}")
        return path

    def exists(self, name: str) -> bool:
        return self.path(name).exists()

    def list(self) -> list[SnapshotInfo]:
        if not self.dir.exists():
            return []
        out = []
        for p in sorted(self.dir.glob("*" + SUFFIX)):
            name = p.name[: -len(SUFFIX)]
            if NAME_RE.match(name) and not name.startswith("."):
                try:
                    out.append(self.info(name))
                except SnapshotError:
                    continue
        return out

    def info(self, name: str) -> SnapshotInfo:
        path = self.path(name)
        if not path.exists():
            raise NotFound(f"no snapshot named {name!r}")
        meta, revision = read_meta(path)
        return SnapshotInfo(name, meta.get("created", ""), path.stat().st_size, revision)

    # -- save ---------------------------------------------------------------------------

    def save(self, name: str, *, overwrite: bool = False) -> SnapshotInfo:
        path = self.path(name)
        if path.exists() and not overwrite:
            raise AlreadyExists(f"a snapshot named {name!r} exists")
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{dt.datetime.now().timestamp()}.tmp")
        try:
            write_snapshot(self.store, tmp)
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        return self.info(name)

    def delete(self, name: str) -> None:
        path = self.path(name)
        if not path.exists():
            raise NotFound(f"no snapshot named {name!r}")
        path.unlink()

    # -- restore ------------------------------------------------------------------------

    def restore(self, name: str) -> None:
        path = self.path(name)
        if not path.exists():
            raise NotFound(f"no snapshot named {name!r}")
        restore_file(self.store, path)

    # -- export / import ----------------------------------------------------------------

    def export_bytes(self, name: str) -> bytes:
        path = self.path(name)
        if not path.exists():
            raise NotFound(f"no snapshot named {name!r}")
        return path.read_bytes()

    def import_file(self, name: str, source: Path, *, overwrite: bool = False) -> SnapshotInfo:
        path = self.path(name)
        if path.exists() and not overwrite:
            raise AlreadyExists(f"a snapshot named {name!r} exists")
        validate_file(source)
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.import.tmp")
        try:
            shutil.copyfile(source, tmp)
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        return self.info(name)

    def import_bytes(self, name: str, data: bytes, *, overwrite: bool = False) -> SnapshotInfo:
        self.path(name)
        with tempfile.NamedTemporaryFile(suffix=SUFFIX) as fh:
            fh.write(data)
            fh.flush()
            return self.import_file(name, Path(fh.name), overwrite=overwrite)


# -- the file format -------------------------------------------------------------------


def _add_meta(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS awsmock_snapshot_meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("DELETE FROM awsmock_snapshot_meta")
    conn.executemany(
        "INSERT INTO awsmock_snapshot_meta VALUES (?, ?)",
        [("format", FORMAT), ("created", dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))],
    )
    conn.commit()


def write_snapshot(store: Store, dest: Path) -> None:
    """Write a consistent copy of ``store`` into the (new) SQLite file ``dest``."""
    dest.unlink(missing_ok=True)
    if store.backend == "sqlite":
        target = sqlite3.connect(dest)
        try:
            with store.raw_connection() as src:
                src.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
            _add_meta(target)
        finally:
            target.close()
        return
    # another backend: copy rows in one read transaction into a fresh SQLite file
    load_all()
    engine = create_engine(f"sqlite:///{dest}", poolclass=NullPool)
    try:
        Base.metadata.create_all(engine)
        with store.session(write=False) as session, engine.begin() as out:
            rev = session.connection().exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            out.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
            out.exec_driver_sql("INSERT INTO alembic_version VALUES (?)", (rev,))
            for table in Base.metadata.sorted_tables:
                rows = [dict(r._mapping) for r in session.execute(select(table))]
                if rows:
                    out.execute(insert(table), rows)
    finally:
        engine.dispose()
    conn = sqlite3.connect(dest)
    try:
        _add_meta(conn)
    finally:
        conn.close()


def read_meta(path: Path) -> tuple[dict[str, str], str | None]:
    """The snapshot's meta table and schema revision; :class:`InvalidSnapshot` if not a snapshot."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise InvalidSnapshot("not an awsmock snapshot") from exc
    try:
        meta = dict(conn.execute("SELECT key, value FROM awsmock_snapshot_meta").fetchall())
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as exc:
        raise InvalidSnapshot("not an awsmock snapshot") from exc
    finally:
        conn.close()
    if meta.get("format") != FORMAT:
        raise InvalidSnapshot("not an awsmock snapshot (unknown format)")
    return meta, row[0] if row else None


def validate_file(path: Path) -> str | None:
    """Check that ``path`` is an intact snapshot this awsmock can restore; its revision."""
    _meta, revision = read_meta(path)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise InvalidSnapshot("the snapshot file is damaged") from exc
    if not ok or ok[0] != "ok":
        raise InvalidSnapshot("the snapshot file is damaged")
    if revision is None:
        raise InvalidSnapshot("the snapshot has no schema revision")
    from alembic.script import ScriptDirectory

    from awsmock.store import alembic_config

    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except Exception as exc:
        raise InvalidSnapshot(f"the snapshot's schema revision {revision!r} is unknown to this awsmock") from exc
    return revision


def _migrated_copy(path: Path, workdir: Path) -> Path:
    copy = workdir / "migrating.awsmock"
    shutil.copyfile(path, copy)
    engine = create_engine(f"sqlite:///{copy}", poolclass=NullPool)
    try:
        upgrade_database(engine)
    finally:
        engine.dispose()
    return copy


def restore_file(store: Store, path: Path) -> None:
    """Replace the whole state of ``store`` by the snapshot at ``path``, atomically."""
    revision = validate_file(path)
    with tempfile.TemporaryDirectory(prefix="awsmock-restore-") as tmp:
        source = path if revision == head_revision() else _migrated_copy(path, Path(tmp))
        tables = tables_of(None)  # children first
        if store.backend == "sqlite":
            _restore_sqlite(store, source, tables)
        else:
            _restore_generic(store, source, tables)


def _common_columns(snap: sqlite3.Connection, table: object) -> list[str]:
    name = table.name  # type: ignore[attr-defined]
    have = {r[1] for r in snap.execute(f'PRAGMA table_info("{name}")').fetchall()}
    return [c.name for c in table.columns if c.name in have]  # type: ignore[attr-defined]


def _restore_sqlite(store: Store, source: Path, tables: list) -> None:  # type: ignore[type-arg]
    with store.raw_connection() as conn:
        conn.execute("ATTACH DATABASE ? AS snap", (str(source),))
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for table in tables:
                    conn.execute(f'DELETE FROM main."{table.name}"')
                for table in reversed(tables):  # parents first
                    exists = conn.execute(
                        "SELECT 1 FROM snap.sqlite_master WHERE type='table' AND name=?", (table.name,)
                    ).fetchone()
                    if not exists:
                        continue
                    have = {r[1] for r in conn.execute(f'PRAGMA snap.table_info("{table.name}")').fetchall()}
                    cols = ", ".join(f'"{c.name}"' for c in table.columns if c.name in have)
                    if cols:
                        conn.execute(f'INSERT INTO main."{table.name}" ({cols}) SELECT {cols} FROM snap."{table.name}"')
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.execute("DETACH DATABASE snap")


def _restore_generic(store: Store, source: Path, tables: list) -> None:  # type: ignore[type-arg]
    snap = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    snap.row_factory = sqlite3.Row
    try:
        with store.session(write=True) as session:
            for table in tables:
                session.execute(table.delete())
            for table in reversed(tables):
                exists = snap.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?",
                                      (table.name,)).fetchone()
                if not exists:
                    continue
                cols = _common_columns(snap, table)
                if not cols:
                    continue
                quoted = ", ".join(f'"{c}"' for c in cols)
                rows = [dict(r) for r in snap.execute(f'SELECT {quoted} FROM "{table.name}"')]
                if rows:
                    session.execute(insert(table), rows)
    finally:
        snap.close()
