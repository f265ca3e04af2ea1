"""Shared fixtures.

* ``store`` / ``app``: a private in-memory state and the WSGI app serving it.
* ``server``: one real ``awsmock server`` subprocess per test session (per xdist worker),
  with a temp data dir; its state is reset before each test that uses ``aws_client``.
* ``aws_client``: a factory ``aws_client("sqs")`` of boto3 clients. A service's behaviour runs
  in-process (the same dispatcher and store as the server). A test that needs the wire or the
  PostgreSQL store says so, ``@pytest.mark.modes("server", "postgres")``, and runs in those
  modes too: ``server`` (a real ``awsmock server`` subprocess) and ``postgres`` (in-process on a
  PostgreSQL store); each such run carries the ``server`` or ``postgres`` marker, so
  ``-m server`` / ``-m postgres`` select exactly what needs them (see docs/test-budget.md);
  ``AWSMOCK_TEST_MODES=all`` runs every such test in every mode (the whole matrix).
  ``postgres`` runs when ``AWSMOCK_TEST_DATABASE_URL`` is set or a local PostgreSQL answers on
  127.0.0.1:5432 (database ``test``), and skips with a message otherwise.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from awsmock.api.app import AwsmockApp, create_app
from awsmock.auth import set_initial_no_auth_action_count
from awsmock.engine.config import Config
from awsmock.state.store import Store
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


@pytest.fixture
def clients(store: Store, app: AwsmockApp) -> Callable[..., Any]:
    """``clients(service, key=None)`` for access-control tests: clients of the root account, or
    of a user's access key; the setup runs unauthenticated, and ``clients.on()`` turns
    authentication and authorization on for every later request."""
    make = inprocess_client_factory(app)
    set_initial_no_auth_action_count(store, 10_000)

    def client(service: str, key: dict[str, str] | None = None) -> Any:
        if key is None:
            return make(service)
        return make(
            service, aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
        )

    client.on = lambda: set_initial_no_auth_action_count(store, 0)  # type: ignore[attr-defined]
    return client


def _pg_admin_url() -> str:
    return os.environ.get("AWSMOCK_TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A private PostgreSQL database for this test session (per xdist worker), dropped after."""
    try:
        import psycopg  # noqa: F401
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
    except ImportError:
        pytest.skip("psycopg is not installed: PostgreSQL runs skipped")
    admin_url = make_url(_pg_admin_url())
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = f"awsmock_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as exc:
        engine.dispose()
        pytest.skip(
            f"PostgreSQL not reachable at {admin_url.render_as_string(hide_password=True)}: "
            f"{type(exc).__name__}; set AWSMOCK_TEST_DATABASE_URL to run the PostgreSQL suite"
        )
    yield admin_url.set(database=name).render_as_string(hide_password=False)
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()


@pytest.fixture
def new_pg_url(pg_url: str) -> Iterator[Callable[[], str]]:
    """``new_pg_url()`` -> the URL of a new, empty database (dropped after the test)."""
    admin = create_engine(make_url(pg_url), isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make() -> str:
        name = f"{make_url(pg_url).database}_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        made.append(name)
        return make_url(pg_url).set(database=name).render_as_string(hide_password=False)

    yield make
    with admin.connect() as conn:
        for name in made:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def blank_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database: a SQLite file, then a PostgreSQL database of the test's own."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'awsmock.db'}"
    url: str = request.getfixturevalue("new_pg_url")()
    return url


@pytest.fixture(scope="session")
def pg_store(pg_url: str) -> Iterator[Store]:
    s = Store(pg_url)
    s.migrate()
    yield s
    s.dispose()


MODES = ("inprocess", "server", "postgres")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``aws_client`` runs in-process, and in the modes a ``modes`` marker names."""
    if "aws_client" not in metafunc.fixturenames:
        return
    wanted = ["inprocess"]
    every = os.environ.get("AWSMOCK_TEST_MODES", "")  # "all": the whole matrix, every test in every mode
    if every:
        wanted = list(MODES) if every == "all" else [m.strip() for m in every.split(",") if m.strip()]
    for mark in metafunc.definition.iter_markers("modes"):
        for mode in mark.args:
            if mode not in MODES:
                raise pytest.UsageError(f"unknown mode {mode!r} (modes: {', '.join(MODES)})")
            if mode not in wanted:
                wanted.append(mode)
    params = [
        pytest.param(m, id=m, marks=() if m == "inprocess" else getattr(pytest.mark, m)) for m in wanted
    ]
    metafunc.parametrize("aws_client", params, indirect=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on a PostgreSQL store or a server process are marked so, whatever asked for them."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & {"pg_url", "pg_store"}:
            item.add_marker(pytest.mark.postgres)
        if "server" in names:
            item.add_marker(pytest.mark.server)


@pytest.fixture
def aws_client(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """``aws_client(service, region=…)`` -> a boto3 client, in this run's mode."""
    if request.param == "inprocess":
        return inprocess_client_factory(request.getfixturevalue("app"))
    if request.param == "postgres":
        pg: Store = request.getfixturevalue("pg_store")
        pg.reset(None)
        return inprocess_client_factory(create_app(Config(database_url=pg.url), pg))
    srv: ServerProcess = request.getfixturevalue("server")
    status, body = srv.admin("POST", "/_awsmock/reset")
    assert status == 200, body
    return srv.client


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d
