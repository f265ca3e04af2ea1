"""Lambda's execution engine, called directly: cold start and warm invoke of a Python (or
Node.js) function that returns its event.

    python benchmarks/lambda_bench.py [--cold 10] [--warm 300] [--runtime python3.11|nodejs20.x] [--served]

Cold start: each invocation is of a new revision of the function (so a new execution
environment: a subprocess, the runtime's init, the handler's import), code already unpacked.
Warm invoke: one environment answering invocations one after another. Prints the median and
90th percentile in milliseconds, as the caller of ``invoke`` sees them, and the engine's own
``init_duration_ms`` (spawn to the runtime's first ``/invocation/next``).

``--served`` also measures the same through ``awsmock server``: a boto3 ``Invoke`` of a function
made with CreateFunction (warm, one after another; cold, each after an UpdateFunctionConfiguration
that gives the function a new revision), so that what awsmock adds around the engine (the HTTP
request, finding the function, recording the invocation and its logs) is the served figure minus
the engine's.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import statistics
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

from awsmock.services.lambda_ import execution
from awsmock.services.lambda_.execution import Archive, FunctionImage, Invocation


def _code(runtime: str) -> Archive:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        if runtime.startswith("nodejs"):
            zf.writestr("app.js", "exports.handler = async (event) => event;\n")
        else:
            zf.writestr("app.py", "def handler(event, context):\n    return event\n")
    data = buf.getvalue()
    return Archive(hashlib.sha256(data).hexdigest(), lambda: data)


def _image(code: Archive, runtime: str, revision: str) -> FunctionImage:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:bench:$LATEST"
    return FunctionImage(
        account="123456789012",
        region="us-east-1",
        function_name="bench",
        function_arn=arn,
        version="$LATEST",
        revision_id=revision,
        package_type="Zip",
        runtime=runtime,
        handler="app.handler",
        code=code,
        image_uri=None,
        layers=(),
        environment={},
        memory_mb=128,
        timeout_s=30,
        ephemeral_storage_mb=512,
        architectures=("x86_64",),
        log_group="/aws/lambda/bench",
        credentials=None,
        aws_endpoint="http://127.0.0.1:4566",
    )


def _stats(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"median {statistics.median(ordered):7.2f} ms   p90 {p90:7.2f} ms   (n={len(ordered)})"


def served(runtime: str, cold_n: int, warm_n: int, payload: bytes) -> tuple[list[float], list[float]]:
    """(cold, warm) milliseconds of a boto3 Invoke through ``awsmock server``."""
    import sys
    import tempfile

    import boto3
    from botocore.config import Config

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from server_bench import start_awsmock

    with tempfile.TemporaryDirectory() as data_dir:
        server, _ = start_awsmock(8, data_dir, [])
        try:
            kw: dict[str, Any] = {
                "endpoint_url": server.url,
                "region_name": "us-east-1",
                "aws_access_key_id": "testing",
                "aws_secret_access_key": "testing",
                "config": Config(retries={"max_attempts": 1}, read_timeout=120),
            }
            trust = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
            role = boto3.client("iam", **kw).create_role(
                RoleName="bench", AssumeRolePolicyDocument=json.dumps(trust)
            )
            lam = boto3.client("lambda", **kw)
            lam.create_function(
                FunctionName="bench",
                Runtime=runtime if runtime.startswith("nodejs") else "python3.12",
                Role=role["Role"]["Arn"],
                Handler="app.handler",
                Code={"ZipFile": _code(runtime).load()},
            )

            def invoke() -> float:
                start = time.perf_counter()
                answer = lam.invoke(FunctionName="bench", Payload=payload)
                elapsed = (time.perf_counter() - start) * 1000
                assert "FunctionError" not in answer and json.loads(answer["Payload"].read()) == json.loads(
                    payload
                )
                return elapsed

            cold = []
            for i in range(cold_n + 1):
                lam.update_function_configuration(
                    FunctionName="bench", Environment={"Variables": {"N": str(i)}}
                )
                cold.append(invoke())
            invoke()
            warm = [invoke() for _ in range(warm_n)]
            return cold[1:], warm
        finally:
            with contextlib.suppress(Exception):
                server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cold", type=int, default=10)
    parser.add_argument("--warm", type=int, default=300)
    parser.add_argument("--runtime", default="python3.11")
    parser.add_argument("--served", action="store_true", help="also through awsmock server")
    args = parser.parse_args()
    code = _code(args.runtime)
    event = {"hello": "world", "n": list(range(10))}
    payload = json.dumps(event).encode()

    cold: list[float] = []
    inits: list[float] = []
    for _ in range(args.cold + 1):
        image = _image(code, args.runtime, uuid.uuid4().hex)
        start = time.perf_counter()
        outcome = execution.invoke(image, Invocation(str(uuid.uuid4()), payload))
        elapsed = (time.perf_counter() - start) * 1000
        assert outcome.error_type is None and json.loads(outcome.payload) == event, outcome
        cold.append(elapsed)
        inits.append(outcome.init_duration_ms or 0.0)
        execution.shutdown()
    cold, inits = cold[1:], inits[1:]  # the first also unpacks the code and writes the runtime

    image = _image(code, args.runtime, "warm")
    execution.invoke(image, Invocation(str(uuid.uuid4()), payload))
    warm: list[float] = []
    for _ in range(args.warm):
        start = time.perf_counter()
        outcome = execution.invoke(image, Invocation(str(uuid.uuid4()), payload))
        warm.append((time.perf_counter() - start) * 1000)
        assert outcome.error_type is None and json.loads(outcome.payload) == event
    execution.shutdown()

    print(f"engine cold start ({args.runtime}):  {_stats(cold)}")
    print(f"  of which init (spawn to /next):     {_stats(inits)}")
    print(f"engine warm invoke ({args.runtime}): {_stats(warm)}")
    if args.served:
        s_cold, s_warm = served(args.runtime, args.cold, args.warm, payload)
        print(f"served cold Invoke ({args.runtime}):  {_stats(s_cold)}")
        print(f"served warm Invoke ({args.runtime}):  {_stats(s_warm)}")
        overhead = statistics.median(s_warm) - statistics.median(warm)
        print(f"awsmock's warm overhead (served median - engine median): {overhead:.2f} ms")


if __name__ == "__main__":
    main()
