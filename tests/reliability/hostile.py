"""Hostile-input harness: one target per wire protocol, a checker of "a clean AWS error in the
right format", and a fingerprint of the whole state. Used by ``test_hostile_input.py`` and the
long form in ``benchmarks/reliability_bench.py``."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

import cbor2

from awsmock.inprocess import wsgi_call
from awsmock.state.store import Store


def auth_header(service: str, key: str = "testing") -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential={key}/20260101/us-east-1/{service}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
    )


@dataclass(frozen=True)
class Target:
    """One operation reached through one protocol, with a valid body to mutate."""

    name: str
    protocol: str  # query | ec2 | json | rest-json | rest-xml | cbor
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    signing: str

    def request_headers(self) -> dict[str, str]:
        return {"Authorization": auth_header(self.signing), "X-Amz-Date": "20260101T000000Z", **self.headers}


FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
JSON10 = "application/x-amz-json-1.0"

TARGETS: tuple[Target, ...] = (
    Target(
        "sts GetCallerIdentity",
        "query",
        "POST",
        "/",
        FORM,
        b"Action=GetCallerIdentity&Version=2011-06-15",
        "sts",
    ),
    Target(
        "iam CreateUser",
        "query",
        "POST",
        "/",
        FORM,
        b"Action=CreateUser&Version=2010-05-08&UserName=fuzz-user&Path=%2F",
        "iam",
    ),
    Target(
        "sns Publish",
        "query",
        "POST",
        "/",
        FORM,
        b"Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3At"
        b"&Message=hi",
        "sns",
    ),
    Target(
        "ec2 DescribeInstances",
        "ec2",
        "POST",
        "/",
        FORM,
        b"Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-123",
        "ec2",
    ),
    Target(
        "dynamodb PutItem",
        "json",
        "POST",
        "/",
        {"Content-Type": JSON10, "X-Amz-Target": "DynamoDB_20120810.PutItem"},
        json.dumps(
            {
                "TableName": "fuzz",
                "Item": {"pk": {"S": "a"}, "n": {"N": "1"}, "l": {"L": [{"M": {"x": {"B": "AAEC"}}}]}},
            }
        ).encode(),
        "dynamodb",
    ),
    Target(
        "sqs SendMessage",
        "json",
        "POST",
        "/",
        {"Content-Type": JSON10, "X-Amz-Target": "AmazonSQS.SendMessage"},
        json.dumps(
            {
                "QueueUrl": "http://localhost/123456789012/fuzz",
                "MessageBody": "hi",
                "MessageAttributes": {"a": {"DataType": "String", "StringValue": "v"}},
            }
        ).encode(),
        "sqs",
    ),
    Target(
        "lambda CreateFunction",
        "rest-json",
        "POST",
        "/2015-03-31/functions",
        {"Content-Type": "application/json"},
        json.dumps(
            {
                "FunctionName": "f",
                "Runtime": "python3.12",
                "Role": "arn:aws:iam::123456789012:role/r",
                "Handler": "h.h",
                "Code": {"ZipFile": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="},
            }
        ).encode(),
        "lambda",
    ),
    Target(
        "xray PutTraceSegments",
        "rest-json",
        "POST",
        "/TraceSegments",
        {"Content-Type": "application/json"},
        json.dumps({"TraceSegmentDocuments": ["{}"]}).encode(),
        "xray",
    ),
    Target(
        "s3 PutBucketTagging",
        "rest-xml",
        "PUT",
        "/fuzz-bucket?tagging",
        {"Content-Type": "application/xml"},
        b'<?xml version="1.0" encoding="UTF-8"?><Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        b"<TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>",
        "s3",
    ),
    Target(
        "s3 DeleteObjects",
        "rest-xml",
        "POST",
        "/fuzz-bucket?delete",
        {"Content-Type": "application/xml"},
        b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>not-there</Key></Object>'
        b"<Quiet>true</Quiet></Delete>",
        "s3",
    ),
    Target(
        "cloudwatch PutMetricData",
        "cbor",
        "POST",
        "/service/GraniteServiceVersion20100801/operation/PutMetricData",
        {"Content-Type": "application/cbor", "Smithy-Protocol": "rpc-v2-cbor", "Accept": "application/cbor"},
        cbor2.dumps({"Namespace": "fuzz", "MetricData": [{"MetricName": "m", "Value": 1.0}]}),
        "monitoring",
    ),
)
BY_PROTOCOL: dict[str, list[Target]] = {}
for _t in TARGETS:
    BY_PROTOCOL.setdefault(_t.protocol, []).append(_t)


def seed_state(app: Any) -> None:
    """What the targets address (a bucket with one object, a queue, a table), so mutated
    requests reach deep into the handlers rather than stopping at "no such bucket"."""
    call(app, "PUT", "/fuzz-bucket", {"Authorization": auth_header("s3")}, b"")
    call(app, "PUT", "/fuzz-bucket/keep", {"Authorization": auth_header("s3")}, b"data")
    call(
        app,
        "POST",
        "/",
        {
            "Authorization": auth_header("sqs"),
            "Content-Type": JSON10,
            "X-Amz-Target": "AmazonSQS.CreateQueue",
        },
        b'{"QueueName": "fuzz"}',
    )
    call(
        app,
        "POST",
        "/",
        {
            "Authorization": auth_header("dynamodb"),
            "Content-Type": JSON10,
            "X-Amz-Target": "DynamoDB_20120810.CreateTable",
        },
        json.dumps(
            {
                "TableName": "fuzz",
                "BillingMode": "PAY_PER_REQUEST",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            }
        ).encode(),
    )


def call(
    app: Any, method: str, path: str, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    status, hdrs, payload = wsgi_call(app, method, "http://localhost" + path, headers, body)
    data = payload.read()
    return status, {k.lower(): v for k, v in hdrs}, data


def fingerprint(store: Store) -> str:
    """A hash of every row of every table: equal before and after means nothing changed."""
    digest = hashlib.sha256()
    with store.raw_connection() as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        for name in names:
            digest.update(name.encode())
            for row in conn.execute(f'SELECT * FROM "{name}" ORDER BY 1'):
                digest.update(repr(row).encode())
    return digest.hexdigest()


@dataclass
class Tally:
    """How many inputs were tried, and how they were answered."""

    tried: int = 0
    by_status: dict[int, int] = field(default_factory=dict)

    def add(self, status: int) -> None:
        self.tried += 1
        self.by_status[status] = self.by_status.get(status, 0) + 1


def error_code(protocol: str, status: int, headers: dict[str, str], body: bytes) -> str:
    """The AWS error code of an error answer, read the way an SDK of ``protocol`` reads it;
    ``AssertionError`` when the answer is not a well-formed error of that protocol."""
    assert b"Traceback" not in body, body[:2000]
    if protocol in ("query", "ec2", "rest-xml"):
        if not body and protocol == "rest-xml":  # HEAD-style empty error bodies
            return str(status)
        root = ET.fromstring(body)
        element = root.find(".//{*}Code")
        assert element is not None and element.text, body[:500]
        return element.text
    if protocol == "cbor":
        data = cbor2.loads(body)
        assert isinstance(data, dict) and data.get("__type"), data
        return str(data["__type"]).rsplit("#", 1)[-1]
    code = headers.get("x-amzn-errortype", "").split(":")[0]
    data = json.loads(body) if body else {}
    assert isinstance(data, dict), body[:500]
    code = code or str(data.get("__type") or data.get("code") or data.get("Code") or "")
    assert code, (headers, body[:500])
    return code.rsplit("#", 1)[-1]


def check_answer(target: Target, status: int, headers: dict[str, str], body: bytes) -> None:
    """Not a 500; an error answer is 4xx or 501 and well-formed in the target's protocol."""
    assert status != 500, (target.name, status, body[:1000])
    if status >= 300:
        assert 400 <= status < 500 or status == 501, (target.name, status, body[:1000])
        error_code(target.protocol, status, headers, body)
