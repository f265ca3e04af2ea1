"""The state store: SQLite settings, transactions, multi-process writers."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from sqlalchemy import select, text

from awsmock.engine.config import Config
from awsmock.models.awsmock import Setting
from awsmock.state.store import Store, head_revision, open_store


def _increment(url: str, key: str, times: int, errors: multiprocessing.Queue) -> None:
    store = Store(url)
    try:
        for _ in range(times):
            with store.session(write=True) as s:
                row = s.get(Setting, key)
                if row is None:
                    s.add(Setting(key=key, value="1"))
                else:
                    row.value = str(int(row.value) + 1)
    except Exception as exc:  # reported to the parent, which fails the test
        errors.put(repr(exc))
    finally:
        store.dispose()


def test_sqlite_file_runs_in_wal_with_busy_timeout_and_foreign_keys(data_dir: Path) -> None:
    store = open_store(Config(data_dir=data_dir))
    try:
        with store.session(write=False) as s:
            conn = s.connection()
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() in (1, 2)  # NORMAL or FULL
        assert store.current_revision() == head_revision()
    finally:
        store.dispose()


def test_a_failing_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.session(write=True) as s:
        s.add(Setting(key="half", value="written"))
        s.flush()
        raise RuntimeError("handler failed")
    with store.session(write=False) as s:
        assert s.get(Setting, "half") is None


@pytest.mark.parametrize("write", [False, True])
def test_an_in_memory_request_that_writes_is_still_one_transaction(write: bool) -> None:
    """In memory, a request sends no BEGIN; its raw writes still roll back together."""
    from awsmock.models.awsmock import Setting as S

    store = Store("sqlite://")
    insert = S.__table__.insert().values(key="k", value="v")
    try:
        with pytest.raises(RuntimeError), store.transaction(write=write) as tx:
            assert tx.dbapi.in_transaction is False
            tx.execute(insert)
            tx.execute(S.__table__.insert().values(key="k2", value="v2"))
            raise RuntimeError("handler failed")
        with store.transaction(write=False) as tx:
            assert tx.dbapi.in_transaction is False  # (no BEGIN for a read)
            assert tx.execute(select(S.key)).fetchall() == []
            tx.execute(insert)
        with store.transaction(write=True) as tx:
            assert tx.execute(select(S.key, S.value)).fetchall() == [("k", "v")]
        with store.raw_connection() as conn:  # backups and restores: the driver's autocommit
            assert conn.isolation_level is None
        with store.transaction(write=False) as tx:
            assert tx.dbapi.isolation_level == "DEFERRED"
    finally:
        store.dispose()


def test_the_in_memory_memo_forgets_on_every_change_to_a_remembered_table(tmp_path: Path) -> None:
    """A section of ``Store.memos`` (DynamoDB's tables): kept across requests,
    emptied by a change to a row of its tables, by a rollback of a write (what it let a
    handler remember was never committed), and by raw access (restores, wipes); kept by other
    writes. Rollbacks and raw access empty every section."""
    from awsmock.models.awsmock import Setting as S
    from awsmock.models.dynamodb import DynamoTable

    tables = DynamoTable.__table__
    store = Store("sqlite://")
    memo = store.memo("dynamodb.tables")
    assert memo is not None and store.memos is not None and memo is store.memos["dynamodb.tables"]
    bodies = store.memos["s3.bodies"]
    row = {"account_id": "1", "region": "r", "name": "t", "spec": "{}", "created": "2026-01-01 00:00:00"}
    try:
        memo["x"] = 1
        with store.transaction() as tx:
            tx.execute(S.__table__.insert().values(key="k", value="v"))  # not a remembered table
        assert memo == {"x": 1}
        for change in (tables.insert().values(**row), tables.update().values(spec="{ }"), tables.delete()):
            memo["x"] = 1
            with store.transaction() as tx:
                tx.execute(change)
                assert memo == {}
        with store.transaction() as tx:
            tx.execute(tables.insert().values(**row))
        memo["x"] = 1
        with pytest.raises(RuntimeError), store.transaction() as tx:
            tx.execute(tables.update().values(spec='{"new": 1}'))
            memo["x"] = bodies["y"] = 2  # remembered from the uncommitted row
            raise RuntimeError("handler failed")
        assert memo == bodies == {}
        with pytest.raises(RuntimeError), store.session() as s:  # the ORM's rollback
            s.execute(tables.update().values(spec='{"new": 1}'))
            memo["x"] = 3
            raise RuntimeError("handler failed")
        assert memo == {}
        with store.transaction() as tx:  # a savepoint rolled back
            session = tx.session
            nested = session.begin_nested()
            session.execute(tables.update().values(spec='{"new": 1}'))
            memo["x"] = 4
            nested.rollback()
            assert memo == {}
        memo["x"] = bodies["y"] = 5
        with store.raw_connection():
            pass
        assert memo == bodies == {}
        with store.transaction() as tx:
            tx.execute(tables.delete())  # the triggers still fire after raw access
            assert tx.execute(select(tables.c.spec)).fetchall() == []
        assert memo == {}
    finally:
        store.dispose()
    on_file = Store(f"sqlite:///{tmp_path / 'state.db'}")
    try:  # other processes may write a file: nothing is remembered across requests
        assert on_file.memo("dynamodb.tables") is None and on_file.memos is None
    finally:
        on_file.dispose()


def test_in_memory_stores_are_private(store: Store) -> None:
    other = Store("sqlite://")
    try:
        with store.session() as s:
            s.add(Setting(key="mine", value="1"))
        with other.session(write=False) as s:
            assert s.scalars(select(Setting)).all() == []
        assert other.current_revision() == head_revision()
    finally:
        other.dispose()


def test_concurrent_processes_never_lose_a_write_nor_see_database_locked(data_dir: Path) -> None:
    url = Config(data_dir=data_dir).url
    open_store(Config(data_dir=data_dir)).dispose()  # migrate once
    ctx = multiprocessing.get_context("spawn")
    errors: multiprocessing.Queue = ctx.Queue()
    procs = [ctx.Process(target=_increment, args=(url, "counter", 150, errors)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert problems == []
    store = Store(url)
    try:
        with store.session(write=False) as s:
            assert s.get(Setting, "counter").value == "600"
            assert s.connection().exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        store.dispose()


def test_two_stores_on_one_file_see_each_others_writes_at_once(data_dir: Path) -> None:
    a = open_store(Config(data_dir=data_dir))
    b = open_store(Config(data_dir=data_dir))
    try:
        with a.session() as s:
            s.add(Setting(key="from-a", value="1"))
        with b.session(write=False) as s:
            assert s.get(Setting, "from-a") is not None
        with b.session() as s:
            s.execute(text("UPDATE awsmock_setting SET value = '2' WHERE key = 'from-a'"))
        with a.session(write=False) as s:
            assert s.get(Setting, "from-a").value == "2"
    finally:
        a.dispose()
        b.dispose()


@pytest.mark.parametrize("fixed", [0, 1, 2])
def test_prebuilt_statements_bind_given_and_fixed_values(fixed: int) -> None:
    """compiled_sql: the driver gets the request's values and those the statement fixes itself
    (a literal, SQLite's OFFSET after a LIMIT), in the statement's order."""
    from sqlalchemy import bindparam, literal

    store = Store("sqlite://")
    table = Setting.__table__
    try:
        with store.transaction(write=True) as tx:
            for i in range(5):
                tx.execute(
                    table.insert().values(key=bindparam("k"), value=bindparam("v")),
                    {"k": f"k{i}", "v": str(i)},
                )
        stmt = select(table.c.key).where(table.c.value >= bindparam("low")).order_by(table.c.key)
        if fixed >= 1:
            stmt = stmt.where(table.c.key != literal("k3"))
        if fixed >= 2:
            stmt = stmt.limit(bindparam("n"))
        params = {"low": "1"} | ({"n": 2} if fixed >= 2 else {})
        with store.transaction(write=False) as tx:
            got = [row[0] for row in tx.execute(stmt, params).fetchall()]
        expected = [k for k in ("k1", "k2", "k3", "k4") if fixed < 1 or k != "k3"][
            : 2 if fixed >= 2 else None
        ]
        assert got == expected
    finally:
        store.dispose()


def test_the_dispatchers_request_context_is_the_constructors() -> None:
    """RequestContext.of_request (one per request) makes what the constructor makes."""
    import dataclasses

    from awsmock.engine.context import RequestContext

    given = dict(
        service="s3",
        operation="GetObject",
        tx=object(),
        store=object(),
        account_id="111122223333",
        region="eu-west-1",
        request_id="rid",
        endpoint="http://h:1",
        host="h:1",
        access_key_id="AKID",
        source_ip="10.0.0.1",
        protocol="rest-xml",
        headers={"a": "b"},
        query=[("x", "y")],
        final_attempt=True,
    )
    fast = RequestContext.of_request(*given.values())  # type: ignore[arg-type]
    slow = RequestContext(**given, now=fast.now)  # type: ignore[arg-type]
    assert fast == slow
    assert set(vars(fast)) == {f.name for f in dataclasses.fields(RequestContext)}
    assert fast.now.tzinfo is not None and fast.response_headers is not slow.response_headers
