"""A snapshot import is validated whole before it answers 201 (issue #22, item 11): a file that
is valid SQLite but wrong inside (its text encoding, its schema against its revision, references,
values in typed columns) is a 400 that says what is wrong and leaves nothing behind; every good
form of a snapshot (this awsmock's, an older revision's, a PostgreSQL state's export) still goes in."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import falcon.testing
import pytest

from awsmock import cli
from awsmock.api.app import create_app
from awsmock.engine.config import Config
from awsmock.state import snapshots
from awsmock.state.snapshots import InvalidSnapshot, Snapshots, validate_file
from awsmock.state.store import Store, head_revision
from tests.foundation.snapshot_files import BAD_FILES, assert_answering, bad_copy, fill
from tests.foundation.test_migrations import _made_at_the_initial_revision
from tests.helpers import inprocess_client_factory


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A snapshot of a state with a little of everything, saved by this awsmock."""
    where = tmp_path_factory.mktemp("good-snapshot")
    store = Store(f"sqlite:///{where / 'data' / 'awsmock.db'}")
    store.migrate()
    try:
        fill(create_app(Config(database_url=store.url), store))
        Snapshots(store).save("good")
    finally:
        store.dispose()
    return where / "data" / "snapshots" / "good.awsmock"


@pytest.fixture
def server_store(tmp_path: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path / 'data' / 'awsmock.db'}")
    store.migrate()
    yield store
    store.dispose()


@pytest.fixture
def admin(server_store: Store) -> falcon.testing.TestClient:
    return falcon.testing.TestClient(create_app(Config(database_url=server_store.url), server_store))


def names(admin: falcon.testing.TestClient) -> list[str]:
    return [s["name"] for s in admin.simulate_get("/_awsmock/snapshots").json["snapshots"]]


def test_a_good_snapshot_imports(good: Path, admin: falcon.testing.TestClient, server_store: Store) -> None:
    resp = admin.simulate_put("/_awsmock/snapshots/copy", body=good.read_bytes())
    assert resp.status_code == 201, resp.text
    assert resp.json["schema_revision"] == head_revision()
    assert admin.simulate_post("/_awsmock/snapshots/copy/restore").status_code == 200
    assert_answering(admin.app)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", sorted(BAD_FILES))
def test_a_file_wrong_inside_is_a_400_and_nothing_is_imported(
    good: Path, admin: falcon.testing.TestClient, server_store: Store, tmp_path: Path, bad: str
) -> None:
    body = bad_copy(good, tmp_path / "bad.awsmock", bad).read_bytes()
    resp = admin.simulate_put("/_awsmock/snapshots/bad", body=body)
    assert resp.status_code == 400, (bad, resp.status_code, resp.text[:300])
    assert BAD_FILES[bad][1] in resp.json["title"], resp.json
    assert names(admin) == []
    assert [p.name for p in Path(server_store.snapshot_dir).iterdir()] == []  # no upload left over


def test_a_file_wrong_inside_is_refused_by_every_door(
    good: Path, tmp_path: Path, server_store: Store
) -> None:
    """The CLI's import (exit 2, the reason on stderr) and a restore from a file path (as
    ``mock_aws(snapshot=FILE)`` does) refuse it too."""
    bad = bad_copy(good, tmp_path / "bad.awsmock", "rows whose parent is gone")
    data_dir = str(Path(server_store.url.removeprefix("sqlite:///")).parent)
    assert cli.main(["snapshot", "import", "bad", str(bad), "--data-dir", data_dir]) == 2
    assert Snapshots(server_store).list() == []
    with pytest.raises(InvalidSnapshot, match="references are gone"):
        snapshots.restore_file(server_store, bad)


