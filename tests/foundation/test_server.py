"""A real `awsmock server` process: persistence, sharing, snapshots, CLI beside it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import ServerProcess

pytestmark = pytest.mark.server


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "awsmock", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=120)


def bucket_names(srv: ServerProcess) -> list[str]:
    return sorted(b["Name"] for b in srv.client("s3").list_buckets()["Buckets"])


@pytest.mark.parametrize("sig", ["TERM", "KILL"])
def test_restart_keeps_state(data_dir: Path, sig: str) -> None:
    srv = ServerProcess(data_dir).start()
    try:
        srv.client("s3").create_bucket(Bucket="durable")
        srv.client("sqs").create_queue(QueueName="durable-q")
    finally:
        code = srv.stop(sig)
    if sig == "TERM":
        assert code == 0
        assert "awsmock stopped" in "".join(srv.output)
    srv = ServerProcess(data_dir).start()
    try:
        assert bucket_names(srv) == ["durable"]
        assert srv.client("sqs").list_queues()["QueueUrls"][0].endswith("/durable-q")
    finally:
        srv.stop()


def test_server_prints_where_it_listens_and_its_database(data_dir: Path) -> None:
    srv = ServerProcess(data_dir).start()
    try:
        text = "".join(srv.output)
        assert f"http://127.0.0.1:{srv.port}" in text
        assert str(data_dir) in text
        status, body = srv.admin("GET", "/_awsmock/health")
        assert status == 200 and json.loads(body)["status"] == "ok"
    finally:
        srv.stop()


def test_server_answers_within_a_second_of_start(data_dir: Path) -> None:
    start = time.monotonic()
    srv = ServerProcess(data_dir).start()
    try:
        status, _ = srv.admin("GET", "/_awsmock/health")
        assert status == 200
        # generous bound: a loaded CI machine; the figure is recorded in docs/benchmarks.md
        assert time.monotonic() - start < 10
    finally:
        srv.stop()


def test_non_loopback_bind_warns(data_dir: Path) -> None:
    srv = ServerProcess(data_dir, "-H", "0.0.0.0").start()
    try:
        time.sleep(0.2)
    finally:
        srv.stop()
    assert "WARNING" in "".join(srv.output)


def test_two_servers_on_one_dir_see_each_others_writes(data_dir: Path) -> None:
    a = ServerProcess(data_dir).start()
    b = ServerProcess(data_dir).start()
    try:
        a.client("s3").create_bucket(Bucket="from-a")
        assert bucket_names(b) == ["from-a"]
        b.client("s3").create_bucket(Bucket="from-b")
        assert bucket_names(a) == ["from-a", "from-b"]
        # the CLI acts on the same state while both run
        out = cli(data_dir, "reset", "--service", "s3")
        assert out.returncode == 0, out.stderr
        assert bucket_names(a) == [] and bucket_names(b) == []
    finally:
        a.stop()
        b.stop()


def test_snapshot_change_restore_export_import_elsewhere(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    srv = ServerProcess(first).start()
    try:
        srv.client("s3").create_bucket(Bucket="snap-me")
        status, _ = srv.admin("POST", "/_awsmock/snapshots", json.dumps({"name": "base"}).encode(),
                              {"Content-Type": "application/json"})
        assert status == 201
        srv.client("s3").create_bucket(Bucket="later")
        assert srv.admin("POST", "/_awsmock/snapshots/base/restore")[0] == 200
        assert bucket_names(srv) == ["snap-me"]
        status, exported = srv.admin("GET", "/_awsmock/snapshots/base/export")
        assert status == 200
    finally:
        srv.stop()
    export_file = tmp_path / "base.awsmock"
    export_file.write_bytes(exported)
    out = cli(second, "snapshot", "import", "imported", str(export_file))
    assert out.returncode == 0, out.stderr
    other = ServerProcess(second).start()
    try:
        other.client("s3").create_bucket(Bucket="only-here")
        out = cli(second, "snapshot", "restore", "imported")
        assert out.returncode == 0, out.stderr
        assert bucket_names(other) == ["snap-me"]
        listed = cli(second, "snapshot", "list")
        assert listed.stdout.startswith("imported\t")
    finally:
        other.stop()


def test_reset_all_and_per_service_on_a_server(server: ServerProcess) -> None:
    server.admin("POST", "/_awsmock/reset")
    server.client("s3").create_bucket(Bucket="reset-one")
    server.client("sqs").create_queue(QueueName="reset-one")
    status, body = server.admin("POST", "/_awsmock/reset?service=sqs")
    assert status == 200 and json.loads(body) == {"reset": ["sqs"]}
    assert bucket_names(server) == ["reset-one"]
    assert server.client("sqs").list_queues().get("QueueUrls", []) == []
    assert server.admin("POST", "/_awsmock/reset")[0] == 200
    assert bucket_names(server) == []


def test_bad_names_and_garbage_imports_change_nothing(server: ServerProcess, tmp_path: Path) -> None:
    server.admin("POST", "/_awsmock/reset")
    before = json.loads(server.admin("GET", "/_awsmock/snapshots")[1])
    for name in ["../x", ".dot", "", "a" * 65]:
        status, _ = server.admin("POST", "/_awsmock/snapshots", json.dumps({"name": name}).encode())
        assert status == 400
    status, _ = server.admin("PUT", "/_awsmock/snapshots/garbage", b"not a snapshot at all")
    assert status == 400
    assert json.loads(server.admin("GET", "/_awsmock/snapshots")[1]) == before
    junk = tmp_path / "junk.awsmock"
    junk.write_bytes(b"SQLite format 3\x00" + b"\x07" * 2000)
    out = cli(Path(server.data_dir), "snapshot", "import", "junk", str(junk))
    assert out.returncode != 0 and "snapshot" in out.stderr
    out = cli(Path(server.data_dir), "snapshot", "save", "../../evil")
    assert out.returncode != 0
    assert not (Path(server.data_dir).parent / "evil.awsmock").exists()


def test_a_server_on_several_addresses_answers_on_each_with_its_fixes(tmp_path: Path) -> None:
    """A host name with several addresses (``localhost`` as ``::1`` and ``127.0.0.1`` on many
    machines) gives waitress a server per address: each must get awsmock's channel (HTTP/2
    detection, parking, 100-continue), and the server its port for the ready line."""
    import socket
    import threading
    import urllib.request

    from awsmock import server as single
    from awsmock.engine.config import Config

    sockets = []
    for _ in range(2):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        sockets.append(s)
    config = Config(data_dir=tmp_path, threads=2)
    store = single.open_state(config)
    srv = single.build_server(config, store, quiet=True, sockets=sockets)
    found = single.listeners(srv)
    assert len(found) == 2
    assert all(getattr(listener.channel_class, "first_bytes", False) for listener in found)
    assert srv.effective_port == found[0].effective_port
    loop = threading.Thread(target=srv.run, daemon=True)
    loop.start()
    try:
        for s in sockets:
            port = s.getsockname()[1]
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_awsmock/health", timeout=30) as resp:
                assert json.load(resp)["status"] == "ok"
    finally:
        srv.close()
        store.dispose()
