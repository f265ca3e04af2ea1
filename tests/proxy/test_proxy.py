"""Proxy mode: ``awsmock proxy`` and ``awsmock server --proxy`` answer HTTP proxy requests and
HTTPS ``CONNECT`` for AWS hosts (TLS terminated with certificates from a local CA), refuse or
pass through the rest, and survive bad input. Clients: boto3 through ``HTTPS_PROXY`` with
``AWS_CA_BUNDLE``, the AWS CLI, curl, http.client and raw sockets."""

from __future__ import annotations

import contextlib
import http.client
import http.server
import os
import re
import shutil
import socket
import ssl
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config as BotoConfig

from tests.helpers import FAKE_ENV, ServerProcess

BOTO = BotoConfig(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=60, read_timeout=120)


class ProxyProcess(ServerProcess):
    """``awsmock proxy`` in a subprocess (ServerProcess runs ``awsmock server``)."""

    def start(self, timeout: float = 60.0) -> ProxyProcess:
        env = {**os.environ, **FAKE_ENV}
        env.pop("AWSMOCK_DATABASE_URL", None)
        cmd = [sys.executable, "-m", "awsmock", "proxy", "-p", "0", "--data-dir", str(self.data_dir), *self.args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.output.append(line)
            m = re.search(r"listening on http://[^:]+:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                threading.Thread(target=self._drain, daemon=True).start()
                return self
        self.stop()
        raise RuntimeError("awsmock proxy did not start:\n" + "".join(self.output))


@pytest.fixture(scope="module")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("proxy-state")


@pytest.fixture(scope="module")
def proxy(state_dir: Path) -> Iterator[ProxyProcess]:
    """``awsmock proxy`` with two worker processes (the CA made once, by the parent)."""
    p = ProxyProcess(state_dir, "--workers", "2", "--log-level", "info").start()
    yield p
    p.stop()
    print("".join(p.output))


@pytest.fixture(scope="module")
def passthrough(state_dir: Path) -> Iterator[ServerProcess]:
    """``awsmock server --proxy --passthrough`` on the same data dir (so the same CA)."""
    p = ServerProcess(state_dir, "--proxy", "--passthrough", "--workers", "1").start(timeout=60)
    yield p
    p.stop()


@pytest.fixture
def ca(state_dir: Path) -> Path:
    return state_dir / "proxy-ca.pem"


@pytest.fixture
def through_proxy(proxy: ProxyProcess, ca: Path, monkeypatch: pytest.MonkeyPatch) -> ProxyProcess:
    """SDKs in this process reach AWS through the proxy, trusting its CA (as a user sets it up)."""
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("AWS_CA_BUNDLE", str(ca))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    return proxy


def _client(service: str, **kw: Any) -> Any:
    return boto3.client(service, region_name="us-east-1", config=kw.pop("config", BOTO), **kw)


def _exchange(port: int, data: bytes, timeout: float = 10.0) -> bytes:
    """Send ``data`` to the proxy and read until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
        return out


def _connect(port: int, target: str) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(1)
        assert chunk, head
        head += chunk
    assert head.startswith(b"HTTP/1.1 200 "), head
    return s


# -- which hosts are AWS's ----------------------------------------------------------------------


@pytest.mark.parametrize(("host", "aws"), [
    ("s3.amazonaws.com", True), ("my.bucket.s3.us-west-2.amazonaws.com:443", True),
    ("SQS.US-EAST-1.AMAZONAWS.COM.", True), ("dynamodb.cn-north-1.amazonaws.com.cn", True),
    ("s3.dualstack.us-east-1.api.aws", True), ("abc.lambda-url.us-east-1.on.aws", True),
    ("sts.us-gov-west-1.amazonaws.com", True), ("ec2.eusc-de-east-1.amazonaws.eu", True),
    ("example.com", False), ("notamazonaws.com", False), ("amazonaws.com.evil.example", False),
    ("127.0.0.1:4567", False), ("[::1]:443", False), ("", False),
])
def test_aws_hosts(host: str, aws: bool) -> None:
    from awsmock.proxy.hosts import is_aws_host

    assert is_aws_host(host) is aws


# -- starting ---------------------------------------------------------------------------------


def test_start_prints_the_ca_it_keeps_in_the_data_dir(proxy: ProxyProcess, ca: Path) -> None:
    out = "".join(proxy.output)
    assert f"proxy CA: {ca} (trust it: AWS_CA_BUNDLE={ca}" in out
    assert "other hosts are refused with 403" in out
    assert out.index("proxy CA: ") < out.index("listening on")  # said before the ready line
    assert ca.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    key = ca.with_name("proxy-ca-key.pem")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_passthrough_needs_a_proxy(capsys: pytest.CaptureFixture[str]) -> None:
    from awsmock.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["server", "--passthrough"])
    assert exc.value.code == 2
    assert "--passthrough is for a proxy" in capsys.readouterr().err


# -- SDKs, the CLI and curl through the proxy --------------------------------------------------


def test_boto3_s3_virtual_hosted_sqs_and_dynamodb(through_proxy: ProxyProcess,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    s3 = _client("s3", config=BOTO.merge(BotoConfig(s3={"addressing_style": "virtual"})))
    s3.create_bucket(Bucket="proxied-bucket")
    s3.put_object(Bucket="proxied-bucket", Key="dir/small.txt", Body=b"through the proxy")
    big = os.urandom(3 * 1024 * 1024 + 17)  # one PUT, streamed through the tunnel
    s3.put_object(Bucket="proxied-bucket", Key="big", Body=big)
    assert s3.get_object(Bucket="proxied-bucket", Key="dir/small.txt")["Body"].read() == b"through the proxy"
    assert s3.get_object(Bucket="proxied-bucket", Key="big")["Body"].read() == big

    sqs = _client("sqs")
    url = sqs.create_queue(QueueName="proxied-queue")["QueueUrl"]
    assert url == "https://sqs.us-east-1.amazonaws.com/123456789012/proxied-queue"
    sqs.send_message(QueueUrl=url, MessageBody="hello")
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url)["Messages"]] == ["hello"]

    ddb = _client("dynamodb")
    ddb.create_table(TableName="proxied", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    ddb.put_item(TableName="proxied", Item={"k": {"S": "v"}})
    assert ddb.get_item(TableName="proxied", Key={"k": {"S": "v"}})["Item"] == {"k": {"S": "v"}}

    # the state is awsmock's: the same listener, asked directly, sees it
    monkeypatch.delenv("HTTP_PROXY")
    direct = boto3.client("s3", endpoint_url=through_proxy.url, region_name="us-east-1", config=BOTO)
    assert direct.get_object(Bucket="proxied-bucket", Key="dir/small.txt")["Body"].read() == b"through the proxy"


def test_aws_cli(proxy: ProxyProcess, ca: Path) -> None:
    aws = shutil.which("aws") or str(Path(sys.executable).with_name("aws"))
    if not Path(aws).exists():
        pytest.skip("the AWS CLI is not installed (pip install awscli)")
    env = {**os.environ, **FAKE_ENV, "HTTPS_PROXY": proxy.url, "AWS_CA_BUNDLE": str(ca)}
    env.pop("NO_PROXY", None)
    run = subprocess.run([aws, "sqs", "create-queue", "--queue-name", "from-cli"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "/123456789012/from-cli" in run.stdout
    # without the CA the CLI refuses the certificate: nothing else answered it
    env.pop("AWS_CA_BUNDLE")
    run = subprocess.run([aws, "sqs", "list-queues"], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode != 0 and "CERTIFICATE_VERIFY_FAILED" in run.stderr


def test_curl_https_and_plain_http(proxy: ProxyProcess, ca: Path) -> None:
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    query = "Action=ListQueues&Version=2012-11-05"
    out = subprocess.run([curl, "-sS", "-x", proxy.url, "--cacert", str(ca),
                          f"https://sqs.us-east-1.amazonaws.com/?{query}"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "<ListQueuesResponse" in out.stdout
    out = subprocess.run([curl, "-sS", "-x", proxy.url, f"http://sqs.us-east-1.amazonaws.com/?{query}"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "<ListQueuesResponse" in out.stdout
    out = subprocess.run([curl, "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-x", proxy.url,
                          "https://example.com/"], capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "403" in out.stderr


def test_one_tunnel_keeps_alive_and_takes_chunked_bodies(proxy: ProxyProcess, ca: Path) -> None:
    context = ssl.create_default_context(cafile=str(ca))
    conn = http.client.HTTPSConnection("127.0.0.1", proxy.port, context=context, timeout=30)
    conn.set_tunnel("sqs.us-east-1.amazonaws.com", 443)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    conn.request("POST", "/", body=b"Action=CreateQueue&QueueName=chunked-q&Version=2012-11-05", headers=headers)
    first = conn.getresponse()
    assert first.status == 200 and b"chunked-q" in first.read()
    sock = conn.sock
    pieces = iter([b"Action=ListQueues", b"&Version=2012-11-05"])
    conn.request("POST", "/", body=pieces, headers=headers, encode_chunked=True)
    second = conn.getresponse()
    assert second.status == 200 and b"/123456789012/chunked-q" in second.read()
    assert conn.sock is sock  # the same connection carried both
    conn.close()


# -- hosts that are not AWS's -------------------------------------------------------------------


def test_other_hosts_are_refused(proxy: ProxyProcess) -> None:
    answer = _exchange(proxy.port, b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 403 Forbidden\r\n")
    assert b"example.com is not an AWS endpoint" in answer and b"--passthrough" in answer
    answer = _exchange(proxy.port, b"GET http://example.com/x HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 403 Forbidden\r\n")
    assert b"example.com is not an AWS endpoint" in answer
    # the listener itself, asked through the proxy (HTTP_PROXY set for every URL), answers as a server
    answer = _exchange(proxy.port, f"GET http://127.0.0.1:{proxy.port}/_awsmock/health HTTP/1.1\r\n"
                       f"Host: 127.0.0.1:{proxy.port}\r\nConnection: close\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 200 ") and b'"status": "ok"' in answer.replace(b'":"', b'": "')
    # a name that merely ends like an AWS one is not one
    answer = _exchange(proxy.port, b"CONNECT notamazonaws.com:443 HTTP/1.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 403 ")


def test_passthrough_forwards_other_hosts_but_never_aws(passthrough: ServerProcess, ca: Path) -> None:
    class Hello(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = f"origin saw {self.path} for {self.headers['Host']}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    origin = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    try:
        port = origin.server_address[1]
        conn = http.client.HTTPConnection("127.0.0.1", passthrough.port, timeout=30)
        conn.request("GET", f"http://127.0.0.1:{port}/plain?x=1", headers={"Host": f"127.0.0.1:{port}"})
        resp = conn.getresponse()
        assert resp.status == 200 and resp.read() == f"origin saw /plain?x=1 for 127.0.0.1:{port}".encode()
        conn.close()
        with _connect(passthrough.port, f"127.0.0.1:{port}") as s:  # a blind tunnel
            s.sendall(b"GET /tunneled HTTP/1.1\r\nHost: origin\r\nConnection: close\r\n\r\n")
            out = b""
            while chunk := s.recv(65536):
                out += chunk
            assert out.startswith(b"HTTP/1.0 200") and out.endswith(b"origin saw /tunneled for origin")
    finally:
        origin.shutdown()
        origin.server_close()
    # an AWS host is answered here, passthrough or not
    context = ssl.create_default_context(cafile=str(ca))
    conn = http.client.HTTPSConnection("127.0.0.1", passthrough.port, context=context, timeout=30)
    conn.set_tunnel("sqs.us-east-1.amazonaws.com", 443)
    conn.request("GET", "/?Action=ListQueues&Version=2012-11-05")
    resp = conn.getresponse()
    assert resp.status == 200 and b"<ListQueuesResponse" in resp.read()
    conn.close()
    answer = _exchange(passthrough.port, b"CONNECT s3!.amazonaws.com:443 HTTP/1.1\r\n\r\n")  # not passed on
    assert answer.startswith(b"HTTP/1.1 400 ") and b"is not a host name" in answer
    answer = _exchange(passthrough.port, b"CONNECT 127.0.0.1:1 HTTP/1.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 502 Bad Gateway\r\n") and b"cannot reach 127.0.0.1:1" in answer


# -- bad input ---------------------------------------------------------------------------------


def test_bad_input_is_answered_and_the_proxy_goes_on(proxy: ProxyProcess, ca: Path) -> None:
    assert _exchange(proxy.port, b"CONNECT nowhere HTTP/1.1\r\n\r\n").startswith(b"HTTP/1.1 400 ")
    assert _exchange(proxy.port, b"CONNECT s3.amazonaws.com:443 HTTP/1.1\r\n\r\nearly").startswith(b"HTTP/1.1 400 ")
    assert _exchange(proxy.port, b"CONNECT \xff\xfe:443 HTTP/1.1\r\n\r\n").startswith(b"HTTP/1.1 400 ")
    assert _exchange(proxy.port, b"\x16\x03\x01\x00garbage\r\n\r\n").startswith(b"HTTP/1.0 400 ")
    with _connect(proxy.port, "s3.amazonaws.com:443") as s:  # not TLS after all: closed (an alert at most)
        s.sendall(b"\x16\x03\x01\xff\xff" + os.urandom(64))
        rest = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := s.recv(100):
                rest += chunk
        assert rest == b"" or rest.startswith(b"\x15\x03")
    for _ in range(5):  # clients gone at every step
        with socket.create_connection(("127.0.0.1", proxy.port)) as s:
            s.sendall(b"CONNECT sqs.us-east-1.amaz")
        with _connect(proxy.port, "sqs.us-east-1.amazonaws.com:443"):
            pass
        with _connect(proxy.port, "sqs.us-east-1.amazonaws.com:443") as s:
            s.sendall(b"\x16\x03\x01")
    with _connect(proxy.port, "sqs.us-east-1.amazonaws.com:443") as s, \
            pytest.raises(ssl.SSLCertVerificationError):  # a client without the CA
        ssl.create_default_context().wrap_socket(s, server_hostname="sqs.us-east-1.amazonaws.com")
    # and the next client is answered
    context = ssl.create_default_context(cafile=str(ca))
    conn = http.client.HTTPSConnection("127.0.0.1", proxy.port, context=context, timeout=30)
    conn.set_tunnel("dynamodb.us-east-1.amazonaws.com", 443)
    conn.request("POST", "/", body=b"{}", headers={"X-Amz-Target": "DynamoDB_20120810.ListTables",
                                                    "Content-Type": "application/x-amz-json-1.0"})
    resp = conn.getresponse()
    assert resp.status == 200 and b"TableNames" in resp.read()
    conn.close()
    assert proxy.proc is not None and proxy.proc.poll() is None
    assert any("refused the certificate for sqs.us-east-1.amazonaws.com" in line for line in proxy.output)
