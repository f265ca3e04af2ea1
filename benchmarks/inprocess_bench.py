"""In-process mode against moto, on the same boto3 workloads, measured in one run.

    python benchmarks/inprocess_bench.py [--calls 300] [--repeat 5] [--activations 20] [--minimal-floor]
                                         [--only kms,secrets] [--json FILE]

For each workload (S3 PutObject/GetObject of 1 KiB, SQS SendMessage, DynamoDB PutItem/GetItem,
KMS Encrypt/Decrypt of 1 KiB, Secrets Manager GetSecretValue of 1 KiB, SSM GetParameter of a String and
a SecureString, SSM GetParametersByPath walking 1,000 parameters 10 a page, and an unimplemented X-Ray call that measures awsmock's transport and routing alone) the mean
time per call is measured three ways:

* floor: the same boto3 call answered by a before-send hook with a canned response (what the
  client itself costs: serialization, signing, parsing). S3's canned answers carry the headers
  S3 sends (default encryption, the CRC32 botocore sent, which botocore checks on a GetObject
  body); ``--minimal-floor`` gives the floor of runs before 2026-12-04 night (ETag and request
  id only);
* awsmock: inside ``awsmock.mock_aws()``;
* moto: inside ``moto.mock_aws()``.

The modes take turns round by round (the best round counts), so a change in machine load hits
all of them alike. All clients are built after moto is imported (moto adds a before-send handler
to every client created after its import; floor and awsmock pay it too). The overhead of a mock is
its time per call minus the floor; the target is awsmock's overhead <= 25% of moto's. Activation:
a fresh mock plus its first S3 call (target <= 10 ms), with the client built before or inside.

Benchmark only: moto is a peer to compare against, never imported by awsmock.
"""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import io
import json
import os
import statistics
import sys
import time
import uuid
import zlib
from collections.abc import Callable
from typing import Any

for _k, _v in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}.items():
    os.environ[_k] = _v
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("AWS_ENDPOINT_URL", None)

import boto3  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402
from botocore.config import Config  # noqa: E402

REGION = "us-east-1"
PAYLOAD = os.urandom(1024)
BUCKET, KEY, QUEUE, TABLE = "bench-bucket", "bench/key", "bench-queue", "bench-table"
MESSAGE = "x" * 256
ITEM = {"pk": {"S": "key-1"}, "value": {"S": "v" * 200}, "n": {"N": "42"}}
BOTO_CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"})


_session: Any = None


def client(service: str) -> Any:
    # one boto3 session made after moto's import: moto's before-send handler reaches only clients
    # of sessions created after it registered (boto3's default session may be older)
    global _session
    if _session is None:
        _session = boto3.session.Session()
    return _session.client(service, region_name=REGION, config=BOTO_CONFIG)


# -- workloads: (name, service, setup(client) -> state, call(client, state)) ------------------


def _s3_setup(c: Any) -> None:
    c.create_bucket(Bucket=BUCKET)
    c.put_object(Bucket=BUCKET, Key=KEY, Body=PAYLOAD)


def _sqs_setup(c: Any) -> str:
    return c.create_queue(QueueName=QUEUE)["QueueUrl"]


def _ddb_setup(c: Any) -> None:
    c.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    c.put_item(TableName=TABLE, Item=ITEM)


def _s3_get(c: Any, _state: Any) -> None:
    body = c.get_object(Bucket=BUCKET, Key=KEY)["Body"].read()
    assert body == PAYLOAD, len(body)


def _ddb_get(c: Any, _state: Any) -> None:
    item = c.get_item(TableName=TABLE, Key={"pk": {"S": "key-1"}})["Item"]
    assert item["n"] == {"N": "42"}, item


def _xray_unimplemented(c: Any, _state: Any) -> None:
    try:
        c.get_sampling_rules()
    except c.exceptions.ClientError:
        pass


def _kms_setup(c: Any) -> tuple[str, bytes]:
    key = c.create_key()["KeyMetadata"]["KeyId"]
    return key, c.encrypt(KeyId=key, Plaintext=PAYLOAD)["CiphertextBlob"]


def _kms_decrypt(c: Any, state: tuple[str, bytes]) -> None:
    assert c.decrypt(CiphertextBlob=state[1])["Plaintext"] == PAYLOAD


SECRET_NAME, SECRET_TEXT = "bench/secret", "s" * 1024
PARAM_STRING, PARAM_SECURE, PARAM_TREE = "/bench/string", "/bench/secure", "/bench/tree"
PARAM_COUNT = 1000


