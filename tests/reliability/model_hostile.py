"""Hostile requests drawn from the service models, sent to a real server by boto3.

For every implemented operation of every service, :class:`Inputs` shapes parameters from the
operation's botocore input shape and puts hostile values where valid ones go: JSON nested
thousands deep in any string (policy documents, page tokens, attribute values), over-long
strings, URLs and ARNs that do not parse, numbers far outside their range, lists of hundreds of
members, missing required members and unknown ones; a share of bodies is then re-shaped after
serialization as a hand-written client would send them (a JSON member replaced by ``null`` or a
value of another type, a form pair emptied, dropped or invented, an XML element emptied, dropped
or given hostile text). :class:`Run` sends them through boto3 with validation and retries
off and tallies the answers; every answer must be a success or a clean 4xx (a deliberate 501 is
allowed), never a 500, never a dropped connection, never an answer botocore cannot parse. A
share of requests go to the admin API and the dashboard the same way.

Used by ``test_model_hostile.py`` (a bounded form in CI) and ``benchmarks/reliability_bench.py
hostile`` (the long form)."""

from __future__ import annotations

import datetime as dt
import json
import random
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import boto3
import botocore.exceptions
import botocore.parsers
import botocore.session
from botocore.config import Config
from botocore.model import OperationModel, Shape

from awsmock.engine import registry

ACCOUNT = "123456789012"
#: the resources the draws name (made before each round, so that some requests reach far)
BUCKET, QUEUE, TABLE, USER, ROLE, SECRET = (
    "hostile-b",
    "hostile-q",
    "hostile-t",
    "hostile-u",
    "hostile-r",
    "hostile-s",
)

_DEEP = 3_000


def _hostile_strings() -> list[str]:
    return [
        "",
        " ",
        "a" * 1_100,
        "b" * 70_000,
        "[" * _DEEP + "]" * _DEEP,
        '{"a":' * _DEEP + "1" + "}" * _DEEP,
        '{"Statement":"x"}',
        '{"Version":"2012-10-17","Statement":[null]}',
        '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":{},"Resource":[[]]}}',
        '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:x","maxReceiveCount":"-1e99"}',
        "null",
        "[]",
        "{}",
        "{",
        "http://[::1/x",
        "https://sqs.us-east-1.amazonaws.com/123456789012/",
        "arn:aws:sqs:us-east-1:123456789012:",
        "arn:aws:::::",
        "arn:aws:s3:::" + "x" * 2_000,
        "../../../../etc/passwd",
        "\x00",
        "\u202e\u200b",
        "\U0001f4a5" * 40,
        "%ff%fe%zz",
        "-1",
        "1e400",
        "NaN",
        'SELECT * FROM "' + TABLE + '" WHERE a IN [' + "[" * _DEEP + "]" * _DEEP + "]",
        "SELECT * FROM",
        "'",
        "*",
        "?",
        "eyJ" + "A" * 300,
        "a" * 64 + "==",
    ]


HOSTILE_STRINGS = _hostile_strings()
HOSTILE_NUMBERS = [0, -1, 1, 2**31, 2**63, -(10**20), 10**20, 7 * 24 * 3600 + 1]
#: values a hand-written client puts where another type goes
WRONG_TYPES: list[Any] = [None, [], {}, "", "x", 0, -1, True, [None], {"": None}, [[[[[]]]]], 1.5e308]

#: the names of members whose valid values the draws know (the rest get the member's shape's)
_NAMED: dict[str, list[str]] = {
    "Bucket": [BUCKET],
    "QueueUrl": [],  # filled with the server's URL
    "QueueName": [QUEUE],
    "TableName": [TABLE],
    "UserName": [USER],
    "RoleName": [ROLE],
    "SecretId": [SECRET],
    "Key": ["k.txt", "dir/k"],
}


