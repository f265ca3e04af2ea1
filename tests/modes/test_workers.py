"""``awsmock server --workers N``: worker processes on one address and one state, and what every
process remembers (learned wait times, small answers, memo sections) never changing an answer
after another process changed the state; the event loop never waiting for SQLite's write lock
another process holds."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from awsmock.engine.config import Config
from awsmock.state.store import Store
from tests.helpers import FAKE_ENV, ServerProcess

pytestmark = pytest.mark.server


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(check: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError("the condition never held")


def health(url: str, timeout: float = 10.0) -> dict[str, Any]:
    with urllib.request.urlopen(url + "/_awsmock/health", timeout=timeout) as resp:
        return json.loads(resp.read())  # type: ignore[no-any-return]


if not sys.platform.startswith("linux"):
    pytest.skip("watches worker processes through /proc", allow_module_level=True)


def _group(data: Path) -> ServerProcess:
    srv = ServerProcess(data, "--workers", "2", "--log-level", "info").start()
    assert srv.proc is not None
    wait_for(lambda: len(children(srv.proc.pid)) == 2)  # type: ignore[union-attr]
    return srv


@pytest.fixture(scope="module")
def group(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server of two worker processes (request log on: each line names its worker), shared by
    this module's tests (each uses its own names)."""
    srv = ServerProcess(
        tmp_path_factory.mktemp("group") / "data", "--workers", "2", "--log-level", "info"
    ).start()
    assert srv.proc is not None
    wait_for(lambda: len(children(srv.proc.pid)) == 2)  # type: ignore[union-attr]
    try:
        yield srv
    finally:
        srv.stop()


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **FAKE_ENV}
    return subprocess.run(
        [sys.executable, "-m", "awsmock", "server", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_in_memory_state_refuses_several_workers_in_one_line() -> None:
    res = _run_cli("--in-memory", "--workers", "2", "-p", "0")
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        "awsmock: --in-memory keeps the state inside one process, so worker processes cannot share it: "
        "use --workers 1, or --data-dir / --database-url for several workers"
    ]
    bad = _run_cli("--workers", "0", "-p", "0")
    assert bad.returncode == 2 and "--workers: 0 workers: at least 1 is needed" in bad.stderr


def test_workers_answer_on_one_address_and_one_state(group: ServerProcess) -> None:
    """One ready line; every request answered whichever worker takes it; a write through one
    connection is read through others (new connections, so both workers answer some)."""
    lines = [ln for ln in group.output if "listening on" in ln]
    assert len(lines) == 1
    sqs = group.client("sqs")
    url = sqs.create_queue(QueueName="shared")["QueueUrl"]
    for i in range(20):
        group.client("sqs").send_message(QueueUrl=url, MessageBody=f"m{i}")  # a new connection each
    attrs = group.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )
    assert attrs["Attributes"]["ApproximateNumberOfMessages"] == "20"
    for _ in range(10):
        assert health(group.url)["status"] == "ok"
    log = "".join(group.output)
    assert "[worker 1]" in log and "[worker 2]" in log  # both took requests


def test_a_killed_worker_is_replaced_and_sigterm_stops_them_all(tmp_path: Path) -> None:
    group = _group(tmp_path / "data")
    assert group.proc is not None
    parent = group.proc.pid
    first = children(parent)
    victim = min(first)
    s3 = group.client("s3")
    s3.create_bucket(Bucket="kept")
    s3.put_object(Bucket="kept", Key="k", Body=b"acknowledged")
    os.kill(victim, signal.SIGKILL)
    replaced = wait_for(lambda: (now := children(parent)) and len(now) == 2 and victim not in now and now)
    assert len(replaced & first) == 1
    for _ in range(6):  # whichever worker answers, the state is there
        assert group.client("s3").get_object(Bucket="kept", Key="k")["Body"].read() == b"acknowledged"
    assert any("was killed by SIGKILL; starting another" in ln for ln in group.output)
    assert group.stop() == 0
    assert not any(alive(pid) for pid in replaced)
    assert "awsmock stopped" in "".join(group.output)


