"""A large S3 object through ``awsmock server``: PUT and GET a 1 GiB object with boto3 and watch
the server's memory.

    python benchmarks/s3_large_object.py [--mib 1024] [--keep] [SERVICE ...]

Starts ``awsmock server`` on a temp data dir (SQLite file), writes a source file of ``--mib``
MiB, uploads it with one ``put_object`` (boto3's default: aws-chunked body with a CRC32
trailer), downloads it with ``get_object`` reading 1 MiB at a time, checks the MD5, and reports
the times and the server's peak resident memory (``VmHWM`` from /proc, plus a 20 Hz sample of
``VmRSS``). The target: peak server RSS ≤ 150 MiB for 1 GiB.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MIB = 1024 * 1024


def _status(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mib", type=int, default=1024)
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("services", nargs="*", help="services the server serves (default: all)")
    args = ap.parse_args(argv)

    from tests.helpers import ServerProcess

    work = Path(tempfile.mkdtemp(prefix="awsmock-s3-large-"))
    srv = ServerProcess(work / "data", *args.services).start()
    assert srv.proc is not None
    pid = srv.proc.pid
    peak = {"rss": 0}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            try:
                peak["rss"] = max(peak["rss"], _status(pid, "VmRSS"))
            except OSError:
                return
            time.sleep(0.05)

    threading.Thread(target=sample, daemon=True).start()
    try:
        src = work / "source.bin"
        digest = hashlib.md5()
        block = hashlib.sha256(b"seed").digest() * (MIB // 32)
        with open(src, "wb") as fh:
            for i in range(args.mib):
                piece = bytes([i % 251]) + block[1:]
                digest.update(piece)
                fh.write(piece)
        s3 = srv.client("s3")
        s3.create_bucket(Bucket="large-object-bench")
        base_rss = _status(pid, "VmRSS")
        t0 = time.perf_counter()
        with open(src, "rb") as fh:
            s3.put_object(Bucket="large-object-bench", Key="big.bin", Body=fh)
        put_s = time.perf_counter() - t0
        after_put = _status(pid, "VmHWM")
        t0 = time.perf_counter()
        got = s3.get_object(Bucket="large-object-bench", Key="big.bin")
        down = hashlib.md5()
        size = 0
        for chunk in got["Body"].iter_chunks(MIB):
            down.update(chunk)
            size += len(chunk)
        get_s = time.perf_counter() - t0
        hwm = _status(pid, "VmHWM")
        stop.set()
        ok = size == args.mib * MIB and down.hexdigest() == digest.hexdigest()
        print(f"object: {args.mib} MiB, round trip {'OK' if ok else 'MISMATCH'}")
        print(
            f"PUT {put_s:6.1f} s ({args.mib / put_s:6.1f} MiB/s)   GET {get_s:6.1f} s ({args.mib / get_s:6.1f} MiB/s)"
        )
        print(
            f"server RSS: idle after start {base_rss / MIB:6.1f} MiB, peak during PUT {after_put / MIB:6.1f} MiB, "
            f"peak overall (VmHWM) {hwm / MIB:6.1f} MiB, sampled max {peak['rss'] / MIB:6.1f} MiB"
        )
        return 0 if ok else 1
    finally:
        stop.set()
        srv.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
