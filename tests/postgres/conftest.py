"""PostgreSQL fixtures: fresh private databases (skipped, with a message, when PostgreSQL is not
reachable: the session-wide ``pg_url`` fixture of tests/conftest.py decides that)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from awsmock.state.store import Store


@pytest.fixture
def fresh_pg_store(new_pg_url: Callable[[], str]) -> Iterator[Store]:
    """A migrated store on a new PostgreSQL database."""
    store = Store(new_pg_url())
    store.migrate()
    yield store
    store.dispose()
