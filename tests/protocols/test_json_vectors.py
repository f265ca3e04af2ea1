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
from botocore.parsers import create_parser

from awsmock.api.protocols import get
from tests.protocols.vectors import (
    VECTORS,
    client_only,
    normalize,
    response_dict,
    routed,
    service_model,
    to_handler_values,
    vector_error,
    vector_params,
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


def _input_cases() -> list[Any]:
    return vector_params("input", SUITES, client_only)


def _output_cases() -> list[Any]:
    return vector_params("output", SUITES, lambda suite, case: SERVER_SKIPS.get(case["id"]))


@pytest.mark.parametrize(("protocol", "suite", "case"), _input_cases())
def test_input_vector(protocol: str, suite: dict[str, Any], case: dict[str, Any]) -> None:
    op = service_model(suite, case).operation_model(case["given"]["name"])
    req = wire_request(case["serialized"], cbor=protocol == "smithy-rpc-v2-cbor")
    params = routed(protocol, req, op).decode(req, op)  # type: ignore[attr-defined]  # vectors skip input validation
    expected = _drop_empty_bound(case["params"], op.input_shape)
    assert normalize(params, op.input_shape) == normalize(expected, op.input_shape)


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
        resp = response_dict(proto.serialize_error(service, op, vector_error(case, shape), "req-1"))
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
    resp = response_dict(proto.serialize(op, result, "req-1"))
    parsed = parser.parse(resp, op.output_shape)
    parsed.pop("ResponseMetadata", None)
    assert normalize(parsed, op.output_shape) == normalize(case["result"], op.output_shape)
