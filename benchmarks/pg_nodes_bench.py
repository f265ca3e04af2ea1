"""Scale-out on PostgreSQL: the server workloads against 1 and 2 API nodes sharing one database,
and how fast a long poll on one node wakes on a send to another.

    python benchmarks/pg_nodes_bench.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
        [--nodes 1,2] [--duration 5] [--connections 8] [--threads 8] [--workloads all]
        [--wake-samples 20] [--no-sqlite] [--json]

For each node count a new database is created (next to the one ``--database-url`` names) and
dropped after. The workloads and their wrk scripts are those of ``server_bench.py``; with N nodes,
N wrk processes run at once, one per node, splitting the connections, and their requests/s add
up. A one-node SQLite server runs the same workloads as the reference (``--no-sqlite`` skips it).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from server_bench import Server, client, free_port, run_wrk, start_awsmock, wait_port, workloads
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url


def start_node(url: str, threads: int) -> Server:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "awsmock",
            "server",
            "-p",
            str(port),
            "--database-url",
            url,
            "--threads",
            str(threads),
            "--log-level",
            "error",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_port(port, timeout=60)
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_awsmock/health", timeout=5).read()
            return Server("awsmock", proc, port)
        except OSError:
            time.sleep(0.02)


class Database:
    """A new database beside the one ``admin_url`` names; dropped by :meth:`drop`."""

    def __init__(self, admin_url: str) -> None:
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.name = f"awsmock_bench_{uuid.uuid4().hex[:8]}"
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        self.url = make_url(admin_url).set(database=self.name).render_as_string(hide_password=False)

    def drop(self) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.admin.dispose()


def run_workload(nodes: list[Server], name: str, duration: int, connections: int) -> dict[str, Any]:
    # set up through each node (the state is shared; a set-up is idempotent but SQS receive adds
    # its 3,000 messages again, enough for the run) and capture the requests each node gets
    scripts = [workloads(n.url)[name]() for n in nodes]
    per_node = max(1, connections // len(nodes))
    with ThreadPoolExecutor(len(nodes)) as pool:
        results = list(
            pool.map(
                lambda pair: run_wrk(pair[0].url, pair[1], duration, per_node),
                zip(nodes, scripts, strict=True),
            )
        )
    return {
        "rps": round(sum(r["rps"] for r in results), 1),
        "p99_ms": max(r["p99_ms"] for r in results),
        "non2xx": sum(r["non2xx"] for r in results),
    }


def wake_latency(a: Server, b: Server, samples: int) -> dict[str, float]:
    """Milliseconds from a SendMessage on ``b`` returning to a waiting ReceiveMessage on ``a``
    returning the message (and from the send being issued)."""
    url = client("sqs", a.url).create_queue(QueueName="wake-bench")["QueueUrl"]
    receiver, sender = client("sqs", a.url), client("sqs", b.url)
    receiver.receive_message(QueueUrl=url, WaitTimeSeconds=0)
    after_send, after_issue = [], []
    for i in range(samples):
        done: list[float] = []

        def receive(done: list[float] = done) -> None:
            msgs = receiver.receive_message(QueueUrl=url, WaitTimeSeconds=10).get("Messages", [])
            done.append(time.perf_counter())
            for m in msgs:
                receiver.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])

        thread = threading.Thread(target=receive)
        thread.start()
        time.sleep(0.3)  # the receive is waiting on node a
        issued = time.perf_counter()
        sender.send_message(QueueUrl=url, MessageBody=f"wake {i}")
        sent = time.perf_counter()
        thread.join(15)
        after_send.append((done[0] - sent) * 1000)
        after_issue.append((done[0] - issued) * 1000)
    q = statistics.quantiles(after_send, n=10)
    return {
        "median_after_send_ms": round(statistics.median(after_send), 1),
        "p90_after_send_ms": round(q[-1], 1),
        "median_after_issue_ms": round(statistics.median(after_issue), 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--database-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        help="a database on the PostgreSQL server to use (bench databases are created beside it)",
    )
    ap.add_argument("--nodes", default="1,2")
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--workloads", default="all")
    ap.add_argument("--wake-samples", type=int, default=20)
    ap.add_argument("--no-sqlite", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        print("wrk is required (apt-get install wrk)", file=sys.stderr)
        return 2
    names = list(workloads("http://x")) if args.workloads == "all" else args.workloads.split(",")
    results: dict[str, Any] = {"workloads": {n: {} for n in names}}
    if not args.no_sqlite:
        data_dir = tempfile.mkdtemp(prefix="awsmock-bench-")
        server, _ = start_awsmock(args.threads, data_dir, [])
        try:
            for name in names:
                results["workloads"][name]["sqlite_1"] = run_workload(
                    [server], name, args.duration, args.connections
                )
        finally:
            server.stop()
            shutil.rmtree(data_dir, ignore_errors=True)
    for count in [int(n) for n in args.nodes.split(",")]:
        for name in names:  # a new database per workload and node count: same starting state
            db = Database(args.database_url)
            nodes: list[Server] = []
            try:
                nodes.append(start_node(db.url, args.threads))  # the first node migrates
                nodes.extend(start_node(db.url, args.threads) for _ in range(count - 1))
                results["workloads"][name][f"postgresql_{count}"] = run_workload(
                    nodes, name, args.duration, args.connections
                )
                if count >= 2 and name == names[-1] and args.wake_samples:
                    results["wake"] = wake_latency(nodes[0], nodes[1], args.wake_samples)
            finally:
                for node in nodes:
                    node.stop()
                db.drop()
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    columns = sorted(
        {c for row in results["workloads"].values() for c in row},
        key=lambda c: (not c.startswith("sqlite"), int(c.rsplit("_", 1)[1])),
    )
    print(f"{'workload':<22}" + "".join(f"{c:>22}" for c in columns) + "   (req/s, p99 ms, non-2xx)")
    for name, row in results["workloads"].items():
        cells = "".join(
            f"{row[c]['rps']:>10.0f} {row[c]['p99_ms']:>6.1f} {row[c]['non2xx']:>4}" for c in columns
        )
        print(f"{name:<22}{cells}")
    if "wake" in results:
        print("long poll on node 1 woken by a send on node 2:", results["wake"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
