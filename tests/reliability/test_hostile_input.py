"""Hostile and malformed input, per wire protocol: every answer is a clean AWS error in the
protocol's own format (4xx, or 501 for what awsmock does not implement), never a 500 or a
traceback, and a refused request changes nothing. In-process through the WSGI app for speed;
``test_transport.py`` sends transport-level junk to a real server."""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import quote, urlencode

import cbor2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awsmock.api import protocols
from awsmock.engine import specs
from awsmock.engine.errors import AwsError
from awsmock.engine.wire import MAX_BUFFERED_BODY, BodyTooLarge, WireRequest
from tests.reliability.hostile import (
    BY_PROTOCOL,
    TARGETS,
    Tally,
    Target,
    auth_header,
    call,
    check_answer,
    error_code,
    fingerprint,
    seed_state,
)

EXAMPLES = 100  # per protocol; benchmarks/reliability_bench.py runs thousands
TALLY: dict[str, Tally] = {}
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
CONTENT_TYPES = (
    "application/json",
    "application/x-amz-json-1.0",
    "application/x-amz-json-1.1",
    "text/plain",
    "application/xml",
    "application/cbor",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "",
    "application/json; charset=latin-1",
    "\x00/\x7f",
)


@st.composite
def mutated(draw: Any, base: bytes) -> bytes:
    """``base`` with a few byte-level edits: flips, inserts, deletes, truncation, splices."""
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 5))):
        op = draw(st.sampled_from(("flip", "insert", "delete", "truncate", "dup", "junk")))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete" and data:
            del data[pos : pos + draw(st.integers(1, 8))]
        elif op == "truncate":
            del data[pos:]
        elif op == "dup":
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 40))]
        else:
            data[pos:pos] = draw(
                st.sampled_from(
                    (
                        b"\xff\xfe",
                        b"\xc3(",
                        b"\x00",
                        b"\xed\xa0\x80",
                        b"{{[[",
                        b"<!--",
                        b"]]>",
                        b"&amp;",
                        b"%",
                        b"%zz",
                        b"&",
                    )
                )
            )
    return bytes(data)


@st.composite
def reshaped(draw: Any, target: Target) -> bytes:
    """The valid request with members replaced by values of the wrong type or shape."""
    if target.protocol in ("query", "ec2"):
        fields = dict(pair.split("=", 1) for pair in target.body.decode().split("&"))
        for key in draw(st.lists(st.sampled_from(sorted(fields)), max_size=3)):
            if key not in ("Action", "Version"):
                fields[key] = quote(draw(st.text(max_size=30)))
        extra = draw(st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=12), max_size=3))
        return (
            "&".join(f"{k}={v}" for k, v in fields.items()) + ("&" + urlencode(extra) if extra else "")
        ).encode()
    if target.protocol in ("json", "rest-json", "cbor"):
        doc = cbor2.loads(target.body) if target.protocol == "cbor" else json.loads(target.body)
        for key in draw(st.lists(st.sampled_from(sorted(doc)), max_size=3)):
            doc[key] = draw(json_values)
        doc.update(draw(st.dictionaries(st.text(max_size=10), json_values, max_size=2)))
        return cbor2.dumps(doc) if target.protocol == "cbor" else json.dumps(doc).encode()
    tag = draw(st.sampled_from(("Tag", "Key", "Value", "TagSet", "Object", "Quiet")))
    text = draw(st.text(max_size=30)).replace("&", "&amp;").replace("<", "&lt;")
    return target.body.replace(f"<{tag}>".encode(), f"<{tag}>{text}<{tag}>".encode(), 1)


def body_for(target: Target) -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=300),
        mutated(target.body),
        reshaped(target),
        st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")),
    )


@pytest.mark.parametrize("protocol", sorted(BY_PROTOCOL))
def test_random_and_mutated_requests_get_clean_errors(protocol: str, app: Any) -> None:
    """Random bytes, byte-mutated and re-shaped valid bodies, wrong content types and targets."""
    seed_state(app)
    tally = TALLY.setdefault(protocol, Tally())

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        target = data.draw(st.sampled_from(BY_PROTOCOL[protocol]))
        body = data.draw(body_for(target))
        headers = target.request_headers()
        if data.draw(st.booleans()):
            headers["Content-Type"] = data.draw(st.sampled_from(CONTENT_TYPES))
        if "X-Amz-Target" in headers and data.draw(st.integers(0, 4)) == 0:
            headers["X-Amz-Target"] = data.draw(
                st.sampled_from(
                    ("", "DynamoDB_20120810.", "AmazonSQS.Nope", "x" * 300, "DynamoDB_20120810.PutItem\x00")
                )
            )
        before = fingerprint(app.store)
        status, hdrs, answer = call(app, target.method, target.path, headers, body)
        tally.add(status)
        check_answer(target, status, hdrs, answer)
        if status >= 400:
            assert fingerprint(app.store) == before, (target.name, status, body[:200])

    run()
    print(f"\n{protocol}: {tally.tried} inputs, answers by status {sorted(tally.by_status.items())}")
    assert tally.tried >= EXAMPLES // 2


