"""Transport-level junk sent over raw sockets to a real ``awsmock server``: broken request lines,
huge headers and URLs, lying or conflicting lengths, broken chunking, truncated bodies, TLS
bytes. No 500, no traceback, the server stays up and its state is unchanged."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import ServerProcess

pytestmark = pytest.mark.server
RAW_EXAMPLES = 60


@pytest.fixture(scope="module")
def junk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    srv = ServerProcess(tmp_path_factory.mktemp("junk")).start()
    srv.client("s3").create_bucket(Bucket="junk-bucket")
    srv.client("s3").put_object(Bucket="junk-bucket", Key="k", Body=b"v")
    srv.client("sqs").create_queue(QueueName="junk")
    yield srv
    srv.stop()


def state(srv: ServerProcess) -> Any:
    s3, sqs = srv.client("s3"), srv.client("sqs")
    return (
        [o["Key"] for o in s3.list_objects_v2(Bucket="junk-bucket").get("Contents", [])],
        sqs.list_queues().get("QueueUrls", []),
        [b["Name"] for b in s3.list_buckets()["Buckets"]],
    )


def send_raw(srv: ServerProcess, data: bytes, *, close_early: bool = False, timeout: float = 5.0) -> bytes:
    """Send ``data``, read what comes back until the server closes or goes quiet."""
    with socket.create_connection(("127.0.0.1", srv.port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
            if close_early:
                return b""
            sock.shutdown(socket.SHUT_WR)
        except OSError:  # the server refused the rest of a huge request: fine
            pass
        out = b""
        try:
            while chunk := sock.recv(65536):
                out += chunk
        except (TimeoutError, ConnectionResetError):
            pass
        return out


def statuses(answer: bytes) -> list[int]:
    return [
        int(line.split()[1])
        for line in answer.split(b"\r\n")
        if line.startswith(b"HTTP/1.") and len(line.split()) >= 2 and line.split()[1].isdigit()
    ]


DDB = (
    b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: DynamoDB_20120810.PutItem\r\n"
    b"Content-Type: application/x-amz-json-1.0\r\n"
    b"Authorization: AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/dynamodb/aws4_request, "
    b"SignedHeaders=host, Signature=00\r\n"
)
JUNK: list[tuple[str, bytes]] = [
    ("binary request line", b"\x00\x01\x02\xff\r\n\r\n"),
    ("tls client hello", bytes.fromhex("16030100a5010000a10303") + b"\x00" * 64),
    ("http/0.9", b"GET /\r\n\r\n"),
    ("no host, bad version", b"GET / HTTP/9.9\r\n\r\n"),
    ("unknown method", b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("100 KB header", b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n"),
    ("1 MB url", b"GET /" + b"a" * 1_000_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
    (
        "10k headers",
        b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(10_000)) + b"\r\n",
    ),
    ("header without colon", b"GET / HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n"),
    ("NUL in header", b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n"),
    ("negative length", DDB + b"Content-Length: -5\r\n\r\n{}"),
    ("non-numeric length", DDB + b"Content-Length: abc\r\n\r\n{}"),
    ("conflicting lengths", DDB + b"Content-Length: 2\r\nContent-Length: 9\r\n\r\n{}"),
    (
        "length and chunked",
        DDB + b"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    ),
    ("bad chunk size", DDB + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"),
    ("chunked never ends", DDB + b'Transfer-Encoding: chunked\r\n\r\n5\r\n{"Ta'),
    ("truncated body", DDB + b'Content-Length: 500\r\n\r\n{"TableName": "junk"'),
    ("huge declared body", DDB + b"Content-Length: 99999999999\r\n\r\n{"),
    ("json garbage", DDB + b"Content-Length: 6\r\n\r\n\xff\xfe\x00{[<"),
    (
        "s3 put truncated",
        b"PUT /junk-bucket/new HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\nshort",
    ),
    (
        "pipelined junk after a good request",
        b"GET /_awsmock/health HTTP/1.1\r\nHost: x\r\n\r\n\x00\x01garbage\r\n\r\n",
    ),
    ("absolute-form target", b"GET http://evil.example/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("dot-dot path", b"GET /../../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"),
]


@pytest.mark.parametrize("label,data", JUNK, ids=[j[0] for j in JUNK])
def test_raw_junk_never_gets_a_500_and_changes_nothing(
    label: str, data: bytes, junk_server: ServerProcess
) -> None:
    before = state(junk_server)
    answer = send_raw(
        junk_server, data, close_early=label in ("truncated body", "chunked never ends", "s3 put truncated")
    )
    assert all(s != 500 for s in statuses(answer)), (label, answer[:1000])
    assert b"Traceback" not in answer
    assert b"root:" not in answer
    assert junk_server.admin("GET", "/_awsmock/health")[0] == 200
    assert state(junk_server) == before
    assert junk_server.proc is not None and junk_server.proc.poll() is None


def test_random_bytes_on_the_socket(junk_server: ServerProcess) -> None:
    """Hypothesis: random bytes, alone or after a valid request head, with or without an end of
    headers (without one the server waits for more and closes at EOF without answering)."""
    before = state(junk_server)
    tried = 0

    @settings(
        max_examples=RAW_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        head=st.sampled_from(
            [
                b"",
                DDB,
                b"PUT /junk-bucket/k2 HTTP/1.1\r\nHost: x\r\n",
                b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n",
            ]
        ),
        junk=st.binary(max_size=400),
        end=st.sampled_from([b"", b"\r\n\r\n", b"\r\nContent-Length: 3\r\n\r\nabc"]),
    )
    def run(head: bytes, junk: bytes, end: bytes) -> None:
        nonlocal tried
        tried += 1
        answer = send_raw(junk_server, head + junk + end, timeout=3.0)
        assert all(s != 500 for s in statuses(answer)), answer[:1000]
        assert b"Traceback" not in answer

    run()
    assert tried >= RAW_EXAMPLES // 2
    assert junk_server.admin("GET", "/_awsmock/health")[0] == 200
    after = state(junk_server)
    # a random tail after a valid PUT head can be a valid tiny PUT of k2: the only allowed change
    assert [k for k in after[0] if k != "k2"] == before[0] and after[1:] == before[1:]
    assert "Traceback" not in "".join(junk_server.output)
