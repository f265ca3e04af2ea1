"""The state store: engines, sessions and transactions, migrations, reset.

One :class:`Store` per database. SQLite files run in WAL mode with a busy timeout and foreign
keys on; write transactions start with ``BEGIN IMMEDIATE`` (SQLAlchemy's pysqlite recipe), read
transactions with a plain ``BEGIN``, so processes sharing one file never deadlock on a lock
upgrade. An in-memory store is a private SQLite database copied from a per-process template
(schema built once), so a fresh state costs well under a millisecond.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import operator
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from awsmock.models import Base, load_all, tables_of
from awsmock.state import revisions
from awsmock.state.notify import Notifier
from awsmock.state.revisions import head_revision

log = logging.getLogger("awsmock.state.store")
T = TypeVar("T")

SQLITE_PRAGMAS = (
    "PRAGMA busy_timeout=30000",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)


def _sqlite_on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
    for pragma in SQLITE_PRAGMAS:
        dbapi_conn.execute(pragma)


def _sqlite_file_on_connect(dbapi_conn: sqlite3.Connection, record: Any) -> None:
    _sqlite_on_connect(dbapi_conn, record)
    dbapi_conn.execute("PRAGMA journal_mode=WAL")  # persistent; a no-op once the file is in WAL


def _begin_with(statement: str):  # type: ignore[no-untyped-def]
    # Straight on the DB-API connection: SQLAlchemy's execute machinery (context, events,
    # result object) costs more than the BEGIN itself on every request's hot path.
    def on_begin(conn: Any) -> None:
        dbapi = conn.connection.driver_connection
        if not dbapi.in_transaction:  # a Transaction's connection is in one already
            dbapi.execute(statement)

    return on_begin


def _stamp_head(execute: Callable[..., Any]) -> None:
    """Create Alembic's version table holding the head revisions (a schema built from the ORM)."""
    execute(
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
        "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
    )
    for head in sorted(revisions.heads()):
        execute("INSERT INTO alembic_version VALUES (?)", (head,))


def memo_sections() -> dict[str, dict[str, tuple[str, ...] | None]]:
    """What handlers may remember across requests of an in-memory store (:attr:`Store.memos`), by
    section, and the tables it comes from, as the tables declare it (``__memo__`` on a model): a
    section is emptied whenever a row of one of its tables is inserted or deleted, or updated in
    one of the columns named (any column: None)."""
    load_all()
    sections: dict[str, dict[str, tuple[str, ...] | None]] = {}
    for table in Base.metadata.sorted_tables:
        for section, columns in (table.info.get("memo") or {}).items():
            sections.setdefault(section, {})[table.name] = columns
    return sections


def _watch_memo_tables(
    conn: sqlite3.Connection, sections: dict[str, dict[str, tuple[str, ...] | None]]
) -> None:
    """Temporary triggers (this connection only, never in a snapshot) that empty a section of
    ``Store.memos`` whenever a row of its tables changes (:func:`memo_sections`)."""
    for number, (section, tables) in enumerate(sorted(sections.items())):
        for table, columns in tables.items():
            of = "" if columns is None else " OF " + ", ".join(f'"{c}"' for c in columns)
            for change in ("INSERT", "UPDATE", "DELETE"):
                conn.execute(
                    f"CREATE TEMP TRIGGER IF NOT EXISTS awsmock_memo_{number}_{table}_{change.lower()} "
                    f'AFTER {change}{of if change == "UPDATE" else ""} ON main."{table}" '
                    f"BEGIN SELECT awsmock_forget('{section}'); END"
                )


def _forget_all(memos: dict[str, dict[Any, Any]] | None) -> None:
    for memo in (memos or {}).values():
        memo.clear()


_template_lock = threading.Lock()
_template: sqlite3.Connection | None = None


def _memory_template() -> sqlite3.Connection:
    """An in-memory database with the full schema at head, built once per process."""
    global _template
    with _template_lock:
        if _template is None:
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            eng = create_engine("sqlite://", creator=lambda: conn, poolclass=StaticPool)
            load_all()
            Base.metadata.create_all(eng)
            _stamp_head(conn.execute)
            conn.commit()
            _template = conn
        return _template


_COMPILED: dict[tuple[int, str], tuple[str, Callable[[dict[str, Any] | None], Any]]] = {}


