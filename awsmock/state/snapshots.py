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
import errno
import io
import json
import logging
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import create_engine, delete, insert, inspect, select, text
from sqlalchemy.dialects.sqlite import DATETIME
from sqlalchemy.dialects.sqlite.base import SQLiteDialect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.pool import NullPool, StaticPool

from awsmock.models import Base, load_all, tables_of
from awsmock.models.awsmock import StoredSnapshot, StoredSnapshotChunk
from awsmock.state import revisions
from awsmock.state.store import Store, head_revision, lock_for_rewrite, upgrade_database

log = logging.getLogger("awsmock.state.snapshots")

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


class StorageFull(SnapshotError):
    """The disk (or the quota) cannot take the snapshot: the operator's problem, as a full disk
    is for requests (503)."""

    status = 503


class Readable(Protocol):
    """What an upload is read from (a file, Falcon's ``req.bounded_stream``)."""

    def read(self, size: int = ..., /) -> bytes: ...


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
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.import")
        try:
            shutil.copyfile(source, tmp)
            self._place(tmp, path, overwrite)
        finally:
            tmp.unlink(missing_ok=True)
        return self.info(name)

    def import_bytes(self, name: str, data: bytes, *, overwrite: bool = False) -> SnapshotInfo:
        return self.import_stream(name, io.BytesIO(data), len(data), overwrite=overwrite)

    def import_stream(
        self, name: str, stream: Readable, length: int, *, overwrite: bool = False
    ) -> SnapshotInfo:
        """Import the snapshot file of ``length`` bytes read from ``stream`` (an upload): it is
        written to disk a chunk at a time (never held in memory), validated whole, and only
        then put in place under ``name``; an invalid file leaves nothing behind."""
        path = self.path(name)
        if path.exists() and not overwrite:
            raise AlreadyExists(f"a snapshot named {name!r} exists")
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.upload")  # beside it: a rename
        try:
            receive(stream, tmp, length)
            validate_file(tmp)
            self._place(tmp, path, overwrite)
        finally:
            tmp.unlink(missing_ok=True)
        return self.info(name)

    def _place(self, tmp: Path, path: Path, overwrite: bool) -> None:
        """Move the validated file ``tmp`` to ``path``; without ``overwrite`` never over a
        snapshot saved or imported meanwhile (a hard link fails where a rename would replace)."""
        if overwrite:
            tmp.replace(path)
            return
        try:
            os.link(tmp, path)
        except FileExistsError as exc:
            raise AlreadyExists(f"a snapshot named {path.name[: -len(SUFFIX)]!r} exists") from exc
        except OSError:  # a file system without hard links: the check above has to do
            if path.exists():
                raise AlreadyExists(f"a snapshot named {path.name[: -len(SUFFIX)]!r} exists") from None
            tmp.replace(path)


#: bytes read from an upload at a time
UPLOAD_CHUNK = 1024 * 1024


def receive(stream: Readable, dest: Path, length: int) -> None:
    """Write the ``length`` bytes of ``stream`` to the new file ``dest``, a chunk at a time;
    :class:`InvalidSnapshot` when the stream ends early, :class:`StorageFull` when the disk
    cannot take them."""
    done = 0
    try:
        with open(dest, "xb") as out:
            while done < length:
                piece = stream.read(min(UPLOAD_CHUNK, length - done))
                if not piece:
                    break
                out.write(piece)
                done += len(piece)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG):
            raise StorageFull(f"awsmock cannot store the snapshot: {exc.strerror}") from exc
        raise
    if done < length:
        raise InvalidSnapshot(f"the snapshot file ended after {done} of its {length} bytes")


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

    def import_stream(
        self, name: str, stream: Readable, length: int, *, overwrite: bool = False
    ) -> SnapshotInfo:
        check_name(name)
        if not overwrite and self.exists(name):
            raise AlreadyExists(f"a snapshot named {name!r} exists")
        with tempfile.TemporaryDirectory(prefix="awsmock-import-") as tmp:
            path = Path(tmp) / ("upload" + SUFFIX)
            receive(stream, path, length)
            return self.import_file(name, path, overwrite=overwrite)

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


