"""PostgreSQL fixtures: fresh private databases (skipped, with a message, when PostgreSQL is not
reachable: the session-wide ``pg_url`` fixture of tests/conftest.py decides that)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from awsmock.state.store import Store


@pytest.fixture
def new_pg_url(pg_url: str) -> Iterator[Callable[[], str]]:
    """``new_pg_url()`` -> the URL of a new, empty database (dropped after the test)."""
    admin = create_engine(make_url(pg_url), isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make() -> str:
        name = f"{make_url(pg_url).database}_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        made.append(name)
        return make_url(pg_url).set(database=name).render_as_string(hide_password=False)

    yield make
    with admin.connect() as conn:
        for name in made:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def fresh_pg_store(new_pg_url: Callable[[], str]) -> Iterator[Store]:
    """A migrated store on a new PostgreSQL database."""
    store = Store(new_pg_url())
    store.migrate()
    yield store
    store.dispose()
