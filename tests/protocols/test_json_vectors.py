"""The AWS SDK protocol compliance vectors for the JSON family, run backwards.

* input cases: the vector's ``serialized`` request, parsed by our protocol, gives ``params``;
* output cases: ``result`` serialized by our protocol, parsed by botocore's parser, gives
  ``result`` back; error cases give the same error code, message and modeled members.

Skipped (each with its reason): client-only behaviour (idempotency-token autofill, host
prefixes / endpoint rules, request compression, checksums computed by the client), and
botocore's own ignore list (protocol-tests-ignore-list.json).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.awsrequest import HeadersDict
from botocore.parsers import create_parser

from awsmock.api.protocols import get
from awsmock.errors import AwsError
from tests.protocols.vectors import (
    VECTORS,
    cases,
    ignore_list,
    normalize,
    service_model,
    to_handler_values,
    wire_request,
)

pytestmark = pytest.mark.skipif(VECTORS is None, reason="protocol test vectors not found")

SUITES = {
    "json.json": ("json", "json"),
    "json_1_0.json": ("json", "json_1_0"),
    "json_1_0-query-compatible.json": ("json", "json_1_0"),
    "rest-json.json": ("rest-json", "rest-json"),
    "smithy-rpc-v2-cbor.json": ("smithy-rpc-v2-cbor", "smithy-rpc-v2-cbor"),
    "smithy-rpc-v2-cbor-query-compatible.json": ("smithy-rpc-v2-cbor", "smithy-rpc-v2-cbor"),
    "smithy-rpc-v2-cbor-non-query-compatible.json": ("smithy-rpc-v2-cbor", "smithy-rpc-v2-cbor"),
}


#: vectors whose expectation a server cannot meet, with the reason
SERVER_SKIPS = {
    "HttpPrefixHeadersResponse": "an empty-prefix headers map collects every response header, "
    "and a server response also carries x-amzn-RequestId",
}


def _drop_empty_bound(params: dict[str, Any], shape: Any) -> dict[str, Any]:
    """What a server can see of ``params``: empty lists / maps bound to the query string or
    headers are not sent at all, so compare without them."""
    if shape is None:
        return params
    named = {
        m.serialization.get("name", n)
        for n, m in shape.members.items()
        if m.serialization.get("location") == "querystring" and m.type_name != "map"
    }
    out = {}
    for k, v in params.items():
        member = shape.members.get(k)
        if (
            member is not None
            and member.serialization.get("location") == "querystring"
            and member.type_name == "map"
        ):
            # a server cannot tell a map entry from the named member with the same key
            v = {mk: mv for mk, mv in v.items() if mk not in named}
        if member is not None and "location" in member.serialization and v in ([], {}):
            continue
        out[k] = v
    return out


def _ignored(direction: str, ignore_key: str, suite: dict[str, Any], case: dict[str, Any]) -> str | None:
    ig = ignore_list()
    if suite["description"] in ig["general"].get(direction, {}).get("suites", []):
        return "botocore ignore list (general suite)"
    proto = ig["protocols"].get(ignore_key, {}).get(direction, {})
    if case["id"] in proto.get("cases", []) or suite["description"] in proto.get("suites", []):
        return "botocore ignore list"
    return None


def _client_only(suite: dict[str, Any], case: dict[str, Any]) -> str | None:
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


def _input_cases() -> list[Any]:
    out = []
    for filename, (protocol, key) in SUITES.items():
        for suite, case in cases("input", filename):
            reason = _ignored("input", key, suite, case) or _client_only(suite, case)
            marks = [pytest.mark.skip(reason=reason)] if reason else []
            out.append(pytest.param(protocol, suite, case, id=f"{filename}:{case['id']}", marks=marks))
    return out


def _output_cases() -> list[Any]:
    out = []
    for filename, (protocol, key) in SUITES.items():
        for suite, case in cases("output", filename):
            reason = _ignored("output", key, suite, case) or SERVER_SKIPS.get(case["id"])
            marks = [pytest.mark.skip(reason=reason)] if reason else []
            out.append(pytest.param(protocol, suite, case, id=f"{filename}:{case['id']}", marks=marks))
    return out


@pytest.mark.parametrize(("protocol", "suite", "case"), _input_cases())
def test_input_vector(protocol: str, suite: dict[str, Any], case: dict[str, Any]) -> None:
    service = service_model(suite, case)
    op = service.operation_model(case["given"]["name"])
    proto = get(protocol)
    req = wire_request(case["serialized"], cbor=protocol == "smithy-rpc-v2-cbor")
    assert proto.matches(req, service)
    assert proto.operation_name(req, service) == op.name
    params = proto.decode(req, op)  # type: ignore[attr-defined]  # vectors skip input validation
    expected = _drop_empty_bound(case["params"], op.input_shape)
    assert normalize(params, op.input_shape) == normalize(expected, op.input_shape)


def _response_dict(resp: Any) -> dict[str, Any]:
    headers = HeadersDict()
    for k, v in resp.headers.items():
        headers[k] = v
    return {"status_code": resp.status, "headers": headers, "body": b"".join(resp.iter_body())}


@pytest.mark.parametrize(("protocol", "suite", "case"), _output_cases())
def test_output_vector(protocol: str, suite: dict[str, Any], case: dict[str, Any]) -> None:
    service = service_model(suite, case)
    op = service.operation_model(case["given"]["name"])
    proto = get(protocol)
    parser = create_parser(protocol)
    if "error" in case or "errorCode" in case:
        code = case["errorCode"]
        shape = next(
            (
                s
                for s in op.error_shapes
                if s.name == code or (s.metadata.get("error") or {}).get("code") == code
            ),
            None,
        )
        fields = dict(case.get("error") or {})
        message = case.get("errorMessage", fields.pop("message", fields.pop("Message", "")))
        fields.pop("message", None)
        fields.pop("Message", None)
        fields = to_handler_values(fields, shape)
        err = AwsError(message, code=shape.name if shape is not None else code, **fields)
        err.status = case["response"]["status_code"]  # type: ignore[misc]
        resp = _response_dict(proto.serialize_error(service, op, err, "req-1"))
        parsed = parser.parse(resp, op.output_shape)
        assert parsed["Error"]["Code"] == code
        if "errorMessage" in case:
            assert parsed["Error"]["Message"] == case["errorMessage"]
        error_shape = service.shape_for_error_code(code)
        if case.get("error") and error_shape is not None:
            modeled = parser.parse(resp, error_shape)
            modeled.pop("ResponseMetadata", None)
            assert normalize(modeled, error_shape) == normalize(case["error"], error_shape)
        return
    result = to_handler_values(case["result"], op.output_shape)
    resp = _response_dict(proto.serialize(op, result, "req-1"))
    parsed = parser.parse(resp, op.output_shape)
    parsed.pop("ResponseMetadata", None)
    assert normalize(parsed, op.output_shape) == normalize(case["result"], op.output_shape)
