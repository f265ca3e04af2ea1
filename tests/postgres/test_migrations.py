"""Migrations on PostgreSQL: nodes starting at the same moment on an empty database."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from awsmock.state.store import Store, head_revision


def test_concurrent_migrations_of_one_database_all_succeed(new_pg_url: Callable[[], str]) -> None:
    url = new_pg_url()
    stores = [Store(url) for _ in range(4)]
    try:
        with ThreadPoolExecutor(len(stores)) as pool:
            assert list(pool.map(lambda s: s.migrate(), stores)) == [head_revision()] * len(stores)
        assert {s.current_revision() for s in stores} == {head_revision()}
        assert stores[0].reset(["sqs"]) == ["sqs"]
    finally:
        for s in stores:
            s.dispose()
