"""CloudWatch Logs in-process against moto: PutLogEvents of 100 events, and FilterLogEvents over a
group of ``--events`` events (100,000 by default).

    python benchmarks/logs_bench.py [--calls 30] [--events 100000] [--searches 3]

Each mode (awsmock's ``mock_aws``, moto's) makes a group with one stream and measures:

* ``put_100_empty``, ``put_100``: PutLogEvents of 100 events of about 100 bytes (a group without
  filters), first on the empty group, then once it holds ``--events`` events;
* ``filter_page``: FilterLogEvents' first page of 100 events, no pattern, over the full group;
* ``filter_all``: a whole search, every page, for a term 1 event in 100 holds (1,000 matches in
  100,000 events), the way a client pages (``nextToken`` until there is none);
* awsmock only, ``put_100_filters``: the same PutLogEvents on a group with a metric filter and a
  subscription filter to a Kinesis stream (the cost of what a write sets off).

Prints the mean CPU milliseconds of the process per call or search (client and mock share it),
and the floor: the same calls answered by a before-send hook with the answers awsmock gave (what
the client itself costs: serializing, signing, parsing); a mock's overhead is its time minus the
floor, and "overhead ratio" is moto's overhead over awsmock's. Benchmark only: moto is a peer to
compare against, never imported by awsmock.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from typing import Any

for _k, _v in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}.items():
    os.environ[_k] = _v
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("AWS_ENDPOINT_URL", None)

import io  # noqa: E402

import boto3  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402

GROUP, STREAM = "/bench/app", "s"

#: workload -> the answers (status, headers, body) awsmock gave in its last call, in order (the floor
#: replays them)
ANSWERS: dict[str, list[tuple[int, dict[str, str], bytes]]] = {}
#: the workload whose answers are being kept (None: keep none)
KEEPING: list[str | None] = [None]


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


def _keep(http_response: Any, **_: Any) -> None:
    if KEEPING[0] is not None:
        ANSWERS.setdefault(KEEPING[0], []).append(
            (http_response.status_code, dict(http_response.headers), http_response.content)
        )


def _kept(name: str, fn: Callable[[], Any]) -> Callable[[], Any]:
    """``fn``, whose answers (of its last run) are kept under ``name``."""

    def run() -> Any:
        ANSWERS[name] = []
        KEEPING[0] = name
        try:
            return fn()
        finally:
            KEEPING[0] = None

    return run


def floor(calls: int, searches: int) -> dict[str, float]:
    """What the client costs: each workload's calls answered with the answers awsmock gave."""
    client = boto3.client("logs", region_name="us-east-1")
    replay: list[tuple[int, dict[str, str], bytes]] = []

    def answer(request: Any, **_: Any) -> AWSResponse:
        status, headers, body = replay.pop(0)
        return AWSResponse(request.url, status, headers, _Raw(body))

    client.meta.events.register("before-send", answer)
    clock = _Clock(0)
    out: dict[str, float] = {}
    for name, n, fn in (
        ("put_100", calls, lambda: _put(client, clock, 0, 100)),
        ("filter_page", calls, lambda: client.filter_log_events(logGroupName=GROUP, limit=100)),
        ("filter_all", searches, lambda: _walk(client)),
    ):
        answers = ANSWERS[name]

        def once(fn: Callable[[], Any] = fn, answers: list[Any] = answers) -> None:
            replay[:] = answers
            fn()

        out[name] = _mean_ms(once, n)
    out["put_100_empty"] = out["put_100"]
    return out


def _walk(client: Any) -> int:
    """A whole search for ERROR, every page, the way a client pages."""
    found, token = 0, None
    while True:
        kw = {"nextToken": token} if token else {}
        page = client.filter_log_events(logGroupName=GROUP, filterPattern="ERROR", **kw)
        found += len(page["events"])
        token = page.get("nextToken")
        if not token:
            return found


def _mean_ms(fn: Callable[[], Any], calls: int) -> float:
    """Mean milliseconds of this process's CPU per call (client and mock run in this process;
    CPU time, unlike wall time, holds steady on a machine other work keeps busy)."""
    fn()  # warm
    start = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - start) * 1000 / calls


