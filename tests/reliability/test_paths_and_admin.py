"""Names never reach outside the data dir; admin endpoints validate what they take; the server
binds loopback by default and the admin token guards every admin path and alias.
(tests/foundation covers the basic token check, name regex and garbage imports: these extend them.)"""

from __future__ import annotations

import json
import os
import socket
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import quote

import falcon.testing
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awsmock.api.app import create_app
from awsmock.engine.config import Config
from awsmock.state.store import Store
from tests.helpers import ServerProcess, inprocess_client_factory

EXAMPLES = 150


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


HOSTILE_NAMES = [
    "../escape",
    "../../../../tmp/escape",
    "/etc/passwd",
    "..",
    ".",
    "a/../../b",
    "..\\..\\b",
    "%2e%2e%2fescape",
    "%252e%252e",
    "x\x00y",
    "a" * 65,
    ".hidden",
    "snap/../..",
    "~root",
    "name\nwith-newline",
    "é",
    "",
]


@pytest.fixture
def file_store(tmp_path: Path) -> Any:
    store = Store(f"sqlite:///{tmp_path / 'data' / 'awsmock.db'}")
    store.migrate()
    yield store
    store.dispose()


def test_s3_keys_and_snapshot_names_stay_inside_the_data_dir(tmp_path: Path, file_store: Store) -> None:
    """S3 keys that look like paths are keys (bodies live in the database); snapshot names that
    look like paths are refused; no file appears outside the data dir."""
    app = create_app(Config(database_url=file_store.url), file_store)
    s3 = inprocess_client_factory(app)("s3")
    s3.create_bucket(Bucket="paths")
    outside_before = files_under(tmp_path) - files_under(tmp_path / "data")
    keys = ["../../../../tmp/escape", "/etc/passwd", "..\\..\\x", "%2e%2e/x", "a/./b/../c", "~/x", "x\x01y"]
    for key in keys:
        s3.put_object(Bucket="paths", Key=key, Body=key.encode())
    listed = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="paths")["Contents"])
    assert listed == sorted(keys)
    for key in keys:
        assert s3.get_object(Bucket="paths", Key=key)["Body"].read() == key.encode()
    client = falcon.testing.TestClient(app)
    for name in HOSTILE_NAMES:
        r = client.simulate_post("/_awsmock/snapshots", body=json.dumps({"name": name}))
        assert r.status_code == 400, (name, r.status_code, r.text)
        for method, suffix in (
            ("GET", ""),
            ("DELETE", ""),
            ("POST", "/restore"),
            ("GET", "/export"),
            ("PUT", ""),
        ):
            r = client.simulate_request(
                method,
                f"/_awsmock/snapshots/{quote(name, safe='')}{suffix}",
                body=b"junk" if method == "PUT" else None,
            )
            assert r.status_code in (400, 404, 405), (name, method, suffix, r.status_code)
    assert client.simulate_post("/_awsmock/snapshots", body=b'{"name": "ok-1"}').status_code == 201
    assert files_under(tmp_path) - files_under(tmp_path / "data") == outside_before
    assert {p.name for p in (tmp_path / "data" / "snapshots").iterdir()} == {"ok-1.awsmock"}


def test_admin_endpoints_validate_everything(file_store: Store, tmp_path: Path) -> None:
    """Hypothesis over the admin API: random names, bodies, query strings and methods get a 2xx
    or a 4xx with a JSON error, never a 5xx, and nothing is written outside the snapshot dir."""
    app = create_app(Config(database_url=file_store.url), file_store)
    client = falcon.testing.TestClient(app)
    outside_before = files_under(tmp_path) - files_under(tmp_path / "data")
    tried = 0
    paths = st.sampled_from(
        [
            "/_awsmock/snapshots",
            "/_awsmock/snapshots/{n}",
            "/_awsmock/snapshots/{n}/restore",
            "/_awsmock/snapshots/{n}/export",
            "/_awsmock/reset",
            "/_awsmock/auth",
            "/_awsmock/health",
            "/moto-api/reset",
            "/_localstack/state/reset",
        ]
    )
    bodies = st.one_of(
        st.binary(max_size=200),
        st.builds(
            lambda v: json.dumps(v).encode(),
            st.one_of(
                st.dictionaries(
                    st.sampled_from(["name", "initial_no_auth_action_count", "x"]),
                    st.one_of(
                        st.none(),
                        st.booleans(),
                        st.integers(),
                        st.floats(),
                        st.text(max_size=70),
                        st.lists(st.integers(), max_size=3),
                    ),
                ),
                st.text(max_size=20),
                st.integers(),
            ),
        ),
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        path=paths,
        name=st.one_of(st.sampled_from(HOSTILE_NAMES), st.text(max_size=80)),
        method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]),
        body=bodies,
        query=st.lists(st.tuples(st.sampled_from(["service", "x"]), st.text(max_size=12)), max_size=3),
    )
    def run(path: str, name: str, method: str, body: bytes, query: list[tuple[str, str]]) -> None:
        nonlocal tried
        tried += 1
        qs = "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in query)
        r = client.simulate_request(method, path.format(n=quote(name, safe="")), body=body, query_string=qs)
        assert r.status_code < 500, (method, path, name, body[:100], r.status_code, r.text[:300])
        if r.status_code >= 400 and r.text:  # admin errors are JSON; a name with "/" in it
            if r.text.startswith("<"):  # leaves the admin routes: then S3 answers, in XML
                ET.fromstring(r.text)
            else:
                assert isinstance(json.loads(r.text), dict)

    run()
    assert tried >= EXAMPLES // 2
    assert files_under(tmp_path) - files_under(tmp_path / "data") == outside_before
    snapdir = tmp_path / "data" / "snapshots"
    for p in files_under(tmp_path / "data"):
        assert p.parent in (tmp_path / "data", snapdir) or p == snapdir, p


