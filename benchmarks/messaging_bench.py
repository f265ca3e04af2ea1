"""Messaging fan-out against moto, in-process and served, in one run (issue #25, point 8):

* SNS ``Publish`` to a standard topic with three SQS subscriptions (each message lands in three
  queues before the call returns);
* EventBridge ``PutEvents`` of one event that ten rules on the default bus match, each rule
  targeting its own SQS queue.

    python benchmarks/messaging_bench.py [--calls 200] [--repeat 3] [--modes inprocess,served]

Prints the mean milliseconds per call per mode and awsmock's speed as a multiple of moto's
(target: at least 4x). The modes take turns round by round (the best round counts), so a change
in machine load hits both alike. Each run checks that the deliveries happened (the three queues,
the ten queues hold the messages). Served: ``awsmock server`` on a fresh data dir and
``moto.server``, one client connection each, as a test suite would use them.

Benchmark only: moto is a peer to compare against, never imported by awsmock.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

for _k, _v in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}.items():
    os.environ[_k] = _v
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("AWS_ENDPOINT_URL", None)

import boto3  # noqa: E402
from botocore.config import Config as BotoConfig  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server_bench import start_awsmock, start_moto  # noqa: E402

RULES = 10
SUBSCRIPTIONS = 3
EVENT = {
    "Source": "bench.orders",
    "DetailType": "OrderPlaced",
    "Detail": json.dumps({"order": 42, "total": 9.5}),
}
CONFIG = BotoConfig(retries={"max_attempts": 1}, max_pool_connections=1)


def clients(endpoint: str | None) -> dict[str, Any]:
    return {
        s: boto3.client(s, region_name="us-east-1", endpoint_url=endpoint, config=CONFIG)
        for s in ("sns", "sqs", "events")
    }


def _queue(sqs: Any, name: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def setup_publish(c: dict[str, Any]) -> tuple[Callable[[], Any], Callable[[int], None]]:
    topic = c["sns"].create_topic(Name="bench-topic")["TopicArn"]
    urls = []
    for i in range(SUBSCRIPTIONS):
        url, arn = _queue(c["sqs"], f"bench-sub-{i}")
        c["sns"].subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        urls.append(url)

    def check(calls: int) -> None:
        for url in urls:
            n = int(
                c["sqs"].get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
                    "Attributes"
                ]["ApproximateNumberOfMessages"]
            )
            assert n >= calls, f"{url}: {n} messages after {calls} publishes"

    return (lambda: c["sns"].publish(TopicArn=topic, Message="order 42 placed")), check


def setup_put_events(c: dict[str, Any]) -> tuple[Callable[[], Any], Callable[[int], None]]:
    urls = []
    for i in range(RULES):
        url, arn = _queue(c["sqs"], f"bench-rule-{i}")
        pattern = {"source": ["bench.orders"], "detail": {"total": [{"numeric": [">", i - 100]}]}}
        c["events"].put_rule(Name=f"bench-rule-{i}", EventPattern=json.dumps(pattern))
        c["events"].put_targets(Rule=f"bench-rule-{i}", Targets=[{"Id": "q", "Arn": arn}])
        urls.append(url)

    def check(calls: int) -> None:
        for url in urls:
            n = int(
                c["sqs"].get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
                    "Attributes"
                ]["ApproximateNumberOfMessages"]
            )
            assert n >= calls, f"{url}: {n} events after {calls} PutEvents"

    def put() -> None:
        out = c["events"].put_events(Entries=[EVENT])
        assert out["FailedEntryCount"] == 0, out

    return put, check


WORKLOADS = {
    f"SNS Publish to {SUBSCRIPTIONS} SQS subscriptions": setup_publish,
    f"PutEvents matched by {RULES} rules (SQS targets)": setup_put_events,
}


@contextlib.contextmanager
def inprocess(kind: str) -> Iterator[str | None]:
    if kind == "awsmock":
        import awsmock

        with awsmock.mock_aws():
            yield None
    else:
        import moto

        with moto.mock_aws():
            yield None


def timed(fn: Callable[[], Any], calls: int) -> float:
    for _ in range(5):
        fn()
    t0 = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - t0) / calls


def run(modes: list[str], calls: int, repeat: int) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    servers: dict[str, Any] = {}
    tmp = tempfile.mkdtemp(prefix="awsmock-msgbench-")
    try:
        if "served" in modes:
            servers["awsmock"] = start_awsmock(8, tmp, [])[0]
            moto_server = start_moto()
            if moto_server is None:
                raise SystemExit("moto_server does not start here: install moto[server]")
            servers["moto"] = moto_server
        for name, setup in WORKLOADS.items():
            for mode in modes:
                key = f"{name} [{mode}]"
                for _ in range(repeat):
                    for peer in ("awsmock", "moto"):
                        if mode == "served":
                            with contextlib.nullcontext():
                                url = servers[peer].url
                                # a fresh state per round: reset both
                                import urllib.request

                                path = "/_awsmock/reset" if peer == "awsmock" else "/moto-api/reset"
                                urllib.request.urlopen(
                                    urllib.request.Request(url + path, method="POST"), timeout=30
                                )
                                fn, check = setup(clients(url))
                                t = timed(fn, calls)
                                check(calls)
                        else:
                            with inprocess(peer):
                                fn, check = setup(clients(None))
                                t = timed(fn, calls)
                                check(calls)
                        out.setdefault(key, {})[peer] = min(t, out.get(key, {}).get(peer, float("inf")))
    finally:
        for s in servers.values():
            s.stop()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--modes", default="inprocess,served")
    args = ap.parse_args(argv)
    results = run(args.modes.split(","), args.calls, args.repeat)
    import moto

    print(f"best of {args.repeat} rounds x {args.calls} calls, peers interleaved; moto {moto.__version__}\n")
    print(f"{'workload':62} {'awsmock':>10} {'moto':>10} {'x moto':>8}")
    for key, r in results.items():
        print(
            f"{key:62} {r['awsmock'] * 1e3:8.2f}ms {r['moto'] * 1e3:8.2f}ms {r['moto'] / r['awsmock']:7.1f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
