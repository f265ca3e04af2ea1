"""Reset and snapshot+restore of a state with 10,000 rows (SQLite file, as a server uses it).

    python benchmarks/state_bench.py [--rows 10000] [--repeat 5]

Fills SQS with ``rows`` messages through the normal request path (in-process, no socket), then
times ``Snapshots.save``, ``Snapshots.restore`` and ``Store.reset`` (median of ``repeat``).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from awsmock.api.app import create_app
from awsmock.engine.config import Config
from awsmock.models import tables_of
from awsmock.state.snapshots import Snapshots
from awsmock.state.store import open_store
from tests.helpers import inprocess_client_factory


def count_rows(store) -> int:  # type: ignore[no-untyped-def]
    with store.session(write=False) as s:
        return sum(s.execute(select(func.count()).select_from(t)).scalar_one() for t in tables_of(None))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = Config(data_dir=Path(tmp))
        store = open_store(config)
        app = create_app(config, store)
        sqs = inprocess_client_factory(app)("sqs")
        url = sqs.create_queue(QueueName="bench")["QueueUrl"]
        for start in range(0, args.rows, 10):
            sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "m" * 200}
                                                          for i in range(start, min(start + 10, args.rows))])
        rows = count_rows(store)
        snaps = Snapshots(store)
        save, restore, reset = [], [], []
        for i in range(args.repeat):
            t = time.perf_counter()
            snaps.save(f"s{i}")
            save.append(time.perf_counter() - t)
            t = time.perf_counter()
            snaps.restore(f"s{i}")
            restore.append(time.perf_counter() - t)
        assert count_rows(store) == rows
        for _ in range(args.repeat):
            snaps.restore("s0")
            t = time.perf_counter()
            store.reset(None)
            reset.append(time.perf_counter() - t)
        assert count_rows(store) == 0
        store.dispose()
    ms = lambda xs: f"{statistics.median(xs) * 1000:.1f} ms"  # noqa: E731
    print(f"state: {rows} rows in the service tables (SQLite file, WAL)")
    print(f"snapshot save:    {ms(save)}")
    print(f"snapshot restore: {ms(restore)}")
    print(f"reset (all):      {ms(reset)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