def _secret_setup(c: Any) -> str:
    return c.create_secret(Name=SECRET_NAME, SecretString=SECRET_TEXT)["ARN"]


def _secret_get(c: Any, _state: Any) -> None:
    assert c.get_secret_value(SecretId=SECRET_NAME)["SecretString"] == SECRET_TEXT


def _ssm_setup(c: Any) -> None:
    c.put_parameter(Name=PARAM_STRING, Value="v" * 100, Type="String", Overwrite=True)
    c.put_parameter(Name=PARAM_SECURE, Value="s" * 100, Type="SecureString", Overwrite=True)


def _ssm_get(c: Any, _state: Any) -> None:
    assert c.get_parameter(Name=PARAM_STRING)["Parameter"]["Value"] == "v" * 100


def _ssm_get_secure(c: Any, _state: Any) -> None:
    assert c.get_parameter(Name=PARAM_SECURE, WithDecryption=True)["Parameter"]["Value"] == "s" * 100


def _ssm_tree_setup(c: Any) -> None:
    # 1,000 parameters under one path, 10 levels of 100 (Recursive reaches all of them)
    for i in range(PARAM_COUNT):
        c.put_parameter(Name=f"{PARAM_TREE}/g{i // 100}/p{i:04d}", Value=f"value-{i}", Type="String", Overwrite=True)


def _ssm_by_path(c: Any, _state: Any) -> None:
    """All pages of GetParametersByPath over the 1,000 parameters, 10 a page (the model's cap)."""
    seen, token = 0, None
    while True:
        kw: dict[str, str] = {"NextToken": token} if token else {}
        page = c.get_parameters_by_path(Path=PARAM_TREE, Recursive=True, MaxResults=10, **kw)
        seen += len(page["Parameters"])
        token = page.get("NextToken")
        if not token:
            break
    assert seen == PARAM_COUNT, seen


Workload = tuple[str, str, Callable[[Any], Any], Callable[[Any, Any], None]]
WORKLOADS: list[Workload] = [
    ("S3 PutObject 1 KiB", "s3", _s3_setup, lambda c, _s: c.put_object(Bucket=BUCKET, Key=KEY, Body=PAYLOAD)),
    ("S3 GetObject 1 KiB", "s3", _s3_setup, _s3_get),
    ("SQS SendMessage", "sqs", _sqs_setup, lambda c, url: c.send_message(QueueUrl=url, MessageBody=MESSAGE)),
    ("DynamoDB PutItem", "dynamodb", _ddb_setup, lambda c, _s: c.put_item(TableName=TABLE, Item=ITEM)),
    ("DynamoDB GetItem", "dynamodb", _ddb_setup, _ddb_get),
    ("KMS Encrypt 1 KiB", "kms", _kms_setup, lambda c, s: c.encrypt(KeyId=s[0], Plaintext=PAYLOAD)),
    ("KMS Decrypt 1 KiB", "kms", _kms_setup, _kms_decrypt),
    ("SecretsManager GetSecretValue 1 KiB", "secretsmanager", _secret_setup, _secret_get),
    ("SSM GetParameter String", "ssm", _ssm_setup, _ssm_get),
    ("SSM GetParameter SecureString", "ssm", _ssm_setup, _ssm_get_secure),
    # one call = all 100 pages; run with a small --calls (see docs/benchmarks.md)
    ("SSM GetParametersByPath 1,000 (all pages)", "ssm", _ssm_tree_setup, _ssm_by_path),
    # the transport alone: routing + protocol error, no handler, no database (awsmock answers 501)
    ("X-Ray GetSamplingRules (transport only)", "xray", lambda c: None, _xray_unimplemented),
]


# -- the floor: canned responses from a before-send hook --------------------------------------


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