@dataclass
class Inputs:
    """Parameters for one operation, valid in shape and hostile in value (``rng`` decides)."""

    rng: random.Random
    named: dict[str, list[str]]
    hostile_share: float = 0.35

    def params(self, operation: OperationModel) -> dict[str, Any]:
        shape = operation.input_shape
        if shape is None:
            return {}
        value = self.value(shape, "", 0)
        return value if isinstance(value, dict) else {}

    def value(self, shape: Shape, name: str, depth: int) -> Any:
        rng = self.rng
        kind = shape.type_name
        if kind == "structure":
            out: dict[str, Any] = {}
            required = set(getattr(shape, "required_members", ()) or ())
            for member, sub in shape.members.items():
                if sub.serialization.get("name", "").lower() == "content-length":
                    continue  # a Content-Length the body does not have: the server waits for the rest
                include = member in required and rng.random() > 0.05
                if not include and depth < 4 and rng.random() < (0.45 if depth == 0 else 0.25):
                    include = True
                if include:
                    out[member] = self.value(sub, member, depth + 1)
            return out
        if kind == "list":
            size = rng.choice([0, 1, 1, 2, 3, 3, 120]) if depth < 5 else 0
            return [self.value(shape.member, name, depth + 1) for _ in range(size)]  # type: ignore[attr-defined]
        if kind == "map":
            size = rng.choice([0, 1, 2, 3, 60]) if depth < 5 else 0
            return {
                self.string(shape.key, "MapKey"): self.value(shape.value, name, depth + 1)  # type: ignore[attr-defined]
                for _ in range(size)
            }
        if kind == "string":
            return self.string(shape, name)
        if kind in ("integer", "long"):
            if name == "WaitTimeSeconds":
                return 0  # a long poll would only wait
            if rng.random() < self.hostile_share:
                return rng.choice(HOSTILE_NUMBERS)
            low = int(shape.metadata.get("min", 0))
            return rng.choice([low, low + 1, max(low, 10)])
        if kind in ("float", "double"):
            return rng.choice([0.0, 1.5, -1.0, 1e308, -1e-308])
        if kind == "boolean":
            return rng.random() < 0.5
        if kind == "timestamp":
            return rng.choice(
                [
                    dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
                    dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                    dt.datetime(9999, 12, 31, tzinfo=dt.UTC),
                ]
            )
        if kind == "blob":
            size = rng.choice([0, 1, 16, 300, 70_000])
            return rng.randbytes(size)
        # document and anything newer: any JSON value
        return rng.choice(WRONG_TYPES)

    def string(self, shape: Shape, name: str) -> str:
        rng = self.rng
        enum = shape.enum if hasattr(shape, "enum") else None
        if rng.random() < self.hostile_share:
            return rng.choice(HOSTILE_STRINGS)
        if self.named.get(name):
            return rng.choice(self.named[name])
        if enum:
            return str(rng.choice(enum))
        if name.endswith(("Arn", "ARN")):
            return rng.choice(
                [
                    f"arn:aws:iam::{ACCOUNT}:role/{ROLE}",
                    f"arn:aws:sqs:us-east-1:{ACCOUNT}:{QUEUE}",
                    f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{TABLE}",
                    f"arn:aws:s3:::{BUCKET}",
                ]
            )
        low = int(shape.metadata.get("min", 1) or 1)
        return "h" + "x" * max(0, min(low, 64) - 1)


def reshape(body: bytes, rng: random.Random) -> bytes:
    """``body`` re-shaped as a hand-written client might send it: a JSON member replaced by a
    value of another type, a form pair emptied, dropped or invented, an XML element emptied,
    dropped or given hostile text."""
    if body[:1] in (b"{", b"["):
        return _reshape_json(body, rng)
    if body.lstrip()[:1] == b"<":
        return _reshape_xml(body, rng)
    if b"=" in body:
        return _reshape_form(body, rng)
    return body


def _reshape_form(body: bytes, rng: random.Random) -> bytes:
    pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    if not pairs:
        return body
    i = rng.randrange(len(pairs))
    name, _ = pairs[i]
    action = rng.choice(["empty", "drop", "member", "entry", "twice"])
    if action == "empty":
        pairs[i] = (name, "")
    elif action == "drop" and not name.startswith(("Action", "Version")):
        del pairs[i]
    elif action == "member":
        pairs.append((name + ".member." + rng.choice(["1", "0", "-1", "99999999999"]), ""))
    elif action == "entry":
        pairs.append((name + ".entry.1.key", rng.choice(HOSTILE_STRINGS[:4])))
    else:
        pairs.append((name, rng.choice(["", "x", "-1"])))
    return urlencode(pairs).encode()


