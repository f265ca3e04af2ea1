"""On PostgreSQL, two first runs of a function writing their logs at once both land: the one
that loses the race to create ``/aws/lambda/<name>`` (a serialization failure or a unique
violation) writes again on the winner's group (issue #26)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, select

from awsmock.models.resources import Resource
from awsmock.services.lambda_.invoke import write_apart
from awsmock.services.logs import internal as logs
from awsmock.state.store import Store


def test_two_first_runs_creating_the_log_group_at_once_both_write(pg_store: Store) -> None:
    pg_store.reset(None)
    both = threading.Barrier(2, timeout=10)
    group = "/aws/lambda/racing"

    def first_run(n: int) -> int:
        waited = False

        def write(ctx: Any) -> int:
            nonlocal waited
            if not waited:  # (both transactions read "no group" before either creates it)
                waited = True
                ctx.session.scalar(select(func.count()).select_from(Resource))
                both.wait()
            return logs.write_events(ctx, group, f"2026/12/08/[$LATEST]{n}", [(1000 + n, f"run {n}")])

        return write_apart(pg_store, "123456789012", "us-east-1", f"req-{n}", write)

    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(first_run, (1, 2))) == [1, 1]
    with pg_store.session() as session:
        groups = session.scalars(
            select(Resource.rid).where(Resource.service == "logs", Resource.kind == "log-group")
        ).all()
    assert groups == [group]