ADMIN_REQUESTS = [
    ("GET", "/_awsmock/health"),
    ("POST", "/_awsmock/reset"),
    ("GET", "/_awsmock/snapshots"),
    ("POST", "/_awsmock/snapshots"),
    ("GET", "/_awsmock/snapshots/x"),
    ("DELETE", "/_awsmock/snapshots/x"),
    ("PUT", "/_awsmock/snapshots/x"),
    ("POST", "/_awsmock/snapshots/x/restore"),
    ("GET", "/_awsmock/snapshots/x/export"),
    ("GET", "/_awsmock/auth"),
    ("POST", "/_awsmock/auth"),
    ("POST", "/moto-api/reset"),
    ("GET", "/_localstack/health"),
    ("POST", "/_localstack/state/reset"),
    ("GET", "/_awsmock/"),
]


@pytest.mark.server
def test_admin_token_from_the_environment_guards_every_admin_path_on_a_server(tmp_path: Path) -> None:
    """``AWSMOCK_ADMIN_TOKEN`` on a real server: every admin path, alias and method answers 401
    without the token or with a wrong one, works with it, and the AWS APIs are not affected."""
    srv = ServerProcess(tmp_path / "data", env={"AWSMOCK_ADMIN_TOKEN": "t0ken"}).start()
    try:
        s3 = srv.client("s3")
        s3.create_bucket(Bucket="guarded-by-token")
        for method, path in ADMIN_REQUESTS:
            for headers in (
                {},
                {"Authorization": "Bearer wrong"},
                {"Authorization": "Bearer "},
                {"X-Awsmock-Admin-Token": "t0ke"},
                {"Authorization": "t0ken"},
            ):
                status, _ = srv.admin(method, path, b"{}" if method in ("POST", "PUT") else None, headers)
                assert status == 401, (method, path, headers, status)
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["guarded-by-token"]  # reset refused
        ok = {"Authorization": "Bearer t0ken"}
        assert srv.admin("GET", "/_awsmock/health", headers=ok)[0] == 200
        assert srv.admin("GET", "/_awsmock/health", headers={"X-Awsmock-Admin-Token": "t0ken"})[0] == 200
        assert srv.admin("POST", "/moto-api/reset", headers=ok)[0] == 200
        assert s3.list_buckets()["Buckets"] == []
    finally:
        srv.stop()


def _non_loopback_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))  # no packet is sent; picks the outward interface
            addr = s.getsockname()[0]
        except OSError:
            return None
    return None if addr.startswith("127.") else addr


@pytest.mark.server
def test_server_binds_loopback_by_default(tmp_path: Path) -> None:
    """Without -H the server listens on 127.0.0.1 only: not reachable on the machine's other
    addresses, and it prints no exposure warning."""
    assert Config().host == "127.0.0.1"
    srv = ServerProcess(tmp_path / "data").start()
    try:
        assert "listening on http://127.0.0.1:" in "".join(srv.output)
        addr = _non_loopback_address()
        if addr is not None:
            with pytest.raises(OSError), socket.create_connection((addr, srv.port), timeout=2):
                pass
    finally:
        srv.stop()
    assert "WARNING" not in "".join(srv.output)


def test_admin_token_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWSMOCK_ADMIN_TOKEN", "from-env")
    assert Config.from_env(in_memory=True).admin_token == "from-env"
    assert Config.from_env(in_memory=True, admin_token="flag").admin_token == "flag"
    monkeypatch.delenv("AWSMOCK_ADMIN_TOKEN")
    assert Config.from_env(in_memory=True).admin_token is None
    assert os.environ.get("AWSMOCK_ADMIN_TOKEN") is None
