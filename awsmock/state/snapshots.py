"""Snapshots: consistent online copies of the whole state, restorable atomically.

A snapshot is a portable file: an SQLite database holding every awsmock table, the Alembic
``alembic_version`` row of its schema, and an ``awsmock_snapshot_meta`` table (format marker,
creation time). The same file is exported and imported whatever the live backend is.

* save: SQLite -> the backup API (an online, consistent copy); other backends -> rows copied in
  one read transaction, through SQLAlchemy's column types on both sides (timestamps, booleans,
  JSON, blobs and numbers arrive as the SQLite backend itself would have written them).
* restore: the file is validated, migrated to head on a temporary copy when its revision is
  older, then every service table is emptied and refilled **in one write transaction**, so each
  process sharing the state sees the state before or after, never a mixture. On PostgreSQL the
  id sequences are moved past the restored rows.

Where snapshots live: a store on a local SQLite file keeps them as files in
``store.snapshot_dir`` (``<data dir>/snapshots``). Any other store (PostgreSQL, possibly shared
by several server nodes on different machines) keeps them in the database itself, in awsmock's
own tables ``awsmock_snapshot`` / ``awsmock_snapshot_chunk`` (never reset, never copied into a
snapshot), so every node sees the same snapshots. :class:`Snapshots` hides the difference.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, insert, inspect, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import NullPool

from awsmock.models import Base, load_all, tables_of
from awsmock.models.awsmock import StoredSnapshot, StoredSnapshotChunk
from awsmock.state import revisions
from awsmock.state.store import Store, head_revision, lock_for_rewrite, upgrade_database

NAME_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SUFFIX = ".awsmock"
FORMAT = "awsmock-snapshot/1"
#: rows moved per INSERT when copying between backends (bounded memory for large tables)
COPY_BATCH = 500
#: bytes per row of a snapshot kept in the database
DB_CHUNK = 1024 * 1024
#: awsmock's own tables that hold snapshots: never copied into a snapshot
STORAGE_TABLES = frozenset({StoredSnapshot.__tablename__, StoredSnapshotChunk.__tablename__})


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
        return {
            "name": self.name,
            "created": self.created,
            "size_bytes": self.size_bytes,
            "schema_revision": self.schema_revision,
        }


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_RE.match(name) or name.startswith("."):
        raise InvalidName(
            f"invalid snapshot name {name!r}: use 1-64 of [A-Za-z0-9._-], not starting with '.'"
        )
    return name


def keeps_snapshots_in_database(store: Store) -> bool:
    """True for stores that are not SQLite (PostgreSQL): there is no data dir every node shares."""
    return store.backend != "sqlite"


def stored_in_database(store: Store, name_or_file: object) -> str | None:
    """The snapshot name, when ``store`` keeps its snapshots in the database and has one by
    that name (the Python API also accepts file paths where a name can go); else None."""
    name = str(name_or_file)
    if not keeps_snapshots_in_database(store) or not NAME_RE.match(name) or name.startswith("."):
        return None
    return name if Snapshots(store).exists(name) else None


class Snapshots:
    """The snapshots of one store: files in ``store.snapshot_dir`` for SQLite stores, rows of
    awsmock's own tables for any other backend (see the module docstring). Same API for both."""

    def __new__(cls, store: Store) -> Snapshots:
        if cls is Snapshots and keeps_snapshots_in_database(store):
            return super().__new__(DatabaseSnapshots)
        return super().__new__(cls)

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