def _open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to the SQLite file at ``path`` that runs nothing the file's
    schema defines (no functions from views, triggers or defaults: ``trusted_schema`` off)."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA trusted_schema=OFF")
        conn.execute("PRAGMA query_only=ON")
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def read_meta(path: Path) -> tuple[dict[str, str], str | None]:
    """The snapshot's meta table and schema revision; :class:`InvalidSnapshot` if not a snapshot."""
    try:
        conn = _open_read_only(path)
    except sqlite3.Error as exc:
        raise InvalidSnapshot("not an awsmock snapshot") from exc
    try:
        meta_rows = conn.execute("SELECT key, value FROM awsmock_snapshot_meta").fetchall()
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error as exc:
        raise InvalidSnapshot("not an awsmock snapshot") from exc
    finally:
        conn.close()
    if not all(isinstance(v, str) for row in meta_rows for v in row):
        raise InvalidSnapshot("not an awsmock snapshot (its meta table holds values that are not text)")
    meta = dict(meta_rows)
    if meta.get("format") != FORMAT:
        raise InvalidSnapshot("not an awsmock snapshot (unknown format)")
    created = meta.get("created", "")
    try:
        if created:
            dt.datetime.fromisoformat(created)
    except ValueError as exc:
        raise InvalidSnapshot("not an awsmock snapshot (its creation time is not a time)") from exc
    names = [row[0] for row in rows]
    if not all(isinstance(n, str) and 0 < len(n) <= 32 for n in names):
        raise InvalidSnapshot("the snapshot's schema revision is not a revision name")
    return meta, revisions.joined(names)


