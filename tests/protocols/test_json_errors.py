"""Raw-HTTP error formats of the JSON-family protocols: malformed bodies, wrong types, missing
members, unknown operations and modeled errors come back as clean AWS errors, in each
protocol's own format, that botocore (so boto3 users) reads as the right code and message.
"""

from __future__ import annotations

import io
from typing import Any

import cbor2
import pytest
from botocore.awsrequest import HeadersDict
from botocore.parsers import create_parser

from awsmock.api.dispatch import Dispatcher
from awsmock.api.protocols import get
from awsmock.engine import specs
from awsmock.engine.errors import AwsError, UnknownOperation
from awsmock.engine.wire import WireRequest, WireResponse
from awsmock.state.store import Store

AUTH = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/{svc}/aws4_request, SignedHeaders=host, Signature=x"


def request(
    method: str = "POST",
    path: str = "/",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    query: str = "",
) -> WireRequest:
    return WireRequest(
        method=method,
        path=path,
        query_string=query,
        headers={k.lower(): v for k, v in (headers or {}).items()},
        stream=io.BytesIO(body),
        content_length=len(body),
    )


def json_request(target: str, body: bytes, version: str = "1.0") -> WireRequest:
    return request(
        body=body, headers={"X-Amz-Target": target, "Content-Type": f"application/x-amz-json-{version}"}
    )


def cbor_request(operation: str, body: bytes) -> WireRequest:
    return request(
        path=f"/service/GraniteServiceVersion20100801/operation/{operation}",
        body=body,
        headers={"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"},
    )


def botocore_error(protocol: str, resp: WireResponse, operation: Any = None) -> dict[str, Any]:
    headers = HeadersDict()
    for k, v in resp.headers.items():
        headers[k] = v
    raw = {"status_code": resp.status, "headers": headers, "body": b"".join(resp.iter_body())}
    shape = operation.output_shape if operation is not None else None
    return create_parser(protocol).parse(raw, shape)["Error"]


def parse_error(
    protocol: str, service: str, operation: str, req: WireRequest
) -> tuple[WireResponse, AwsError]:
    """Parse ``req`` with the protocol, expecting an AwsError; return its rendered response."""
    proto = get(protocol)
    model = specs.service_model(service)
    op = model.operation_model(operation)
    with pytest.raises(AwsError) as info:
        proto.parse(req, op)
    return proto.serialize_error(model, op, info.value, "req-1"), info.value


# -- json 1.0 / 1.1 -------------------------------------------------------------------------------

MALFORMED_JSON = [
    pytest.param(b"{not json", id="invalid-json"),
    pytest.param(b'{"TableName": "\xff\xfe"}', id="invalid-utf8"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, id="deeply-nested"),
    pytest.param(b'{"TableName":' * 5000 + b"1" + b"}" * 5000, id="deeply-nested-objects"),
    pytest.param(b"[1, 2]", id="top-level-array"),
    pytest.param(b'"text"', id="top-level-string"),
    pytest.param(b'{"TableName": 5}', id="number-for-string"),
    pytest.param(b'{"TableName": "t", "Key": []}', id="list-for-map"),
    pytest.param(b'{"TableName": "t", "Key": {"k": {"B": "***"}}}', id="bad-base64"),
    pytest.param(b'{"TableName": "t", "Key": {"k": "x"}}', id="string-for-structure"),
    pytest.param(
        b'{"TableName": "t", "Key": {"k": {"S": "a"}}, "ConsistentRead": "yes"}', id="string-for-bool"
    ),
]


@pytest.mark.parametrize("body", MALFORMED_JSON)
def test_json_malformed_bodies_are_serialization_exceptions(body: bytes) -> None:
    req = json_request("DynamoDB_20120810.GetItem", body)
    resp, _ = parse_error("json", "dynamodb", "GetItem", req)
    assert resp.status == 400
    assert resp.headers["x-amzn-RequestId"] == "req-1"
    assert resp.headers["Content-Type"] == "application/x-amz-json-1.0"
    err = botocore_error("json", resp)
    assert err["Code"] == "SerializationException"
    assert b"com.amazon.coral.service#SerializationException" in resp.body  # type: ignore[operator]


def test_json_1_1_wrong_type() -> None:
    req = json_request("Kinesis_20131202.DescribeStream", b'{"StreamName": ["x"]}', "1.1")
    resp, _ = parse_error("json", "kinesis", "DescribeStream", req)
    assert resp.headers["Content-Type"] == "application/x-amz-json-1.1"
    err = botocore_error("json", resp)
    assert err["Code"] == "SerializationException"
    assert err["Message"].startswith("Start of list found where not expected")