class DatabaseSnapshots(Snapshots):
    """Snapshots kept in the database: each one is the portable snapshot file, stored in
    :data:`DB_CHUNK`-sized rows, so every process on the database (every server node) sees the
    same list and an exported snapshot is byte for byte the file a SQLite store would export."""

    def exists(self, name: str) -> bool:
        check_name(name)
        with self.store.session(write=False) as session:
            return session.get(StoredSnapshot, name) is not None

    def list(self) -> list[SnapshotInfo]:
        with self.store.session(write=False) as session:
            rows = session.execute(select(StoredSnapshot).order_by(StoredSnapshot.name)).scalars().all()
            return [_info_of(r) for r in rows]

    def info(self, name: str) -> SnapshotInfo:
        check_name(name)
        with self.store.session(write=False) as session:
            row = session.get(StoredSnapshot, name)
            if row is None:
                raise NotFound(f"no snapshot named {name!r}")
            return _info_of(row)

    def save(self, name: str, *, overwrite: bool = False) -> SnapshotInfo:
        check_name(name)
        if not overwrite and self.exists(name):
            raise AlreadyExists(f"a snapshot named {name!r} exists")
        with tempfile.TemporaryDirectory(prefix="awsmock-snapshot-") as tmp:
            path = Path(tmp) / ("snapshot" + SUFFIX)
            write_snapshot(self.store, path)
            return self._store_file(name, path, overwrite)

    def delete(self, name: str) -> None:
        check_name(name)

        def remove(session: Any) -> int:
            session.execute(delete(StoredSnapshotChunk).where(StoredSnapshotChunk.name == name))
            done: Any = session.execute(delete(StoredSnapshot).where(StoredSnapshot.name == name))
            return int(done.rowcount)

        if not self.store.write_retrying(remove):
            raise NotFound(f"no snapshot named {name!r}")

    def restore(self, name: str) -> None:
        with tempfile.TemporaryDirectory(prefix="awsmock-restore-") as tmp:
            path = Path(tmp) / ("snapshot" + SUFFIX)
            with open(path, "wb") as fh:
                for piece in self._chunks(name):
                    fh.write(piece)
            restore_file(self.store, path)

    def export_bytes(self, name: str) -> bytes:
        return b"".join(self._chunks(name))

    def import_file(self, name: str, source: Path, *, overwrite: bool = False) -> SnapshotInfo:
        check_name(name)
        if not overwrite and self.exists(name):
            raise AlreadyExists(f"a snapshot named {name!r} exists")
        validate_file(source)
        return self._store_file(name, source, overwrite)

    # -- storage ------------------------------------------------------------------------

    def _chunks(self, name: str) -> Iterator[bytes]:
        """The snapshot file's bytes, chunk by chunk, all read in one transaction."""
        check_name(name)
        with self.store.session(write=False) as session:
            if session.get(StoredSnapshot, name) is None:
                raise NotFound(f"no snapshot named {name!r}")
            seqs = (
                session.execute(
                    select(StoredSnapshotChunk.seq)
                    .where(StoredSnapshotChunk.name == name)
                    .order_by(StoredSnapshotChunk.seq)
                )
                .scalars()
                .all()
            )
            for seq in seqs:  # one chunk in memory at a time
                data = session.execute(
                    select(StoredSnapshotChunk.data).where(
                        StoredSnapshotChunk.name == name, StoredSnapshotChunk.seq == seq
                    )
                ).scalar_one()
                yield bytes(data)

    def _store_file(self, name: str, path: Path, overwrite: bool) -> SnapshotInfo:
        meta, revision = read_meta(path)
        size = path.stat().st_size

        def put(session: Any) -> None:
            if session.get(StoredSnapshot, name) is not None:
                if not overwrite:
                    raise AlreadyExists(f"a snapshot named {name!r} exists")
                session.execute(delete(StoredSnapshotChunk).where(StoredSnapshotChunk.name == name))
                session.execute(delete(StoredSnapshot).where(StoredSnapshot.name == name))
            session.execute(
                insert(StoredSnapshot).values(
                    name=name, created=meta.get("created", ""), size_bytes=size, schema_revision=revision
                )
            )
            with open(path, "rb") as fh:
                seq = 0
                while piece := fh.read(DB_CHUNK):
                    session.execute(insert(StoredSnapshotChunk).values(name=name, seq=seq, data=piece))
                    seq += 1

        try:
            self.store.write_retrying(put)
        except IntegrityError as exc:  # another node saved the same name at the same moment
            raise AlreadyExists(f"a snapshot named {name!r} exists") from exc
        return SnapshotInfo(name, meta.get("created", ""), size, revision)