def validate_file(path: Path) -> str | None:
    """Check that ``path`` is an intact snapshot this awsmock can restore, whole; its revision.

    In order: a SQLite file whose pages are intact (``integrity_check``) and whose text is
    UTF-8, the meta table and a revision this awsmock knows, a schema equal to the one that
    revision's migrations build (nothing more: no view, trigger or table of its own), every
    reference resolved (``foreign_key_check``), and every value of the type its column
    declares (see :func:`check_values`). :class:`InvalidSnapshot` says what is wrong.

    The answer is remembered for the file as it is (path, inode, size, times): a snapshot
    restored again and again is read whole once per process."""
    try:
        st = Path(path).stat()
    except OSError as exc:
        raise InvalidSnapshot("not an awsmock snapshot (the file cannot be read)") from exc
    key = (str(Path(path).resolve()), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    known = _VALIDATED.get(key)
    if known is not None:
        return known
    revision = _validate(Path(path))
    _VALIDATED[key] = revision
    return revision


_VALIDATED: dict[tuple[str, int, int, int, int], str] = {}


def _validate(path: Path) -> str:
    try:
        conn = _open_read_only(path)
    except sqlite3.Error as exc:
        raise InvalidSnapshot("not an awsmock snapshot") from exc
    try:
        try:
            encoding = conn.execute("PRAGMA encoding").fetchone()[0]
            intact = conn.execute("PRAGMA integrity_check(1)").fetchone()
        except sqlite3.Error as exc:
            raise InvalidSnapshot("the snapshot file is damaged (or not an SQLite database)") from exc
        if encoding != "UTF-8":
            raise InvalidSnapshot(f"the snapshot's text encoding is {encoding}: awsmock snapshots are UTF-8")
        if not intact or intact[0] != "ok":
            raise InvalidSnapshot("the snapshot file is damaged")
        _meta, revision = read_meta(path)
        if revision is None:
            raise InvalidSnapshot("the snapshot has no schema revision")
        if not revisions.known(revision):
            raise InvalidSnapshot(f"the snapshot's schema revision {revision!r} is unknown to this awsmock")
        try:
            found = schema_of(conn)
            _check_bookkeeping(conn)
        except sqlite3.Error as exc:
            raise InvalidSnapshot("the snapshot file is damaged") from exc
        expected = reference_schema(revision)
        if found != expected:
            raise InvalidSnapshot(
                f"the snapshot's schema is not the one of its revision {revision!r} "
                f"({_schema_difference(found, expected)})"
            )
        try:
            broken = conn.execute("PRAGMA foreign_key_check").fetchone()
        except sqlite3.Error as exc:
            raise InvalidSnapshot("the snapshot file is damaged") from exc
        if broken:
            table, rowid, parent, _fk = broken
            raise InvalidSnapshot(
                f"the snapshot has rows whose references are gone ({table} row {rowid} refers to "
                f"a row of {parent} that is not there)"
            )
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        check_values(conn, "main", [t for t in tables if not t.startswith("sqlite_")])
        return revision
    finally:
        conn.close()


# -- what a snapshot's schema must be ----------------------------------------------------------

#: the snapshot's own bookkeeping (its revision, its meta table): checked apart, as their form
#: depends on what wrote the file (Alembic, a new data dir's stamp, a PostgreSQL state's export)
BOOKKEEPING = {"alembic_version": ["version_num"], "awsmock_snapshot_meta": ["key", "value"]}

Schema = frozenset[tuple[str, str, tuple[str, ...]]]


def _normalized(sql: str | None) -> tuple[str, ...]:
    """A ``CREATE`` statement as SQLite keeps it, in a form that does not depend on how it was
    written: whitespace collapsed, the created object's name unquoted (a table Alembic rebuilt
    is named in quotes), the column and constraint list as a sorted tuple."""
    text_ = re.sub(r"\s+", " ", sql or "").replace("( ", "(").replace(" )", ")")
    head, _, body = text_.partition("(")
    head = head.replace('"', "")
    body = body.strip()
    body = body[:-1] if body.endswith(")") else body  # the closing parenthesis of the list
    parts = tuple(sorted(p.strip() for p in re.split(r",(?![^(]*\))", body)))
    return (head.strip(), *parts)


def schema_of(conn: sqlite3.Connection, schema: str = "main") -> Schema:
    """The normalized schema of a database (``sqlite_master``), less SQLite's statistics and
    the snapshot's bookkeeping tables with their automatic indexes."""
    out = set()
    rows = conn.execute(f'SELECT type, name, tbl_name, sql FROM "{schema}".sqlite_master').fetchall()
    for kind, name, table, sql in rows:
        if name.startswith("sqlite_stat"):
            continue
        if table in BOOKKEEPING and (kind == "table" or (kind == "index" and sql is None)):
            continue
        out.add((kind, name, _normalized(sql)))
    return frozenset(out)


def _check_bookkeeping(conn: sqlite3.Connection) -> None:
    for table, columns in BOOKKEEPING.items():
        kind = conn.execute("SELECT type FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        have = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
        if kind != ("table",) or have != columns:
            raise InvalidSnapshot(f"not an awsmock snapshot (its {table} is not the table awsmock writes)")


def _schema_difference(found: Schema, expected: Schema) -> str:
    extra = sorted(name for _k, name, _s in found - expected)
    missing = sorted(name for _k, name, _s in expected - found)
    said = []
    if extra:
        said.append("unexpected or different: " + ", ".join(extra[:5]) + (" …" if len(extra) > 5 else ""))
    if missing:
        said.append("missing or different: " + ", ".join(missing[:5]) + (" …" if len(missing) > 5 else ""))
    return "; ".join(said)


_REFERENCES: dict[tuple[str, str], Schema] = {}
_REFERENCE_LOCK = threading.Lock()


def reference_schema(revision: str) -> Schema:
    """The normalized schema a database at ``revision`` has, built once per process: at head,
    from the ORM (as a new data dir is made; ``tests/foundation/test_new_schema.py`` keeps it
    equal to what the migrations build), else by the migrations on an empty database.
    :class:`InvalidSnapshot` when no database can be at ``revision`` (revisions that Alembic
    would not record together)."""
    key = (str(revisions.MIGRATIONS_DIR), revision)
    with _REFERENCE_LOCK:
        found = _REFERENCES.get(key)
        if found is None:
            found = _REFERENCES[key] = _build_reference(revision)
        return found


def _build_reference(revision: str) -> Schema:
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    engine = create_engine("sqlite://", creator=lambda: conn, poolclass=StaticPool)
    try:
        if revision == head_revision():
            load_all()
            Base.metadata.create_all(engine)
            return schema_of(conn)
        for target in sorted(revisions.split(revision)):
            upgrade_database(engine, target)
        recorded = {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
        if recorded != revisions.split(revision):
            raise InvalidSnapshot(
                f"the snapshot's schema revision {revision!r} is not one a database can be at"
            )
        return schema_of(conn)
    finally:
        engine.dispose()
        conn.close()


# -- what a snapshot's values must be ----------------------------------------------------------


def _utf8(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except (UnicodeDecodeError, AttributeError):
        return None


def _is_text(raw: bytes, limit: int) -> int:
    value = _utf8(raw)
    return int(value is not None and (limit < 0 or len(value) <= limit))


def _is_time(raw: bytes) -> int:
    """Text SQLAlchemy and the raw readers both read as a naive (UTC) timestamp."""
    value = _utf8(raw)
    if value is None:
        return 0
    try:
        parsed = dt.datetime.fromisoformat(value)
        _SQLITE_DATETIME(value)
    except (ValueError, TypeError):
        return 0
    return int(parsed.tzinfo is None)


def _is_json(raw: bytes) -> int:
    value = _utf8(raw)
    if value is None:
        return 0
    try:
        json.loads(value)
    except (ValueError, RecursionError):
        return 0
    return 1


_SQLITE_DATETIME: Any = DATETIME().result_processor(SQLiteDialect(), None)
_INTEGERS = frozenset({"INTEGER", "INT", "BIGINT", "SMALLINT", "TINYINT"})
_NUMBERS = frozenset({"FLOAT", "REAL", "DOUBLE", "NUMERIC", "DECIMAL"})
_TEXTS = frozenset({"VARCHAR", "CHAR", "NVARCHAR", "NCHAR", "TEXT", "CLOB", "STRING"})


def _condition(column: str, declared: str) -> tuple[str, str]:
    """An SQL expression true when ``column``'s value fits the type it declares (NULL always
    fits: SQLite enforces NOT NULL itself, and ``integrity_check`` checks it), and what a
    value that does not is called."""
    declared = (declared or "").upper().strip()
    base = declared.split("(")[0].strip()
    size = re.search(r"\((\d+)\)", declared)
    limit = int(size.group(1)) if size else -1
    text_ = f"(typeof({column}) = 'text' AND awsmock_is_text(CAST({column} AS BLOB), {limit}))"
    if base in _INTEGERS:
        return f"typeof({column}) IN ('integer', 'null')", "an integer"
    if base == "BOOLEAN":
        return (
            f"({column} IS NULL OR (typeof({column}) = 'integer' AND {column} IN (0, 1)))",
            "a boolean (0 or 1)",
        )
    if base in ("DATETIME", "TIMESTAMP"):
        return (
            f"({column} IS NULL OR (typeof({column}) = 'text' AND awsmock_is_time(CAST({column} AS BLOB))))",
            "a timestamp",
        )
    if base == "JSON":
        return (
            f"({column} IS NULL OR (typeof({column}) = 'text' AND awsmock_is_json(CAST({column} AS BLOB))))",
            "JSON text",
        )
    if base in _TEXTS:
        what = f"UTF-8 text of at most {limit} characters" if limit >= 0 else "UTF-8 text"
        return f"({column} IS NULL OR {text_})", what
    if base == "BLOB":
        return f"typeof({column}) IN ('blob', 'null')", "bytes"
    if base in _NUMBERS:
        return f"typeof({column}) IN ('integer', 'real', 'null')", "a number"
    return f"(typeof({column}) <> 'text' OR {text_})", "UTF-8 text"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def check_values(conn: sqlite3.Connection, schema: str, tables: list[str]) -> None:
    """:class:`InvalidSnapshot` unless every value of ``tables`` (in the attached database
    ``schema``) fits the type its column declares: integers in integer columns, 0 or 1 in
    booleans, timestamps SQLAlchemy and the raw readers parse, JSON that parses, UTF-8 text no
    longer than its ``VARCHAR`` (SQLite enforces none of these), bytes in blobs. One scan of
    each table, in SQLite, but for the text, timestamps and JSON handed to Python."""
    conn.create_function("awsmock_is_text", 2, _is_text, deterministic=True)
    conn.create_function("awsmock_is_time", 1, _is_time, deterministic=True)
    conn.create_function("awsmock_is_json", 1, _is_json, deterministic=True)
    for table in tables:
        columns = conn.execute(f"PRAGMA {_quoted(schema)}.table_info({_quoted(table)})").fetchall()
        checks = [(name, *_condition(_quoted(name), declared or "")) for _cid, name, declared, *_ in columns]
        if not checks:
            continue
        fits = ", ".join(f"coalesce({cond}, 0)" for _n, cond, _w in checks)
        misfit = " OR ".join(f"NOT coalesce({cond}, 0)" for _n, cond, _w in checks)
        try:
            row = conn.execute(
                f"SELECT {fits} FROM {_quoted(schema)}.{_quoted(table)} WHERE {misfit} LIMIT 1"
            ).fetchone()
        except sqlite3.Error as exc:
            raise InvalidSnapshot(f"the snapshot's table {table} cannot be read") from exc
        if row is not None:
            name, _cond, what = next(c for c, ok in zip(checks, row, strict=True) if not ok)
            raise InvalidSnapshot(f"the snapshot's column {table}.{name} holds a value that is not {what}")


def _migrated_copy(path: Path, workdir: Path) -> Path:
    """A copy of the snapshot at ``path`` migrated to head (the file itself stays as it is)."""
    copy = workdir / "migrating.awsmock"
    shutil.copyfile(path, copy)
    engine = create_engine(f"sqlite:///{copy}", poolclass=NullPool)
    try:
        upgrade_database(engine)
    except OSError:
        raise
    except Exception as exc:  # the copy is ours alone: what fails here is the file's content
        log.warning("cannot migrate the snapshot %s to head", path, exc_info=True)
        raise InvalidSnapshot("the snapshot cannot be migrated to this awsmock's schema") from exc
    finally:
        engine.dispose()
    return copy


def restore_file(store: Store, path: Path) -> None:
    """Replace the whole state of ``store`` by the snapshot at ``path``, atomically: the file
    is validated whole first (:func:`validate_file`), the state replaced in one transaction, and
    that transaction rolled back (the state left as it was) when the rows cannot be inserted or
    the restored state cannot be read back (:func:`check_values` on the live tables)."""
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
                # (foreign keys are on: a row whose parent is missing failed its INSERT)
                check_values(conn, "main", [t.name for t in tables])  # what requests will read
                conn.execute("COMMIT")
            except BaseException as exc:
                conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.IntegrityError):
                    raise InvalidSnapshot(f"the snapshot's rows cannot be restored: {exc}") from exc
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
    except (IntegrityError, DataError, ValueError, TypeError, DBAPIError) as exc:  # (rolled back)
        store_trouble = isinstance(exc, DBAPIError) and not isinstance(exc, (IntegrityError, DataError))
        if store_trouble and not isinstance(getattr(exc, "orig", None), sqlite3.Error):
            raise  # (the file is read through SQLite: any other driver's error is the store's)
        log.warning("cannot restore the snapshot %s", source, exc_info=True)
        raise InvalidSnapshot("the snapshot's rows cannot be restored into this database") from exc
    finally:
        snap.dispose()
