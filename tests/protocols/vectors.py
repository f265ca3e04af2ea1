"""Loading the AWS protocol test vectors (/work/shared/protocol-tests, copied next to the repo
checkout or pointed to by ``AWSMOCK_PROTOCOL_TESTS``), turning requests and responses between
botocore's dicts and our wire types, and normalising values for comparison.

Shared by the JSON-family and XML-family vector and round-trip tests.
"""

from __future__ import annotations

import base64
import io
import json
import math
import os
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from botocore.awsrequest import HeadersDict
from botocore.model import OperationModel, ServiceModel, Shape
from botocore.response import StreamingBody
from botocore.serialize import create_serializer

from awsmock.api.protocols import get
from awsmock.engine import specs
from awsmock.engine.errors import AwsError
from awsmock.engine.wire import WireRequest

_CANDIDATES = [
    os.environ.get("AWSMOCK_PROTOCOL_TESTS", ""),
    str(Path(__file__).resolve().parents[3] / "shared" / "protocol-tests"),  # shared/ beside the repo
    "/work/shared/protocol-tests",
]
VECTORS = next((Path(p) for p in _CANDIDATES if p and Path(p, "input").is_dir()), None)


def ignore_list() -> dict[str, Any]:
    assert VECTORS is not None
    return json.loads((VECTORS / "protocol-tests-ignore-list.json").read_text())


def cases(direction: str, filename: str) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """``(suite, case)`` for every case of ``<direction>/<filename>``."""
    if VECTORS is None:
        return
    for suite in json.loads((VECTORS / direction / filename).read_text()):
        for case in suite["cases"]:
            yield suite, case


def ignored(direction: str, key: str, suite: dict[str, Any], case: dict[str, Any]) -> str | None:
    """Why botocore's ignore list skips ``case`` of protocol ``key`` (None: it does not)."""
    ig = ignore_list()
    if suite["description"] in ig["general"].get(direction, {}).get("suites", []):
        return "botocore ignore list (general suite)"
    proto = ig["protocols"].get(key, {}).get(direction, {})
    if case["id"] in proto.get("cases", []) or suite["description"] in proto.get("suites", []):
        return "botocore ignore list"
    return None


def client_only(suite: dict[str, Any], case: dict[str, Any]) -> str | None:
    """Why an input ``case`` checks what only a client does (None: a server can meet it)."""
    given = case["given"]
    if "endpoint" in given or case["serialized"].get("host"):
        return "client-only: host prefix / endpoint rules"
    if "requestcompression" in given or "Content-Encoding" in case["serialized"].get("headers", {}):
        return "client-only: request compression"
    shape_name = (given.get("input") or {}).get("shape")
    if shape_name:
        members = suite["shapes"][shape_name].get("members", {})
        for name, ref in members.items():
            if ref.get("idempotencyToken") and name not in case["params"]:
                return "client-only: idempotency-token autofill"
    return None


Skip = Callable[[dict[str, Any], dict[str, Any]], str | None]


def vector_params(direction: str, suites: Mapping[str, tuple[str, str]], skip: Skip) -> list[Any]:
    """``pytest.param(protocol, suite, case)`` for every ``<direction>`` case of ``suites``
    (file name -> (protocol, ignore-list key)), skipped where botocore's ignore list or
    ``skip(suite, case)`` gives a reason."""
    out = []
    for filename, (protocol, key) in suites.items():
        for suite, case in cases(direction, filename):
            reason = ignored(direction, key, suite, case) or skip(suite, case)
            marks = [pytest.mark.skip(reason=reason)] if reason else []
            out.append(pytest.param(protocol, suite, case, id=f"{filename}:{case['id']}", marks=marks))
    return out


def vector_error(case: dict[str, Any], shape: Shape | None) -> AwsError:
    """The error an output ``case`` describes, as a handler raises it (``shape``: its error shape)."""
    fields = dict(case.get("error") or {})
    message = case.get("errorMessage", fields.pop("message", fields.pop("Message", "")))
    fields.pop("message", None)
    fields.pop("Message", None)
    fields = to_handler_values(fields, shape)
    err = AwsError(message, code=shape.name if shape is not None else case["errorCode"], **fields)
    err.status = case["response"]["status_code"]  # type: ignore[misc]
    return err


def service_model(suite: dict[str, Any], case: dict[str, Any]) -> ServiceModel:
    given = dict(case["given"])
    model = {
        "metadata": suite["metadata"],
        "shapes": suite["shapes"],
        "operations": {given["name"]: given},
        "documentation": "",
    }
    return ServiceModel(model, service_name="protocoltest")


def wire_request(serialized: dict[str, Any], cbor: bool = False) -> WireRequest:
    """A :class:`WireRequest` from a vector's ``serialized`` request."""
    uri = urlsplit(serialized.get("uri", "/"))
    body = serialized.get("body", "")
    if cbor:
        raw = base64.b64decode(body) if body else b""
    else:
        raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    headers = {k.lower(): v for k, v in serialized.get("headers", {}).items()}
    return WireRequest(
        method=serialized.get("method", "POST"),
        path=uri.path or "/",
        query_string=uri.query,
        headers=headers,
        stream=io.BytesIO(raw),
        content_length=len(raw),
        host=serialized.get("host", "localhost"),
    )