def _info_of(row: StoredSnapshot) -> SnapshotInfo:
    return SnapshotInfo(row.name, row.created, int(row.size_bytes), row.schema_revision)


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
    # another backend: copy rows in one read transaction into a fresh SQLite file. Both sides go
    # through the tables' SQLAlchemy types, so the file holds exactly what SQLite would have
    # stored itself (naive-UTC timestamp strings, 0/1 booleans, JSON text, blobs).
    load_all()
    engine = create_engine(f"sqlite:///{dest}", poolclass=NullPool)
    try:
        Base.metadata.create_all(engine)
        with store.session(write=False) as session, engine.begin() as out:
            heads = session.connection().exec_driver_sql("SELECT version_num FROM alembic_version").scalars()
            out.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
            for head in heads:  # one row per branch head
                out.exec_driver_sql("INSERT INTO alembic_version VALUES (?)", (head,))
            for table in Base.metadata.sorted_tables:  # parents first
                if table.name in STORAGE_TABLES:
                    continue
                _copy_rows(session.connection(), table, list(table.columns), out)
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
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error as exc:
        raise InvalidSnapshot("not an awsmock snapshot") from exc
    finally:
        conn.close()
    if meta.get("format") != FORMAT:
        raise InvalidSnapshot("not an awsmock snapshot (unknown format)")
    return meta, revisions.joined([row[0] for row in rows])


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
    if not revisions.known(revision):
        raise InvalidSnapshot(f"the snapshot's schema revision {revision!r} is unknown to this awsmock")
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


def _copy_rows(source: Connection, table: Any, columns: list[Any], dest: Connection) -> None:
    """Copy ``columns`` of every row of ``table`` from ``source`` to ``dest`` in batches."""
    result = source.execution_options(yield_per=COPY_BATCH).execute(
        select(*columns).order_by(*table.primary_key.columns)
    )
    names = [c.name for c in columns]
    for batch in result.partitions(COPY_BATCH):
        dest.execute(insert(table), [dict(zip(names, row, strict=True)) for row in batch])


def _reset_sequences(conn: Connection, tables: list[Any]) -> None:
    """PostgreSQL: move each id sequence past the largest restored id (rows were inserted with
    explicit ids, which does not advance a sequence)."""
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1:
            continue
        column = keys[0].name
        seq = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": f'"{table.name}"', "c": column}
        ).scalar()
        if seq:
            conn.execute(
                text(
                    f'SELECT setval(:s, COALESCE((SELECT MAX("{column}") FROM "{table.name}"), 0) + 1, false)'
                ),
                {"s": seq},
            )


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
                        conn.execute(
                            f'INSERT INTO main."{table.name}" ({cols}) SELECT {cols} FROM snap."{table.name}"'
                        )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.execute("DETACH DATABASE snap")


def _restore_generic(store: Store, source: Path, tables: list) -> None:  # type: ignore[type-arg]
    # Read the file through the tables' SQLAlchemy types (SQLite dialect) and write through them
    # (the store's dialect): raw SQLite values (timestamp strings, 0/1, JSON text) would not do.
    snap: Engine = create_engine(f"sqlite:///file:{source}?mode=ro&uri=true", poolclass=NullPool)

    def refill(session: Any) -> None:
        out = session.connection()
        with snap.connect() as src:
            present = inspect(src)
            lock_for_rewrite(session, tables)
            for table in tables:
                session.execute(table.delete())
            for table in reversed(tables):  # parents first
                if not present.has_table(table.name):
                    continue
                have = {c["name"] for c in present.get_columns(table.name)}
                columns = [c for c in table.columns if c.name in have]
                if columns:
                    _copy_rows(src, table, columns, out)
        if out.dialect.name == "postgresql":
            _reset_sequences(out, tables)

    try:
        store.write_retrying(refill)  # concurrent writers on other nodes may win: start over
    finally:
        snap.dispose()
