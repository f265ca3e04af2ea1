"""µs per parse + serialize of a small request, protocol layer only (no handler, no database).

    python -m benchmarks.protocol_bench [--n 2000]

For each workload botocore serializes a real request (as a client would send it); we time our
protocol's ``parse`` of that request plus ``serialize`` of a typical result, best of 5 rounds.
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from botocore.serialize import create_serializer

from awsmock.api.dispatch import Dispatcher
from awsmock.engine import specs
from awsmock.engine.wire import WireRequest

WORKLOADS: dict[str, tuple[str, str, dict[str, Any], dict[str, Any]]] = {
    "DynamoDB GetItem": ("dynamodb", "GetItem", {"TableName": "t", "Key": {"pk": {"S": "k1"}}},
                         {"Item": {"pk": {"S": "k1"}, "v": {"S": "x" * 100}}}),
    "SQS SendMessage": ("sqs", "SendMessage", {"QueueUrl": "http://localhost:4566/123456789012/q",
                                               "MessageBody": "x" * 100},
                        {"MessageId": "5fea7756-0ea4-451a-a703-a558b933e274",
                         "MD5OfMessageBody": "0" * 32}),
    "S3 PutObject 1 KiB": ("s3", "PutObject", {"Bucket": "b", "Key": "k", "Body": b"x" * 1024},
                           {"ETag": '"0123456789abcdef0123456789abcdef"'}),
}


def wire_request(service: str, op: str, params: dict[str, Any]) -> Callable[[], WireRequest]:
    model = specs.service_model(service)
    operation = model.operation_model(op)
    protocol = specs.protocols_of(model)[0]
    ser = create_serializer(protocol, include_validation=False)
    d = ser.serialize_to_request(params, operation)
    body = d["body"] if isinstance(d["body"], bytes) else (d["body"] or b"")
    if isinstance(body, str):
        body = body.encode()
    headers = {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in d["headers"].items()}
    headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/"
                                f"{model.signing_name}/aws4_request, SignedHeaders=host, Signature=0")
    query = urlencode(d["query_string"], doseq=True) if isinstance(d["query_string"], dict) else d["query_string"]
    path = d["url_path"]

    def make() -> WireRequest:
        return WireRequest(method=d["method"], path=path, query_string=query, headers=dict(headers),
                           stream=io.BytesIO(body), content_length=len(body), host="localhost:4566")

    return make


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    args = ap.parse_args()
    print(f"{'workload':<22}{'parse+serialize':>18}")
    for name, (service, op, params, result) in WORKLOADS.items():
        model = specs.service_model(service)
        operation = model.operation_model(op)
        make = wire_request(service, op, params)
        proto = Dispatcher.protocol_for(make(), model)
        assert proto.operation_name(make(), model) == op, name
        best = float("inf")
        for _ in range(5):
            reqs = [make() for _ in range(args.n)]
            t = time.perf_counter()
            for req in reqs:
                assert proto.operation_name(req, model) == op
                parsed = proto.parse(req, operation)
                body = parsed.get("Body")
                if hasattr(body, "read"):
                    body.read()
                proto.serialize(operation, result, "req-id")
            best = min(best, (time.perf_counter() - t) / args.n)
        print(f"{name:<22}{best * 1e6:>15.1f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