def test_a_killed_parent_takes_its_workers_with_it(tmp_path: Path) -> None:
    srv = ServerProcess(tmp_path / "data", "--workers", "2").start()
    assert srv.proc is not None
    workers = wait_for(lambda: (found := children(srv.proc.pid)) and len(found) == 2 and found)  # type: ignore[union-attr]
    srv.stop("KILL")
    wait_for(lambda: not any(alive(pid) for pid in workers))


def test_a_long_poll_in_one_worker_wakes_on_a_send_through_another(group: ServerProcess) -> None:
    url = group.client("sqs").create_queue(QueueName="wake")["QueueUrl"]
    got: dict[str, Any] = {}

    def receive() -> None:
        got.update(group.client("sqs").receive_message(QueueUrl=url, WaitTimeSeconds=15))

    waiter = threading.Thread(target=receive)
    waiter.start()
    time.sleep(0.5)
    for i in range(4):  # new connections: some to the other worker
        group.client("sqs").send_message(QueueUrl=url, MessageBody=f"hello {i}")
    waiter.join(20)
    assert got["Messages"][0]["Body"].startswith("hello")


def test_snapshot_restore_and_reset_hold_whichever_worker_answers(group: ServerProcess) -> None:
    ddb = group.client("dynamodb")
    ddb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="t", Item={"pk": {"S": "a"}, "gen": {"S": "before"}})
    status, _ = group.admin("POST", "/_awsmock/snapshots", json.dumps({"name": "s1"}).encode())
    assert status == 201
    for i in range(5):
        group.client("dynamodb").put_item(TableName="t", Item={"pk": {"S": "a"}, "gen": {"S": f"after{i}"}})
    group.client("s3").create_bucket(Bucket="after-snapshot")
    assert group.admin("POST", "/_awsmock/snapshots/s1/restore")[0] == 200
    for _ in range(8):  # new connections: both workers answer
        item = group.client("dynamodb").get_item(TableName="t", Key={"pk": {"S": "a"}})["Item"]
        assert item["gen"]["S"] == "before"
        assert group.client("s3").list_buckets()["Buckets"] == []
    assert group.admin("POST", "/_awsmock/reset")[0] == 200
    for _ in range(8):
        assert group.client("dynamodb").list_tables()["TableNames"] == []


# -- what one process remembers, changed by another ------------------------------------------------


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServerProcess]]:
    """Two one-worker servers on one data dir: requests go to the process the test picks."""
    shared = tmp_path_factory.mktemp("two") / "shared"
    servers = [
        ServerProcess(shared, "--workers", "1").start(),
        ServerProcess(shared, "--workers", "1").start(),
    ]
    try:
        yield servers
    finally:
        for srv in servers:
            srv.stop()


def test_a_learned_default_wait_yields_to_another_process_setting_one(two: list[ServerProcess]) -> None:
    """Server A learns that the queue's receives do not wait (and so runs the next one on its
    event loop); server B sets ReceiveMessageWaitTimeSeconds; A's next receive naming no wait
    time waits, as AWS's does, and gets the message B sends meanwhile."""
    a, b = two
    url = a.client("sqs").create_queue(QueueName="learned")["QueueUrl"]
    sqs_a = a.client("sqs")
    assert "Messages" not in sqs_a.receive_message(QueueUrl=url)
    assert "Messages" not in sqs_a.receive_message(QueueUrl=url)  # (now a quick request in A)
    b.client("sqs").set_queue_attributes(QueueUrl=url, Attributes={"ReceiveMessageWaitTimeSeconds": "10"})
    got: dict[str, Any] = {}
    waiter = threading.Thread(target=lambda: got.update(sqs_a.receive_message(QueueUrl=url)))
    waiter.start()
    time.sleep(0.5)
    b.client("sqs").send_message(QueueUrl=url, MessageBody="worth the wait")
    waiter.join(15)
    assert [m["Body"] for m in got.get("Messages", [])] == ["worth the wait"]


