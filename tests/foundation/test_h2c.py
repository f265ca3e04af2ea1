"""HTTP/2 with prior knowledge (h2c) on the server's own port, beside HTTP/1.1: the same app
answers each stream (awsmock/h2c.py). Clients: ``tests/h2client.py`` (the ``h2`` package), boto3
over HTTP/1.1 on the same port, and the AWS SDK for JavaScript v3 when node and npm are here."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import h2.errors
import pytest

import awsmock
from awsmock import h2c
from tests.h2client import H2Client
from tests.helpers import ServerProcess, server_client

SHARD = "shardId-000000000000"


@pytest.fixture(scope="module")
def threaded() -> Iterator[awsmock.ThreadedServer]:
    with awsmock.ThreadedServer() as server:
        yield server


def _stream(client: H2Client, name: str) -> None:
    assert client.kinesis("CreateStream", {"StreamName": name, "ShardCount": 1}).status == 200


def test_put_and_get_records_over_h2_on_a_server(server: ServerProcess) -> None:
    """A real ``awsmock server``: a Kinesis round trip and an error answer over HTTP/2, and the
    same state over HTTP/1.1 on the same port."""
    with H2Client(server.port) as client:
        _stream(client, "h2-trip")
        put = client.kinesis("PutRecord", {"StreamName": "h2-trip", "Data": base64.b64encode(b"hi").decode(), "PartitionKey": "p"})
        assert put.status == 200 and put.headers["content-type"] == "application/x-amz-json-1.1"
        seq = put.json()["SequenceNumber"]
        it = client.kinesis("GetShardIterator", {"StreamName": "h2-trip", "ShardId": SHARD, "ShardIteratorType": "TRIM_HORIZON"})
        got = client.kinesis("GetRecords", {"ShardIterator": it.json()["ShardIterator"]}).json()
        assert [(r["SequenceNumber"], base64.b64decode(r["Data"])) for r in got["Records"]] == [(seq, b"hi")]
        missing = client.kinesis("DescribeStreamSummary", {"StreamName": "nope"})
        assert missing.status == 400
        assert missing.json()["__type"] == "ResourceNotFoundException"
        assert "nope" in missing.json()["message"]
        assert missing.headers["x-amzn-requestid"]
    kinesis = server.client("kinesis")  # HTTP/1.1, same port, same state
    assert kinesis.describe_stream_summary(StreamName="h2-trip")["StreamDescriptionSummary"]["OpenShardCount"] == 1


def test_concurrent_streams_and_large_bodies(threaded: awsmock.ThreadedServer) -> None:
    """Twenty streams at once on one connection, each its own answer; a 1 MiB request body and a
    5 MiB answer through a client window of 16 KiB (flow control both ways)."""
    with H2Client(threaded.port, window=16 * 1024) as client:
        _stream(client, "h2-many")
        sids = [
            client.aws("Kinesis_20131202.PutRecord", {"StreamName": "h2-many", "Data": base64.b64encode(b"r%d" % i).decode(), "PartitionKey": f"k{i}"})
            for i in range(20)
        ]
        answers = client.wait(*sids)
        assert all(a.status == 200 for a in answers)
        assert len({a.json()["SequenceNumber"] for a in answers}) == 20
        big = os.urandom(1024 * 1024 - 16)
        for _ in range(5):
            put = client.kinesis("PutRecord", {"StreamName": "h2-many", "Data": base64.b64encode(big).decode(), "PartitionKey": "big"})
            assert put.status == 200, put.body[:300]
        it = client.kinesis("GetShardIterator", {"StreamName": "h2-many", "ShardId": SHARD, "ShardIteratorType": "TRIM_HORIZON"})
        got = client.kinesis("GetRecords", {"ShardIterator": it.json()["ShardIterator"]})
        assert len(got.body) > 5 * 1024 * 1024
        records = got.json()["Records"]
        assert [base64.b64decode(r["Data"]) for r in records[20:]] == [big] * 5
        assert sorted(base64.b64decode(r["Data"]) for r in records[:20]) == sorted(b"r%d" % i for i in range(20))


def test_admin_and_dashboard_paths_answer_over_h2(threaded: awsmock.ThreadedServer) -> None:
    with H2Client(threaded.port) as client:
        [health] = client.wait(client.request("GET", "/_awsmock/health"))
        assert health.status == 200 and health.json()["status"] == "ok"
        [unknown] = client.wait(client.request("GET", "/_awsmock/nothing-here"))
        assert unknown.status == 404


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x00\x00\x08\x00\x00\x00\x00\x00\x00" + b"x" * 8,  # DATA on stream 0
        b"\x00\x00\x01\x04\x00\x00\x00\x00\x00" + b"\x00",  # SETTINGS of a length not a multiple of 6
        b"\xff" * 64,  # no frame at all
    ],
    ids=["data-on-stream-0", "bad-settings", "noise"],
)
def test_bad_frames_get_a_goaway_and_the_server_lives_on(threaded: awsmock.ThreadedServer, garbage: bytes) -> None:
    client = H2Client(threaded.port)
    try:
        client.send_raw(garbage)
        client.until_closed()
        assert client.terminated is not None
        assert client.terminated.error_code in (h2.errors.ErrorCodes.PROTOCOL_ERROR, h2.errors.ErrorCodes.FRAME_SIZE_ERROR)
    finally:
        client.close()
    with H2Client(threaded.port) as again:
        assert again.wait(again.request("GET", "/_awsmock/health"))[0].status == 200
    assert server_client(threaded.url, "kinesis").list_streams()["StreamNames"] is not None


def test_http11_on_the_same_port_even_when_its_first_bytes_trickle_in(threaded: awsmock.ThreadedServer) -> None:
    """First bytes that could begin the preface ("P", "PRI") are held until they tell; then
    HTTP/1.1 goes on as ever."""
    for first in (b"P", b"PRI"):
        with socket.create_connection(("127.0.0.1", threaded.port), timeout=10) as sock:
            request = b"PRI" if first == b"PRI" else b"POST"
            sock.sendall(first)
            rest = (request[len(first):] + b" /_awsmock/health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            sock.sendall(rest)
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
            assert data.startswith(b"HTTP/1.1 "), data[:100]


def test_the_server_stopping_sends_goaway() -> None:
    server = awsmock.ThreadedServer().start()
    client = H2Client(server.port)
    try:
        assert client.wait(client.request("GET", "/_awsmock/health"))[0].status == 200
        server.stop()
        client.until_closed()
        assert client.terminated is not None and client.terminated.error_code == h2.errors.ErrorCodes.NO_ERROR
    finally:
        client.close()
        server.stop()


def test_workers_answer_h2_and_log_each_request(tmp_path: Path) -> None:
    """``--workers 2``: every worker's connections speak HTTP/2 too; the request log has a line per
    stream, as for HTTP/1.1; a server stopping (SIGTERM) says GOAWAY on its open connections."""
    proc = ServerProcess(tmp_path / "data", "--workers", "2", "--log-level", "info").start()
    open_one = None
    try:
        for _ in range(3):  # new connections: whichever worker accepts them
            with H2Client(proc.port) as client:
                assert client.wait(client.request("GET", "/_awsmock/health"))[0].status == 200
        open_one = H2Client(proc.port)
        assert open_one.wait(open_one.request("GET", "/_awsmock/health"))[0].status == 200
        assert proc.proc is not None
        proc.proc.terminate()  # SIGTERM: the workers stop
        open_one.until_closed()
        assert open_one.terminated is not None and open_one.terminated.error_code == h2.errors.ErrorCodes.NO_ERROR
    finally:
        if open_one is not None:
            open_one.close()
        proc.stop("KILL")
    assert sum("awsmock GET /_awsmock/health 200" in line for line in proc.output) == 4, "".join(proc.output)[-2000:]


# -- the AWS SDK for JavaScript v3 -------------------------------------------------------------

_JS = r"""
import { KinesisClient, CreateStreamCommand, PutRecordCommand, GetShardIteratorCommand, GetRecordsCommand,
  DescribeStreamSummaryCommand, RegisterStreamConsumerCommand, SubscribeToShardCommand } from "@aws-sdk/client-kinesis";
