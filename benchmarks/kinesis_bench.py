"""Kinesis in-process against moto: PutRecords of 100 records, and GetRecords pages of 100 on a
small stream and on a stream ten times its size (a page's cost must not grow with the stream).

    python benchmarks/kinesis_bench.py [--calls 50] [--small 2000] [--large 20000]

Each mode (awsmock's ``mock_aws``, moto's) makes a one-shard stream, fills it with ``--small``
records, measures PutRecords (100 records of 100 bytes) and GetRecords (Limit=100, again and again
from one AT_SEQUENCE_NUMBER iterator in the middle of the shard), fills it up to ``--large`` and
measures GetRecords again. Prints the mean CPU milliseconds per call, and the floor: the same calls answered
by a before-send hook with the answers awsmock gave (what the client itself costs: serializing,
signing, parsing 100 records); a mock's overhead is its time minus the floor.

Benchmark only: moto is a peer to compare against, never imported by awsmock.
"""

from __future__ import annotations

import argparse
import io
import os
import time
from collections.abc import Callable
from typing import Any

for _k, _v in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
    os.environ[_k] = _v
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("AWS_ENDPOINT_URL", None)

import boto3  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402

RECORDS = [{"Data": os.urandom(100), "PartitionKey": f"key-{i}"} for i in range(100)]


def _mean_ms(fn: Callable[[], Any], calls: int) -> float:
    """Mean milliseconds of this process's CPU per call (client and mock run in this process;
    CPU time, unlike wall time, holds steady on a machine other work keeps busy)."""
    fn()  # warm
    start = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - start) * 1000 / calls


def _fill(client: Any, up_to: int, have: int) -> int:
    while have < up_to:
        client.put_records(StreamName="bench", Records=RECORDS)
        have += len(RECORDS)
    return have


#: operation -> (status, headers, body) awsmock answered, for the floor
ANSWERS: dict[str, tuple[int, dict[str, str], bytes]] = {}


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._fp = io.BytesIO(data)

    def read(self, amt: int | None = None, **_: Any) -> bytes:
        return self._fp.read(amt)

    def stream(self, amt: int = 65536, **_: Any) -> Any:
        while chunk := self._fp.read(amt):
            yield chunk

    def close(self) -> None:
        pass


def _keep(http_response: Any, model: Any, **_: Any) -> None:
    ANSWERS[model.name] = (http_response.status_code, dict(http_response.headers), http_response.content)


def floor(calls: int) -> dict[str, float]:
    client = boto3.client("kinesis", region_name="us-east-1")

    def answer(request: Any, event_name: str, **_: Any) -> AWSResponse:
        status, headers, body = ANSWERS[event_name.rsplit(".", 1)[1]]
        return AWSResponse(request.url, status, headers, _Raw(body))

    client.meta.events.register("before-send", answer)
    put = _mean_ms(lambda: client.put_records(StreamName="bench", Records=RECORDS), calls)
    get = _mean_ms(lambda: client.get_records(ShardIterator="x" * 100, Limit=100), calls)
    return {"put_100": put, "get_small": get, "get_large": get}


def run(mock: Callable[[], Any], calls: int, small: int, large: int, keep: bool = False) -> dict[str, float]:
    with mock():
        client = boto3.client("kinesis", region_name="us-east-1")
        if keep:
            client.meta.events.register("after-call", _keep)
        client.create_stream(StreamName="bench", ShardCount=1)
        have = _fill(client, small, 0)

        probe = client.get_shard_iterator(
            StreamName="bench", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        middle = client.get_records(ShardIterator=probe, Limit=small // 2)["Records"][-1]["SequenceNumber"]

        def get_page() -> None:  # one iterator, read again and again (valid for five minutes)
            assert len(client.get_records(ShardIterator=iterator[0], Limit=100)["Records"]) == 100

        def at_middle() -> list[str]:
            return [
                client.get_shard_iterator(
                    StreamName="bench", ShardId="shardId-000000000000", ShardIteratorType="AT_SEQUENCE_NUMBER",
                    StartingSequenceNumber=middle,
                )["ShardIterator"]
            ]

        iterator = at_middle()
        out = {"get_small": _mean_ms(get_page, calls)}
        out["put_100"] = _mean_ms(lambda: client.put_records(StreamName="bench", Records=RECORDS), calls)
        have += (calls + 1) * len(RECORDS)
        _fill(client, large, have)
        iterator = at_middle()
        out["get_large"] = _mean_ms(get_page, calls)
        return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--small", type=int, default=2000)
    parser.add_argument("--large", type=int, default=20000)
    args = parser.parse_args()
    import moto

    import awsmock

    results = {
        "awsmock": run(awsmock.mock_aws, args.calls, args.small, args.large, keep=True),
        "moto": run(moto.mock_aws, args.calls, args.small, args.large),
    }
    results["floor"] = floor(args.calls)
    for name in ("put_100", "get_small", "get_large"):
        a, m, f = results["awsmock"][name], results["moto"][name], results["floor"][name]
        print(
            f"{name:10s} awsmock {a:7.2f} ms  moto {m:7.2f} ms  floor {f:6.2f} ms  "
            f"speed-up {m / a:4.1f}x  overhead ratio {(m - f) / max(a - f, 1e-3):5.1f}x"
        )
    growth = results["awsmock"]["get_large"] / results["awsmock"]["get_small"]
    print(f"awsmock GetRecords page, {args.large} records against {args.small}: {growth:.2f}x")


if __name__ == "__main__":
    main()