PARSE_TARGETS = [t for t in TARGETS if t.protocol in ("rest-json", "cbor", "json", "query")]


@pytest.mark.parametrize("target", PARSE_TARGETS, ids=[t.name for t in PARSE_TARGETS])
def test_parsers_turn_junk_into_aws_errors(target: Target) -> None:
    """The protocol parsers, called directly (also for operations awsmock answers 501 for, whose
    parser the dispatcher never reaches): junk is a parsed dict or an AwsError, nothing else."""
    model = specs.service_model(specs_name(target))
    op_name = target.name.split()[1]
    operation = model.operation_model(op_name)
    proto = protocols.get(target.protocol if target.protocol != "cbor" else "smithy-rpc-v2-cbor")

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(body=body_for(target))
    def run(body: bytes) -> None:
        headers = {k.lower(): v for k, v in target.request_headers().items()}
        path, _, qs = target.path.partition("?")
        req = WireRequest(
            method=target.method,
            path=path,
            query_string=qs,
            headers=headers,
            stream=io.BytesIO(body),
            content_length=len(body),
        )
        try:
            params = proto.parse(req, operation)
        except (AwsError, BodyTooLarge):
            return
        assert isinstance(params, dict)

    run()


def specs_name(target: Target) -> str:
    service = target.name.split()[0]
    return {"lambda": "lambda", "cloudwatch": "cloudwatch"}.get(service, service)


# -- named hostile inputs ------------------------------------------------------------------------

DDB = next(t for t in TARGETS if t.name == "dynamodb PutItem")
SQS = next(t for t in TARGETS if t.name == "sqs SendMessage")
S3_TAGS = next(t for t in TARGETS if t.name == "s3 PutBucketTagging")
IAM = next(t for t in TARGETS if t.name == "iam CreateUser")
CBOR = next(t for t in TARGETS if t.protocol == "cbor")

XXE = (
    b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>k</Key><Value>&x;</Value>'
    b"</Tag></TagSet></Tagging>"
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']><Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>k</Key>'
    b"<Value>&lol9;</Value></Tag></TagSet></Tagging>"
)
PARAM_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY % p SYSTEM "http://169.254.169.254/">%p;]>'
    b"<Tagging><TagSet/></Tagging>"
)

