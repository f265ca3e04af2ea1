"""In-process mocking: mock_aws / mock_<service> usage forms, interception, environment, state."""

from __future__ import annotations

import asyncio
import http.server
import json
import os
import shutil
import socket
import threading
import unittest
from collections.abc import Iterator

import boto3
import pytest
import requests
import urllib3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

import awsmock
from awsmock import mock_aws, mock_dynamodb2, mock_rds2, mock_s3, mock_sqs
from awsmock.engine import catalog
from awsmock.mocking import MockAWS, NotMockedError, active_mock

# Created at import time, long before any mock starts: must be intercepted all the same.
EARLY_S3 = boto3.client("s3", region_name="us-east-1")
EARLY_SQS = boto3.resource("sqs", region_name="us-east-1")


# -- observing the state like a user: S3 buckets --------------------------------------------


def put_marker(name: str) -> None:
    EARLY_S3.create_bucket(Bucket=name)


def markers() -> set[str]:
    return {b["Name"] for b in EARLY_S3.list_buckets()["Buckets"]}


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any DNS lookup or socket connection to a non-loopback address fails the test."""
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else str(address)
        if host not in ("127.0.0.1", "::1", "localhost") and not str(host).startswith("/"):
            raise AssertionError(f"a socket connection to {address!r} was attempted")
        real_connect(self, address)  # type: ignore[arg-type]

    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        if host not in (None, "127.0.0.1", "::1", "localhost"):
            raise AssertionError(f"a DNS lookup of {host!r} was attempted")
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_the_network_guard_catches_an_unmocked_call(no_network: None) -> None:
    with pytest.raises(Exception, match=r"DNS lookup of 's3\.amazonaws\.com' was attempted"):
        EARLY_S3.list_buckets()


def assert_awsmock_answered(exc: ClientError) -> None:
    """A ClientError that came from awsmock (501 NotImplemented) or from the mock filter."""
    code = exc.response["Error"]["Code"]
    assert code in ("NotImplemented", "NotMocked"), exc.response
    assert "awsmock" in exc.response["Error"]["Message"]


def call_or_awsmock_error(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    try:
        return fn(*args, **kwargs)
    except ClientError as exc:
        assert_awsmock_answered(exc)
        return exc


# -- exports ----------------------------------------------------------------------------------


def test_every_catalog_service_has_its_mock() -> None:
    for entry in catalog.SERVICES:
        mock = getattr(awsmock, f"mock_{entry.name}")
        assert callable(mock)
        m = mock()
        assert isinstance(m, MockAWS)
        assert m.services == frozenset(entry.botocore)
        assert f"mock_{entry.name}" in dir(awsmock)
    assert mock_dynamodb2().services == awsmock.mock_dynamodb().services
    assert mock_rds2().services == awsmock.mock_rds().services
    assert mock_aws().services is None
    with pytest.raises(AttributeError):
        awsmock.mock_nosuchservice  # noqa: B018


def _call_something(service: str) -> None:
    """Call an operation of ``service`` with the fewest required parameters (List/Describe/Get
    first), filling those with a dummy string."""
    config = BotoConfig(parameter_validation=False, retries={"max_attempts": 1})
    client = boto3.client(service, region_name="us-east-1", config=config)
    model = client.meta.service_model
    by_api = {api: method for method, api in client.meta.method_to_api_mapping.items()}

    def required(name: str) -> list[str]:
        shape = model.operation_model(name).input_shape
        return list(shape.required_members) if shape is not None else []

    names = sorted(model.operation_names, key=lambda n: (not n.startswith(("List", "Describe", "Get")), n))
    name = min(names, key=lambda n: len(required(n)))
    getattr(client, by_api[name])(**{member: "x" for member in required(name)})


@pytest.mark.parametrize("entry", catalog.SERVICES, ids=lambda e: e.name)
def test_each_service_mock_answers_its_services(entry: catalog.ServiceEntry, no_network: None) -> None:
    other = catalog.BY_NAME["sts" if entry.name != "sts" else "sqs"]
    with getattr(awsmock, f"mock_{entry.name}")():
        for service in entry.botocore:
            try:
                _call_something(service)
            except ClientError as exc:  # answered in-process: 501 until the service lands, or an AWS error
                assert exc.response["Error"]["Code"] != "NotMocked", exc.response
        with pytest.raises(NotMockedError, match=f"use mock_{other.name}|wrap the code in mock_{other.name}"):
            _call_something(other.botocore[0])


# -- usage forms ------------------------------------------------------------------------------


def test_context_manager_intercepts_import_time_client(no_network: None) -> None:
    with mock_aws() as m:
        assert m.active and active_mock() is m
        EARLY_S3.create_bucket(Bucket="early")
        assert markers() == {"early"}
        queue = EARLY_SQS.create_queue(QueueName="early-queue")
        queue.send_message(MessageBody="hi")
        assert [msg.body for msg in queue.receive_messages()] == ["hi"]
    assert active_mock() is None


def test_start_stop(no_network: None) -> None:
    m = mock_aws()
    m.start()
    try:
        assert markers() == set()
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
    finally:
        m.stop()
    assert not m.active
    with pytest.raises(RuntimeError):
        m.stop()


@mock_aws
def test_bare_function_decorator(no_network: None) -> None:
    assert active_mock() is not None
    put_marker("decorated")
    assert markers() == {"decorated"}


@mock_aws()
def test_called_function_decorator_keeps_fixtures(tmp_path, no_network: None) -> None:  # type: ignore[no-untyped-def]
    assert tmp_path.exists()
    assert active_mock() is not None


def test_async_function_decorator() -> None:
    @mock_aws
    async def body() -> bool:
        return active_mock() is not None

    assert asyncio.run(body()) is True
    assert active_mock() is None


@pytest.fixture
@mock_sqs
def queue_url() -> Iterator[str]:
    yield boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="fixture-queue")["QueueUrl"]


def test_decorated_generator_fixture_stays_active(queue_url: str) -> None:
    assert active_mock() is not None
    sqs = boto3.client("sqs", region_name="us-east-1")
    sqs.send_message(QueueUrl=queue_url, MessageBody="from the test")
    assert sqs.receive_message(QueueUrl=queue_url)["Messages"][0]["Body"] == "from the test"


def test_decorated_function_returns_and_raises() -> None:
    @mock_s3
    def ok(x: int) -> int:
        return x * 2

    @mock_s3
    def boom() -> None:
        raise KeyError("x")

    assert ok(21) == 42
    with pytest.raises(KeyError):
        boom()
    assert active_mock() is None


@mock_aws
class TestPlainClass:
    """A plain (pytest) class: setup_method, the test and teardown_method share one activation."""

    def setup_method(self, method: object) -> None:
        assert active_mock() is not None
        self.store = active_mock().store  # type: ignore[union-attr]
        put_marker("from-setup")

    def teardown_method(self, method: object) -> None:
        assert active_mock() is not None and active_mock().store is self.store  # type: ignore[union-attr]

    def test_shares_setup_state(self) -> None:
        assert active_mock().store is self.store  # type: ignore[union-attr]
        assert markers() == {"from-setup"}

    def test_each_test_gets_fresh_state(self) -> None:
        put_marker("from-test")
        assert markers() == {"from-setup", "from-test"}

    def not_a_test(self) -> bool:
        return active_mock() is not None


def test_class_decorator_wraps_only_tests() -> None:
    assert TestPlainClass().not_a_test() is False


@mock_aws
class TestUnittestClass(unittest.TestCase):
    """unittest: setUp, the test and tearDown share one activation."""

    def setUp(self) -> None:
        self.mock = active_mock()
        assert self.mock is not None
        self.store = self.mock.store
        put_marker("unittest-setup")

    def tearDown(self) -> None:
        assert active_mock() is not None and active_mock().store is self.store  # type: ignore[union-attr]

    def test_sees_setup_state(self) -> None:
        self.assertIs(active_mock().store, self.store)  # type: ignore[union-attr]
        self.assertEqual(markers(), {"unittest-setup"})

    def test_second(self) -> None:
        put_marker("second")
        self.assertEqual(markers(), {"unittest-setup", "second"})


def test_unittest_class_without_setup_runs_inside_mock() -> None:
    seen: list[bool] = []

    @mock_sqs
    class Case(unittest.TestCase):
        def test_one(self) -> None:
            seen.append(active_mock() is not None)

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Case).run(result)
    assert result.wasSuccessful(), result.errors + result.failures
    assert seen == [True]
    assert active_mock() is None


def test_unittest_setup_failure_still_stops_the_mock() -> None:
    @mock_aws
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            raise RuntimeError("setUp fails")

        def test_one(self) -> None:  # pragma: no cover - never runs
            pass

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Case).run(result)
    assert len(result.errors) == 1
    assert active_mock() is None
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"  # the conftest's value, restored


# -- nesting, re-entrance, service mocks ------------------------------------------------------


def test_nested_mock_shares_outer_state() -> None:
    with mock_aws() as outer:
        store = outer.store
        put_marker("outer")
        with mock_s3() as inner:
            assert inner.store is store
            assert markers() == {"outer"}
            put_marker("inner")
        assert outer.active and outer.store is store
        assert markers() == {"outer", "inner"}
    assert active_mock() is None


def test_reentrant_same_object() -> None:
    m = mock_aws()
    with m:
        store = m.store
        with m:
            assert m.store is store
        assert m.active and m.store is store
    assert not m.active


def test_inner_stop_after_outer_keeps_state_until_last() -> None:
    a, b = mock_aws(), mock_s3()
    a.start()
    b.start()
    store = a.store
    a.stop()
    assert b.active and b.store is store
    b.stop()
    assert active_mock() is None


def test_service_mock_refuses_other_services(no_network: None) -> None:
    with mock_s3():
        assert markers() == set()
        with pytest.raises(NotMockedError) as exc:
            EARLY_SQS.meta.client.list_queues()
        assert isinstance(exc.value, ClientError)
        assert exc.value.response["Error"]["Code"] == "NotMocked"
        assert "mock_sqs" in str(exc.value)
        # nesting another service mock adds its services
        with mock_sqs():
            EARLY_SQS.create_queue(QueueName="q")
            assert len(EARLY_SQS.meta.client.list_queues()["QueueUrls"]) == 1
        with pytest.raises(NotMockedError):
            EARLY_SQS.meta.client.list_queues()


def test_alias_mocks_answer_their_service(no_network: None) -> None:
    with mock_dynamodb2():
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        call_or_awsmock_error(ddb.list_tables)
        streams = boto3.client("dynamodbstreams", region_name="us-east-1")
        result = call_or_awsmock_error(streams.list_streams)
        assert not isinstance(result, NotMockedError)
        with pytest.raises(NotMockedError, match="mock_rds"):
            boto3.client("rds", region_name="us-east-1").describe_db_instances()
    with mock_rds2():
        result = call_or_awsmock_error(boto3.client("rds", region_name="us-east-1").describe_db_instances)
        assert not isinstance(result, NotMockedError)


def test_other_threads_are_intercepted(no_network: None) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with mock_aws():
        put_marker("shared")
        with ThreadPoolExecutor(4) as pool:
            seen = list(pool.map(lambda _: markers(), range(8)))
    assert seen == [{"shared"}] * 8


def test_clients_built_without_credentials_are_signed_with_fake_ones(no_network: None) -> None:
    client = boto3.client("s3", region_name="us-east-1")
    client._request_signer._credentials = None  # as if none could be found at import time
    with mock_aws():
        assert client.list_buckets()["Buckets"] == []
    assert client._request_signer._credentials is None


# -- plain HTTP -------------------------------------------------------------------------------


def test_presigned_url_through_requests(no_network: None) -> None:
    with mock_aws():
        url = EARLY_S3.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "a/b.txt"})
        assert url.startswith("https://bkt.s3.amazonaws.com/a/b.txt?")
        EARLY_S3.create_bucket(Bucket="bkt")
        EARLY_S3.put_object(Bucket="bkt", Key="a/b.txt", Body=b"hello")
        resp = requests.get(url, timeout=5)
        assert resp.status_code == 200
        assert resp.content == b"hello"
        put = EARLY_S3.generate_presigned_url("put_object", Params={"Bucket": "bkt", "Key": "up"})
        assert requests.put(put, data=b"uploaded", timeout=5).status_code == 200
        assert EARLY_S3.get_object(Bucket="bkt", Key="up")["Body"].read() == b"uploaded"
        # unsigned requests: S3 lets anonymous callers read only what the bucket makes public
        assert requests.get("https://s3.amazonaws.com/bkt/a/b.txt", timeout=5).status_code == 403
        public = {
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::bkt", "arn:aws:s3:::bkt/*"],
        }
        EARLY_S3.put_bucket_policy(
            Bucket="bkt", Policy=json.dumps({"Version": "2012-10-17", "Statement": [public]})
        )
        path_style = requests.get("https://s3.amazonaws.com/bkt/a/b.txt", timeout=5)
        assert path_style.status_code == 200 and path_style.content == b"hello"
        assert requests.put(put, data=(part for part in [b"chun", b"ked"]), timeout=5).status_code == 200
        assert urllib3.PoolManager().request("GET", "https://bkt.s3.amazonaws.com/up").data == b"chunked"
        missing = requests.get("https://bkt.s3.us-west-2.amazonaws.com/nope", timeout=5)
        assert missing.status_code == 404 and b"NoSuchKey" in missing.content


@pytest.fixture
def local_http() -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"local answer"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_other_http_passes_through(local_http: str) -> None:
    with mock_aws():
        resp = requests.get(local_http + "/x", timeout=5)
        assert resp.status_code == 200 and resp.content == b"local answer"


# -- environment ------------------------------------------------------------------------------


@pytest.fixture
def real_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {
        "AWS_ACCESS_KEY_ID": "AKIAREALREALREAL",
        "AWS_SECRET_ACCESS_KEY": "real-secret",
        "AWS_PROFILE": "production",
    }
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    return values


def test_fake_env_inside_real_env_restored_after_exception(real_env: dict[str, str]) -> None:
    with pytest.raises(ZeroDivisionError), mock_aws():
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
        assert os.environ["AWS_SECRET_ACCESS_KEY"] == "testing"
        assert os.environ["AWS_SESSION_TOKEN"] == "testing"
        assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
        assert "AWS_PROFILE" not in os.environ
        1 / 0  # noqa: B018
    for k, v in real_env.items():
        assert os.environ[k] == v
    assert "AWS_SESSION_TOKEN" not in os.environ
    assert "AWS_DEFAULT_REGION" not in os.environ
    assert active_mock() is None


def test_decorator_restores_env_after_exception(real_env: dict[str, str]) -> None:
    @mock_sqs
    def fails() -> None:
        raise ValueError("inside")

    with pytest.raises(ValueError):
        fails()
    assert os.environ["AWS_ACCESS_KEY_ID"] == real_env["AWS_ACCESS_KEY_ID"]
    assert os.environ["AWS_PROFILE"] == "production"


def test_user_region_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    with mock_aws():
        assert os.environ["AWS_DEFAULT_REGION"] == "eu-west-1"
        assert boto3.client("sqs").meta.region_name == "eu-west-1"


def test_patches_removed_after_stop() -> None:
    from botocore.endpoint import Endpoint
    from urllib3.connectionpool import HTTPConnectionPool

    send, urlopen = Endpoint._send, HTTPConnectionPool.urlopen
    with mock_aws():
        assert Endpoint._send is not send
        assert HTTPConnectionPool.urlopen is not urlopen
    assert Endpoint._send is send and HTTPConnectionPool.urlopen is urlopen


# -- state ------------------------------------------------------------------------------------


def test_successive_activations_are_isolated() -> None:
    with mock_aws():
        put_marker("first")
        assert markers() == {"first"}
    with mock_aws():
        assert markers() == set()
        put_marker("second")
    with mock_aws():
        assert markers() == set()


def test_state_functions_need_an_active_mock() -> None:
    for fn, args in ((awsmock.reset, ()), (awsmock.snapshot, ("x",)), (awsmock.restore, ("x",))):
        with pytest.raises(RuntimeError, match="no awsmock mock is active"):
            fn(*args)


def test_reset_snapshot_restore_on_active_state() -> None:
    with mock_aws():
        put_marker("kept")
        awsmock.snapshot("reset-test")
        put_marker("dropped")
        assert "s3" in awsmock.reset()
        assert markers() == set()
        awsmock.restore("reset-test")
        assert markers() == {"kept"}


def test_snapshot_fixture_built_once_restored_per_activation(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with mock_aws():
        put_marker("fixture")
        info = awsmock.snapshot("fixture-state", overwrite=True)
        assert info.name == "fixture-state"
        path = active_mock().store.snapshot_dir / "fixture-state.awsmock"  # type: ignore[union-attr]
        exported = tmp_path / "exported.awsmock"
        shutil.copyfile(path, exported)

    @mock_aws(snapshot="fixture-state")
    def use_it(extra: str) -> set[str]:
        put_marker(extra)
        return markers()

    assert use_it("one") == {"fixture", "one"}
    assert use_it("two") == {"fixture", "two"}
    with mock_aws(snapshot=exported):
        assert markers() == {"fixture"}
    with mock_aws(snapshot=str(exported)):
        assert markers() == {"fixture"}


def test_unknown_snapshot_is_a_clear_error_and_nothing_stays_active() -> None:
    from awsmock.state.snapshots import NotFound

    with pytest.raises(NotFound, match="no-such-snapshot"), mock_aws(snapshot="no-such-snapshot"):
        pass  # pragma: no cover
    assert active_mock() is None


def test_data_dir_shared_between_activations(data_dir) -> None:  # type: ignore[no-untyped-def]
    with mock_aws(data_dir=data_dir) as m:
        assert m.store.path == (data_dir / "awsmock.db").resolve()
        put_marker("persisted")
    assert (data_dir / "awsmock.db").exists()
    with mock_aws(data_dir=data_dir):
        assert markers() == {"persisted"}
        awsmock.snapshot("on-disk")
    assert (data_dir / "snapshots" / "on-disk.awsmock").exists()
    with mock_aws(database_url=f"sqlite:///{data_dir / 'awsmock.db'}") as m:
        assert m.store.path == (data_dir / "awsmock.db").resolve()
    with pytest.raises(ValueError):
        mock_aws(data_dir=data_dir, database_url="sqlite://")


def test_data_dir_with_snapshot_gives_a_private_copy(data_dir) -> None:  # type: ignore[no-untyped-def]
    with mock_aws(data_dir=data_dir):
        put_marker("shared")
        awsmock.snapshot("base")
    with mock_aws(data_dir=data_dir, snapshot="base") as m:
        assert m.store.in_memory
        assert markers() == {"shared"}
        put_marker("private")
    with mock_aws(data_dir=data_dir):
        assert markers() == {"shared"}


def test_set_initial_no_auth_action_count_decorator() -> None:
    from awsmock.auth import status

    def two_calls() -> list[str]:
        sqs = boto3.client("sqs", region_name="us-east-1")
        outcomes = []
        for _ in range(2):
            try:
                sqs.list_queues()
                outcomes.append("ok")
            except ClientError as exc:
                outcomes.append(exc.response["Error"]["Code"])
        return outcomes

    @awsmock.set_initial_no_auth_action_count(1)
    @mock_aws
    def above() -> list[str]:
        assert status(active_mock().store)["initial_no_auth_action_count"] == 1  # type: ignore[union-attr]
        return two_calls()

    @mock_aws
    @awsmock.set_initial_no_auth_action_count(0)
    def below() -> list[str]:
        return two_calls()

    assert above.__name__ == "above" and below.__name__ == "below"
    assert above() == ["ok", "InvalidClientTokenId"]
    assert below() == ["InvalidClientTokenId", "InvalidClientTokenId"]
    with mock_aws() as m:  # the next activation is unauthenticated again
        assert status(m.store)["initial_no_auth_action_count"] is None
        assert two_calls() == ["ok", "ok"]
    with pytest.raises(ValueError):
        awsmock.set_initial_no_auth_action_count(-1)