def test_json_missing_required_member_is_aws_validation_message() -> None:
    resp, _ = parse_error(
        "json", "dynamodb", "GetItem", json_request("DynamoDB_20120810.GetItem", b'{"Key": {}}')
    )
    err = botocore_error("json", resp)
    assert err["Code"] == "ValidationException"
    assert err["Message"] == (
        "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_json_enum_and_length_violations_are_listed() -> None:
    body = b'{"TableName": "t", "Limit": 0, "ReturnConsumedCapacity": "ALL"}'
    resp, _ = parse_error("json", "dynamodb", "Query", json_request("DynamoDB_20120810.Query", body))
    err = botocore_error("json", resp)
    assert err["Code"] == "ValidationException"
    assert err["Message"].startswith("2 validation errors detected: ")
    assert "Value '0' at 'limit'" in err["Message"] or "Value 0 at 'limit'" in err["Message"]
    assert "Member must have value greater than or equal to 1" in err["Message"]
    assert "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]" in err["Message"]


def test_sqs_missing_parameter_uses_query_compatible_code() -> None:
    resp, _ = parse_error("json", "sqs", "GetQueueUrl", json_request("AmazonSQS.GetQueueUrl", b"{}"))
    assert resp.headers["x-amzn-query-error"] == "MissingParameter;Sender"
    err = botocore_error("json", resp)
    assert err["Code"] == "MissingParameter"
    assert err["Message"] == "The request must contain the parameter QueueName."


@pytest.mark.parametrize("code", ["QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"])
def test_sqs_modeled_error_reports_legacy_code(code: str) -> None:
    model = specs.service_model("sqs")
    op = model.operation_model("GetQueueUrl")
    resp = get("json").serialize_error(
        model, op, AwsError("The specified queue does not exist.", code=code), "r"
    )
    assert resp.headers["x-amzn-query-error"] == "AWS.SimpleQueueService.NonExistentQueue;Sender"
    err = botocore_error("json", resp)
    assert err["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    # boto3 maps QueryErrorCode to client.exceptions.QueueDoesNotExist
    assert err["QueryErrorCode"] == "QueueDoesNotExist"


def test_dynamodb_modeled_error_type_is_namespaced() -> None:
    model = specs.service_model("dynamodb")
    resp = get("json").serialize_error(
        model, None, AwsError("Requested resource not found", code="ResourceNotFoundException"), "r"
    )
    assert b'"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"' in resp.body  # type: ignore[operator]
    assert botocore_error("json", resp)["Code"] == "ResourceNotFoundException"


def test_json_unknown_operation() -> None:
    model = specs.service_model("dynamodb")
    proto = get("json")
    req = json_request("DynamoDB_20120810.NoSuchOperation", b"{}")
    assert proto.operation_name(req, model) is None
    assert proto.operation_name(json_request("Wrong_Prefix.GetItem", b"{}"), model) is None
    resp = proto.serialize_error(model, None, UnknownOperation("Unknown operation"), "r")
    assert resp.status == 400
    assert botocore_error("json", resp)["Code"] == "UnknownOperationException"


def test_unknown_operation_through_the_dispatcher(store: Store) -> None:
    req = json_request("DynamoDB_20120810.NoSuchOperation", b"{}")
    req.headers["authorization"] = AUTH.format(svc="dynamodb")
    resp = Dispatcher(store)(req)
    assert resp.status == 400
    assert botocore_error("json", resp)["Code"] == "UnknownOperationException"


def test_malformed_json_through_the_dispatcher_never_500s(store: Store) -> None:
    for target, svc in [("DynamoDB_20120810.GetItem", "dynamodb"), ("AmazonSQS.CreateQueue", "sqs")]:
        req = json_request(target, b"{oops")
        req.headers["authorization"] = AUTH.format(svc=svc)
        resp = Dispatcher(store)(req)
        assert 400 <= resp.status < 600 and resp.status != 500


# -- rest-json ------------------------------------------------------------------------------------


def test_rest_json_invalid_body() -> None:
    req = request("POST", "/2015-03-31/functions", b"{nope", {"Content-Type": "application/json"})
    assert get("rest-json").operation_name(req, specs.service_model("lambda")) == "CreateFunction"
    resp, _ = parse_error("rest-json", "lambda", "CreateFunction", req)
    assert resp.status == 400
    assert resp.headers["x-amzn-ErrorType"] == "SerializationException"
    assert botocore_error("rest-json", resp)["Code"] == "SerializationException"


@pytest.mark.parametrize(
    "body",
    [b"[1]", b'{"FunctionName": 1, "Role": "r"}', b"[" * 50_000, b'{"FunctionName": "\xff"}'],
    ids=["array", "wrong-type", "deep", "bad-utf8"],
)
def test_rest_json_malformed_bodies(body: bytes) -> None:
    req = request("POST", "/2015-03-31/functions", body, {"Content-Type": "application/json"})
    resp, _ = parse_error("rest-json", "lambda", "CreateFunction", req)
    assert resp.status == 400
    assert botocore_error("rest-json", resp)["Code"] == "SerializationException"


def test_rest_json_bad_query_value_is_validation_error() -> None:
    req = request("GET", "/2015-03-31/functions/", query="MaxItems=lots")
    assert get("rest-json").operation_name(req, specs.service_model("lambda")) == "ListFunctions"
    resp, _ = parse_error("rest-json", "lambda", "ListFunctions", req)
    err = botocore_error("rest-json", resp)
    assert err["Code"] == "ValidationException"
    assert "maxItems" in err["Message"]


def test_rest_json_unknown_route() -> None:
    model = specs.service_model("lambda")
    proto = get("rest-json")
    assert proto.operation_name(request("GET", "/no/such/path"), model) is None
    assert proto.operation_name(request("PATCH", "/2015-03-31/functions/f"), model) is None
    resp = proto.serialize_error(model, None, UnknownOperation("Unknown operation"), "r")
    assert resp.status == 400
    assert botocore_error("rest-json", resp)["Code"] == "UnknownOperationException"


def test_rest_json_modeled_error_takes_status_and_headers_from_the_model() -> None:
    model = specs.service_model("lambda")
    op = model.operation_model("GetFunction")
    resp = get("rest-json").serialize_error(
        model, op, AwsError("Function not found: f", code="ResourceNotFoundException", Type="User"), "r"
    )
    assert resp.status == 404
    err = botocore_error("rest-json", resp, op)
    assert err == {"Code": "ResourceNotFoundException", "Message": "Function not found: f"}
    throttled = get("rest-json").serialize_error(
        model, op, AwsError("Rate exceeded", code="TooManyRequestsException", retryAfterSeconds="3"), "r"
    )
    assert throttled.status == 429
    assert throttled.headers["Retry-After"] == "3"


# -- smithy-rpc-v2-cbor ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xff\xff",
        b"\x9f" * 10_000,
        b"\x81" * 100_000,
        cbor2.dumps([1, 2]),
        cbor2.dumps({"Namespace": 5}),
        cbor2.dumps({"Namespace": "n", "MetricData": {"a": 1}}),
        cbor2.dumps({"Namespace": "n", "MetricData": [{"MetricName": "m", "Timestamp": "yesterday"}]}),
        b"\x7b\x00\x00\x00\x00\xff\xff\xff\xff",  # a text string claiming 4 GiB
    ],
    ids=[
        "garbage",
        "indefinite-nesting",
        "deep-arrays",
        "array",
        "wrong-type",
        "map-for-list",
        "bad-ts",
        "huge",
    ],
)
def test_cbor_malformed_bodies(body: bytes) -> None:
    resp, _ = parse_error(
        "smithy-rpc-v2-cbor", "cloudwatch", "PutMetricData", cbor_request("PutMetricData", body)
    )
    assert resp.status == 400
    assert resp.headers["smithy-protocol"] == "rpc-v2-cbor"
    assert resp.headers["Content-Type"] == "application/cbor"
    assert resp.headers["x-amzn-query-error"] == "SerializationException;Sender"
    err = botocore_error("smithy-rpc-v2-cbor", resp)
    assert err["Code"] == "SerializationException"