def _message(i: int) -> str:
    level = "ERROR" if i % 100 == 0 else "INFO"
    return f"{level} request {i:08d} path=/api/items/{i % 977} status=200 took={i % 313}ms user=u{i % 89}"


class _Clock:
    """Event timestamps: one millisecond apart, ending now (PutLogEvents takes 14 days back)."""

    def __init__(self, total: int) -> None:
        self.next = int(time.time() * 1000) - total - 60_000

    def take(self, n: int) -> list[int]:
        out = list(range(self.next, self.next + n))
        self.next += n
        return out


def _put(client: Any, clock: _Clock, start: int, n: int, group: str = GROUP) -> None:
    stamps = clock.take(n)
    client.put_log_events(
        logGroupName=group,
        logStreamName=STREAM,
        logEvents=[{"timestamp": t, "message": _message(start + i)} for i, t in enumerate(stamps)],
    )


def run(mock: Callable[[], Any], calls: int, events: int, searches: int, filters: bool) -> dict[str, float]:
    with mock():
        logs = boto3.client("logs", region_name="us-east-1")
        logs.meta.events.register("after-call", _keep)
        logs.create_log_group(logGroupName=GROUP)
        logs.create_log_stream(logGroupName=GROUP, logStreamName=STREAM)
        clock = _Clock(events + (calls + 1) * 100 * 3 + 10_000)
        out = {"put_100_empty": _mean_ms(lambda: _put(logs, clock, 0, 100), calls)}
        have = 0
        while have < events:
            n = min(10_000, events - have)
            _put(logs, clock, have, n)
            have += n

        def filter_page() -> None:
            assert len(logs.filter_log_events(logGroupName=GROUP, limit=100)["events"]) == 100

        def filter_all() -> None:
            found = _walk(logs)
            assert found >= events // 100, found

        out.update(
            filter_page=_mean_ms(_kept("filter_page", filter_page), calls),
            filter_all=_mean_ms(_kept("filter_all", filter_all), searches),
        )
        out["put_100"] = _mean_ms(_kept("put_100", lambda: _put(logs, clock, 0, 100)), calls)
        if filters:
            kinesis, iam = boto3.client("kinesis", region_name="us-east-1"), boto3.client("iam")
            kinesis.create_stream(StreamName="out", ShardCount=1)
            trust = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "logs.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ]
            }
            role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
            iam.put_role_policy(
                RoleName="r",
                PolicyName="p",
                PolicyDocument=json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "kinesis:PutRecord", "Resource": "*"}],
                    }
                ),
            )
            stream = kinesis.describe_stream_summary(StreamName="out")["StreamDescriptionSummary"][
                "StreamARN"
            ]
            group2 = "/bench/filtered"
            logs.create_log_group(logGroupName=group2)
            logs.create_log_stream(logGroupName=group2, logStreamName=STREAM)
            logs.put_metric_filter(
                logGroupName=group2,
                filterName="errors",
                filterPattern="ERROR",
                metricTransformations=[
                    {"metricName": "Errors", "metricNamespace": "Bench", "metricValue": "1"}
                ],
            )
            logs.put_subscription_filter(
                logGroupName=group2, filterName="all", filterPattern="", destinationArn=stream, roleArn=role
            )
            out["put_100_filters"] = _mean_ms(lambda: _put(logs, clock, 0, 100, group2), calls)
        return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=3)
    args = parser.parse_args()
    import moto

    import awsmock

    results = {
        "awsmock": run(awsmock.mock_aws, args.calls, args.events, args.searches, filters=True),
    }
    results["floor"] = floor(args.calls, args.searches)  # from awsmock's answers, before moto's run
    results["moto"] = run(moto.mock_aws, args.calls, args.events, args.searches, filters=False)
    for name in ("put_100_empty", "put_100", "filter_page", "filter_all"):
        a, m, f = results["awsmock"][name], results["moto"][name], results["floor"][name]
        print(
            f"{name:12s} awsmock {a:9.2f} ms  moto {m:9.2f} ms  floor {f:8.2f} ms  speed-up {m / a:5.1f}x  "
            f"overhead ratio {(m - f) / max(a - f, 1e-3):5.1f}x"
        )
    print(
        f"{'put_100_filters':12s} awsmock {results['awsmock']['put_100_filters']:9.2f} ms (metric + subscription filter)"
    )


if __name__ == "__main__":
    main()
