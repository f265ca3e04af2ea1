"""Property-based round trips of the XML-family protocols (query, ec2, rest-xml) against botocore.

For every operation of s3, iam, sts, sns and a sample of ec2:

* input: generated params -> botocore's serializer -> our parse (with input validation) -> the
  same params;
* output: a generated result -> our serializer -> botocore's parser (plus botocore's S3 after-call
  handlers for GetBucketLocation and url-encoded listings) -> the same result;
* errors: every modeled error with generated members -> our error serializer -> botocore's
  parser -> the same code, message and members.

SQS spoken over the query protocol is checked against botocore's own query serializer and parser
fed an SQS model carrying the old query traits, plus a golden wire example.

Values that no wire can tell apart are compared loosely (``_prune``): an empty list, map or
structure equals an absent one.
"""

from __future__ import annotations

import copy
import io
import re
from functools import cache
from typing import Any

import botocore.handlers
import botocore.loaders
import pytest
from botocore.model import ServiceModel
from botocore.parsers import create_parser
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from awsmock.api.protocols import get
from awsmock.engine import registry, specs
from awsmock.engine.errors import AwsError
from awsmock.engine.wire import WireRequest
from awsmock.services.s3.wire import URL_ENCODED as _S3_URL_ENCODED
from awsmock.services.sqs.wire import QUERY as _SQS
from tests.protocols.shape_strategies import ShapeStrategies
from tests.protocols.vectors import (
    botocore_sends,
    error_params,
    has_raw_payload,
    normalize,
    prune,
    response_dict,
    routed,
)

SERVICES = {"s3": "rest-xml", "iam": "query", "sts": "query", "sns": "query", "ec2": "ec2"}
EC2_SAMPLE_EVERY = 12  # ec2 has ~700 operations: every 12th (sorted) keeps the file fast

SETTINGS = settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# not in XML 1.0 at all, or (\r) normalised away by XML parsers when botocore writes it raw
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")


def _xml_safe(value: Any) -> Any:
    return _XML_INVALID.sub("x", value) if isinstance(value, str) else value


class XmlShapeStrategies(ShapeStrategies):
    """The shared strategies, with strings limited to characters XML 1.0 can carry."""

    def _string(self, shape: Any, location: str | None) -> st.SearchStrategy[Any]:
        return super()._string(shape, location).map(_xml_safe)

    def _label(self, member: Any) -> st.SearchStrategy[str]:
        return super()._label(member).map(_xml_safe)


INPUTS = XmlShapeStrategies(timestamp_precision="s")
OUTPUTS = XmlShapeStrategies(timestamp_precision="ms")


#: operations a server cannot round-trip, with the reason
SKIPS = {
    ("s3", "ListDirectoryBuckets"): "told from ListBuckets only by the S3 Express control endpoint host "
    "(client-side endpoint rules)",
    (
        "s3",
        "WriteGetObjectResponse",
    ): "client-only: host prefix {RequestRoute}. (botocore validates the label)",
}


def _skip_reason(svc: str, name: str) -> str | None:
    op = specs.operation_model(svc, name)
    if op.has_event_stream_output or op.has_event_stream_input:
        return "event streams are not implemented by the XML-family protocols"
    if (svc, name) in SKIPS:
        return SKIPS[(svc, name)]
    if op.deprecated:
        model = op.service_model
        for other in model.operation_names:
            o = model.operation_model(other)
            if other != name and not o.deprecated and o.http == op.http:
                return f"deprecated; same route as {other}, which requests are routed to"
    return None


def _ops() -> list[Any]:
    out = []
    for svc, protocol in SERVICES.items():
        names = sorted(specs.service_model(svc).operation_names)
        if svc == "ec2":
            names = names[::EC2_SAMPLE_EVERY]
        for name in names:
            reason = _skip_reason(svc, name)
            marks = [pytest.mark.skip(reason=reason)] if reason else []
            out.append(pytest.param(svc, protocol, name, id=f"{svc}.{name}", marks=marks))
    return out


def _prune(value: Any) -> Any:
    """``value`` as a wire can tell it: empty lists, maps and structures (also as list items) dropped."""
    return prune(value, in_lists=True)


def _drop_empty_payload(value: dict[str, Any], shape: Any) -> dict[str, Any]:
    """An empty raw (blob / string) payload is an empty body: the same as none."""
    payload = shape.serialization.get("payload") if shape is not None else None
    if payload and has_raw_payload(shape):
        v: Any = value.get(payload)
        if hasattr(v, "read"):
            v = v.read()
        if v in (b"", ""):
            value = {k: x for k, x in value.items() if k != payload}
        elif v is not None:
            value = {**value, payload: v}
    return value