def compiled_sql(stmt: Any, dialect: Any) -> tuple[str, Callable[[dict[str, Any] | None], Any]]:
    """``stmt`` (a prebuilt Core statement) as SQL text for ``dialect`` and a function giving
    the driver's parameters from a dict of bind values (positional or named, with the values
    of parameters the statement fixes itself, e.g. SQLite's ``OFFSET 0`` after a ``LIMIT``).
    Compiled once per statement and dialect, so the SQL stays portable between SQLite and
    PostgreSQL."""
    key = (id(stmt), dialect.name)
    hit = _COMPILED.get(key)
    if hit is None:
        comp = stmt.compile(dialect=dialect)
        fixed = {name: b.value for name, b in comp.binds.items() if b.value is not None and not b.callable}
        order = tuple(comp.positiontup) if comp.positional else None
        hit = (str(comp), _binder(order, fixed))
        _COMPILED[key] = hit
        _KEEP.append(stmt)  # the id() key must not be reused by another statement
    return hit


def _binder(order: tuple[str, ...] | None, fixed: dict[str, Any]) -> Callable[[dict[str, Any] | None], Any]:
    if order is None:  # named parameters (PostgreSQL's pyformat)
        if fixed:
            return lambda params: {**fixed, **(params or {})}
        return lambda params: params if params is not None else {}
    if fixed and order:  # (one dict merged in C, the values picked in C)
        pick = operator.itemgetter(*order)
        if len(order) == 1:
            return lambda params: (pick({**fixed, **(params or {})}),)
        return lambda params: pick({**fixed, **(params or {})})
    if not order:
        return lambda params: ()
    if len(order) == 1:
        (only,) = order
        return lambda params: (params[only],)  # type: ignore[index]
    return operator.itemgetter(*order)  # type: ignore[return-value]


_KEEP: list[Any] = []


class Transaction:
    """One request's transaction on one pooled connection.

    :meth:`execute` runs a prebuilt Core statement straight on the DB-API cursor, inside the
    transaction, skipping SQLAlchemy's per-execute machinery (which costs more than a SQLite
    primary-key lookup): only for statements whose parameters and results need no type
    processing (text, bytes, numbers). :attr:`session` is an ORM session on the same connection
    and transaction, made on first use; the transaction flushes it before committing. Raw
    statements do not autoflush the session: :meth:`flush` first when both touch the same rows.
    """

    __slots__ = ("_conn", "_session", "_sessions", "dbapi", "dialect", "engine", "fairy")

    def __init__(
        self,
        engine: Engine,
        fairy: Any,
        sessions: Callable[..., Session],
        conn: Any = None,
        dbapi: Any = None,
    ) -> None:
        self.engine = engine
        self.fairy = fairy  # the pool's proxy of the DB-API connection
        self.dbapi = fairy.driver_connection if dbapi is None else dbapi
        self.dialect = engine.dialect
        self._sessions = sessions
        self._conn = conn
        self._session: Session | None = None

    @property
    def conn(self) -> Any:
        """A SQLAlchemy Connection on this transaction's connection (made on first use)."""
        conn = self._conn
        if conn is None:
            from sqlalchemy.engine import Connection

            conn = self._conn = Connection(self.engine, connection=self.fairy)
            conn.begin()  # the BEGIN listener sees the DB-API transaction open and emits nothing
        return conn

    @property
    def session(self) -> Session:
        session = self._session
        if session is None:
            session = self._session = self._sessions(bind=self.conn)
        return session

    def flush(self) -> None:
        """Flush the ORM session's pending changes, if a session was made (before raw
        statements that must see them)."""
        if self._session is not None:
            self._session.flush()

    def execute(self, stmt: Any, params: dict[str, Any] | None = None) -> Any:
        """Run ``stmt`` with ``params``; returns the DB-API cursor (fetchone/fetchall/rowcount)."""
        sql, bind = compiled_sql(stmt, self.dialect)
        cursor = self.dbapi.cursor()
        cursor.execute(sql, bind(params))
        return cursor

    def _commit(self) -> None:
        if self._session is not None:
            self._session.flush()
        if self._conn is not None:
            self._conn.commit()
        else:
            self.dbapi.commit()

    def _end_session(self) -> None:
        if self._session is not None:
            self._session.close()


class LockBusy(Exception):
    """The database's write lock is held (by another process, or another connection of this
    one): raised at once by ``Store.transaction(write=True, wait=False)`` on a SQLite file,
    where waiting for the lock would take up to the busy timeout."""


