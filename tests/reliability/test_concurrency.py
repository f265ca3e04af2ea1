"""Several processes on one data dir: SQS delivers once and loses nothing, DynamoDB conditional
writes and counters serialize, and no request fails with "database is locked" under mixed load.
(Long forms: ``benchmarks/reliability_bench.py``.)"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.helpers import ServerProcess
from tests.reliability.scenarios import ddb_serialization, integrity_check, sqs_exactly_once

pytestmark = pytest.mark.server


def test_mixed_load_on_two_servers_loses_nothing_and_never_locks(two_servers: list[ServerProcess]) -> None:
    """At the same time, on two servers sharing one SQLite file: 300 SQS messages through 6
    consumers (3 per server), and 4 threads per server doing atomic counter increments and
    optimistic-locking updates, while a third process increments the same counter through
    ``mock_aws(data_dir=…)`` in-process. Any error answer (a 5xx, "database is locked") fails the run."""
    with ThreadPoolExecutor(2) as pool:
        sqs = pool.submit(sqs_exactly_once, two_servers, 300, 3)
        ddb = pool.submit(ddb_serialization, two_servers, 4, 8, 40)
        sqs_figures, ddb_figures = sqs.result(), ddb.result()
    assert sqs_figures["received"] >= 300
    assert ddb_figures["increments"] == 2 * 4 * 8 + 40
    assert ddb_figures["optimistic_wins"] >= 1
    for srv in two_servers:
        log = "".join(srv.output)
        assert "database is locked" not in log and "database busy" not in log, log[-2000:]
    assert integrity_check(two_servers[0].data_dir / "awsmock.db") == "ok"