def _canned(operation: str) -> tuple[int, dict[str, str], bytes]:
    etag = '"' + hashlib.md5(PAYLOAD).hexdigest() + '"'
    json10 = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": str(uuid.uuid4())}
    if operation in ("CreateBucket", "PutObject"):
        if MINIMAL_FLOOR:
            return 200, {"ETag": etag, "x-amz-request-id": "R"}, b""
        # what S3 answers a PutObject of PAYLOAD that botocore sent with its default CRC32
        return 200, {**_S3_COMMON, "ETag": etag, **_S3_STORED, "Content-Length": "0"}, b""
    if operation == "GetObject":
        if MINIMAL_FLOOR:
            return (
                200,
                {
                    "ETag": etag,
                    "Content-Length": str(len(PAYLOAD)),
                    "Content-Type": "binary/octet-stream",
                    "Last-Modified": "Tue, 24 Nov 2026 00:00:00 GMT",
                    "x-amz-request-id": "R",
                },
                PAYLOAD,
            )
        # botocore asks for the checksum (x-amz-checksum-mode: ENABLED) and checks the body
        # against it, as it would against S3
        return (
            200,
            {
                **_S3_COMMON,
                "Last-Modified": "Tue, 24 Nov 2026 00:00:00 GMT",
                "ETag": etag,
                **_S3_STORED,
                "Accept-Ranges": "bytes",
                "Content-Type": "binary/octet-stream",
                "Content-Length": str(len(PAYLOAD)),
            },
            PAYLOAD,
        )
    if operation == "CreateQueue":
        return (
            200,
            json10,
            json.dumps({"QueueUrl": f"https://sqs.{REGION}.amazonaws.com/123456789012/{QUEUE}"}).encode(),
        )
    if operation == "SendMessage":
        md5 = hashlib.md5(MESSAGE.encode()).hexdigest()
        return 200, json10, json.dumps({"MD5OfMessageBody": md5, "MessageId": str(uuid.uuid4())}).encode()
    if operation == "GetItem":
        return 200, json10, json.dumps({"Item": ITEM}).encode()
    if operation == "CreateTable":
        return 200, json10, json.dumps({"TableDescription": {"TableName": TABLE}}).encode()
    json11 = {**json10, "Content-Type": "application/x-amz-json-1.1"}
    key_arn = f"arn:aws:kms:{REGION}:123456789012:key/{uuid.UUID(int=1)}"
    if operation == "CreateKey":
        return 200, json11, json.dumps({"KeyMetadata": {"KeyId": str(uuid.UUID(int=1)), "Arn": key_arn}}).encode()
    if operation == "Encrypt":
        blob = base64.b64encode(os.urandom(1024 + 80)).decode()
        answer = {"CiphertextBlob": blob, "KeyId": key_arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}
        return 200, json11, json.dumps(answer).encode()
    if operation == "Decrypt":
        plain = base64.b64encode(PAYLOAD).decode()
        answer = {"Plaintext": plain, "KeyId": key_arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}
        return 200, json11, json.dumps(answer).encode()
    sm_arn = f"arn:aws:secretsmanager:{REGION}:123456789012:secret:{SECRET_NAME}-AbCdEf"
    if operation == "CreateSecret":
        return 200, json11, json.dumps({"ARN": sm_arn, "Name": SECRET_NAME, "VersionId": str(uuid.uuid4())}).encode()
    if operation == "GetSecretValue":
        value: dict[str, Any] = {
            "ARN": sm_arn,
            "Name": SECRET_NAME,
            "VersionId": str(uuid.UUID(int=2)),
            "SecretString": SECRET_TEXT,
            "VersionStages": ["AWSCURRENT"],
            "CreatedDate": 1796083200.123,
        }
        return 200, json11, json.dumps(value).encode()
    if operation == "PutParameter":
        return 200, json11, json.dumps({"Version": 1, "Tier": "Standard"}).encode()
    if operation == "GetParameter":
        # the floor answers the String; the SecureString's answer differs only in Type and value
        return 200, json11, json.dumps({"Parameter": _ssm_parameter(PARAM_STRING, "v" * 100)}).encode()
    if operation == "GetSamplingRules":
        return (
            501,
            {"Content-Type": "application/json", "x-amzn-ErrorType": "NotImplemented"},
            json.dumps(
                {"message": "awsmock does not implement the operation GetSamplingRules of service xray yet"}
            ).encode(),
        )
    return 200, json10, b"{}"


def _ssm_parameter(name: str, value: str) -> dict[str, Any]:
    return {
        "Name": name,
        "Type": "String",
        "Value": value,
        "Version": 1,
        "LastModifiedDate": 1796083200.123,
        "ARN": f"arn:aws:ssm:{REGION}:123456789012:parameter{name}",
        "DataType": "text",
    }


def _ssm_pages() -> list[bytes]:
    """The 100 pages GetParametersByPath answers over the 1,000 parameters (the floor's)."""
    pages = []
    for start in range(0, PARAM_COUNT, 10):
        params = [
            _ssm_parameter(f"{PARAM_TREE}/g{i // 100}/p{i:04d}", f"value-{i}") for i in range(start, start + 10)
        ]
        page: dict[str, Any] = {"Parameters": params}
        if start + 10 < PARAM_COUNT:
            page["NextToken"] = base64.b64encode(os.urandom(48)).decode()
        pages.append(json.dumps(page).encode())
    return pages