#: the busy timeout of a SQLite connection, as SQLITE_PRAGMAS sets it (milliseconds)
BUSY_TIMEOUT_MS = 30000


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY or "locked" in str(exc)


def _close_nowait(fairy: Any, dbapi: Any) -> None:
    """Back to the pool, a connection of ``Store._idle_nowait`` waits for the lock again."""
    with contextlib.suppress(Exception):
        dbapi.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    fairy.close()


class _SqliteTransaction:
    """:meth:`Store.transaction` on SQLite: BEGIN on a kept DB-API connection (none in memory:
    see ``Store._begin_sql``), COMMIT when the block ends without error, ROLLBACK otherwise; the
    connection goes back to the store's idle list (kept checked out: the pool's checkin costs
    more than the BEGIN). ``wait=False`` on a file: the write lock is asked for once, on a
    connection whose busy timeout is 0 (:class:`LockBusy` when another connection holds it)."""

    __slots__ = ("_dbapi", "_fairy", "_idle", "_nowait", "_store", "_tx", "_write")

    def __init__(self, store: Store, write: bool, wait: bool = True) -> None:
        self._store = store
        self._write = write
        self._nowait = write and not wait and store.path is not None

    def __enter__(self) -> Transaction:
        store = self._store
        write = self._write
        lock = store._lock
        if lock is not None:
            lock.acquire()
        try:
            engine = store.write_engine if write else store.read_engine
            nowait = self._nowait
            idle = self._idle = store._idle_nowait if nowait else store._idle[write]
            if idle:  # (the pool's proxy, its DB-API connection: a property chain to look up)
                fairy, dbapi = idle.pop()
            else:
                fairy = engine.raw_connection()
                dbapi = fairy.driver_connection
                if nowait:
                    dbapi.execute("PRAGMA busy_timeout=0")  # type: ignore[union-attr]
            begin = store._begin_sql[write]
            try:
                if begin is not None:
                    dbapi.execute(begin)
            except BaseException as exc:
                busy = isinstance(exc, sqlite3.OperationalError) and _is_busy(exc)
                if nowait and busy and not dbapi.in_transaction:
                    idle.append((fairy, dbapi))
                    raise LockBusy(str(exc)) from exc
                if nowait:
                    _close_nowait(fairy, dbapi)
                else:
                    fairy.close()
                raise
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        self._fairy = fairy
        self._dbapi = dbapi
        tx = self._tx = Transaction(engine, fairy, store._joined_sessions, dbapi=dbapi)
        return tx

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        store = self._store
        tx = self._tx
        fairy = self._fairy
        try:
            try:
                if exc_type is None:
                    tx._commit()
            finally:
                tx._end_session()
                try:
                    if tx.dbapi.in_transaction:
                        tx.dbapi.rollback()
                        _forget_all(store.memos)  # what the rolled-back writes let handlers remember
                except BaseException:
                    fairy.invalidate()  # a broken connection: the pool makes a new one
                    raise
                self._idle.append((fairy, self._dbapi))
        finally:
            if store._lock is not None:
                store._lock.release()


