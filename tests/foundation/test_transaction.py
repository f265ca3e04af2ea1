"""Store.transaction: raw statements and the lazily made ORM session share one transaction."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import bindparam, insert, select

from awsmock.models.awsmock import Setting
from awsmock.state.store import Store

SETTINGS = Setting.__table__
_GET = select(SETTINGS.c.value).where(SETTINGS.c.key == bindparam("k"))
_PUT = insert(SETTINGS).values(key=bindparam("k"), value=bindparam("v"))


@pytest.fixture(params=["memory", "file"])
def store(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    s = Store("sqlite://" if request.param == "memory" else f"sqlite:///{tmp_path}/t.db")
    s.migrate()
    yield s
    s.dispose()


def _value(store: Store, key: str) -> str | None:
    with store.transaction(write=False) as tx:
        row = tx.execute(_GET, {"k": key}).fetchone()
    return row[0] if row else None


def test_raw_and_orm_writes_commit_together(store: Store) -> None:
    with store.transaction() as tx:
        tx.execute(_PUT, {"k": "raw", "v": "1"})
        assert tx._session is None  # no session until one is asked for
        tx.session.add(Setting(key="orm", value="2"))
        tx.flush()
        assert tx.execute(_GET, {"k": "orm"}).fetchone() == ("2",)  # same transaction
        assert tx.session.get(Setting, "raw").value == "1"  # type: ignore[union-attr]
    assert (_value(store, "raw"), _value(store, "orm")) == ("1", "2")


def test_an_error_rolls_back_both_and_the_connection_is_reused_clean(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.execute(_PUT, {"k": "raw", "v": "1"})
        tx.session.add(Setting(key="orm", value="2"))
        tx.flush()
        raise RuntimeError("handler failed")
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.execute(_PUT, {"k": "raw-only", "v": "1"})
        raise RuntimeError("handler failed")
    assert [_value(store, k) for k in ("raw", "orm", "raw-only")] == [None, None, None]
    with store.transaction() as tx:  # the pooled connection is usable, outside any transaction
        tx.execute(_PUT, {"k": "after", "v": "3"})
    assert _value(store, "after") == "3"


def test_pending_orm_changes_are_flushed_at_commit(store: Store) -> None:
    with store.transaction() as tx:
        tx.session.add(Setting(key="late", value="4"))  # never flushed by the handler
    assert _value(store, "late") == "4"
