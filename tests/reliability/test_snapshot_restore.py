"""A restore never leaves a state that fails reads (issue #22, item 11): a bad snapshot file is
refused with the previous state intact and S3, SQS, DynamoDB and IAM answering; what validation
might miss is caught inside the restore's one transaction, which is then rolled back; and a
large import streams to disk instead of into the server's memory."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import falcon.testing
import pytest

from awsmock.api.app import AwsmockApp, create_app
from awsmock.engine.config import Config
from awsmock.state import snapshots
from awsmock.state.snapshots import InvalidSnapshot, Snapshots
from awsmock.state.store import Store, head_revision
from tests.foundation.snapshot_files import BAD_FILES, assert_answering, bad_copy, fill
from tests.helpers import ServerProcess


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A snapshot holding the "other" state (a restore of it would replace "kept")."""
    where = tmp_path_factory.mktemp("restore-good")
    store = Store(f"sqlite:///{where / 'data' / 'awsmock.db'}")
    store.migrate()
    try:
        fill(create_app(Config(database_url=store.url), store), "other")
        Snapshots(store).save("good")
    finally:
        store.dispose()
    return where / "data" / "snapshots" / "good.awsmock"


@pytest.fixture
def live(tmp_path: Path) -> Iterator[AwsmockApp]:
    """A file-backed state holding "kept"."""
    store = Store(f"sqlite:///{tmp_path / 'data' / 'awsmock.db'}")
    store.migrate()
    app = create_app(Config(database_url=store.url), store)
    fill(app)
    yield app
    store.dispose()


RESTORED_BAD = [
    "utf-16 text",
    "rows whose parent is gone",
    "head schema labelled 0001_initial",
    "a timestamp that is not one",
    "JSON that is not JSON",
    "text in an integer column",
    "bytes in a text column",
    "text that is not UTF-8",
]


@pytest.mark.parametrize("bad", RESTORED_BAD)
def test_restoring_a_bad_file_changes_nothing(good: Path, live: AwsmockApp, bad: str) -> None:
    """A bad file in the snapshot dir (put there by hand, or imported by an awsmock that did not
    validate imports) is refused on restore: 400, and the state is the one before."""
    snapdir = Path(live.store.snapshot_dir)
    snapdir.mkdir(parents=True, exist_ok=True)
    bad_copy(good, snapdir / "planted.awsmock", bad)
    admin = falcon.testing.TestClient(live)
    resp = admin.simulate_post("/_awsmock/snapshots/planted/restore")
    assert resp.status_code == 400, (bad, resp.status_code, resp.text[:300])
    assert BAD_FILES[bad][1] in resp.json["title"]
    assert_answering(live)


@pytest.fixture
def unvalidated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Validation that misses everything past the meta table: what the restore's own
    transaction must catch."""
    monkeypatch.setattr(snapshots, "validate_file", lambda path: head_revision())


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ("a timestamp that is not one", "s3_bucket.created holds a value that is not a timestamp"),
        ("a boolean that is 7", "s3_object.is_latest"),
        ("a name longer than its column", "s3_bucket.account_id"),
        ("JSON nested past any reader", "sqs_queue.attributes"),
        ("rows whose parent is gone", "FOREIGN KEY constraint failed"),
    ],
)
def test_a_restore_that_cannot_be_read_back_is_rolled_back(
    good: Path, live: AwsmockApp, tmp_path: Path, unvalidated: None, bad: str, words: str
) -> None:
    path = bad_copy(good, tmp_path / "bad.awsmock", bad)
    with pytest.raises(InvalidSnapshot, match=re.escape(words)):
        snapshots.restore_file(live.store, path)
    assert_answering(live)  # the refill was rolled back: "kept", and nothing of "other"


def test_a_good_restore_after_a_refused_one(good: Path, live: AwsmockApp, tmp_path: Path) -> None:
    with pytest.raises(InvalidSnapshot):
        snapshots.restore_file(live.store, bad_copy(good, tmp_path / "bad.awsmock", "a boolean that is 7"))
    snapshots.restore_file(live.store, good)
    assert_answering(live, "other")


@pytest.mark.postgres
def test_a_bad_restore_is_rolled_back_on_postgresql(
    good: Path, tmp_path: Path, new_pg_url: Callable[[], str], unvalidated: None
) -> None:
    """PostgreSQL refills through SQLAlchemy's types: a value they cannot read, or a row its
    constraints refuse, ends the one transaction, and the state is the one before."""
    store = Store(new_pg_url())
    store.migrate()
    try:
        app = create_app(Config(database_url=store.url), store)
        fill(app)
        for bad in (
            "a timestamp that is not one",
            "rows whose parent is gone",
            "a name longer than its column",
        ):
            with pytest.raises(InvalidSnapshot, match="cannot be restored"):
                snapshots.restore_file(store, bad_copy(good, tmp_path / f"{bad}.awsmock", bad))
            assert_answering(app)
    finally:
        store.dispose()


def _big_snapshot(good: Path, dest: Path, megabytes: int) -> Path:
    """A valid snapshot grown by ``megabytes`` MiB of stored chunks no object uses yet."""
    shutil.copyfile(good, dest)
    conn = sqlite3.connect(dest)
    try:
        chunk = os.urandom(1024 * 1024)
        conn.executemany(
            "INSERT INTO s3_chunk (data) VALUES (?)", ((chunk[i:] + chunk[:i],) for i in range(megabytes))
        )
        conn.commit()
    finally:
        conn.close()
    return dest


def _memory_mib(pid: int) -> dict[str, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    return {key: int(re.search(rf"{key}:\s+(\d+)", status).group(1)) // 1024 for key in ("VmRSS", "VmHWM")}  # type: ignore[union-attr]


@pytest.mark.server
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the server's memory from /proc")
def test_a_large_import_streams_to_disk(good: Path, tmp_path: Path) -> None:
    """A 64 MiB import raises the server's peak memory by far less than its size (it read the
    whole body before: 300 MB took 300 MB), and an invalid one leaves no file behind."""
    big = _big_snapshot(good, tmp_path / "big.awsmock", 64)
    # one process, whose memory is measured
    server = ServerProcess(tmp_path / "server", "--workers", "1").start()
    try:
        assert server.proc is not None
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        conn.request("GET", "/_awsmock/snapshots")
        conn.getresponse().read()
        before = _memory_mib(server.proc.pid)
        with open(big, "rb") as body:
            conn.request(
                "PUT",
                "/_awsmock/snapshots/big",
                body=body,
                headers={"Content-Length": str(big.stat().st_size)},
            )
            resp = conn.getresponse()
            answer: Any = resp.read()
        assert resp.status == 201, answer[:300]
        after = _memory_mib(server.proc.pid)
        assert after["VmHWM"] - before["VmHWM"] < 32, (before, after)
        bad = bad_copy(big, tmp_path / "bad.awsmock", "text in a blob column")
        with open(bad, "rb") as body:
            conn.request(
                "PUT",
                "/_awsmock/snapshots/bad",
                body=body,
                headers={"Content-Length": str(bad.stat().st_size)},
            )
            resp = conn.getresponse()
            answer = resp.read()
        assert resp.status == 400, answer[:300]
        assert sorted(p.name for p in (tmp_path / "server" / "snapshots").iterdir()) == ["big.awsmock"]
    finally:
        server.stop()