def test_a_remembered_small_answer_yields_to_a_large_body_written_elsewhere(two: list[ServerProcess]) -> None:
    a, b = two
    s3a = a.client("s3")
    s3a.create_bucket(Bucket="small-then-big")
    s3a.put_object(Bucket="small-then-big", Key="k", Body=b"small")
    assert s3a.get_object(Bucket="small-then-big", Key="k")["Body"].read() == b"small"
    # (now remembered small in A)
    assert s3a.get_object(Bucket="small-then-big", Key="k")["Body"].read() == b"small"
    big = os.urandom(3 * 1024 * 1024 + 17)
    b.client("s3").put_object(Bucket="small-then-big", Key="k", Body=big)
    assert s3a.get_object(Bucket="small-then-big", Key="k")["Body"].read() == big


def test_memo_sections_see_what_another_process_changed(two: list[ServerProcess]) -> None:
    """Buckets and DynamoDB tables (the memo sections' contents) deleted and made again by B are
    seen at once by A; a store other processes share keeps no memo at all."""
    a, b = two
    ddb_a, ddb_b = a.client("dynamodb"), b.client("dynamodb")

    def table(key: str) -> None:
        ddb_b.create_table(
            TableName="m",
            KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )

    table("pk")
    ddb_a.put_item(TableName="m", Item={"pk": {"S": "1"}})
    ddb_b.delete_table(TableName="m")
    table("other")
    ddb_a.put_item(TableName="m", Item={"other": {"S": "2"}})  # A knows the new key schema
    assert ddb_b.get_item(TableName="m", Key={"other": {"S": "2"}})["Item"] == {"other": {"S": "2"}}
    s3a, s3b = a.client("s3"), b.client("s3")
    s3a.create_bucket(Bucket="memo")
    s3a.put_object(Bucket="memo", Key="k", Body=b"1")
    s3b.delete_object(Bucket="memo", Key="k")
    s3b.delete_bucket(Bucket="memo")
    with pytest.raises(Exception) as err:
        s3a.put_object(Bucket="memo", Key="k", Body=b"2")
    assert "NoSuchBucket" in str(err.value)
    shared = Store(Config(data_dir=a.data_dir).url)
    try:
        assert shared.memos is None and shared.memo("dynamodb.tables") is None
    finally:
        shared.dispose()


LOCK_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()  # until the test says so (or closes the pipe)
conn.execute("COMMIT")
"""


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    srv = ServerProcess(tmp_path_factory.mktemp("single") / "data", "--workers", "1").start()
    try:
        yield srv
    finally:
        srv.stop()


def test_health_and_reads_answer_while_another_process_holds_the_write_lock(single: ServerProcess) -> None:
    """A second process holds SQLite's write lock: health answers, a read answers, a write waits
    (off the event loop) and succeeds once the lock is released."""
    srv = single
    holder = None
    try:
        ddb = srv.client("dynamodb")
        ddb.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        ddb.put_item(TableName="t", Item={"pk": {"S": "old"}})
        holder = subprocess.Popen(
            [sys.executable, "-c", LOCK_HOLDER, str(srv.data_dir / "awsmock.db")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        put: dict[str, Any] = {}

        def write() -> None:
            put.update(srv.client("dynamodb").put_item(TableName="t", Item={"pk": {"S": "new"}}))

        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(0.3)  # the write is waiting for the lock
        assert health(srv.url)["status"] == "ok"
        assert ddb.get_item(TableName="t", Key={"pk": {"S": "old"}})["Item"] == {"pk": {"S": "old"}}
        assert writer.is_alive() and not put  # still waiting, not failed
        assert holder.stdin is not None
        holder.stdin.write("go\n")
        holder.stdin.flush()
        writer.join(30)
        assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert ddb.get_item(TableName="t", Key={"pk": {"S": "new"}})["Item"] == {"pk": {"S": "new"}}
    finally:
        if holder is not None:
            holder.kill()
            holder.wait()


def test_quick_writes_queue_behind_the_lock_without_failing(single: ServerProcess) -> None:
    """Many quick writes (JSON protocol) arriving while another process holds the write lock all
    succeed once it is released; none answers an error."""
    srv = single
    holder = None
    try:
        url = srv.client("sqs").create_queue(QueueName=f"q{uuid.uuid4().hex[:6]}")["QueueUrl"]
        holder = subprocess.Popen(
            [sys.executable, "-c", LOCK_HOLDER, str(srv.data_dir / "awsmock.db")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        results: list[Any] = []

        def send(i: int) -> None:
            try:
                results.append(srv.client("sqs").send_message(QueueUrl=url, MessageBody=str(i)))
            except Exception as exc:  # pragma: no cover - the failure shown
                results.append(exc)

        senders = [threading.Thread(target=send, args=(i,)) for i in range(12)]
        for t in senders:
            t.start()
        time.sleep(0.5)
        assert health(srv.url)["status"] == "ok"
        assert holder.stdin is not None
        holder.stdin.write("go\n")
        holder.stdin.flush()
        for t in senders:
            t.join(40)
        assert all(isinstance(r, dict) for r in results) and len(results) == 12, results
        attrs = srv.client("sqs").get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
        )
        assert attrs["Attributes"]["ApproximateNumberOfMessages"] == "12"
    finally:
        if holder is not None:
            holder.kill()
            holder.wait()


KILLED_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("CREATE TABLE never_committed (x INTEGER)")
print("locked", flush=True)
sys.stdin.readline()  # killed -9 before this returns
"""