const client = new KinesisClient({ endpoint: process.argv[2], region: "us-east-1",
  credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
const text = (r) => new TextDecoder().decode(r.Data);
const name = "js-stream";
await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
const put = await client.send(new PutRecordCommand({ StreamName: name, Data: new TextEncoder().encode("first"), PartitionKey: "p" }));
const it = await client.send(new GetShardIteratorCommand({ StreamName: name, ShardId: put.ShardId, ShardIteratorType: "TRIM_HORIZON" }));
const got = await client.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator }));
let error = null;
try { await client.send(new DescribeStreamSummaryCommand({ StreamName: "missing" })); } catch (e) { error = e.name; }
const arn = (await client.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary.StreamARN;
const consumer = (await client.send(new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: "js" }))).Consumer.ConsumerARN;
const stop = new AbortController();
const sub = await client.send(new SubscribeToShardCommand({ ConsumerARN: consumer, ShardId: put.ShardId,
  StartingPosition: { Type: "TRIM_HORIZON" } }), { abortSignal: stop.signal });
const pushed = [];
for await (const event of sub.EventStream) {
  pushed.push(...event.SubscribeToShardEvent.Records.map(text));
  if (pushed.length === 1) await client.send(new PutRecordCommand({ StreamName: name, Data: new TextEncoder().encode("second"), PartitionKey: "p" }));
  if (pushed.length >= 2) { stop.abort(); break; }
}
console.log(JSON.stringify({ sequence: put.SequenceNumber, read: got.Records.map(text), error, pushed }));
client.destroy();
"""


def _js_sdk() -> Path:
    """A directory with ``@aws-sdk/client-kinesis`` installed: ``$AWSMOCK_TEST_NODE_MODULES`` or
    the user's cache dir (installed once with npm, then reused); skips when node, npm or the
    registry is missing."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed for the JavaScript SDK test")
    cache = os.environ.get("AWSMOCK_TEST_NODE_MODULES") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "awsmock", "js-sdk"
    )
    where = Path(cache)
    if not (where / "node_modules" / "@aws-sdk" / "client-kinesis").is_dir():
        where.mkdir(parents=True, exist_ok=True)
        try:
            done = subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--silent", "@aws-sdk/client-kinesis@3"],
                cwd=where, capture_output=True, text=True, timeout=120,
            )
        except subprocess.TimeoutExpired:
            pytest.skip("npm install of @aws-sdk/client-kinesis took too long (no registry?)")
        if done.returncode != 0:
            pytest.skip(f"npm install of @aws-sdk/client-kinesis failed (no registry?): {done.stderr[-300:]}")
    return where


def test_the_javascript_sdk_kinesis_client_works_unconfigured(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SDK's Kinesis client speaks HTTP/2 to an http:// endpoint by default: every call, an
    error and a SubscribeToShard event stream (records pushed as they are put)."""
    where = _js_sdk()
    threaded: awsmock.ThreadedServer = request.getfixturevalue("threaded")  # (after a skip, none started)
    connections: list[Any] = []
    start_h2 = h2c.H2Channel.start_h2

    def counted(channel: Any, data: bytes) -> None:
        connections.append(channel)
        start_h2(channel, data)

    monkeypatch.setattr(h2c.H2Channel, "start_h2", counted)
    script = where / "awsmock_kinesis_test.mjs"
    script.write_text(_JS)
    threaded.reset()
    ran = subprocess.run(["node", str(script), threaded.url], cwd=where, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr[-2000:]
    out = json.loads(ran.stdout.strip().splitlines()[-1])
    assert out["read"] == ["first"] and out["sequence"].startswith("49")
    assert out["error"] == "ResourceNotFoundException"
    assert out["pushed"] == ["first", "second"]
    assert len(connections) >= 8  # HTTP/2 it was (a connection per request, as the SDK does)
