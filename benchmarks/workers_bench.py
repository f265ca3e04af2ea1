"""Scaling with worker processes: ``awsmock server --workers 1, 2, 4`` against moto_server, one run.

    python benchmarks/workers_bench.py [--duration 5] [--connections 8] [--workers 1,2,4]
        [--workloads s3_get,s3_put,sqs_send,sqs_receive_delete,dynamodb_get,dynamodb_put]
        [--moto-python /tmp/motoenv/bin/python] [--rounds 1] [--json]

Each awsmock server runs on its own fresh SQLite data dir; every workload is set up with boto3 and
driven by ``wrk`` with the exact requests botocore sends (``benchmarks/server_bench.py``'s
workloads). The servers take turns workload by workload (awsmock at 1, 2, 4 workers, then
moto_server), each after one unmeasured second of the workload, so drift in the machine's load hits them alike; with ``--rounds`` > 1 the best
round counts. moto_server runs from ``--moto-python`` (a venv with ``moto[server]``) when given,
else from this interpreter. The load generator (``wrk``, 2 threads) shares the machine's cores
with the server under test: the cores are printed with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.server_bench import Server, free_port, run_wrk, wait_port, workloads

READS = ("s3_get", "sqs_receive_delete", "dynamodb_get")
DEFAULT = "s3_get,s3_put,sqs_send,sqs_receive_delete,dynamodb_get,dynamodb_put"


def start_awsmock(workers: int, data_dir: str, threads: int) -> Server:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "awsmock", "server", "-p", str(port), "--data-dir", data_dir,
         "--workers", str(workers), "--threads", str(threads), "--log-level", "error"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_port(port)
    import urllib.request

    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    deadline = time.monotonic() + 60
    while workers > 1 and children.exists() and time.monotonic() < deadline:  # every worker forked
        if len(children.read_text().split()) >= workers:
            break
        time.sleep(0.05)
    for _ in range(workers * 4):  # and answering (new connections spread over them)
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_awsmock/health", timeout=5).read()
                break
            except OSError:
                time.sleep(0.02)
    return Server(f"awsmock-{workers}w", proc, port)


def start_moto(python: str) -> Server | None:
    port = free_port()
    try:
        proc = subprocess.Popen([python, "-m", "moto.server", "-p", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    except OSError:
        return None
    try:
        wait_port(port)
    except RuntimeError:
        proc.kill()
        return None
    return Server("moto", proc, port)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--threads", type=int, default=8, help="waitress threads per awsmock worker")
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--workloads", default=DEFAULT)
    ap.add_argument("--moto-python", default=sys.executable)
    ap.add_argument("--no-moto", action="store_true")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        print("wrk is required (apt-get install wrk)", file=sys.stderr)
        return 2
    counts = [int(n) for n in args.workers.split(",")]
    names = args.workloads.split(",")
    dirs = {n: tempfile.mkdtemp(prefix=f"awsmock-workers{n}-") for n in counts}
    servers = {f"awsmock-{n}w": start_awsmock(n, dirs[n], args.threads) for n in counts}
    moto = None if args.no_moto else start_moto(args.moto_python)
    if moto is not None:
        servers["moto"] = moto
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = os.getloadavg()
    best: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in names}
    try:
        prepared: dict[tuple[str, str], str] = {}
        for _ in range(args.rounds):
            for name in names:
                for who, server in servers.items():
                    try:
                        key = (who, name)
                        if key not in prepared:
                            prepared[key] = workloads(server.url)[name]()
                            # a second of the workload first: every worker's first requests of it
                            # (routes, per-shape tables built once per process) are not measured
                            run_wrk(server.url, prepared[key], 1, args.connections)
                        got = run_wrk(server.url, prepared[key], args.duration, args.connections)
                    except Exception as exc:  # a peer that cannot run a workload is reported
                        got = {"error": repr(exc)[:200]}
                    kept = best[name].get(who)
                    if kept is None or got.get("rps", 0) > kept.get("rps", 0):
                        best[name][who] = got
    finally:
        for server in servers.values():
            server.stop()
        for d in dirs.values():
            shutil.rmtree(d, ignore_errors=True)
    results = {
        "started": started,
        "cores": os.cpu_count(),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "connections": args.connections,
        "duration_s": args.duration,
        "workloads": best,
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{started}: {results['cores']} cores shared by wrk (2 threads, {args.connections} connections) and "
          f"the server under test; load average before {results['load_before']}, after {results['load_after']}")  # fmt: skip
    cols = [f"awsmock-{n}w" for n in counts]
    head = "".join(f"{c:>14}" for c in cols)
    print(f"{'workload':<20}{head}{'moto':>9}" + "".join(f"{f'{n}w/1w':>8}" for n in counts[1:])
          + "".join(f"{f'{n}w x moto':>11}" for n in counts))  # fmt: skip
    for name in names:
        row = best[name]
        rps = {who: row.get(who, {}).get("rps", 0.0) for who in [*cols, "moto"]}
        one = rps.get(cols[0]) or 0.0
        line = f"{name:<20}" + "".join(
            f"{rps[c]:>9.0f} {row.get(c, {}).get('p99_ms', 0):>4.0f}" for c in cols
        )
        line += f"{rps['moto']:>9.0f}"
        line += "".join(f"{(rps[c] / one if one else 0):>8.2f}" for c in cols[1:])
        line += "".join(f"{(rps[c] / rps['moto'] if rps['moto'] else 0):>11.1f}" for c in cols)
        print(line)
        for who in [*cols, "moto"]:
            if "error" in row.get(who, {}):
                print(f"   {who}: {row[who]['error']}")
            elif row.get(who, {}).get("non2xx"):
                print(f"   {who}: {row[who]['non2xx']} non-2xx answers")
    print("(columns: req/s and p99 ms per worker count; ratios against 1 worker and against moto)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
