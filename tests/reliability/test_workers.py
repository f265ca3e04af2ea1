"""The reliability checks on one server of several worker processes (``--workers 2``): ``kill -9``
of a worker, or of the whole group, loses no acknowledged write and tears nothing; SQS delivers
exactly once across workers; DynamoDB counters and conditional writes stay exact."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.helpers import ServerProcess
from tests.reliability.scenarios import (
    WriterLog,
    _setup_round,
    _verify_round,
    _writer,
    ddb_serialization,
    integrity_check,
    sqs_exactly_once,
)

pytestmark = [pytest.mark.server, pytest.mark.slow]

if not sys.platform.startswith("linux"):
    pytest.skip("finds worker processes through /proc", allow_module_level=True)


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry))
    return found


def _workers(srv: ServerProcess, count: int = 2) -> set[int]:
    assert srv.proc is not None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = _children(srv.proc.pid)
        if len(found) == count:
            return found
        time.sleep(0.05)
    raise AssertionError("the workers did not start")


def _write_then(
    srv: ServerProcess, rnd: int, kill: object, threads: int = 4
) -> tuple[dict[str, str], list[WriterLog]]:
    """Writers on new connections (spread over the workers) for a moment, then ``kill()``."""
    names = _setup_round(srv, rnd)
    clients = [{s: srv.client(s) for s in ("s3", "sqs", "dynamodb")} for _ in range(threads)]
    logs = [WriterLog(t) for t in range(threads)]
    stop = threading.Event()
    writers = [
        threading.Thread(target=_writer, args=(t, clients[t], names, stop, logs[t]), daemon=True)
        for t in range(threads)
    ]
    for w in writers:
        w.start()
    time.sleep(1.0)
    kill()  # type: ignore[operator]
    time.sleep(0.3)
    stop.set()
    for w in writers:
        w.join(60)
    return names, logs


def test_kill_9_of_a_worker_loses_no_acknowledged_write(tmp_path: Path) -> None:
    srv = ServerProcess(tmp_path / "data", "--workers", "2").start()
    try:
        victim = min(_workers(srv))
        names, logs = _write_then(srv, 0, lambda: os.kill(victim, signal.SIGKILL))
        _workers(srv)  # replaced
        figures = _verify_round(srv, names, logs)
        assert figures["acked_writes"] > 0
    finally:
        srv.stop()
    assert integrity_check(tmp_path / "data" / "awsmock.db") == "ok"


def test_kill_9_of_the_whole_group_loses_no_acknowledged_write(tmp_path: Path) -> None:
    srv = ServerProcess(tmp_path / "data", "--workers", "2").start()
    assert srv.proc is not None
    parent = srv.proc.pid
    workers = _workers(srv)

    def kill_all() -> None:
        for pid in (parent, *workers):
            os.kill(pid, signal.SIGKILL)

    names, logs = _write_then(srv, 0, kill_all)
    srv.proc.wait(10)
    srv.proc = None
    assert integrity_check(tmp_path / "data" / "awsmock.db") == "ok"
    again = ServerProcess(tmp_path / "data", "--workers", "2").start()
    try:
        figures = _verify_round(again, names, logs)
        assert figures["acked_writes"] > 0
    finally:
        again.stop()


def test_sqs_exactly_once_and_exact_counters_across_workers(tmp_path: Path) -> None:
    srv = ServerProcess(tmp_path / "data", "--workers", "2").start()
    try:
        _workers(srv)
        sqs = sqs_exactly_once([srv], 200, consumers_per_server=4)
        assert sqs["received"] >= 200
        ddb = ddb_serialization([srv], 4, 10)
        assert ddb["increments"] == 4 * 10
        assert ddb["optimistic_wins"] >= 1
        log = "".join(srv.output)
        assert "database is locked" not in log and "database busy" not in log, log[-2000:]
    finally:
        srv.stop()
