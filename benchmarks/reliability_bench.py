"""Long forms of the reliability suite (tests/reliability), with figures for docs/reliability.md.

    python benchmarks/reliability_bench.py                # everything (several minutes)
    python benchmarks/reliability_bench.py crash --rounds 25
    python benchmarks/reliability_bench.py sqs --messages 5000
    python benchmarks/reliability_bench.py ddb race fuzz raw
    python benchmarks/reliability_bench.py hostile --requests 10000 --seed 22

Each scenario raises (exit status 1) when a guarantee breaks; otherwise it prints its figures as
JSON lines (and ``--json FILE`` collects them).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `tests` from a source checkout

from tests.helpers import FAKE_ENV, ServerProcess

for _k, _v in FAKE_ENV.items():
    os.environ.setdefault(_k, _v)


def bench_crash(args: argparse.Namespace) -> dict[str, Any]:
    from tests.reliability.scenarios import crash_rounds

    with tempfile.TemporaryDirectory(prefix="awsmock-crash-") as tmp:
        rounds = crash_rounds(Path(tmp) / "data", rounds=args.rounds, threads=args.threads, seed=args.seed)
    return {
        "rounds": len(rounds),
        "integrity_ok": sum(r["integrity"] == "ok" for r in rounds),
        "acknowledged_writes": sum(r["acked_writes"] for r in rounds),
        "objects_checked": sum(r["objects"] for r in rounds),
        "messages_checked": sum(r["messages"] for r in rounds),
        "items_checked": sum(r["items"] for r in rounds),
        "multipart_objects": sum(r["multipart_objects"] for r in rounds),
        "transact_write_items": sum(r["transactions"] for r in rounds),
        "batch_write_items": sum(r["batch_writes"] for r in rounds),
        "send_message_batches": sum(r["message_batches"] for r in rounds),
        "lost_or_torn": 0,
    }


def _servers(n: int, root: Path) -> list[ServerProcess]:
    return [ServerProcess(root / "shared").start() for _ in range(n)]


def bench_sqs(args: argparse.Namespace) -> dict[str, Any]:
    from tests.reliability.scenarios import sqs_exactly_once

    with tempfile.TemporaryDirectory(prefix="awsmock-sqs-") as tmp:
        servers = _servers(2, Path(tmp))
        try:
            start = time.monotonic()
            out = sqs_exactly_once(servers, args.messages, consumers_per_server=args.consumers)
            out["seconds"] = round(time.monotonic() - start, 1)
            out["locked_in_logs"] = sum("database is locked" in "".join(s.output) for s in servers)
        finally:
            for s in servers:
                s.stop()
    return out


def bench_ddb(args: argparse.Namespace) -> dict[str, Any]:
    from tests.reliability.scenarios import ddb_serialization

    with tempfile.TemporaryDirectory(prefix="awsmock-ddb-") as tmp:
        servers = _servers(2, Path(tmp))
        try:
            out = ddb_serialization(
                servers, args.threads, args.ddb_rounds, process_increments=args.ddb_rounds * 4
            )
            out["locked_in_logs"] = sum("database is locked" in "".join(s.output) for s in servers)
        finally:
            for s in servers:
                s.stop()
    return out


def bench_race(args: argparse.Namespace) -> dict[str, Any]:
    from tests.reliability.scenarios import snapshot_race

    with tempfile.TemporaryDirectory(prefix="awsmock-race-") as tmp:
        servers = _servers(2, Path(tmp))
        try:
            return snapshot_race(servers, seconds=args.seconds, readers_per_server=3)
        finally:
            for s in servers:
                s.stop()


def bench_fuzz(args: argparse.Namespace) -> dict[str, Any]:
    """The in-process hostile-input run with ``--examples`` inputs per protocol."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from awsmock.api.app import create_app
    from awsmock.engine.config import Config
    from awsmock.state.store import Store
    from tests.reliability.hostile import BY_PROTOCOL, Tally, call, check_answer, fingerprint, seed_state
    from tests.reliability.test_hostile_input import CONTENT_TYPES, body_for

    figures: dict[str, Any] = {}
    for protocol, targets in sorted(BY_PROTOCOL.items()):
        store = Store("sqlite://")
        app = create_app(Config(in_memory=True), store)
        seed_state(app)
        tally = Tally()

        @settings(
            max_examples=args.examples, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(data=st.data())
        def run(data: st.DataObject) -> None:
            target = data.draw(st.sampled_from(targets))  # noqa: B023
            body = data.draw(body_for(target))
            headers = target.request_headers()
            if data.draw(st.booleans()):
                headers["Content-Type"] = data.draw(st.sampled_from(CONTENT_TYPES))
            before = fingerprint(app.store)  # noqa: B023
            status, hdrs, answer = call(app, target.method, target.path, headers, body)  # noqa: B023
            tally.add(status)  # noqa: B023
            check_answer(target, status, hdrs, answer)
            if status >= 400:
                assert fingerprint(app.store) == before, (target.name, status, body[:200])  # noqa: B023

        run()
        store.dispose()
        figures[protocol] = {"tried": tally.tried, "by_status": dict(sorted(tally.by_status.items()))}
    figures["total_tried"] = sum(f["tried"] for f in figures.values() if isinstance(f, dict))
    return figures


def bench_raw(args: argparse.Namespace) -> dict[str, Any]:
    """Random bytes on a real server's socket, ``--raw`` times."""
    import random

    from tests.reliability.test_transport import DDB, send_raw, statuses

    rng = random.Random(args.seed)
    heads = [b"", DDB, b"PUT /junk-bucket/k2 HTTP/1.1\r\nHost: x\r\n", b"GET / HTTP/1.1\r\n"]
    seen: dict[int, int] = {}
    with tempfile.TemporaryDirectory(prefix="awsmock-raw-") as tmp:
        srv = ServerProcess(Path(tmp) / "data").start()
        try:
            srv.client("s3").create_bucket(Bucket="junk-bucket")
            for _ in range(args.raw):
                junk = bytes(rng.randrange(256) for _ in range(rng.randrange(600)))
                end = rng.choice([b"", b"\r\n\r\n", b"\r\nContent-Length: 3\r\n\r\nabc"])
                answer = send_raw(srv, rng.choice(heads) + junk + end, timeout=3.0)
                for s in statuses(answer) or [0]:
                    seen[s] = seen.get(s, 0) + 1
                assert 500 not in statuses(answer) and b"Traceback" not in answer, answer[:500]
            assert srv.admin("GET", "/_awsmock/health")[0] == 200
            assert "Traceback" not in "".join(srv.output)
        finally:
            srv.stop()
    return {"tried": args.raw, "answers_by_status (0 = connection closed)": dict(sorted(seen.items()))}


def bench_hostile(args: argparse.Namespace) -> dict[str, Any]:
    """Requests drawn from the models of every implemented operation (and the admin API), sent
    to a real server: no 500, no dropped connection, memory bounded."""
    from tests.reliability.model_hostile import Run, rss_kib

    with tempfile.TemporaryDirectory(prefix="awsmock-hostile-") as tmp:
        srv = ServerProcess(Path(tmp) / "data").start()
        try:
            assert srv.proc is not None
            run = Run(srv.url, 22 if args.seed is None else args.seed)
            rss: list[int] = []
            for i, _ in enumerate(run.draws(args.requests)):
                if i % max(1, args.requests // 10) == 0:
                    rss.append(rss_kib(srv.proc.pid) // 1024)
            rss.append(rss_kib(srv.proc.pid) // 1024)
            tally = run.tally
            assert tally.failed == 0, "\n".join(tally.failures)
            assert srv.admin("GET", "/_awsmock/health")[0] == 200
            assert "Traceback" not in "".join(srv.output)
        finally:
            srv.stop()
    return {
        "drawn": args.requests,
        "sent": tally.sent,
        "not_serializable_by_botocore": tally.unsendable,
        "operations": len(run.operations),
        "answers": dict(sorted(tally.statuses.items())),
        "server_rss_mib_every_tenth": rss,
    }


SCENARIOS = {
    "crash": bench_crash,
    "sqs": bench_sqs,
    "ddb": bench_ddb,
    "race": bench_race,
    "fuzz": bench_fuzz,
    "raw": bench_raw,
    "hostile": bench_hostile,
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "scenarios", nargs="*", metavar="SCENARIO", help=f"any of {', '.join(SCENARIOS)} (default: all)"
    )
    p.add_argument("--rounds", type=int, default=20, help="kill -9 rounds (crash)")
    p.add_argument("--threads", type=int, default=4, help="writer threads (crash) / threads per server (ddb)")
    p.add_argument("--messages", type=int, default=3000, help="SQS messages (sqs)")
    p.add_argument("--consumers", type=int, default=4, help="SQS consumers per server (sqs)")
    p.add_argument("--ddb-rounds", type=int, default=40, help="rounds per DynamoDB thread (ddb)")
    p.add_argument("--seconds", type=float, default=20.0, help="snapshot race duration (race)")
    p.add_argument("--examples", type=int, default=2000, help="hypothesis inputs per protocol (fuzz)")
    p.add_argument("--raw", type=int, default=500, help="random socket payloads (raw)")
    p.add_argument("--requests", type=int, default=10000, help="requests drawn from the models (hostile)")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--json", type=Path, help="also write all figures to this file")
    args = p.parse_args(argv)
    results: dict[str, Any] = {}
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        p.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    for name in args.scenarios or list(SCENARIOS):
        start = time.monotonic()
        results[name] = SCENARIOS[name](args)
        results[name]["wall_seconds"] = round(time.monotonic() - start, 1)
        print(json.dumps({name: results[name]}), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
