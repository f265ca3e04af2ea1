"""In-process overhead counted in CPU instructions (valgrind), not timed.

    python benchmarks/inprocess_instructions.py [--calls 400] [--jobs 2] [--only kms,secrets] [--json FILE]

The workloads of ``inprocess_bench.py`` (the floor, awsmock and moto on the same boto3 calls),
each run in a child process under ``valgrind --tool=cachegrind --cache-sim=no`` twice: with
``--calls`` calls and with none. The difference divided by the calls is the instructions one
call costs, whatever else the machine is doing; overhead is a mode's count minus the floor's.
On a shared or virtual machine, wall-clock times of the same build swing by a third between
runs; instruction counts repeat within about 1% (the children run with one ``PYTHONHASHSEED``). They do not see cache misses, so a ratio of
times runs somewhat above the ratio of instructions (about 1.3x here): this measures progress,
``inprocess_bench.py`` measures the target.

A fourth mode, "canned", is the floor answered with awsmock's exact response: how much of
awsmock's overhead is botocore handling a faithful response (S3 checksum validation, more
headers) rather than awsmock's own work.

Needs valgrind (``apt-get install valgrind``). Benchmark only: moto is a peer, never a
dependency of awsmock.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODES = ("floor", "canned", "awsmock", "moto")

CHILD = r"""
import sys
sys.path.insert(0, {here!r})
import inprocess_bench as B

mode, index, calls = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
B.MINIMAL_FLOOR = sys.argv[4:] == ["minimal"]
name, service, setup, call = B.WORKLOADS[index]
if mode == "floor":
    c = B.floor_client(service)
    state = setup(c)
elif mode == "moto":
    import moto

    moto.mock_aws().start()
    c = B.client(service)
    state = setup(c)
else:
    import awsmock
    from awsmock.auth import settings

    # the auth limit's "no limit" answer is cached for half a second of wall time; under
    # valgrind a call is ~50x slower, so it would expire every few dozen calls and add a
    # settings query to a varying share of them (a real run re-reads it once per ~1,000 calls)
    settings.OFF_CACHE_SECONDS = 1e9
    mock = awsmock.mock_aws()
    mock.__enter__()
    c = B.client(service)
    state = setup(c)
    if mode == "canned":  # awsmock's own answer, replayed by a before-send hook
        from botocore.awsrequest import AWSResponse

        from awsmock import inprocess

        seen = {{}}
        real = inprocess.botocore_response

        def capture(app, request, *rest):
            response = real(app, request, *rest)
            data = response.raw.read()
            seen["r"] = (response.status_code, dict(response.headers.items()), data)
            response.raw = B._Raw(data)
            return response

        inprocess.botocore_response = capture
        call(c, state)
        inprocess.botocore_response = real
        mock.__exit__(None, None, None)
        status, headers, data = seen["r"]
        c = B.client(service)
        c.meta.events.register(
            "before-send", lambda request, **_: AWSResponse(request.url, status, headers, B._Raw(data))
        )
for _ in range(50):  # warm: first calls load models and fill caches
    call(c, state)
for _ in range(calls):
    call(c, state)
"""


def instructions(script: Path, mode: str, index: int, calls: int, minimal_floor: bool = False) -> int:
    out = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            str(script),
            mode,
            str(index),
            str(calls),
            *(["minimal"] if minimal_floor else []),
        ],
        capture_output=True,
        text=True,
        check=True,
        # one string-hash seed for every child: dict and set layouts otherwise move a
        # workload's count by 0.03-0.06 M per call between runs of the same build
        env={**os.environ, "PYTHONHASHSEED": "0"},
    ).stderr
    m = re.search(r"I\s+refs:\s+([\d,]+)", out)
    if m is None:
        raise RuntimeError(f"no instruction count from valgrind:\n{out[-2000:]}")
    return int(m.group(1).replace(",", ""))


def per_call(script: Path, mode: str, index: int, calls: int, minimal_floor: bool = False) -> float:
    counts = [instructions(script, mode, index, n, minimal_floor) for n in (calls, 0)]
    return (counts[0] - counts[1]) / calls


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=400)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--only", help="count only the workloads whose names contain one of these (comma-separated)")
    ap.add_argument(
        "--minimal-floor",
        action="store_true",
        help="S3 floor answers without the headers S3 sends (older runs)",
    )
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(HERE))
    import inprocess_bench as bench

    workloads = [name for name, *_ in bench.WORKLOADS]
    wanted = [w.strip().lower() for w in args.only.split(",")] if args.only else None
    chosen = [i for i, name in enumerate(workloads) if wanted is None or any(w in name.lower() for w in wanted)]
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "child.py"
        script.write_text(CHILD.format(here=str(HERE)))
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            futures = {
                (mode, i): pool.submit(per_call, script, mode, i, args.calls, args.minimal_floor)
                for i in chosen
                for mode in MODES
            }
            counts = {key: f.result() for key, f in futures.items()}
    rows = []
    print(f"instructions per call (valgrind), {args.calls} calls\n")
    print(
        "| workload | floor | awsmock | awsmock overhead | of which botocore on the answer "
        "| moto overhead | awsmock/moto overhead |"
    )
    print("|---|---|---|---|---|---|---|")
    for i in chosen:
        name = workloads[i]
        floor, canned, ours, moto = (counts[(mode, i)] for mode in MODES)
        over, moto_over = ours - floor, moto - floor
        ratio = over / moto_over if moto_over > 0 else float("nan")
        rows.append({"workload": name, "floor": floor, "canned": canned, "awsmock": ours, "moto": moto})
        print(
            f"| {name} | {floor / 1e6:.2f} M | {ours / 1e6:.2f} M | {over / 1e6:.3f} M | "
            f"{(canned - floor) / 1e6:.3f} M | {moto_over / 1e6:.3f} M | {ratio:.0%} |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