def botocore_sends(protocol: str, op: OperationModel, params: dict[str, Any]) -> WireRequest:
    """The request botocore's client serializer makes of ``params`` for ``op`` (unvalidated), as
    our ``protocol`` receives it."""
    serialized = create_serializer(protocol, include_validation=False).serialize_to_request(params, op)
    body = serialized["body"]
    if isinstance(body, dict):
        body = urlencode(body, doseq=True).encode("utf-8")
    elif isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, bytes | bytearray):
        body = body.read()
    query = serialized["query_string"]
    qs = urlencode(query, doseq=True) if isinstance(query, dict) else query
    path = serialized["url_path"]
    if "?" in path:  # requestUri discriminators ride on the path in botocore's dict
        path, _, extra = path.partition("?")
        qs = f"{extra}&{qs}" if qs else extra
    return WireRequest(
        method=serialized["method"],
        path=path,
        query_string=qs,
        headers={k.lower(): str(v) for k, v in serialized["headers"].items()},
        stream=io.BytesIO(body),
        content_length=len(body),
        host="localhost",
    )


def routed(protocol: str, req: WireRequest, op: OperationModel) -> Any:
    """Our ``protocol``, asserted to take ``req`` as a call of ``op``."""
    proto = get(protocol)
    assert proto.matches(req, op.service_model)
    assert proto.operation_name(req, op.service_model) == op.name
    return proto


def response_headers(resp: Any) -> HeadersDict:
    headers = HeadersDict()
    for k, v in resp.headers.items():
        headers[k] = v
    return headers


def response_dict(resp: Any, streaming: bool = False) -> dict[str, Any]:
    """Our response as the dict botocore's parsers read (``raw_bytes``: the body as sent)."""
    body = b"".join(resp.iter_body())
    out = {"status_code": resp.status, "headers": response_headers(resp), "body": body, "raw_bytes": body}
    if streaming:
        out["body"] = StreamingBody(io.BytesIO(body), len(body))
    return out


def has_raw_payload(shape: Any) -> bool:
    """Whether ``shape``'s payload is a raw blob or string (the whole body)."""
    payload = shape.serialization.get("payload") if shape is not None else None
    return payload is not None and shape.members[payload].type_name in ("blob", "string")


def error_params(services: Mapping[str, str]) -> list[Any]:
    """``pytest.param(service, protocol, error shape name)`` for every modeled error of ``services``."""
    out = []
    for svc, protocol in services.items():
        for shape in specs.service_model(svc).error_shapes:
            out.append(pytest.param(svc, protocol, shape.name, id=f"{svc}.{shape.name}"))
    return out


def prune(value: Any, *, in_lists: bool = False) -> Any:
    """``value`` without the members a wire cannot tell from absent: empty maps, structures and
    (flattened) lists; ``in_lists``: without empty items of lists either."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            pv = prune(v, in_lists=in_lists)
            if pv is None or pv == {} or pv == []:
                continue
            out[k] = pv
        return out
    if isinstance(value, list):
        items = [prune(v, in_lists=in_lists) for v in value]
        if in_lists:
            return [v for v in items if v is not None and v != {} and v != []]
        return items
    return value


def normalize(value: Any, shape: Shape | None) -> Any:
    """A comparable form: datetimes -> epoch float, bytes -> text, floats (NaN-safe), file-likes
    read, header-map keys lower-cased, sets/lists as lists."""
    if value is None:
        return None
    if hasattr(value, "read"):
        value = value.read()
    if isinstance(value, datetime):
        dt = value if value.tzinfo else value.replace(tzinfo=UTC)
        return round(dt.timestamp(), 3)
    if isinstance(value, bytes | bytearray):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(value).decode()
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if shape is None:
        if isinstance(value, dict):
            return {k: normalize(v, None) for k, v in value.items()}
        if isinstance(value, list):
            return [normalize(v, None) for v in value]
        return value
    t = shape.type_name
    if t == "timestamp" and isinstance(value, int | float | str):
        if isinstance(value, str):
            from awsmock.api.protocols.rest import parse_timestamp

            return round(parse_timestamp(value).timestamp(), 3)
        return round(float(value), 3)
    if t in ("float", "double") and isinstance(value, int | str):
        return normalize(
            float(value.replace("Infinity", "inf")) if isinstance(value, str) else float(value), None
        )
    if t == "structure" and isinstance(value, dict):
        if getattr(shape, "is_document_type", False):
            return value
        out = {}
        for k, v in value.items():
            member = shape.members.get(k)
            if v is None:
                continue
            nv = normalize(v, member)
            if (
                member is not None
                and member.serialization.get("location") == "headers"
                and isinstance(nv, dict)
            ):
                nv = {str(hk).lower(): hv for hk, hv in nv.items()}
            out[k] = nv
        return out
    if t == "list" and isinstance(value, list | tuple):
        return [normalize(v, shape.member) for v in value]
    if t == "map" and isinstance(value, dict):
        return {k: normalize(v, shape.value) for k, v in value.items()}
    return value


def to_handler_values(value: Any, shape: Shape | None) -> Any:
    """A vector's ``result`` as a handler returns it: epoch numbers -> datetimes, blob text -> bytes."""
    if value is None or shape is None:
        return value
    t = shape.type_name
    if t == "timestamp":
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value, UTC)
        return value
    if t == "blob":
        return value.encode("utf-8") if isinstance(value, str) else value
    if t in ("float", "double") and isinstance(value, str):
        return float(value.replace("Infinity", "inf"))
    if t == "structure" and isinstance(value, dict):
        if getattr(shape, "is_document_type", False):
            return value
        return {k: to_handler_values(v, shape.members.get(k)) for k, v in value.items()}
    if t == "list" and isinstance(value, list):
        return [to_handler_values(v, shape.member) for v in value]
    if t == "map" and isinstance(value, dict):
        return {k: to_handler_values(v, shape.value) for k, v in value.items()}
    return value
