"""awsmock's pytest plugin (entry point ``pytest11``, loaded when awsmock is installed).

Fixtures:

``aws_credentials``
    Fake AWS credentials and region in the environment for the test (``testing`` /
    ``us-east-1``), restored after it. No mock is started.

``aws``
    An active ``mock_aws()`` for the test, yielding the mock object (``aws.client("s3")``,
    ``aws.store``, ``aws.reset()``…). Each test gets a fresh private state. The
    ``@pytest.mark.awsmock(...)`` marker passes arguments: ``services=["s3"]`` (a service mock),
    ``data_dir=…`` / ``database_url=…`` (attach to a shared state), ``snapshot=…`` (start from one).

``awsmock_worker``
    The pytest-xdist worker id (``gw0``, ``gw1``…), or ``main`` without xdist.

``awsmock_account_id``
    A 12-digit AWS account id of this worker: ``123456789012`` (awsmock's default) without
    xdist, ``1000000000NN`` on worker ``gwNN``.

``aws_worker_credentials``
    Like ``aws_credentials``, but the access key id is ``awsmock_account_id``. awsmock derives the
    account from a 12-digit access key id, so when the tests of several xdist workers share one
    state (one ``awsmock server``, or ``mock_aws(data_dir=…)``), each worker works in its own
    account and cannot see or delete the others' queues, tables, roles….

``awsmock_prefix``
    ``"<worker>-"``: prefix names that are global across accounts (S3 bucket names) with it.

``awsmock_server``
    An ``awsmock.ThreadedServer`` for the whole session (a private in-memory state, on a free
    port), for clients that in-process patching cannot reach (aiobotocore, s3fs, subprocesses).
    Its state is shared by the tests that use it: use ``awsmock_endpoint`` for a fresh one.

``awsmock_endpoint``
    The session's ``awsmock_server``, emptied for this test, with ``AWS_ENDPOINT_URL`` set to it
    and fake credentials and region in the environment (restored after the test): SDKs that
    read ``AWS_ENDPOINT_URL`` (boto3, aiobotocore, the AWS CLI v2) reach it with no other setup.

Sharing one server between xdist workers::

    @pytest.fixture
    def s3(aws_worker_credentials, awsmock_prefix):
        client = boto3.client("s3", endpoint_url="http://127.0.0.1:4566")
        client.create_bucket(Bucket=awsmock_prefix + "data")
        return client
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
DEFAULT_ACCOUNT = "123456789012"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "awsmock(services=None, data_dir=None, database_url=None, snapshot=None): "
        "arguments of the mock the `aws` fixture starts",
    )


def worker_id(config: Any) -> str:
    """The xdist worker id, or ``main``."""
    return (
        os.environ.get("PYTEST_XDIST_WORKER") or getattr(config, "workerinput", {}).get("workerid") or "main"
    )


def account_for_worker(worker: str) -> str:
    """A distinct 12-digit account id per xdist worker (``gw3`` -> ``100000000003``)."""
    if worker.startswith("gw") and worker[2:].isdigit():
        return f"{100000000000 + int(worker[2:]):012d}"
    return DEFAULT_ACCOUNT


def _fake_env(monkeypatch: pytest.MonkeyPatch, **overrides: str) -> None:
    for key, value in {**FAKE_ENV, **overrides}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_PROFILE", raising=False)


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake AWS credentials and region in the environment for this test."""
    _fake_env(monkeypatch)


@pytest.fixture(scope="session")
def awsmock_worker(request: pytest.FixtureRequest) -> str:
    return worker_id(request.config)


@pytest.fixture(scope="session")
def awsmock_account_id(awsmock_worker: str) -> str:
    return account_for_worker(awsmock_worker)


@pytest.fixture(scope="session")
def awsmock_prefix(awsmock_worker: str) -> str:
    return f"{awsmock_worker}-"


@pytest.fixture
def aws_worker_credentials(monkeypatch: pytest.MonkeyPatch, awsmock_account_id: str) -> str:
    """Fake credentials whose access key id is this worker's account id; returns the account id."""
    _fake_env(monkeypatch, AWS_ACCESS_KEY_ID=awsmock_account_id)
    return awsmock_account_id


@pytest.fixture
def aws(request: pytest.FixtureRequest) -> Iterator[Any]:
    """An active ``mock_aws`` (or service mock, per the ``awsmock`` marker) for this test."""
    from awsmock.engine.catalog import botocore_names
    from awsmock.mocking import MockAWS

    marker = request.node.get_closest_marker("awsmock")
    kwargs: dict[str, Any] = dict(marker.kwargs) if marker else {}
    services = kwargs.pop("services", None)
    if isinstance(services, str):
        services = [services]
    mock = MockAWS(
        sorted(botocore_names(list(services))) if services else None,
        name="mock_" + "+".join(services) if services else "mock_aws",
        **kwargs,
    )
    with mock:
        yield mock


@pytest.fixture(scope="session")
def awsmock_server() -> Iterator[Any]:
    """An ``awsmock.ThreadedServer`` for the session (see the module's doc)."""
    from awsmock.threaded import ThreadedServer

    with ThreadedServer() as server:
        yield server


@pytest.fixture
def awsmock_endpoint(awsmock_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The session's server, with a fresh state and ``AWS_ENDPOINT_URL`` set for this test."""
    awsmock_server.reset()
    _fake_env(monkeypatch)
    monkeypatch.setenv("AWS_ENDPOINT_URL", awsmock_server.url)
    return awsmock_server