def test_the_cli_says_why(good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = bad_copy(good, tmp_path / "bad.awsmock", "a timestamp that is not one")
    assert cli.main(["snapshot", "import", "bad", str(bad), "--data-dir", str(tmp_path / "data")]) == 2
    assert "s3_bucket.created holds a value that is not a timestamp" in capsys.readouterr().err
    assert cli.main(["snapshot", "import", "good", str(good), "--data-dir", str(tmp_path / "data")]) == 0
    assert "imported snapshot good" in capsys.readouterr().out


def test_a_damaged_or_cut_file_is_a_400(good: Path, admin: falcon.testing.TestClient) -> None:
    data = good.read_bytes()
    for body in (data[: len(data) // 2], data[:4096], b"SQLite format 3\x00" + b"\x00" * 200):
        resp = admin.simulate_put("/_awsmock/snapshots/cut", body=body)
        assert resp.status_code == 400, resp.text[:300]
    # a body shorter than its Content-Length (the client went away)
    resp = admin.simulate_put(
        "/_awsmock/snapshots/cut", body=data[:1000], headers={"Content-Length": str(len(data))}
    )
    assert resp.status_code == 400
    assert resp.json["title"] == f"the snapshot file ended after 1000 of its {len(data)} bytes"
    assert names(admin) == []


def test_the_upload_is_read_a_chunk_at_a_time(good: Path, tmp_path: Path, server_store: Store) -> None:
    """An upload is streamed to disk (never read whole): the reads ask for a chunk at most."""
    asked: list[int] = []
    data = good.read_bytes()

    class Upload:
        def __init__(self) -> None:
            self.at = 0

        def read(self, size: int = -1) -> bytes:
            asked.append(size)
            piece = data[self.at : self.at + size]
            self.at += len(piece)
            return piece

    monkey_chunk = 64 * 1024
    old = snapshots.UPLOAD_CHUNK
    snapshots.UPLOAD_CHUNK = monkey_chunk
    try:
        info = Snapshots(server_store).import_stream("streamed", Upload(), len(data))
    finally:
        snapshots.UPLOAD_CHUNK = old
    assert info.size_bytes == len(data)
    assert len(asked) > 1 and max(asked) <= monkey_chunk and sum(asked) >= len(data)


def test_an_older_revision_imports_and_is_migrated_on_restore(
    tmp_path: Path, admin: falcon.testing.TestClient
) -> None:
    """The schema of an older snapshot is compared with what its own revision's migrations
    build, not with head's."""
    old = tmp_path / "old.awsmock"
    _made_at_the_initial_revision(old)  # one bucket, as a build of that time left it
    conn = sqlite3.connect(old)
    try:
        snapshots._add_meta(conn)
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()
    resp = admin.simulate_put("/_awsmock/snapshots/old", body=old.read_bytes())
    assert resp.status_code == 201, resp.text
    assert resp.json["schema_revision"] == "0001_initial"
    assert admin.simulate_post("/_awsmock/snapshots/old/restore").status_code == 200
    s3 = inprocess_client_factory(admin.app)("s3")  # type: ignore[arg-type]
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["made-earlier"]


def test_a_postgresql_states_export_is_a_good_snapshot(good: Path, tmp_path: Path) -> None:
    """A PostgreSQL state's export writes its revision table in its own words: that is fine."""
    copy = tmp_path / "from-pg.awsmock"
    shutil.copyfile(good, copy)
    conn = sqlite3.connect(copy)
    try:
        heads = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
        conn.execute("DROP TABLE alembic_version")
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        conn.executemany("INSERT INTO alembic_version VALUES (?)", [(h,) for h in heads])
        conn.commit()
    finally:
        conn.close()
    assert validate_file(copy) == head_revision()


def test_validation_is_remembered_per_file_version(good: Path, tmp_path: Path) -> None:
    """A fixture snapshot restored for every test is read whole once; a changed file again."""
    copy = tmp_path / "again.awsmock"
    shutil.copyfile(good, copy)
    assert validate_file(copy) == head_revision()
    bad_copy(good, tmp_path / "bad.awsmock", "a boolean that is 7").replace(copy)
    with pytest.raises(InvalidSnapshot, match="is_latest"):
        validate_file(copy)