#: the headers of every S3 answer, as S3 sends them
_S3_COMMON = {
    "x-amz-id-2": "yd8n7sQbcv8DXtx3wRzRVHq3U6Khv9HUCTl7hYsJyVsXVn0fYZcaR3ixdsWoLCbO1DoOtDBVm5o=",
    "x-amz-request-id": "4442587FB7D0A2F9",
    "Date": "Tue, 24 Nov 2026 00:00:00 GMT",
    "Server": "AmazonS3",
}
#: what S3 says of a stored PAYLOAD: default encryption and the CRC32 botocore sent with it
_S3_STORED = {
    "x-amz-server-side-encryption": "AES256",
    "x-amz-checksum-crc32": base64.b64encode(zlib.crc32(PAYLOAD).to_bytes(4, "big")).decode(),
    "x-amz-checksum-type": "FULL_OBJECT",
}
#: ``--minimal-floor``: the floor's S3 answers carry only ETag and a request id (and the size
#: and type of a GetObject), as before 2026-12-04 (comparisons with older results)
MINIMAL_FLOOR = False


def floor_client(service: str) -> Any:
    c = client(service)
    prebuilt: dict[str, tuple[int, dict[str, str], bytes]] = {}

    pages = _ssm_pages() if service == "ssm" else []
    secure_json = {"Parameter": {**_ssm_parameter(PARAM_SECURE, "s" * 100), "Type": "SecureString"}}
    secure = ({"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "R"}, json.dumps(secure_json).encode())
    turn = [0]

    def answer(request: Any, event_name: str, **_: Any) -> AWSResponse:
        op = event_name.rsplit(".", 1)[1]
        if op == "GetParametersByPath":
            body = pages[turn[0] % len(pages)]
            turn[0] += 1
            headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": str(uuid.uuid4())}
            return AWSResponse(request.url, 200, headers, _Raw(body))
        if op == "GetParameter" and b"secure" in (request.body or b""):
            return AWSResponse(request.url, 200, secure[0], _Raw(secure[1]))
        if op not in prebuilt:
            prebuilt[op] = _canned(op)
        status, headers, body = prebuilt[op]
        return AWSResponse(request.url, status, headers, _Raw(body))

    c.meta.events.register("before-send", answer)
    return c


# -- measuring --------------------------------------------------------------------------------


def timed(fn: Callable[[], None], calls: int, warmup: int = 5) -> float:
    """Mean seconds per call over ``calls`` calls, after a short warm-up."""
    for _ in range(max(warmup, calls // 20)):
        fn()
    t0 = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - t0) / calls


#: workloads whose one call is many requests run fewer calls (``--calls`` divided by this)
CALLS_DIVISOR = {"SSM GetParametersByPath 1,000 (all pages)": 100}


def run_workloads(mocks: dict[str, Callable[[], Any] | None], calls: int, repeat: int) -> dict[str, Any]:
    """Per workload and mode, the best of ``repeat`` rounds; the modes take turns in each round,
    so a change of machine load hits them alike."""
    out: dict[str, dict[str, Any]] = {mode: {} for mode in mocks}
    for name, service, setup, call in WORKLOADS:
        clients = {
            mode: floor_client(service) if enter is None else client(service) for mode, enter in mocks.items()
        }
        for _ in range(repeat):
            for mode, enter in mocks.items():
                if isinstance(out[mode].get(name), str):
                    continue  # failed before
                ctx = enter() if enter is not None else None
                if ctx is not None:
                    ctx.__enter__()
                try:
                    c = clients[mode]
                    state = setup(c)
                    divisor = CALLS_DIVISOR.get(name, 1)
                    t = timed(
                        functools.partial(call, c, state), max(3, calls // divisor), warmup=5 if divisor == 1 else 1
                    )
                    out[mode][name] = min(t, out[mode].get(name, float("inf")))
                except Exception as exc:  # a workload awsmock cannot answer yet
                    out[mode][name] = f"n/a ({type(exc).__name__}: {str(exc)[:90]})"
                finally:
                    if ctx is not None:
                        ctx.__exit__(None, None, None)
    return out


def activation(mocks: dict[str, Callable[[], Any]], n: int, prebuilt: bool) -> dict[str, float]:
    """Median of a fresh activation plus its first S3 call (ListBuckets), modes taking turns;
    the client is built before the activation (``prebuilt``) or inside it."""
    clients = {mode: client("s3") for mode in mocks}
    times: dict[str, list[float]] = {mode: [] for mode in mocks}
    for i in range(n + 3):
        for mode, factory in mocks.items():
            t0 = time.perf_counter()
            with factory():
                s3 = clients[mode] if prebuilt else client("s3")
                try:
                    s3.list_buckets()
                except Exception:
                    pass
            if i >= 3:
                times[mode].append(time.perf_counter() - t0)
    return {mode: statistics.median(ts) for mode, ts in times.items()}


def client_creation(n: int) -> float:
    """Median cost of ``boto3.client("s3")`` with no mock (part of every "client built inside")."""
    times = []
    for _ in range(n + 3):
        t0 = time.perf_counter()
        client("s3")
        times.append(time.perf_counter() - t0)
    return statistics.median(times[3:])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--activations", type=int, default=20)
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--only", help="run only the workloads whose names contain one of these (comma-separated)")
    ap.add_argument(
        "--minimal-floor",
        action="store_true",
        help="S3 floor answers without the headers S3 sends (older runs)",
    )
    args = ap.parse_args(argv)
    global MINIMAL_FLOOR
    MINIMAL_FLOOR = args.minimal_floor
    if args.only:
        wanted = [w.strip().lower() for w in args.only.split(",")]
        WORKLOADS[:] = [w for w in WORKLOADS if any(x in w[0].lower() for x in wanted)]

    results: dict[str, Any] = {
        "calls": args.calls,
        "repeat": args.repeat,
        "floor": "minimal" if MINIMAL_FLOOR else "as S3 answers",
    }

    import awsmock

    t0 = time.perf_counter()
    with awsmock.mock_aws():
        try:
            client("s3").list_buckets()
        except Exception:
            pass
    results["awsmock_cold_first_activation"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with awsmock.mock_aws():
        pass
    results["awsmock_bare_activation"] = time.perf_counter() - t0

    import moto

    results["moto_version"] = moto.__version__
    with moto.mock_aws():  # loads moto's core, which registers its before-send handler for new sessions
        global _session
        _session = None
        client("s3").list_buckets()
    results["client_creation"] = client_creation(args.activations)
    results["per_call"] = run_workloads(
        {"floor": None, "awsmock": awsmock.mock_aws, "moto": moto.mock_aws}, args.calls, args.repeat
    )
    mocks = {"awsmock": awsmock.mock_aws, "moto": moto.mock_aws}
    results["activation_prebuilt_client"] = activation(mocks, args.activations, prebuilt=True)
    results["activation_client_inside"] = activation(mocks, args.activations, prebuilt=False)

    print_report(results)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2, default=str)
    return 0


def _us(v: Any) -> str:
    return f"{v * 1e6:,.0f} µs" if isinstance(v, float) else str(v)


def _ms(v: float) -> str:
    return f"{v * 1e3:.2f} ms"


def print_report(r: dict[str, Any]) -> None:
    pc = r["per_call"]
    print(
        f"per call: best of {r['repeat']} rounds x {r['calls']} calls, modes interleaved; moto {r['moto_version']}\n"
    )
    print("| workload | floor | awsmock | awsmock overhead | moto | moto overhead | awsmock/moto overhead |")
    print("|---|---|---|---|---|---|---|")
    for name, *_ in WORKLOADS:
        f, a, m = pc["floor"].get(name), pc["awsmock"].get(name), pc["moto"].get(name)
        a_over = a - f if isinstance(a, float) and isinstance(f, float) else None
        m_over = m - f if isinstance(m, float) and isinstance(f, float) else None
        ratio = f"{a_over / m_over:.0%}" if a_over is not None and m_over else "n/a"
        print(
            f"| {name} | {_us(f)} | {_us(a)} | {_us(a_over) if a_over is not None else 'n/a'} | "
            f"{_us(m)} | {_us(m_over) if m_over is not None else 'n/a'} | {ratio} |"
        )
    pre, inside = r["activation_prebuilt_client"], r["activation_client_inside"]
    print()
    print("| fresh activation + first S3 call (ListBuckets), median | awsmock | moto |")
    print("|---|---|---|")
    print(f"| client built before the activation | {_ms(pre['awsmock'])} | {_ms(pre['moto'])} |")
    print(
        f"| client built inside (boto3.client alone: {_ms(r['client_creation'])}) | "
        f"{_ms(inside['awsmock'])} | {_ms(inside['moto'])} |"
    )
    print()
    print(
        f"awsmock, first activation in a fresh process (schema template built): "
        f"{_ms(r['awsmock_cold_first_activation'])}; the next bare activation: {_ms(r['awsmock_bare_activation'])}"
    )


if __name__ == "__main__":
    sys.exit(main())