def _reshape_xml(body: bytes, rng: random.Random) -> bytes:
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return body
    parents = {child: parent for parent in root.iter() for child in parent}
    element = rng.choice(list(root.iter()))
    action = rng.choice(["empty", "drop", "text", "nest"])
    if action == "empty":
        for child in list(element):
            element.remove(child)
        element.text = ""
    elif action == "drop" and element in parents:
        parents[element].remove(element)
    elif action == "text":
        element.text = rng.choice(HOSTILE_STRINGS)
    else:
        element.append(ET.fromstring("<Junk><Junk><Junk>x</Junk></Junk></Junk>"))
    return ET.tostring(root)


def _reshape_json(body: bytes, rng: random.Random) -> bytes:
    """``body`` (JSON) with one member replaced by a value of another type."""
    try:
        doc = json.loads(body)
    except ValueError:
        return body
    holders: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                holders.append((node, k))
                walk(v)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                holders.append((node, i))
                walk(v)

    walk(doc)
    if not holders:
        return json.dumps(rng.choice(WRONG_TYPES)).encode()
    holder, key = rng.choice(holders)
    holder[key] = rng.choice(WRONG_TYPES)
    return json.dumps(doc).encode()


@dataclass
class Tally:
    sent: int = 0
    unsendable: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    _kinds: set[str] = field(default_factory=set)

    def fail(self, what: str) -> None:
        """Note a broken promise (the first of each kind per operation, up to 200)."""
        kind = what.split(":", 1)[0] + what.split(":", 1)[-1][:40]
        if kind not in self._kinds and len(self.failures) < 200:
            self._kinds.add(kind)
            self.failures.append(what)

    @property
    def failed(self) -> int:
        return self.statuses["500"] + self.statuses["dropped"] + self.statuses["unparsed"]


#: answers that mean the server kept its promise: a success or a clean client error
def _clean(status: int, code: str) -> bool:
    return status < 500 or (
        status == 501 and code in ("NotImplemented", "NotImplementedException", "UnknownOperation")
    )


_DROPPED = (
    botocore.exceptions.ConnectionClosedError,
    botocore.exceptions.EndpointConnectionError,
    botocore.exceptions.ReadTimeoutError,
    botocore.exceptions.ConnectTimeoutError,
)


