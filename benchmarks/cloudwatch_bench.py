"""CloudWatch in-process against moto: PutMetricData of 20 datapoints, and GetMetricData over a
day of one-minute points (1,440 values in one answer).

    python benchmarks/cloudwatch_bench.py [--calls 30]

Each mode (awsmock's ``mock_aws``, moto's) puts a day of one-minute datapoints of one metric
(1,440 points, 144 per call), then measures PutMetricData (20 datapoints of the metric, now) and
GetMetricData (one MetricStat, Average by 60 seconds, over the day). Prints the mean CPU milliseconds
per call, the floor (the same calls answered by a before-send hook with awsmock's answers: what
the client itself costs) and the speed-up; a mock's overhead is its time minus the floor.

Benchmark only: moto is a peer to compare against, never imported by awsmock.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from collections.abc import Callable
from typing import Any

for _k, _v in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
    os.environ[_k] = _v
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("AWS_ENDPOINT_URL", None)

import io  # noqa: E402

import boto3  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402

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

DIMS = [{"Name": "Service", "Value": "api"}]


def _mean_ms(fn: Callable[[], Any], calls: int) -> float:
    """Mean milliseconds of this process's CPU per call (client and mock run in this process;
    CPU time, unlike wall time, holds steady on a machine other work keeps busy)."""
    fn()  # warm
    start = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - start) * 1000 / calls


def run(mock: Callable[[], Any] | None, calls: int, keep: bool = False) -> dict[str, float]:
    """``mock`` None: the floor, the same calls answered with awsmock's answers by a hook."""
    import contextlib

    with mock() if mock is not None else contextlib.nullcontext():
        client = boto3.client("cloudwatch", region_name="us-east-1")
        if keep:
            client.meta.events.register("after-call", _keep)
        if mock is None:

            def answer(request: Any, event_name: str, **_: Any) -> AWSResponse:
                status, headers, body = ANSWERS[event_name.rsplit(".", 1)[1]]
                return AWSResponse(request.url, status, headers, _Raw(body))

            client.meta.events.register("before-send", answer)
        end = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
        start = end - dt.timedelta(days=1)
        stamps = [start + dt.timedelta(minutes=i) for i in range(1440)]
        for i in range(0, len(stamps), 144):
            client.put_metric_data(
                Namespace="Bench",
                MetricData=[
                    {"MetricName": "Latency", "Dimensions": DIMS, "Timestamp": t, "Value": float(n % 97), "Unit": "Milliseconds"}
                    for n, t in enumerate(stamps[i : i + 144], i)
                ],
            )
        batch = [{"MetricName": "Latency", "Dimensions": DIMS, "Value": 1.0, "Unit": "Milliseconds"}] * 20
        query = [{"Id": "m", "MetricStat": {"Metric": {"Namespace": "Bench", "MetricName": "Latency", "Dimensions": DIMS},
                                            "Period": 60, "Stat": "Average"}}]

        def get() -> None:
            got = client.get_metric_data(MetricDataQueries=query, StartTime=start, EndTime=end)
            assert len(got["MetricDataResults"][0]["Values"]) >= 1440

        out = {"get_day": _mean_ms(get, calls)}
        out["put_20"] = _mean_ms(lambda: client.put_metric_data(Namespace="Bench", MetricData=batch), calls)
        return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=30)
    args = parser.parse_args()
    import moto

    import awsmock

    results = {
        "awsmock": run(awsmock.mock_aws, args.calls, keep=True),
        "moto": run(moto.mock_aws, args.calls),
    }
    results["floor"] = run(None, args.calls)
    for name in ("put_20", "get_day"):
        a, m, f = results["awsmock"][name], results["moto"][name], results["floor"][name]
        print(
            f"{name:8s} awsmock {a:7.2f} ms  moto {m:7.2f} ms  floor {f:6.2f} ms  "
            f"speed-up {m / a:4.1f}x  overhead ratio {(m - f) / max(a - f, 1e-3):5.1f}x"
        )


if __name__ == "__main__":
    main()
