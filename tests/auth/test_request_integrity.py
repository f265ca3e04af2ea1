"""With access control on, a signed request is only good for what it signed: its body (a replay
with another body is refused), its presigned lifetime (a week at most, read as S3 reads it), its
time; and the admin API is not a way around it."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
import requests
import time_machine
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from tests.helpers import FAKE_ENV, ServerProcess

ADMIN = {"Authorization": "Bearer integrity-token"}
BUCKET = "integrity"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server whose first actions make a bucket, an object, a queue and an admin's key; then
    every request is authenticated."""
    proc = ServerProcess(
        tmp_path_factory.mktemp("integrity"),
        "--admin-token",
        "integrity-token",
        env={"INITIAL_NO_AUTH_ACTION_COUNT": "6"},
    ).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def key(server: ServerProcess) -> Credentials:
    s3 = server.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="f.txt", Body=b"original")
    server.client("sqs").create_queue(QueueName="integrity")
    iam = server.client("iam")
    iam.create_user(UserName="admin")
    iam.attach_user_policy(UserName="admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    made = iam.create_access_key(UserName="admin")["AccessKey"]
    return Credentials(made["AccessKeyId"], made["SecretAccessKey"])


def _send(prepared: Any, body: bytes) -> requests.Response:
    headers = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in prepared.headers.items()}
    headers["Content-Length"] = str(len(body))
    return requests.request(prepared.method, prepared.url, data=body, headers=headers, timeout=10)


def _error(resp: requests.Response) -> tuple[int, str]:
    text = resp.text
    if resp.headers.get("content-type", "").startswith("application/x-amz-json"):
        return resp.status_code, json.loads(text)["__type"].split("#")[-1]
    start = text.index("<Code>") + len("<Code>")
    return resp.status_code, text[start : text.index("</Code>")]


def _signed_put(server: ServerProcess, key: Credentials, body: bytes) -> Any:
    req = AWSRequest(method="PUT", url=f"{server.url}/{BUCKET}/f.txt", data=body)
    S3SigV4Auth(key, "s3", "us-east-1").add_auth(req)
    return req.prepare()


def test_a_replayed_upload_with_another_body_is_refused(server: ServerProcess, key: Credentials) -> None:
    prepared = _signed_put(server, key, b"signed body")
    assert prepared.headers["X-Amz-Content-SHA256"] != "UNSIGNED-PAYLOAD"
    tampered = _send(prepared, b"forged body")
    assert _error(tampered) == (400, "XAmzContentSHA256Mismatch")
    assert "<ClientComputedContentSHA256>" in tampered.text
    get = AWSRequest(method="GET", url=f"{server.url}/{BUCKET}/f.txt")
    S3SigV4Auth(key, "s3", "us-east-1").add_auth(get)
    assert _send(get.prepare(), b"").content == b"original"  # nothing was written
    assert _send(prepared, b"signed body").status_code == 200  # the body that was signed goes


def test_a_replayed_json_request_with_another_body_is_refused(
    server: ServerProcess, key: Credentials
) -> None:
    url = f"{server.url}/"
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.ListQueues"}
    req = AWSRequest(method="POST", url=url, data=b"{}", headers=headers)
    SigV4Auth(key, "sqs", "us-east-1").add_auth(req)
    prepared = req.prepare()
    assert _send(prepared, b"{}").status_code == 200
    assert _error(_send(prepared, b'{"QueueNamePrefix": "x"}')) == (403, "SignatureDoesNotMatch")


def _presigned(server: ServerProcess, key: Credentials, **changes: str | None) -> str:
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=key.access_key,
        aws_secret_access_key=key.secret_key,
        config=Config(signature_version="s3v4"),
    )
    url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "f.txt"}, ExpiresIn=60)
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"X-Amz-Expires": "604801"},
            "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires "
            "must be less than 604800 seconds",
        ),
        ({"X-Amz-Expires": "-1"}, "X-Amz-Expires must be non-negative"),
        ({"X-Amz-Expires": "soon"}, "X-Amz-Expires should be a number"),
        (
            {"X-Amz-Expires": None},
            "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
            "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
        ),
    ],
    ids=["over-a-week", "negative", "not-a-number", "missing"],
)
def test_presigned_parameters_are_read_as_s3_reads_them(
    server: ServerProcess, key: Credentials, changes: dict[str, str | None], message: str
) -> None:
    assert requests.get(_presigned(server, key), timeout=10).status_code == 200
    resp = requests.get(_presigned(server, key, **changes), timeout=10)
    assert _error(resp) == (400, "AuthorizationQueryParametersError")
    assert f"<Message>{message}</Message>" in resp.text


def test_a_presigned_url_signed_for_later_is_not_valid_yet(server: ServerProcess, key: Credentials) -> None:
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)):
        url = _presigned(server, key)  # signed by a clock an hour ahead of the server's
    resp = requests.get(url, timeout=10)
    assert _error(resp) == (403, "AccessDenied")
    assert "<Message>Request is not valid yet</Message>" in resp.text


def test_the_admin_api_needs_the_token_while_access_control_is_on(
    server: ServerProcess, key: Credentials
) -> None:
    assert server.admin("POST", "/_awsmock/reset")[0] == 401
    assert server.admin("GET", "/_awsmock/health")[0] == 401
    assert server.admin("GET", "/_awsmock/auth", headers=ADMIN)[0] == 200


def test_without_a_token_the_admin_api_closes_once_access_control_is_on(tmp_path: Path) -> None:
    # set, not yet counted down: switching it off now would be as much a way around it
    proc = ServerProcess(tmp_path / "data", env={"INITIAL_NO_AUTH_ACTION_COUNT": "100"}).start()
    try:
        assert proc.admin("GET", "/_awsmock/health")[0] == 200
        status, body = proc.admin(
            "POST",
            "/_awsmock/auth",
            b'{"initial_no_auth_action_count": null}',
            {"Content-Type": "application/json"},
        )
        assert status == 403
        assert b"--admin-token" in body
        assert proc.admin("GET", "/_awsmock/dashboard")[0] == 403
        assert proc.admin("POST", "/_awsmock/reset")[0] == 403
        assert proc.admin("GET", "/_awsmock/static/app.css")[0] == 200  # nothing secret
    finally:
        proc.stop()


def test_without_a_token_the_admin_api_stays_open_while_access_control_is_off(tmp_path: Path) -> None:
    proc = ServerProcess(tmp_path / "data").start()
    try:
        assert proc.admin("POST", "/_awsmock/reset")[0] == 200  # no access control: open, as before
    finally:
        proc.stop()


def test_a_public_server_with_access_control_and_no_token_refuses_to_start(tmp_path: Path) -> None:
    env = {**os.environ, **FAKE_ENV, "INITIAL_NO_AUTH_ACTION_COUNT": "0"}
    env.pop("AWSMOCK_ADMIN_TOKEN", None)
    cmd = [sys.executable, "-m", "awsmock", "server", "-H", "0.0.0.0", "-p", "0", "--data-dir", str(tmp_path)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--admin-token" in done.stderr