NAMED: list[tuple[str, Target, dict[str, str], bytes]] = [
    ("json nested 100k deep", DDB, {}, b"[" * 100_000 + b"]" * 100_000),
    ("json nested objects 50k deep", SQS, {}, b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
    (
        "json item nested 5k deep",
        DDB,
        {},
        json.dumps({"TableName": "fuzz", "Item": {"pk": {"S": "a"}}})
        .encode()
        .replace(b'{"S": "a"}', b'{"M": {"x": ' * 5000 + b'{"S": "a"}' + b"}}" * 5000),
    ),
    ("json invalid utf-8", DDB, {}, b'{"TableName": "fuzz\xff\xfe", "Item": {"pk": {"S": "\xc3("}}}'),
    ("json lone surrogate escape", DDB, {}, b'{"TableName": "fuzz", "Item": {"pk": {"S": "\\ud800"}}}'),
    (
        "json huge number",
        DDB,
        {},
        b'{"TableName": "fuzz", "Item": {"pk": {"S": "a"}, "n": {"N": "1' + b"0" * 5000 + b'"}}}',
    ),
    (
        "json NaN and Infinity",
        SQS,
        {},
        b'{"QueueUrl": NaN, "MessageBody": Infinity, "DelaySeconds": -Infinity}',
    ),
    ("json duplicate keys", DDB, {}, b'{"TableName": "fuzz", "TableName": {"x": 1}, "Item": {}}'),
    ("json wrong content type", DDB, {"Content-Type": "text/html"}, DDB.body),
    ("json truncated", SQS, {}, SQS.body[:17]),
    ("cbor nested 100k deep", CBOR, {}, b"\x81" * 100_000 + b"\x00"),
    ("cbor indefinite never ends", CBOR, {}, b"\xbf\x61a\x9f" + b"\x01" * 100),
    ("cbor huge declared length", CBOR, {}, b"\xa1\x61a\x5b\x00\x00\x00\x10\x00\x00\x00\x00"),
    ("cbor bad tag", CBOR, {}, b"\xa1\x61a\xd8\x1e\x82\x01\x00"),
    ("xml external entity", S3_TAGS, {}, XXE),
    ("xml billion laughs", S3_TAGS, {}, LAUGHS),
    ("xml parameter entity", S3_TAGS, {}, PARAM_ENTITY),
    ("xml nested 100k deep", S3_TAGS, {}, b"<a>" * 100_000 + b"</a>" * 100_000),
    ("xml invalid utf-8", S3_TAGS, {}, S3_TAGS.body.replace(b"<Value>v", b"<Value>\xff\xfe")),
    ("xml truncated", S3_TAGS, {}, S3_TAGS.body[:60]),
    ("xml unknown encoding", S3_TAGS, {}, S3_TAGS.body.replace(b"UTF-8", b"TTF-8")),
    ("xml multi-byte encoding", S3_TAGS, {}, S3_TAGS.body.replace(b"UTF-8", b"utf-32")),
    ("query invalid utf-8", IAM, {}, b"Action=CreateUser&Version=2010-05-08&UserName=\xff\xfe"),
    ("query percent junk", IAM, {}, b"Action=CreateUser&Version=2010-05-08&UserName=%ff%fe%zz&&&=&=="),
    ("query 10k parameters", IAM, {}, b"Action=CreateUser&Version=2010-05-08&UserName=u" + b"&x=1" * 10_000),
    ("query wrong content type", IAM, {"Content-Type": "application/json"}, IAM.body),
    ("huge header", DDB, {"X-Junk": "x" * 1_000_000}, b"{"),
    ("many headers", DDB, {f"X-Junk-{i}": "x" for i in range(5000)}, b"{"),
    ("oversized declared body", SQS, {"Content-Length": str(MAX_BUFFERED_BODY + 1)}, b"{}"),
]


# lenient like AWS: these are odd but valid requests (the action runs)
MAY_SUCCEED = {"json wrong content type", "query percent junk", "query 10k parameters"}


@pytest.mark.parametrize("label,target,extra,body", NAMED, ids=[n[0] for n in NAMED])
def test_named_hostile_inputs(
    label: str, target: Target, extra: dict[str, str], body: bytes, app: Any
) -> None:
    """Deep nesting, entity tricks, bad encodings, huge headers and bodies: a clean 4xx in the
    target's protocol, no entity expanded or file read, nothing changed."""
    seed_state(app)
    before = fingerprint(app.store)
    headers = {**target.request_headers(), **extra}
    status, hdrs, answer = call(app, target.method, target.path, headers, body)
    check_answer(target, status, hdrs, answer)
    assert b"root:" not in answer and b"lollollol" not in answer
    if label in MAY_SUCCEED and status < 300:
        return
    if status == 501:  # awsmock does not implement the operation: its parser must still refuse
        assert_parser_refuses(target, headers, body)
    else:
        assert 400 <= status < 500, (label, status, answer[:500])
    assert fingerprint(app.store) == before


def assert_parser_refuses(target: Target, headers: dict[str, str], body: bytes) -> None:
    model = specs.service_model(specs_name(target))
    operation = model.operation_model(target.name.split()[1])
    proto = protocols.get(target.protocol if target.protocol != "cbor" else "smithy-rpc-v2-cbor")
    path, _, qs = target.path.partition("?")
    req = WireRequest(
        method=target.method,
        path=path,
        query_string=qs,
        headers={k.lower(): v for k, v in headers.items()},
        stream=io.BytesIO(body),
        content_length=len(body),
    )
    with pytest.raises((AwsError, BodyTooLarge)):
        proto.parse(req, operation)


def test_huge_url_and_path_junk(app: Any) -> None:
    seed_state(app)
    before = fingerprint(app.store)
    s3 = {"Authorization": auth_header("s3")}
    for path in (
        "/fuzz-bucket/" + "k" * 1_000_000,
        "/fuzz-bucket?" + "a=1&" * 100_000,
        "/%ff%fe/%00",
        "/fuzz-bucket/%2e%2e/%2e%2e/etc/passwd?acl",
        "/" + "%" * 1000,
    ):
        status, hdrs, answer = call(app, "GET", path, s3, b"")
        assert status < 500 or status == 501, (path[:80], status, answer[:300])
        if status >= 400:
            error_code("rest-xml", status, hdrs, answer)
    assert fingerprint(app.store) == before