def test_a_writer_killed_holding_the_write_lock_does_not_wedge_the_others(single: ServerProcess) -> None:
    """Another process dies by SIGKILL in the middle of a write transaction: the server's write
    that was waiting for the lock goes through at once (the kernel drops a dead process's locks),
    and the dead writer's uncommitted change is gone."""
    srv = single
    url = srv.client("sqs").create_queue(QueueName=f"k{uuid.uuid4().hex[:6]}")["QueueUrl"]
    db = srv.data_dir / "awsmock.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", KILLED_HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        sent: list[Any] = []
        sender = threading.Thread(
            target=lambda: sent.append(srv.client("sqs").send_message(QueueUrl=url, MessageBody="after"))
        )
        sender.start()
        time.sleep(0.3)
        assert sender.is_alive() and not sent  # waiting for the lock the holder keeps
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        killed_at = time.monotonic()
        sender.join(10)
        assert sent and sent[0]["ResponseMetadata"]["HTTPStatusCode"] == 200
        assert time.monotonic() - killed_at < 5  # not after a busy timeout (30 s)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    got = srv.client("sqs").receive_message(QueueUrl=url, WaitTimeSeconds=0)["Messages"]
    assert [m["Body"] for m in got] == ["after"]
    reader = sqlite3.connect(db)
    try:
        names = {r[0] for r in reader.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        reader.close()
    assert "never_committed" not in names and "alembic_version" in names


class _Committed:
    """A stand-in for a request context whose transaction has committed."""

    def after_commit(self, fn: Any) -> None:
        fn()


def test_a_write_in_one_process_wakes_a_waiter_of_another_on_the_same_file(tmp_path: Path) -> None:
    """Two stores on one SQLite file (as two processes have): a topic announced by one wakes a
    waiter of the other, which no local notification reaches; a socket left behind by a killed
    process is cleared away."""
    url = Config(data_dir=tmp_path).url
    waiter, writer = Store(url), Store(url)
    try:
        seen = waiter.notifier.version("sqs:1")
        assert getattr(waiter.notifier, "listening", False)
        stale = Path(waiter.notifier._dir) / "1-deadbeef.sock"  # type: ignore[attr-defined]
        import socket as _socket

        with _socket.socket(_socket.AF_UNIX, _socket.SOCK_DGRAM) as gone:
            gone.bind(str(stale))  # bound, then closed: as a killed process leaves it
        woken: list[bool] = []
        thread = threading.Thread(target=lambda: woken.append(waiter.notifier.wait("sqs:1", seen, 30)))
        thread.start()
        writer.notifier.publish(_Committed(), "sqs:1")
        thread.join(30)
        assert woken == [True]
        assert not stale.exists()
    finally:
        waiter.dispose()
        writer.dispose()