class _RawResponse:
    """What botocore's S3 after-call handlers look at."""

    def __init__(self, body: bytes) -> None:
        self.raw = object()
        self.content = body


def _s3_after_call(name: str, parsed: dict[str, Any], result: dict[str, Any], raw: dict[str, Any]) -> None:
    """botocore's own S3 customisations that run on every boto3 call (and, for
    ListMultipartUploads, the decoding a user who asks for EncodingType=url does)."""
    if name == "GetBucketLocation":
        botocore.handlers.parse_get_bucket_location(parsed, _RawResponse(raw["body"]))
    if name in _S3_URL_ENCODED and parsed.get("EncodingType") == "url":
        top, nested = _S3_URL_ENCODED[name]
        # S3 always sends the keys of listed items; botocore's decoder relies on it
        assume(all(item_key in item for list_key, item_key in nested for item in result.get(list_key, [])))
        botocore.handlers._decode_list_object(
            top_level_keys=list(top),
            nested_keys=list(nested),
            parsed=parsed,
            context={"encoding_type_auto_set": True},
        )


@cache
def _strategies(svc: str, name: str) -> tuple[Any, Any]:
    op = specs.operation_model(svc, name)
    return INPUTS.input(op), OUTPUTS.output(op)


@pytest.mark.parametrize(("svc", "protocol", "name"), _ops())
@SETTINGS
@given(data=st.data())
def test_input_roundtrip(svc: str, protocol: str, name: str, data: st.DataObject) -> None:
    op = specs.operation_model(svc, name)
    params = data.draw(_strategies(svc, name)[0], label="params")
    req = botocore_sends(protocol, op, params)
    proto = routed(protocol, req, op)
    parsed = _drop_empty_payload(proto.decode(req, op), op.input_shape)  # type: ignore[attr-defined]
    expected = _drop_empty_payload(params, op.input_shape)
    assert _prune(normalize(parsed, op.input_shape)) == _prune(normalize(expected, op.input_shape))
    try:
        proto.parse(req, op)  # with input validation: generated params are valid...
    except AwsError as err:
        # ...unless a generated string misses a pattern the service checks (the strategies know
        # lengths, not patterns; test_validation.py covers patterns), or a required list / map /
        # structure / raw payload was empty and vanished on the wire
        if registry.facts(svc).patterns and "regular expression pattern" in err.message:
            return
        assert _prune(expected) != params


@pytest.mark.parametrize(("svc", "protocol", "name"), _ops())
@SETTINGS
@given(data=st.data())
def test_output_roundtrip(svc: str, protocol: str, name: str, data: st.DataObject) -> None:
    op = specs.operation_model(svc, name)
    result = data.draw(_strategies(svc, name)[1], label="result")
    resp = get(protocol).serialize(op, result, "req-1")
    raw = response_dict(resp, has_raw_payload(op.output_shape))
    parsed = create_parser(protocol).parse(raw, op.output_shape)
    metadata = parsed.pop("ResponseMetadata", {})
    assert metadata.get("RequestId") == "req-1"
    if svc == "s3":
        _s3_after_call(name, parsed, result, raw)
        if "ContentLength" not in result and parsed.get("ContentLength") == len(raw["raw_bytes"]):
            parsed.pop("ContentLength", None)  # the response's own Content-Length
    parsed = _drop_empty_payload(parsed, op.output_shape)
    result = _drop_empty_payload(result, op.output_shape)
    assert _prune(normalize(parsed, op.output_shape)) == _prune(normalize(result, op.output_shape))


@pytest.mark.parametrize(("svc", "protocol", "shape_name"), error_params(SERVICES))
@SETTINGS
@given(data=st.data())
def test_error_roundtrip(svc: str, protocol: str, shape_name: str, data: st.DataObject) -> None:
    service = specs.service_model(svc)
    shape = service.shape_for(shape_name)
    fields = data.draw(OUTPUTS.structure(shape, top=True), label="fields")
    message = data.draw(st.text(max_size=20).map(_xml_safe), label="message")
    fields.pop("message", None)
    fields.pop("Message", None)
    err = AwsError(message, code=shape_name, status=404 if svc == "s3" else 400, **fields)
    op = service.operation_model(sorted(service.operation_names)[0])
    resp = get(protocol).serialize_error(service, op, err, "req-1")
    raw = response_dict(resp)
    parser = create_parser(protocol)
    parsed = parser.parse(raw, op.output_shape)
    assert parsed["Error"]["Code"] == shape.error_code
    assert (parsed["Error"].get("Message") or "") == message
    assert parsed["ResponseMetadata"]["RequestId"] == "req-1"
    error_shape = service.shape_for_error_code(parsed["Error"]["Code"])
    assert error_shape is not None and error_shape.name == shape_name
    modeled = parser.parse(raw, error_shape)
    modeled.pop("ResponseMetadata", None)
    for key in ("message", "Message"):
        modeled.pop(key, None)
    assert _prune(normalize(modeled, shape)) == _prune(normalize(fields, shape))


