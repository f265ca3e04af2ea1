"""Two ``awsmock server`` processes sharing one data dir: conditional writes serialize, atomic
counters never lose an increment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import ServerProcess
from tests.reliability.scenarios import ddb_serialization

pytestmark = pytest.mark.server

THREADS_PER_SERVER = 4
ROUNDS = 10


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    a = ServerProcess(tmp_path / "shared").start()
    b = ServerProcess(tmp_path / "shared").start()
    try:
        yield a, b
    finally:
        a.stop()
        b.stop()


def test_counters_and_optimistic_locking_across_processes(
    two_servers: tuple[ServerProcess, ServerProcess],
) -> None:
    figures = ddb_serialization(list(two_servers), THREADS_PER_SERVER, ROUNDS)
    assert figures["increments"] == 2 * THREADS_PER_SERVER * ROUNDS  # no increment lost
    assert figures["optimistic_wins"] >= 1  # and the version equals the winners (checked inside)
