"""S3 listing cost: time per 1,000-key ListObjectsV2 page, small bucket vs large bucket, awsmock
vs moto, both served in-process by their WSGI apps (awsmock's app; moto's server app).

    python benchmarks/s3_listing.py [--keys 100000] [--small 1000] [--pages 20] [--no-moto]

Buckets are filled directly in each mock's store (awsmock: rows inserted with SQLAlchemy into
the in-memory SQLite store; moto: its backend's ``put_object``), because filling 100,000 keys
through HTTP would dominate the run. Pages are then read with boto3: the first page, and
pages starting at random keys (``StartAfter``), with and without ``Delimiter="/"``, as the raw
signed GET botocore sends (``list-type=2&encoding-type=url…``), timing the server side: request
in, whole response body out (botocore's XML parsing, identical for both mocks and ~100 ms for a
1,000-key page, is left out; ``--boto3`` adds end-to-end boto3 timings for reference). Reports
the mean time per page and the ratios the performance targets name.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KEY_FMT = "data/{:03d}/object-{:07d}.json"


def keys_for(n: int) -> list[str]:
    return [KEY_FMT.format(i % 100, i) for i in range(n)]


def fill_awsmock(store: Any, bucket: str, keys: list[str]) -> None:
    from sqlalchemy import insert, select

    from awsmock.models.s3 import S3Bucket, S3Object

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with store.session() as session:
        bucket_id = session.execute(select(S3Bucket.id).where(S3Bucket.name == bucket)).scalar_one()
        rows = [
            {
                "bucket_id": bucket_id,
                "key": k,
                "version_id": "null",
                "is_latest": True,
                "listed": True,
                "delete_marker": False,
                "last_modified": now,
                "size": 11,
                "etag": '"5eb63bbbe01eeed093cb22bb8f5acdc3"',
                "storage_class": "STANDARD",
                "owner": "123456789012",
                "info": {},
                "tags": {},
            }
            for k in keys
        ]
        for i in range(0, len(rows), 5000):
            session.execute(insert(S3Object), rows[i : i + 5000])


AUTH = (
    "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, "
    "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + "0" * 64
)
HEADERS = {
    "Authorization": AUTH,
    "x-amz-date": "20260101T000000Z",
    "x-amz-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
}
Fetch = Callable[[str, str], bytes]


def time_pages(fetch: Fetch, bucket: str, keys: list[str], pages: int, delimiter: bool) -> float:
    from urllib.parse import quote

    rng = random.Random(7)
    ordered = sorted(keys)
    # full pages only: the small bucket is one page; in a large one, start 1,000+ keys before its end
    starts = (
        [""] + [rng.choice(ordered[: len(ordered) - 1001]) for _ in range(pages - 1)]
        if len(keys) > 2000
        else [""] * pages
    )
    base = "list-type=2&max-keys=1000&encoding-type=url"
    if delimiter:
        base += "&delimiter=%2F&prefix=data%2F"
    body = fetch(bucket, base)
    assert b"<Contents>" in body or b"<CommonPrefixes>" in body, body[:500]
    times = []
    for start in starts:
        query = base + (f"&start-after={quote(start, safe='')}" if start else "")
        t0 = time.perf_counter()
        fetch(bucket, query)
        times.append(time.perf_counter() - t0)
    return statistics.mean(times)


def time_boto3(client: Any, bucket: str, keys: list[str], pages: int, delimiter: bool) -> float:
    rng = random.Random(7)
    ordered = sorted(keys)
    starts = (
        [""] + [rng.choice(ordered[: len(ordered) - 1001]) for _ in range(pages - 1)]
        if len(keys) > 2000
        else [""] * pages
    )
    kw: dict[str, Any] = {"Delimiter": "/", "Prefix": "data/"} if delimiter else {}
    times = []
    for start in starts:
        extra = {"StartAfter": start} if start else {}
        t0 = time.perf_counter()
        client.list_objects_v2(Bucket=bucket, MaxKeys=1000, **kw, **extra)
        times.append(time.perf_counter() - t0)
    return statistics.mean(times)


def awsmock_case(sizes: list[int], pages: int, boto: bool) -> dict[tuple[int, bool, str], float]:
    from awsmock.api.app import create_app
    from awsmock.engine.config import Config
    from awsmock.inprocess import wsgi_call
    from awsmock.state.store import Store
    from tests.helpers import inprocess_client_factory

    out = {}
    for n in sizes:
        store = Store("sqlite://")
        app = create_app(Config(in_memory=True), store)
        client = inprocess_client_factory(app)("s3")
        bucket = f"bench-{n}"
        client.create_bucket(Bucket=bucket)
        keys = keys_for(n)
        fill_awsmock(store, bucket, keys)

        def fetch(bucket: str, query: str, app: Any = app) -> bytes:
            status, _headers, body = wsgi_call(app, "GET", f"http://localhost/{bucket}?{query}", HEADERS, b"")
            data = body.read()
            assert status == 200, data[:300]
            return data

        for delimiter in (False, True):
            out[(n, delimiter, "wsgi")] = time_pages(fetch, bucket, keys, pages, delimiter)
            if boto:
                out[(n, delimiter, "boto3")] = time_boto3(client, bucket, keys, pages, delimiter)
        store.dispose()
    return out


def moto_case(sizes: list[int], pages: int, boto: bool) -> dict[tuple[int, bool, str], float]:
    import boto3
    from moto import mock_aws
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from moto.s3.models import s3_backends
    from werkzeug.test import Client

    app = DomainDispatcherApplication(create_backend_app)
    web = Client(app)
    out = {}
    for n in sizes:
        bucket = f"bench-{n}"
        backend = s3_backends["123456789012"]["aws"]
        backend.create_bucket(bucket, "us-east-1")
        keys = keys_for(n)
        for k in keys:
            backend.put_object(bucket, k, b"hello world")

        def fetch(bucket: str, query: str) -> bytes:
            resp = web.get(f"/{bucket}?{query}", headers={**HEADERS, "Host": "s3.amazonaws.com"})
            data = resp.get_data()
            assert resp.status_code == 200, data[:300]
            return data

        for delimiter in (False, True):
            out[(n, delimiter, "wsgi")] = time_pages(fetch, bucket, keys, pages, delimiter)
        if boto:
            with mock_aws():
                client = boto3.client("s3", region_name="us-east-1")
                mocked = f"boto-{n}"
                client.create_bucket(Bucket=mocked)
                inner = s3_backends["123456789012"]["aws"]
                for k in keys:
                    inner.put_object(mocked, k, b"hello world")
                for delimiter in (False, True):
                    out[(n, delimiter, "boto3")] = time_boto3(client, mocked, keys, pages, delimiter)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keys", type=int, default=100_000)
    ap.add_argument("--small", type=int, default=1000)
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--no-moto", action="store_true")
    ap.add_argument("--boto3", action="store_true", help="also time whole boto3 calls")
    args = ap.parse_args(argv)
    import os

    for k, v in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        os.environ[k] = v
    sizes = [args.small, args.keys]
    results = {"awsmock": awsmock_case(sizes, args.pages, args.boto3)}
    if not args.no_moto:
        results["moto"] = moto_case(sizes, args.pages, args.boto3)
    ms: Callable[[float], str] = lambda s: f"{s * 1000:8.2f} ms"  # noqa: E731
    print(
        f"ListObjectsV2, MaxKeys=1000: mean time per page over {args.pages} pages (first + random StartAfter)"
    )
    kinds = ["wsgi", "boto3"] if args.boto3 else ["wsgi"]
    for kind in kinds:
        print(f"[{'server side (WSGI app, raw request)' if kind == 'wsgi' else 'end to end through boto3'}]")
        for name, res in results.items():
            for delimiter in (False, True):
                small, big = res[(args.small, delimiter, kind)], res[(args.keys, delimiter, kind)]
                label = "Delimiter='/', Prefix='data/'" if delimiter else "no delimiter"
                print(
                    f"  {name:8s} {label:30s} {args.small:>7} keys: {ms(small)}   {args.keys:>7} keys: "
                    f"{ms(big)}   large/small {big / small:.2f}x"
                )
        if "moto" in results:
            for delimiter in (False, True):
                speedup = (
                    results["moto"][(args.keys, delimiter, kind)]
                    / results["awsmock"][(args.keys, delimiter, kind)]
                )
                label = "with delimiter" if delimiter else "no delimiter"
                print(f"  awsmock vs moto at {args.keys} keys ({label}): {speedup:.1f}x faster")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
