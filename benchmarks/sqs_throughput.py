"""SQS hot paths in server mode: SendMessage and ReceiveMessage requests per second.

    python benchmarks/sqs_throughput.py [--duration 5] [--connections 8] [--moto]

Starts ``awsmock server`` on a temp data dir (and ``moto_server`` with ``--moto``), creates a
queue with boto3, then drives it with ``wrk`` using the exact JSON-protocol requests botocore
sends (SendMessage; ReceiveMessage with VisibilityTimeout=0 on a pre-filled queue, so every
receive claims messages). Prints requests/s and p99 latency per workload and server.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config as BotoConfig

AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/sqs/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
)
ENV = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int) -> None:
    end = time.monotonic() + 30
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port}")


def start(kind: str, data_dir: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    if kind == "awsmock":
        cmd = [
            sys.executable,
            "-m",
            "awsmock",
            "server",
            "-p",
            str(port),
            "--data-dir",
            data_dir,
            "--log-level",
            "warning",
        ]
    else:
        cmd = [shutil.which("moto_server") or "moto_server", "-p", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    _wait(port)
    return proc, f"http://127.0.0.1:{port}"


def _lua(target: str, body: dict[str, Any]) -> str:
    payload = json.dumps(json.dumps(body))
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": f"AmazonSQS.{target}",
        "X-Amz-Date": "20260101T000000Z",
        "Authorization": AUTH,
    }
    lua_headers = ", ".join(f'["{k}"] = "{v}"' for k, v in headers.items())
    return f'wrk.method = "POST"\nwrk.body = {payload}\nwrk.headers = {{{lua_headers}}}\n'


def wrk(url: str, script: str, duration: int, connections: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(connections),
                "-d",
                f"{duration}s",
                "--latency",
                "-s",
                fh.name,
                url + "/",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        Path(fh.name).unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99_ms = 0.0
    if p99:
        p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return {"rps": round(rps, 1), "p99_ms": round(p99_ms, 2), "errors": int(non2xx.group(1)) if non2xx else 0}


def bench(url: str, duration: int, connections: int) -> dict[str, Any]:
    sqs = boto3.client(
        "sqs",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=BotoConfig(retries={"max_attempts": 1}),
    )
    send_q = sqs.create_queue(QueueName="bench-send")["QueueUrl"]
    recv_q = sqs.create_queue(QueueName="bench-receive")["QueueUrl"]
    for start_at in range(0, 1000, 10):
        sqs.send_message_batch(
            QueueUrl=recv_q,
            Entries=[{"Id": str(i), "MessageBody": f"m{start_at + i:04d}" * 25} for i in range(10)],
        )
    return {
        "SendMessage": wrk(
            url, _lua("SendMessage", {"QueueUrl": send_q, "MessageBody": "x" * 100}), duration, connections
        ),
        "ReceiveMessage": wrk(
            url,
            _lua("ReceiveMessage", {"QueueUrl": recv_q, "MaxNumberOfMessages": 1, "VisibilityTimeout": 0}),
            duration,
            connections,
        ),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--moto", action="store_true", help="also measure moto_server")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        print("wrk is required (apt-get install wrk)", file=sys.stderr)
        return 2
    kinds = ["awsmock"] + (["moto"] if args.moto else [])
    results: dict[str, Any] = {}
    for kind in kinds:
        data_dir = tempfile.mkdtemp(prefix="awsmock-sqs-bench-")
        proc, url = start(kind, data_dir)
        try:
            results[kind] = bench(url, args.duration, args.connections)
        finally:
            proc.terminate()
            proc.wait(15)
            shutil.rmtree(data_dir, ignore_errors=True)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
