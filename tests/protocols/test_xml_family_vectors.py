"""The AWS SDK protocol compliance vectors for the XML family (query, ec2, rest-xml), run backwards.

* input cases: the vector's ``serialized`` request, parsed by our protocol, gives ``params``;
* output cases: ``result`` serialized by our protocol, parsed by botocore's parser, gives
  ``result`` back; error cases give the same error code, message and modeled members.

Skipped (each with its reason): client-only behaviour (idempotency-token autofill, host
prefixes / endpoint rules, request compression), botocore's own ignore list
(protocol-tests-ignore-list.json) and the few vectors listed in ``SERVER_SKIPS``.
Run with ``-rs`` to see every skip and its reason.
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
    prune,
    response_dict,
    routed,
    service_model,
    to_handler_values,
    vector_error,
    vector_params,
    wire_request,
)

pytestmark = pytest.mark.skipif(VECTORS is None, reason="protocol test vectors not found")

#: file name -> (protocol, botocore ignore-list key)
SUITES = {
    "query.json": ("query", "query"),
    "ec2.json": ("ec2", "ec2"),
    "rest-xml.json": ("rest-xml", "rest-xml"),
}

#: vectors whose expectation a server cannot meet, with the reason
SERVER_SKIPS: dict[str, str] = {}


def _server_skip(suite: dict[str, Any], case: dict[str, Any]) -> str | None:
    return SERVER_SKIPS.get(case["id"])


def _input_cases() -> list[Any]:
    return vector_params(
        "input", SUITES, lambda suite, case: client_only(suite, case) or _server_skip(suite, case)
    )


def _output_cases() -> list[Any]:
    return vector_params("output", SUITES, _server_skip)


@pytest.mark.parametrize(("protocol", "suite", "case"), _input_cases())
def test_input_vector(protocol: str, suite: dict[str, Any], case: dict[str, Any]) -> None:
    op = service_model(suite, case).operation_model(case["given"]["name"])
    req = wire_request(case["serialized"])
    params = routed(protocol, req, op).decode(req, op)  # type: ignore[attr-defined]  # vectors skip input validation
    got = prune(normalize(params, op.input_shape))
    assert got == prune(normalize(case["params"], op.input_shape))


@pytest.mark.parametrize(("protocol", "suite", "case"), _output_cases())
def test_output_vector(protocol: str, suite: dict[str, Any], case: dict[str, Any]) -> None:
    service = service_model(suite, case)
    op = service.operation_model(case["given"]["name"])
    proto = get(protocol)
    parser = create_parser(protocol)
    if "error" in case or "errorCode" in case:
        code = case["errorCode"]
        shape = service.shape_for_error_code(code)
        resp = response_dict(proto.serialize_error(service, op, vector_error(case, shape), "req-1"))
        parsed = parser.parse(resp, op.output_shape)
        assert parsed["Error"]["Code"] == code
        if "errorMessage" in case:
            assert parsed["Error"]["Message"] == case["errorMessage"]
        assert parsed["ResponseMetadata"]["RequestId"] == "req-1"
        if case.get("error") and shape is not None:
            modeled = parser.parse(resp, shape)
            modeled.pop("ResponseMetadata", None)
            assert prune(normalize(modeled, shape)) == prune(normalize(case["error"], shape))
        return
    result = to_handler_values(case["result"], op.output_shape)
    resp = response_dict(proto.serialize(op, result, "req-1"))
    parsed = parser.parse(resp, op.output_shape)
    parsed.pop("ResponseMetadata", None)
    assert prune(normalize(parsed, op.output_shape)) == prune(normalize(case["result"], op.output_shape))