@pytest.mark.parametrize("protocol", ["query", "ec2"])
def test_unmodeled_error(protocol: str) -> None:
    service = specs.service_model("ec2" if protocol == "ec2" else "iam")
    op = service.operation_model(sorted(service.operation_names)[0])
    err = AwsError("a <bad> & 'odd' message", code="InvalidParameterValue", status=400)
    raw = response_dict(get(protocol).serialize_error(service, op, err, "req-9"))
    parsed = create_parser(protocol).parse(raw, op.output_shape)
    assert parsed["Error"] == {"Code": "InvalidParameterValue", "Message": "a <bad> & 'odd' message"} | (
        {"Type": "Sender"} if protocol == "query" else {}
    )
    assert parsed["ResponseMetadata"]["RequestId"] == "req-9"


def test_s3_error_fields_and_head() -> None:
    service = specs.service_model("s3")
    get_op = service.operation_model("GetObject")
    proto = get("rest-xml")
    err = AwsError(
        "The specified key does not exist.", code="NoSuchKey", status=404, Key="a/b", BucketName="bk"
    )
    raw = response_dict(proto.serialize_error(service, get_op, err, "req-2"))
    assert raw["headers"]["x-amz-request-id"] == "req-2"
    assert raw["headers"]["x-amz-id-2"]
    parsed = create_parser("rest-xml").parse(raw, get_op.output_shape)
    assert parsed["Error"] == {
        "Code": "NoSuchKey",
        "Message": "The specified key does not exist.",
        "Key": "a/b",
        "BucketName": "bk",
    }
    assert parsed["ResponseMetadata"]["RequestId"] == "req-2"
    head = proto.serialize_error(service, service.operation_model("HeadObject"), err, "req-3")
    assert head.status == 404 and head.body == b""


# --------------------------------------------------------------------------------------------
# SQS over the query protocol (old SDKs)


@cache
def _sqs_query_model() -> ServiceModel:
    """botocore's SQS model with the query traits the overlay stands for (what old SDKs use)."""
    raw = copy.deepcopy(botocore.loaders.create_loader().load_service_model("sqs", "service-2"))
    raw["metadata"].update(protocol="query", protocols=["query"], xmlNamespace=_SQS.namespace)
    for op in raw["operations"].values():
        if "output" in op:
            op["output"]["resultWrapper"] = f"{op['name']}Result"
    for name, traits in _SQS.shapes.items():
        shape = raw["shapes"][name]
        shape["flattened"] = traits.get("flattened", False)
        if shape["type"] == "list":
            shape["member"]["locationName"] = traits["member_name"]
        else:
            shape["key"]["locationName"] = traits["key_name"]
            shape["value"]["locationName"] = traits["value_name"]
    for shape in raw["shapes"].values():
        for member_name, ref in shape.get("members", {}).items():
            if member_name in _SQS.members and "locationName" not in ref:
                ref["locationName"] = _SQS.members[member_name]
    return ServiceModel(raw, service_name="sqs")


SQS_OPS = sorted(specs.service_model("sqs").operation_names)


@pytest.mark.parametrize("name", SQS_OPS)
@SETTINGS
@given(data=st.data())
def test_sqs_query_roundtrip(name: str, data: st.DataObject) -> None:
    old_op = _sqs_query_model().operation_model(name)
    op = specs.operation_model("sqs", name)  # the JSON model the server uses
    params = data.draw(INPUTS.input(op), label="params")
    req = botocore_sends("query", old_op, params)
    proto = routed("query", req, op)
    assert _prune(normalize(proto.decode(req, op), op.input_shape)) == _prune(
        normalize(params, op.input_shape)
    )
    result = data.draw(OUTPUTS.output(op), label="result")
    raw = response_dict(proto.serialize(op, result, "req-1"))
    parsed = create_parser("query").parse(raw, old_op.output_shape)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "req-1"
    assert _prune(normalize(parsed, op.output_shape)) == _prune(normalize(result, op.output_shape))


