"""Hostile requests drawn from the models of every implemented operation, against a real server
(the bounded form of ``benchmarks/reliability_bench.py hostile``): no 500, no dropped connection,
no answer boto3 cannot read, the server's memory bounded, and the server still answering."""

from __future__ import annotations

import http.client
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import ServerProcess
from tests.reliability.model_hostile import Run, rss_kib

#: draws in CI (about 20 s on 2 cores); the long form runs 10,000 and more
DRAWS = int(os.environ.get("AWSMOCK_HOSTILE_DRAWS", "3000"))
SEED = int(os.environ.get("AWSMOCK_HOSTILE_SEED", "22"))
#: resident memory the server may gain between the end of the warm-up (a fifth of the draws:
#: every service's model and code loaded) and the end
MAX_GROWTH_MIB = 96


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path / "data", "--workers", "1").start()  # one process: its memory is measured
    yield proc
    proc.stop()


def test_drawn_hostile_requests_get_clean_answers(server: ServerProcess) -> None:
    run = Run(server.url, SEED)
    assert server.proc is not None
    pid = server.proc.pid
    warm = DRAWS // 5
    after_warm_up = 0
    for i, _ in enumerate(run.draws(DRAWS)):
        if i == warm:
            after_warm_up = rss_kib(pid)
    tally = run.tally
    assert tally.failed == 0, "\n".join(tally.failures)
    # most draws reach the server (a few cannot be serialized by botocore), and a good share
    # get past validation into the handlers
    assert tally.sent >= DRAWS * 0.85
    assert tally.statuses["2xx"] >= DRAWS * 0.08
    assert len({s for s in tally.statuses if s.startswith("admin")}) >= 2
    growth_mib = (rss_kib(pid) - after_warm_up) / 1024
    assert growth_mib < MAX_GROWTH_MIB, f"the server grew by {growth_mib:.0f} MiB"
    assert server.admin("GET", "/_awsmock/health")[0] == 200
    log = "".join(server.output)
    assert "Traceback" not in log, log[-3000:]


def test_a_deep_long_poll_body_is_answered_on_the_server(server: ServerProcess) -> None:
    """The server reads a ReceiveMessage body before authentication, to know whether it may wait:
    JSON nested too deeply for that reader once closed the connection with no answer."""
    body = b'{"QueueUrl":' + b"[" * 50_000 + b"]" * 50_000 + b', "WaitTimeSeconds": 20}'
    conn = http.client.HTTPConnection(server.url.split("//", 1)[1], timeout=30)
    conn.request(
        "POST",
        "/",
        body,
        {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.ReceiveMessage"},
    )
    answer = conn.getresponse()
    assert answer.status == 400
    assert json.loads(answer.read())["message"] == "The request body is nested too deeply"
    conn.close()


def test_response_headers_beyond_latin_1_or_with_line_breaks(server: ServerProcess) -> None:
    """S3's response-* overrides are echoed as headers: emoji go out as their UTF-8 bytes, as S3
    sends them, and a line break cannot split the header block (waitress answered 500)."""
    s3 = server.client("s3")
    s3.create_bucket(Bucket="echoed")
    s3.put_object(Bucket="echoed", Key="k", Body=b"body")
    got = s3.get_object(Bucket="echoed", Key="k", ResponseContentDisposition="attachment; filename=💥.txt")
    assert got["Body"].read() == b"body"
    raw = got["ResponseMetadata"]["HTTPHeaders"]["content-disposition"]
    assert raw.encode("latin-1").decode("utf-8") == "attachment; filename=💥.txt"
    got = s3.get_object(Bucket="echoed", Key="k", ResponseContentType="text/plain\r\nX-Injected: 1")
    assert got["Body"].read() == b"body"
    assert "x-injected" not in got["ResponseMetadata"]["HTTPHeaders"]
    assert got["ContentType"] == "text/plain  X-Injected: 1"
