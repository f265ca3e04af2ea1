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

SUITES = {"query.json": "query", "ec2.json": "ec2", "rest-xml.json": "rest-xml"}

#: vectors whose expectation a server cannot meet, with the reason
SERVER_SKIPS: dict[str, str] = {}


def _ignored(direction: str, protocol: str, suite: dict[str, Any], case: dict[str, Any]) -> str | None:
    ig = ignore_list()
    if suite["description"] in ig["general"].get(direction, {}).get("suites", []):
        return "botocore ignore list (general suite)"
    proto = ig["protocols"].get(protocol, {}).get(direction, {})
    if case["id"] in proto.get("cases", []) or suite["description"] in proto.get("suites", []):
        return "botocore ignore list"
    return None


def _client_only(suite: dict[str, Any], case: dict[str, Any]) -> str | None:
    given = case["given"]
    if "endpoint" in given or case["serialized"].get("host"):
        return "client-only: host prefix / endpoint rules"
    if "requestcompression" in given:
        return "client-only: request compression"
    shape_name = (given.get("input") or {}).get("shape")
    if shape_name:
        members = suite["shapes"][shape_name].get("members", {})
        for name, ref in members.items():
            if ref.get("idempotencyToken") and name not in case["params"]:
                return "client-only: idempotency-token autofill"
    return None


def _prune(value: Any) -> Any:
    """Drop members a wire cannot tell from absent: empty maps / structures / flattened lists."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            pv = _prune(v)
            if pv is None or pv == {} or pv == []:
                continue
            out[k] = pv
        return out
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def _input_cases() -> list[Any]:
    out = []
    for filename, protocol in SUITES.items():
        for suite, case in cases("input", filename):
            reason = (
                _ignored("input", protocol, suite, case)
                or _client_only(suite, case)
                or SERVER_SKIPS.get(case["id"])
            )
            marks = [pytest.mark.skip(reason=reason)] if reason else []
            out.append(pytest.param(protocol, suite, case, id=f"{filename}:{case['id']}", marks=marks))
    return out


def _output_cases() -> list[Any]:
    out = []
    for filename, protocol in SUITES.items():
        for suite, case in cases("output", filename):
            reason = _ignored("output", protocol, suite, case) or SERVER_SKIPS.get(case["id"])
            marks = [pytest.mark.skip(reason=reason)] if reason else []
            out.append(pytest.param(protocol, suite, case, id=f"{filename}:{case['id']}", marks=marks))
    return out


@pytest.mark.parametrize(("protocol", "suite", "case"), _input_cases())
def test_input_vector(protocol: str, suite: dict[str, Any], case: dict[str, Any]) -> None:
    service = service_model(suite, case)
    op = service.operation_model(case["given"]["name"])
    proto = get(protocol)
    req = wire_request(case["serialized"])
    assert proto.matches(req, service)
    assert proto.operation_name(req, service) == op.name
    params = proto.decode(req, op)  # type: ignore[attr-defined]  # vectors skip input validation
    got = _prune(normalize(params, op.input_shape))
    assert got == _prune(normalize(case["params"], op.input_shape))


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
        shape = service.shape_for_error_code(code)
        fields = dict(case.get("error") or {})
        message = case.get("errorMessage", fields.pop("Message", fields.pop("message", "")))
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
        assert parsed["ResponseMetadata"]["RequestId"] == "req-1"
        if case.get("error") and shape is not None:
            modeled = parser.parse(resp, shape)
            modeled.pop("ResponseMetadata", None)
            assert _prune(normalize(modeled, shape)) == _prune(normalize(case["error"], shape))
        return
    result = to_handler_values(case["result"], op.output_shape)
    resp = _response_dict(proto.serialize(op, result, "req-1"))
    parsed = parser.parse(resp, op.output_shape)
    parsed.pop("ResponseMetadata", None)
    assert _prune(normalize(parsed, op.output_shape)) == _prune(normalize(case["result"], op.output_shape))
