"""Shared fixtures.

* ``store`` / ``app``: a private in-memory state and the WSGI app serving it.
* ``server``: one real ``awsmock server`` subprocess per test session (per xdist worker),
  with a temp data dir; its state is reset before each test that uses ``aws_client``.
* ``aws_client``: a factory ``aws_client("sqs")`` of boto3 clients, parametrized over both
  modes (``inprocess`` and ``server``), so one test covers both.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from awsmock.api.app import AwsmockApp, create_app
from awsmock.config import Config
from awsmock.store import Store
from tests.helpers import FAKE_ENV, ServerProcess, inprocess_client_factory

for _k, _v in FAKE_ENV.items():  # never reach real AWS with real credentials from a test
    os.environ[_k] = _v
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("AWS_ENDPOINT_URL", None)


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store("sqlite://")
    yield s
    s.dispose()


@pytest.fixture
def app(store: Store) -> AwsmockApp:
    return create_app(Config(in_memory=True), store)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("awsmock-server")).start()
    yield proc
    proc.stop()


@pytest.fixture
def inprocess_client(app: AwsmockApp) -> Callable[..., Any]:
    return inprocess_client_factory(app)


@pytest.fixture(params=["inprocess", "server"])
def aws_client(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """``aws_client(service, region=…)`` -> a boto3 client, for each mode in turn."""
    if request.param == "inprocess":
        return inprocess_client_factory(request.getfixturevalue("app"))
    srv: ServerProcess = request.getfixturevalue("server")
    status, body = srv.admin("POST", "/_awsmock/reset")
    assert status == 200, body
    return srv.client


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d