def test_cbor_missing_parameter() -> None:
    req = cbor_request("PutMetricData", cbor2.dumps({"MetricData": []}))
    resp, _ = parse_error("smithy-rpc-v2-cbor", "cloudwatch", "PutMetricData", req)
    assert botocore_error("smithy-rpc-v2-cbor", resp)["Code"] == "MissingParameter"


def test_cbor_unknown_operation_and_matching() -> None:
    model = specs.service_model("cloudwatch")
    proto = get("smithy-rpc-v2-cbor")
    assert proto.matches(cbor_request("Nope", b""), model)
    assert not proto.matches(json_request("GraniteServiceVersion20100801.ListMetrics", b"{}"), model)
    assert get("json").matches(json_request("GraniteServiceVersion20100801.ListMetrics", b"{}"), model)
    assert proto.operation_name(cbor_request("Nope", b""), model) is None
    assert proto.operation_name(cbor_request("ListMetrics", b""), model) == "ListMetrics"
    resp = proto.serialize_error(model, None, UnknownOperation("Unknown operation"), "r")
    assert botocore_error("smithy-rpc-v2-cbor", resp)["Code"] == "UnknownOperationException"


def test_cbor_modeled_error_reports_legacy_code() -> None:
    model = specs.service_model("cloudwatch")
    resp = get("smithy-rpc-v2-cbor").serialize_error(
        model, None, AwsError("Dashboard d does not exist", code="DashboardNotFoundError"), "r"
    )
    assert resp.status == 404
    assert resp.headers["x-amzn-query-error"] == "ResourceNotFound;Sender"
    err = botocore_error("smithy-rpc-v2-cbor", resp)
    assert err["Code"] == "ResourceNotFound"
    assert err["Message"] == "Dashboard d does not exist"
