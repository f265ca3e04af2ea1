"""What a newcomer meets first (issue #23): the command line refuses what it cannot do in one
clear line, a server says what it serves and logs what it answers, and the Python helpers work
in the form the README shows."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import boto3
import falcon.testing
import pytest
from botocore.exceptions import ClientError

from awsmock.api.app import create_app
from awsmock.cli import main
from awsmock.engine.config import Config
from tests.helpers import FAKE_ENV, ServerProcess


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


# -- the command line ----------------------------------------------------------------------


@pytest.mark.parametrize("port", ["99999", "65536", "-1", "http"])
def test_a_port_out_of_range_is_an_error(capsys: pytest.CaptureFixture[str], tmp_path: Path, port: str) -> None:
    code, _, err = run_cli(capsys, "server", "-p", port, "--data-dir", str(tmp_path / "state"))
    assert code == 2
    assert "usage: awsmock server" in err and "-p/--port" in err
    assert not (tmp_path / "state").exists()


@pytest.mark.server
def test_a_port_in_use_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "awsmock", "server", "-p", str(port), "--data-dir", str(tmp_path / "new")],
            capture_output=True, text=True, timeout=60,
        )
    assert done.returncode == 1
    assert done.stderr == f"awsmock: port {port} is in use; try -p 0\n"
    assert not (tmp_path / "new").exists()


def test_unknown_services_are_refused_with_the_valid_names(capsys: pytest.CaptureFixture[str],
                                                           tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "server", "s3", "bogus", "--data-dir", str(tmp_path / "a"))
    assert code == 2
    assert "usage: awsmock server" in err
    assert "unknown service: bogus (valid names: acm, " in err and ", sqs, " in err
    code, out, err = run_cli(capsys, "reset", "--service", "nonsense", "--data-dir", str(tmp_path / "b"))
    assert code == 2 and out == ""
    assert "usage: awsmock reset" in err and "unknown service: nonsense (valid names: " in err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_known_names_still_reset(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run_cli(capsys, "reset", "--service", "s3", "--service", "dynamodb2",
                           "--data-dir", str(tmp_path))
    assert code == 0 and out == "reset: dynamodb, s3\n"


def test_an_unknown_flag_prints_the_subcommands_usage(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "server", "--bogus")
    assert code == 2
    assert err.startswith("usage: awsmock server ")
    assert "awsmock server: error: unrecognized arguments: --bogus" in err
    code, _, err = run_cli(capsys, "snapshot", "list", "--nope")
    assert code == 2 and err.startswith("usage: awsmock snapshot list ")


def test_server_help_explains_where_the_state_lives(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "server", "--help")
    assert code == 0
    flat = " ".join(out.split())
    for words in ("--data-dir DIR", "$AWSMOCK_DATA_DIR", "~/.local/share/awsmock", "--database-url URL",
                  "$AWSMOCK_DATABASE_URL", "postgresql+psycopg://", "-q, --quiet"):
        assert words in flat, words


# -- the admin API -------------------------------------------------------------------------


def test_health_reports_each_services_real_state() -> None:
    admin = falcon.testing.TestClient(create_app(Config(in_memory=True, services=("s3", "dynamodb2"))))
    body = admin.simulate_get("/_awsmock/health").json
    assert {"status", "version", "backend", "schema_revision", "services"} <= set(body)
    assert body["services"] == ["dynamodb", "s3"]
    states = body["service_states"]
    assert states["s3"]["state"] == "available" and states["s3"]["operations"] >= 90
    assert states["sqs"] == {"state": "disabled", "operations": 23}
    alias = admin.simulate_get("/_localstack/health").json["services"]
    assert alias["s3"] == "available" and alias["sqs"] == "disabled"

    everything = falcon.testing.TestClient(create_app(Config(in_memory=True)))
    body = everything.simulate_get("/_awsmock/health").json
    assert "sqs" in body["services"] and "ec2" not in body["services"]
    assert body["service_states"]["ec2"] == {"state": "not implemented", "operations": 0}
    assert everything.simulate_get("/_localstack/health").json["services"]["ec2"] == "not implemented"


@pytest.mark.parametrize("path", ["/_awsmock/nonexistent", "/_awsmock/health/extra", "/_localstack/nope"])
def test_unknown_admin_paths_are_admin_404s(path: str) -> None:
    admin = falcon.testing.TestClient(create_app(Config(in_memory=True)))
    r = admin.simulate_get(path)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")
    assert r.json == {"title": f"no admin endpoint at {path}"}


def test_admin_reset_names_the_valid_services() -> None:
    admin = falcon.testing.TestClient(create_app(Config(in_memory=True)))
    r = admin.simulate_post("/_awsmock/reset", params={"service": "nope"})
    assert r.status_code == 400 and "unknown service: nope (valid names: acm, " in r.json["title"]


# -- a server ------------------------------------------------------------------------------


@pytest.mark.server
def test_a_server_of_one_service_says_what_it_serves_and_logs_each_request(data_dir: Path) -> None:
    srv = ServerProcess(data_dir, "s3", "--log-level", "info").start()
    try:
        srv.client("s3").create_bucket(Bucket="first-contact")
        with pytest.raises(ClientError) as info:
            srv.client("sqs").list_queues()
        err = info.value.response["Error"]
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
        assert err["Code"] == "NotImplemented"
        assert err["Message"].startswith("the service sqs is not enabled on this server (it serves s3)")
        status, body = srv.admin("GET", "/_awsmock/nonexistent")
        assert status == 404 and json.loads(body)["title"] == "no admin endpoint at /_awsmock/nonexistent"
        status, body = srv.admin("GET", "/_awsmock/health")
        assert json.loads(body)["services"] == ["s3"]
    finally:
        srv.stop()
    log = [line for line in srv.output if "awsmock.requests" in line]
    assert any(" s3 CreateBucket 200 " in line and line.rstrip().endswith("ms") for line in log), log
    assert any(" sqs ListQueues 501 " in line for line in log), log
    assert any(" awsmock GET /_awsmock/nonexistent 404 " in line for line in log), log
    assert len([line for line in log if "CreateBucket" in line]) == 1


@pytest.mark.server
def test_quiet_turns_the_request_log_off(data_dir: Path) -> None:
    srv = ServerProcess(data_dir, "--log-level", "info", "--quiet").start()
    try:
        srv.client("s3").create_bucket(Bucket="quietly")
    finally:
        srv.stop()
    assert not [line for line in srv.output if "awsmock.requests" in line or "CreateBucket" in line]


@pytest.mark.server
def test_the_non_loopback_warning_does_not_ask_for_a_token_it_has(data_dir: Path) -> None:
    srv = ServerProcess(data_dir, "-H", "0.0.0.0", "--admin-token", "sekrit").start()
    srv.stop()
    text = "".join(srv.output)
    assert "WARNING: awsmock is listening on 0.0.0.0" in text
    assert "--admin-token" not in text


# -- set_initial_no_auth_action_count, as a call and as a decorator -------------------------


def _iam_calls_until_refused(limit: int) -> int:
    iam = boto3.client("iam", region_name="us-east-1")
    for n in range(limit + 2):
        try:
            iam.list_users()
        except ClientError as exc:
            assert exc.response["Error"]["Code"] == "InvalidClientTokenId"
            return n
    return -1


def test_a_plain_call_sets_the_count_for_the_active_mock(monkeypatch: pytest.MonkeyPatch) -> None:
    import awsmock

    for name, value in FAKE_ENV.items():
        monkeypatch.setenv(name, value)
    with awsmock.mock_aws():
        awsmock.set_initial_no_auth_action_count(2)
        assert _iam_calls_until_refused(2) == 2
    with awsmock.mock_aws():  # the next activation starts open again
        assert _iam_calls_until_refused(3) == -1


def test_a_plain_call_before_the_mock_sets_the_count_for_the_next_one(monkeypatch: pytest.MonkeyPatch) -> None:
    import awsmock

    for name, value in FAKE_ENV.items():
        monkeypatch.setenv(name, value)
    awsmock.set_initial_no_auth_action_count(1)
    with awsmock.mock_aws():
        assert _iam_calls_until_refused(1) == 1
    with awsmock.mock_aws():  # used up by the activation it was waiting for
        assert _iam_calls_until_refused(2) == -1


def test_the_decorator_form_does_not_leak_into_other_activations(monkeypatch: pytest.MonkeyPatch) -> None:
    import awsmock

    for name, value in FAKE_ENV.items():
        monkeypatch.setenv(name, value)

    @awsmock.mock_aws
    @awsmock.set_initial_no_auth_action_count(1)
    def decorated() -> int:
        return _iam_calls_until_refused(1)

    with awsmock.mock_aws():  # decorating did not set anything for this one
        assert _iam_calls_until_refused(2) == -1
    assert decorated() == 1


def test_misuse_is_refused_loudly() -> None:
    import awsmock

    with pytest.raises(TypeError, match=r"use @set_initial_no_auth_action_count\(n\)"):

        @awsmock.set_initial_no_auth_action_count  # type: ignore[arg-type]
        def forgot_the_count() -> None: ...

    with pytest.raises(ValueError, match="non-negative integer"):
        awsmock.set_initial_no_auth_action_count(-1)
    with pytest.raises(TypeError, match="decorates functions"):

        @awsmock.set_initial_no_auth_action_count(1)
        class NotAFunction:
            pass
