"""mock_aws(data_dir=…) attached to the state a real `awsmock server` subprocess serves."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import awsmock
from awsmock import mock_aws
from tests.helpers import ServerProcess
from tests.test_mocking import markers, put_marker

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("shared-data")


@pytest.fixture(scope="module")
def shared_server(shared_dir: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(shared_dir).start()
    yield proc
    proc.stop()


def test_snapshots_are_shared_with_the_server(shared_server: ServerProcess, shared_dir: Path) -> None:
    status, body = shared_server.admin(
        "POST",
        "/_awsmock/snapshots",
        json.dumps({"name": "from-server"}).encode(),
        {"Content-Type": "application/json"},
    )
    assert status == 201, body
    with mock_aws(data_dir=shared_dir, snapshot="from-server") as m:
        assert m.store.in_memory
    with mock_aws(data_dir=shared_dir) as m:
        assert m.store.path == (shared_dir / "awsmock.db").resolve()
        awsmock.snapshot("from-mock")
    status, body = shared_server.admin("GET", "/_awsmock/snapshots")
    assert status == 200
    names = {s["name"] for s in json.loads(body)["snapshots"]}
    assert {"from-server", "from-mock"} <= names


def test_server_clients_pass_through_while_mocked(shared_server: ServerProcess, shared_dir: Path) -> None:
    server_s3 = shared_server.client("s3")
    with mock_aws():  # a private state: the server's client still reaches the server
        put_marker("private-only")
        names = {b["Name"] for b in server_s3.list_buckets()["Buckets"]}
        assert "private-only" not in names
        server_s3.create_bucket(Bucket="on-the-server")
        assert "on-the-server" not in markers()


def test_writes_are_seen_both_ways(shared_server: ServerProcess, shared_dir: Path) -> None:
    server_s3 = shared_server.client("s3")
    with mock_aws(data_dir=shared_dir):
        put_marker("written-in-process")
        assert "written-in-process" in {b["Name"] for b in server_s3.list_buckets()["Buckets"]}
        server_s3.create_bucket(Bucket="written-by-server")
        assert {"written-in-process", "written-by-server"} <= markers()
    with mock_aws(data_dir=shared_dir):  # a later activation: the state persisted
        assert {"written-in-process", "written-by-server"} <= markers()