class Store:
    """One database holding the whole awsmock state."""

    #: starts a server on a background thread of this process serving a store that no server
    #: serves yet, and answers its URL (installed by awsmock's in-process face; a process a service
    #: starts, which calls the state back, reaches an in-process state through it)
    serve_locally: ClassVar[Callable[[Store], str] | None] = None

    def __init__(self, url: str, *, snapshot_dir: Path | None = None, pool_size: int = 8) -> None:
        self.url = url
        parsed = make_url(url)
        self.backend = "sqlite" if parsed.get_backend_name() == "sqlite" else parsed.get_backend_name()
        self.in_memory = self.backend == "sqlite" and parsed.database in (None, "", ":memory:")
        self.path: Path | None = None
        self._lock: threading.RLock | None = None
        self._tmpdir: Any = None
        #: what must stop before the connections close (background workers of this store)
        self._before_dispose: list[Callable[[], None]] = []
        #: the URL a local process reaches this state at, once a server serves it (processes a
        #: service starts call it back); None in-process until something starts one
        self.served_url: str | None = None
        self.notifier = Notifier()
        self._begin_sql: dict[bool, str | None] = {True: "BEGIN IMMEDIATE", False: "BEGIN"}
        #: SQLite connections between requests, per engine (write: True), outside the pool
        self._idle: dict[bool, list[Any]] = {True: [], False: []}  # (pool proxy, DB-API connection)
        #: write connections whose busy timeout is 0 (``transaction(wait=False)``)
        self._idle_nowait: list[Any] = []
        #: what handlers remember across requests, by section of :func:`memo_sections`: a
        #: section is emptied whenever a row it comes from changes; all are when a write rolls
        #: back or the content is replaced. In memory only (None otherwise: other processes
        #: write to a shared database, so every request reads it again).
        self.memos: dict[str, dict[Any, Any]] | None = None
        if self.in_memory:
            # one connection, one request at a time (the store's lock): no request needs a
            # transaction to see one state across its statements, so none sends BEGIN; the
            # driver begins one before its first write, which then commits or rolls back whole
            self._begin_sql = {True: None, False: None}
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            _memory_template().backup(conn)
            _sqlite_on_connect(conn, None)
            # the driver's own BEGIN before a write statement (requests send none: see
            # _begin_sql); raw_connection() turns it off for backups and restores
            conn.isolation_level = "DEFERRED"
            self._memory_conn = conn
            sections = memo_sections()
            memos = self.memos = {section: {} for section in sections}
            conn.create_function("awsmock_forget", 1, lambda section: memos[section].clear())
            _watch_memo_tables(conn, sections)
            engine = create_engine("sqlite://", creator=lambda: conn, poolclass=StaticPool)
            event.listen(engine, "begin", _begin_with("BEGIN"))
            # what a rolled-back write let a handler remember was never committed
            event.listen(engine, "rollback", lambda _conn: _forget_all(memos))
            event.listen(engine, "rollback_savepoint", lambda _conn, _name, _ctx: _forget_all(memos))
            self._lock = threading.RLock()
            self.write_engine = self.read_engine = engine
        elif self.backend == "sqlite":
            self.path = Path(parsed.database or "").resolve()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            from awsmock.state import notify_local

            if notify_local.available():  # long polls wake across the processes on this file
                self.notifier = notify_local.SocketNotifier(self.path)
            self.write_engine = self._sqlite_engine("BEGIN IMMEDIATE", pool_size)
            self.read_engine = self._sqlite_engine("BEGIN", pool_size)
        else:
            # Writers are SERIALIZABLE (the dispatcher retries serialization failures), so
            # read-modify-write handlers get the same guarantees SQLite's single writer gives;
            # readers see one consistent snapshot.
            engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
            self.write_engine = engine.execution_options(isolation_level="SERIALIZABLE")
            self.read_engine = engine.execution_options(isolation_level="REPEATABLE READ")
            self._base_engine = engine
            if self.backend == "postgresql":  # long polls wake across processes (LISTEN/NOTIFY)
                from awsmock.state.notify_pg import PgNotifier

                self.notifier = PgNotifier(url)
        self._write_sessions = sessionmaker(self.write_engine, expire_on_commit=False, autoflush=True)
        self._read_sessions = sessionmaker(self.read_engine, expire_on_commit=False, autoflush=True)
        # sessions on a Transaction's connection: they join its transaction, never end it
        self._joined_sessions = sessionmaker(
            expire_on_commit=False, autoflush=True, join_transaction_mode="conditional_savepoint"
        )
        if snapshot_dir is None:
            if self.path is not None:
                snapshot_dir = self.path.parent / "snapshots"
            else:
                import tempfile

                self._tmpdir = tempfile.TemporaryDirectory(prefix="awsmock-snapshots-")
                snapshot_dir = Path(self._tmpdir.name)
        self.snapshot_dir = snapshot_dir

    def memo(self, section: str) -> dict[Any, Any] | None:
        """What handlers may remember across requests in ``section`` (None: nothing is, as on a
        store other processes write to)."""
        memos = self.memos
        return None if memos is None else memos[section]

    def _sqlite_engine(self, begin: str, pool_size: int) -> Engine:
        engine = create_engine(
            self.url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=pool_size,
            max_overflow=pool_size * 2,
        )
        event.listen(engine, "connect", _sqlite_file_on_connect)
        event.listen(engine, "begin", _begin_with(begin))
        return engine

    # -- transactions -------------------------------------------------------------------

    @contextlib.contextmanager
    def session(self, write: bool = True) -> Iterator[Session]:
        """A session inside one transaction: committed when the block ends, rolled back on error."""
        lock = self._lock
        if lock is not None:
            lock.acquire()
        try:
            factory = self._write_sessions if write else self._read_sessions
            with factory() as session, session.begin():
                yield session
        finally:
            if lock is not None:
                lock.release()

    def transaction(
        self, write: bool = True, wait: bool = True
    ) -> contextlib.AbstractContextManager[Transaction]:
        """One request's transaction (see :class:`Transaction`): committed when the block ends,
        rolled back on error. A request that never asks for its ORM session never pays for one.

        SQLite: the pooled DB-API connection runs ``BEGIN``/``BEGIN IMMEDIATE`` and ``COMMIT``
        itself (no SQLAlchemy Connection unless the session is wanted: a third of the
        transaction's cost), in a plain context-manager object (a generator-based one costs a
        measurable share of a small request). PostgreSQL: a SQLAlchemy Connection, for its
        isolation levels.

        ``wait=False``: on a SQLite file, a write transaction whose lock another connection holds
        raises :class:`LockBusy` at once instead of waiting up to the busy timeout (the caller
        waits its own way: the dispatcher, without holding its gate). Elsewhere: ignored.
        """
        if self.backend == "sqlite":
            return _SqliteTransaction(self, write, wait)
        return self._connection_transaction(write)

    @contextlib.contextmanager
    def _connection_transaction(self, write: bool) -> Iterator[Transaction]:
        lock = self._lock
        if lock is not None:
            lock.acquire()
        try:
            engine = self.write_engine if write else self.read_engine
            conn = engine.connect()
            conn.begin()
            tx = Transaction(engine, conn.connection, self._joined_sessions, conn)
            try:
                yield tx
                tx._commit()
            finally:
                tx._end_session()
                conn.close()  # rolls back what was not committed, returns the connection
        finally:
            if lock is not None:
                lock.release()

    @contextlib.contextmanager
    def raw_connection(self) -> Iterator[Any]:
        """The DB-API connection, for backup/restore (held under the in-memory lock)."""
        lock = self._lock
        if lock is not None:
            lock.acquire()
        try:
            if self.in_memory:
                memory = self._memory_conn
                memory.isolation_level = None  # (no transaction is open between requests)
                try:
                    yield memory
                finally:
                    memory.isolation_level = "DEFERRED"
                    # a restore or a wipe replaced the content (a backup fires no trigger; the
                    # temporary triggers themselves outlive it)
                    _forget_all(self.memos)
            else:
                conn = self.write_engine.raw_connection()
                try:
                    yield conn.driver_connection
                finally:
                    conn.close()
        finally:
            if lock is not None:
                lock.release()

    # -- schema -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[None]:
        if self.path is None:
            yield
            return
        lock_path = self.path.parent / ".awsmock-migrate.lock"
        with open(lock_path, "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def current_revision(self) -> str | None:
        """The database's schema revision (its branch heads, ``+``-joined), None when empty."""
        with self.read_engine.connect() as conn:
            try:
                rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
            except Exception:
                return None
            finally:
                conn.rollback()
        return revisions.joined([row[0] for row in rows])

    def migrate(self) -> str:
        """Bring the schema to head, every branch of it (no-op when it is there already)."""
        if self.in_memory:
            return head_revision()
        head = head_revision()
        if self.current_revision() == head:
            return head
        with self._migration_lock():
            current = self.current_revision()
            if current is None and self.backend == "sqlite" and self._empty():
                self._create_at_head()  # a new data dir: the schema in one go
            elif current != head:
                upgrade_database(self.write_engine)
        return head

    def _empty(self) -> bool:
        with self.read_engine.connect() as conn:
            return conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar() == 0

    def _create_at_head(self) -> None:
        """A new database: the ORM's schema (the head revision is regenerated from it) and the
        head stamped, in one transaction, without running Alembic (as its docs suggest)."""
        load_all()
        with self.write_engine.begin() as conn:
            Base.metadata.create_all(conn)
            _stamp_head(conn.exec_driver_sql)

    # -- reset --------------------------------------------------------------------------

    def reset(self, services: list[str] | None = None) -> list[str]:
        """Delete every row of the named services (all when None) in one transaction."""
        tables = tables_of(services)

        def delete_all(session: Session) -> None:
            lock_for_rewrite(session, tables)
            for table in tables:
                shared = table.info.get("rows_of")
                if shared and services is not None:  # only the named services' rows
                    session.execute(table.delete().where(table.c[shared].in_(services)))
                else:
                    session.execute(table.delete())

        self.write_retrying(delete_all)
        if services is not None:
            return sorted(services)
        return sorted({t.info["service"] for t in tables if t.info.get("service")})

    def write_retrying(self, fn: Callable[[Session], T], attempts: int = 40) -> T:
        """``fn(session)`` in a write transaction; on PostgreSQL run again when a concurrent
        writer wins (SERIALIZABLE serialization failure or deadlock), as the dispatcher does for
        requests. For admin work: reset, snapshot restore and storage."""
        for attempt in range(1, attempts + 1):
            try:
                with self.session(write=True) as session:
                    return fn(session)
            except DBAPIError as exc:
                if attempt == attempts or getattr(exc.orig, "sqlstate", None) not in PG_RETRY_SQLSTATES:
                    raise
                time.sleep(random.uniform(0.001, min(0.1, 0.002 * 2**attempt)))
        raise AssertionError("unreachable")

    def before_dispose(self, stop: Callable[[], None]) -> None:
        """Have :meth:`dispose` call ``stop`` first: a thread working on this store (the outbox's
        worker) must be done with its connections before they close under it."""
        self._before_dispose.append(stop)

    def dispose(self) -> None:
        while self._before_dispose:
            try:
                self._before_dispose.pop()()
            except Exception:  # (one stop failing does not keep the store open)
                log.warning("stopping a worker of the store failed", exc_info=True)
        self.notifier.close()
        for idle in self._idle.values():
            while idle:
                idle.pop()[0].close()
        while self._idle_nowait:
            _close_nowait(*self._idle_nowait.pop())
        base = getattr(self, "_base_engine", None)
        if base is not None:
            base.dispose()
        else:
            self.write_engine.dispose()
            if self.read_engine is not self.write_engine:
                self.read_engine.dispose()
        if self.in_memory:
            self._memory_conn.close()
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None


#: PostgreSQL SQLSTATEs after which a write transaction is simply run again
PG_RETRY_SQLSTATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock


def lock_for_rewrite(session: Session, tables: list[Any]) -> None:
    """PostgreSQL: before emptying/refilling ``tables`` (reset, restore), make writers of them
    wait (SHARE ROW EXCLUSIVE blocks INSERT/UPDATE/DELETE, not reads), so a busy state cannot
    starve the rewrite with serialization failures. SQLite: nothing (the writer is alone)."""
    if tables and session.get_bind().dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        session.execute(text(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE"))


MIGRATION_LOCK_ID = 0x61_77_73_6D  # "awsm": PostgreSQL advisory lock serializing migrations


def upgrade_database(engine: Engine, revision: str = "heads") -> None:
    """Bring the database to ``revision`` (every branch's head by default)."""
    _run_migrations(engine, "upgrade", revision)


def downgrade_database(engine: Engine, revision: str) -> None:
    """Take the database back to ``revision`` (``"<branch>@base"``: undo a branch)."""
    _run_migrations(engine, "downgrade", revision)


def _run_migrations(engine: Engine, direction: str, revision: str) -> None:
    from alembic import command

    cfg = revisions.alembic_config()
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if conn.dialect.name == "postgresql":
            # READ COMMITTED: after waiting for the lock, Alembic must see the revision a concurrent
            # migrator committed meanwhile (a SERIALIZABLE snapshot would predate it: migrate twice)
            conn.execution_options(isolation_level="READ COMMITTED")
        if sqlite:
            # SQLite alters a table by building a new one and dropping the old (Alembic's batch
            # mode); with foreign keys on, that drop deletes every row referencing the old one. As
            # SQLite's documentation says: keys off for the migration (outside its transaction,
            # where the pragma takes effect), checked before commit.
            driver: Any = conn.connection.driver_connection
            driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_ID})")
                cfg.attributes["connection"] = conn
                getattr(command, direction)(cfg, revision)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the migration left rows whose references are gone: {broken[:5]}")
        finally:
            if sqlite:
                driver.execute("PRAGMA foreign_keys=ON")


def open_store(config: Any, *, migrate: bool = True) -> Store:
    """The store for a :class:`awsmock.engine.config.Config`, migrated to head."""
    pool = max(4, int(getattr(config, "threads", 8)) + 2)
    store = Store(config.url, pool_size=pool)
    if migrate:
        store.migrate()
    return store