class Run:
    """Draws and sends requests to the server at ``url``; :meth:`go` runs ``count`` of them."""

    def __init__(self, url: str, seed: int, admin_headers: dict[str, str] | None = None) -> None:
        self.url = url
        self.rng = random.Random(seed)
        self.admin_headers = admin_headers or {}
        self.tally = Tally()
        session = botocore.session.get_session()
        self.services = sorted(
            s for s in registry.implemented_services() if s in session.get_available_services()
        )
        self.models = {s: session.get_service_model(s) for s in self.services}
        self.operations = [
            (s, op)
            for s in self.services
            for op in sorted(registry.implemented_services()[s])
            if op in self.models[s].operation_names
        ]
        config = Config(
            parameter_validation=False,
            retries={"total_max_attempts": 1},
            connect_timeout=10,
            read_timeout=120,
            s3={"addressing_style": "path"},
        )
        self.clients = {
            s: boto3.client(
                s,
                endpoint_url=url,
                region_name="us-east-1",
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
                config=config,
            )
            for s in self.services
        }
        self._reshaping = False
        self._netloc = urllib.parse.urlsplit(url).netloc
        for client in self.clients.values():
            client.meta.events.register("before-send", self._before_send)
            client.meta.events.register_first("after-call", self._after_call)
        self._queue_url = f"{url}/{ACCOUNT}/{QUEUE}"
        self.inputs = Inputs(self.rng, {**_NAMED, "QueueUrl": [self._queue_url]})

    # -- one request --------------------------------------------------------------------------

    def _after_call(self, http_response: Any, **_: Any) -> None:
        status = http_response.status_code  # (a success's body may be a stream the caller reads)
        self._answer = (status, http_response.content[:200] if status >= 400 else b"")

    def _refused_by_transport(self) -> bool:
        """The HTTP server refused the request line or a header (a NUL in a header value) before
        any service saw it: a plain-text 400, as AWS's front end answers, that botocore's
        customizations of some operations (S3's GetBucketLocation) cannot parse."""
        status, body = self._answer
        return status == 400 and b"(generated by awsmock)" in body

    def _before_send(self, request: Any, **_: Any) -> None:
        self._sent = True
        parts = urllib.parse.urlsplit(request.url)
        if parts.netloc != self._netloc:  # a host the endpoint rules prefixed (S3 Control's account id)
            request.url = urllib.parse.urlunsplit(parts._replace(netloc=self._netloc))
        if self._reshaping and request.body and isinstance(request.body, bytes):
            body = reshape(request.body, self.rng)
            request.body = body
            request.headers["Content-Length"] = str(len(body))

    def call(self, service: str, operation: str) -> None:
        model = self.models[service].operation_model(operation)
        params = self.inputs.params(model)
        self._reshaping = self.rng.random() < 0.3
        self._sent = False
        self._answer: tuple[int, bytes] = (0, b"")
        client = self.clients[service]
        label = f"{service} {operation}"
        try:
            result = client._make_api_call(operation, params)
            for value in result.values():
                if hasattr(value, "read"):
                    value.read()
            self.tally.statuses["2xx"] += 1
        except botocore.exceptions.ClientError as exc:
            status = exc.response["ResponseMetadata"].get("HTTPStatusCode", 0)
            code = exc.response.get("Error", {}).get("Code", "")
            if _clean(status, code):
                self.tally.statuses[str(status)] += 1
            else:
                self.tally.statuses["500"] += 1
                self.tally.fail(
                    f"{label}: {status} {code} {exc.response.get('Error', {}).get('Message', '')[:200]}"
                )
        except _DROPPED as exc:
            self.tally.statuses["dropped"] += 1
            self.tally.fail(f"{label}: {type(exc).__name__}: {exc}")
        except botocore.parsers.ResponseParserError as exc:
            self.tally.statuses["unparsed"] += 1
            self.tally.fail(f"{label}: unparsable answer: {str(exc)[:200]}")
        except Exception as exc:  # botocore could not serialize or send what was drawn
            if self._sent and self._refused_by_transport():
                self.tally.statuses["400"] += 1
            elif self._sent and "Invalid header" not in str(exc):  # http.client refuses to send it
                self.tally.statuses["unparsed"] += 1
                self.tally.fail(f"{label}: {type(exc).__name__}: {str(exc)[:200]}")
            else:
                self.tally.unsendable += 1
                return
        self.tally.sent += 1

    def admin(self) -> None:
        """One request to the admin API or the dashboard: a route, a method, a body of any shape."""
        rng = self.rng
        path = rng.choice(
            [
                "/_awsmock/health",
                "/_awsmock/reset",
                "/_awsmock/snapshots",
                "/_awsmock/snapshots/" + rng.choice(["s1", "..", "%2e%2e", "a" * 300, "x%00"]),
                "/_awsmock/snapshots/s1/restore",
                "/_awsmock/snapshots/s1/export",
                "/_awsmock/auth",
                "/_awsmock/dashboard/services",
                "/_awsmock/dashboard/" + rng.choice(self.services) + "/resources",
                "/_awsmock/dashboard/s3/object/" + rng.choice([BUCKET, "x" * 500]) + "/download",
                "/_awsmock/dashboard/sqs/queue/" + QUEUE + "/" + rng.choice(["messages", "x", "..", ""]),
                "/_awsmock/static/" + rng.choice(["app.js", "x" * 5_000, "..%2f..%2fetc%2fpasswd"]),
                "/moto-api/reset",
                "/_localstack/health",
            ]
        )
        if path.endswith("/reset") and rng.random() < 0.9:
            path = "/_awsmock/health"  # a reset now and then: each one empties the state the draws name
        query = rng.choice(
            [
                "",
                "?q=" + "x" * 100_000,
                "?cursor=" + rng.choice(["junk", "e30=", "W10=", "eyJhIjpbXX0", "%ff"]),
                "?limit=" + rng.choice(["-1", "1e9", "x"]),
                "?q=%00&cursor=" + "[" * 1_000,
            ]
        )
        method = rng.choice(["GET", "GET", "POST", "PUT", "DELETE"])
        if path in ("/_awsmock/reset", "/moto-api/reset") or "restore" in path:
            method = "GET" if rng.random() < 0.5 else method
        body: bytes | None = None
        if method in ("POST", "PUT"):
            body = rng.choice(
                [
                    b"",
                    b"{",
                    json.dumps({"name": rng.choice(["s1", "..", ""])}).encode(),
                    json.dumps(
                        {"initial_no_auth_action_count": rng.choice([None, -1, "x", 1e300, [], 10**6])}
                    ).encode(),
                    b"[" * 100_000 + b"]" * 100_000,
                    b"SQLite format 3\x00" + rng.randbytes(4096),
                    rng.randbytes(200),
                ]
            )
            if path.endswith("/auth") and b'"initial_no_auth_action_count": 1' in body:
                body = b"{}"  # access control on would make every later draw a 403
        req = urllib.request.Request(
            self.url + path + query, data=body, method=method, headers=self.admin_headers
        )
        try:
            with urllib.request.urlopen(req, timeout=120) as resp:
                resp.read()
                status = resp.status
        except urllib.error.HTTPError as exc:
            status = exc.code
            text = exc.read()
            if (status >= 500 and status != 501) or b"Traceback" in text or b"sqlalchemy" in text.lower():
                self.tally.statuses["500"] += 1
                self.tally.fail(f"admin {method} {path}{query[:40]}: {status} {text[:200]!r}")
                self.tally.sent += 1
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            self.tally.statuses["dropped"] += 1
            self.tally.fail(f"admin {method} {path}: {exc}")
            self.tally.sent += 1
            return
        self.tally.statuses[f"admin {status // 100}xx"] += 1
        self.tally.sent += 1

    # -- a run --------------------------------------------------------------------------------

    def setup(self) -> None:
        """(Re)make the resources the draws name; whatever already exists stays."""
        steps: list[Callable[[], Any]] = []
        c = self.clients
        if "s3" in c:
            steps += [
                lambda: c["s3"].create_bucket(Bucket=BUCKET),
                lambda: c["s3"].put_object(Bucket=BUCKET, Key="k.txt", Body=b"k"),
            ]
        if "sqs" in c:
            steps.append(lambda: c["sqs"].create_queue(QueueName=QUEUE))
        if "dynamodb" in c:
            steps.append(
                lambda: c["dynamodb"].create_table(
                    TableName=TABLE,
                    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                    BillingMode="PAY_PER_REQUEST",
                )
            )
        if "iam" in c:
            trust = json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
                }
            )
            steps += [
                lambda: c["iam"].create_user(UserName=USER),
                lambda: c["iam"].create_role(RoleName=ROLE, AssumeRolePolicyDocument=trust),
            ]
        if "secretsmanager" in c:
            steps.append(lambda: c["secretsmanager"].create_secret(Name=SECRET, SecretString="s"))
        for step in steps:
            try:
                step()
            except botocore.exceptions.ClientError:
                pass

    def draws(self, count: int, admin_share: float = 0.04) -> Iterator[None]:
        """Send ``count`` requests (``admin_share`` of them to the admin API), yielding after each."""
        self.setup()
        for i in range(count):
            if i and i % 250 == 0:
                self.setup()
            if self.rng.random() < admin_share:
                self.admin()
            else:
                self.call(*self.rng.choice(self.operations))
            yield

    def go(self, count: int) -> Tally:
        for _ in self.draws(count):
            pass
        return self.tally


def rss_kib(pid: int) -> int:
    """The resident memory of process ``pid``, in KiB (Linux)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0