def test_sqs_query_golden() -> None:
    """Wire text as AWS documents it for SQS's query API."""
    service = specs.service_model("sqs")
    proto = get("query")
    form = (
        b"Action=SendMessage&Version=2012-11-05&QueueUrl=http%3A%2F%2Fq%2F1%2Fq&MessageBody=hi"
        b"&MessageAttribute.1.Name=color&MessageAttribute.1.Value.DataType=String"
        b"&MessageAttribute.1.Value.StringValue=red"
    )
    req = WireRequest(
        method="POST",
        path="/",
        query_string="",
        headers={"content-type": "application/x-www-form-urlencoded"},
        stream=io.BytesIO(form),
        content_length=len(form),
    )
    assert proto.operation_name(req, service) == "SendMessage"
    assert proto.parse(req, service.operation_model("SendMessage")) == {
        "QueueUrl": "http://q/1/q",
        "MessageBody": "hi",
        "MessageAttributes": {"color": {"DataType": "String", "StringValue": "red"}},
    }
    body = proto.serialize(
        service.operation_model("ReceiveMessage"),
        {"Messages": [{"MessageId": "m1", "Body": "hi", "Attributes": {"SenderId": "1"}}]},
        "req-1",
    ).body
    assert isinstance(body, bytes)
    text = body.decode()
    assert '<ReceiveMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">' in text
    assert (
        "<ReceiveMessageResult><Message><MessageId>m1</MessageId><Body>hi</Body>"
        "<Attribute><Name>SenderId</Name><Value>1</Value></Attribute></Message></ReceiveMessageResult>"
    ) in text
    err = proto.serialize_error(service, None, AwsError("gone", code="QueueDoesNotExist"), "r")
    assert b"<Code>AWS.SimpleQueueService.NonExistentQueue</Code>" in err.body  # type: ignore[operator]
    missing = (
        b"Action=SendMessage&QueueUrl=x",
        "MissingParameter",
        "The request must contain the parameter MessageBody.",
    )
    req = WireRequest(
        method="POST",
        path="/",
        query_string="",
        headers={"content-type": "application/x-www-form-urlencoded"},
        stream=io.BytesIO(missing[0]),
        content_length=len(missing[0]),
    )
    with pytest.raises(AwsError) as info:
        proto.parse(req, service.operation_model("SendMessage"))
    assert (info.value.code, info.value.message) == missing[1:]


# --------------------------------------------------------------------------------------------
# S3 addressing and listing quirks


@pytest.mark.parametrize(
    "host",
    [
        "my.bucket.s3.localhost:4566",
        "my.bucket.s3.amazonaws.com",
        "my.bucket.s3.eu-west-1.amazonaws.com",
        "my.bucket.s3-eu-west-1.amazonaws.com",
        "my.bucket.localhost:4566",
    ],
)
@pytest.mark.parametrize(
    ("path", "op", "key"), [("/", "ListObjects", None), ("/a%20b/%2B/c//d/", "GetObject", "a b/+/c//d/")]
)
def test_s3_virtual_hosted_addressing(host: str, path: str, op: str, key: str | None) -> None:
    service = specs.service_model("s3")
    proto = get("rest-xml")
    req = WireRequest("GET", path, "", {"host": host}, io.BytesIO(b""), 0, host=host)
    assert proto.operation_name(req, service) == op
    params = proto.parse(req, service.operation_model(op))
    assert params["Bucket"] == "my.bucket"
    assert params.get("Key") == key


@pytest.mark.parametrize(
    "host", ["localhost:4566", "s3.localhost:4566", "s3.amazonaws.com", "127.0.0.1:4566"]
)
def test_s3_path_style_hosts(host: str) -> None:
    service = specs.service_model("s3")
    req = WireRequest("GET", "/bk/k%C3%A9y", "", {"host": host}, io.BytesIO(b""), 0, host=host)
    proto = get("rest-xml")
    assert proto.operation_name(req, service) == "GetObject"
    assert proto.parse(req, service.operation_model("GetObject"))["Key"] == "kéy"


def test_s3_listing_url_encoding_and_location() -> None:
    service = specs.service_model("s3")
    proto = get("rest-xml")
    op = service.operation_model("ListObjectsV2")
    body = proto.serialize(
        op, {"Name": "b", "EncodingType": "url", "Prefix": "a b+", "Contents": [{"Key": "a b+/ü"}]}, "r"
    ).body
    assert isinstance(body, bytes)
    assert b"<Key>a%20b%2B/%C3%BC</Key>" in body and b"<ListBucketResult" in body
    loc = proto.serialize(
        service.operation_model("GetBucketLocation"), {"LocationConstraint": "eu-west-1"}, "r"
    )
    assert loc.body.endswith(b">eu-west-1</LocationConstraint>")  # type: ignore[union-attr]
