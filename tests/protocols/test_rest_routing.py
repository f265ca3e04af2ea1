"""REST routing and bindings (api/protocols/rest.py), checked against what botocore sends."""

from __future__ import annotations

import datetime as dt
import email.utils
import io
from datetime import UTC, datetime
from typing import Any

import pytest

from awsmock.api.protocols import get, rest
from awsmock.engine import specs
from awsmock.engine.errors import AwsError
from awsmock.engine.wire import WireRequest, http_date
from tests.protocols.vectors import botocore_sends


def _sent(service: str, operation: str, params: dict[str, Any]) -> WireRequest:
    op = specs.operation_model(service, operation)
    protocol = specs.service_model(service).protocol
    return botocore_sends(protocol, op, params)


KEYS = [
    "plain",
    "with space",
    "uni/código/✓",
    "plus+sign",
    "per%cent",
    "a//double//slash",
    "/leading",
    "trailing/",
    "dots/../and/./x",
    "query?chars&=#",
    "tilde~star*",
]


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("operation", ["GetObject", "PutObject", "HeadObject", "DeleteObject"])
def test_s3_keys_survive_routing(operation: str, key: str) -> None:
    req = _sent("s3", operation, {"Bucket": "bkt", "Key": key})
    m = rest.router(specs.service_model("s3")).match(req)
    assert m is not None and m.operation == operation
    assert m.labels == {"Bucket": "bkt", "Key": key}
    shape = specs.operation_model("s3", operation).input_shape
    params = rest.parse_bindings(req, shape, m)
    assert params["Bucket"] == "bkt" and params["Key"] == key


@pytest.mark.parametrize(
    ("method", "path", "query", "headers", "expected"),
    [
        ("GET", "/", "", {}, "ListBuckets"),
        ("PUT", "/b", "", {}, "CreateBucket"),
        ("GET", "/b", "", {}, "ListObjects"),
        ("GET", "/b/", "", {}, "ListObjects"),
        ("GET", "/b", "list-type=2", {}, "ListObjectsV2"),
        ("GET", "/b", "uploads", {}, "ListMultipartUploads"),
        ("POST", "/b", "delete", {}, "DeleteObjects"),
        ("GET", "/b", "tagging", {}, "GetBucketTagging"),
        ("GET", "/b/k", "tagging", {}, "GetObjectTagging"),
        ("PUT", "/b/k", "", {}, "PutObject"),
        ("PUT", "/b/k", "", {"x-amz-copy-source": "/o/k"}, "CopyObject"),
        ("PUT", "/b/k", "partNumber=1&uploadId=u", {}, "UploadPart"),
        ("PUT", "/b/k", "partNumber=1&uploadId=u", {"x-amz-copy-source": "/o/k"}, "UploadPartCopy"),
        ("POST", "/b/k", "uploads", {}, "CreateMultipartUpload"),
        ("POST", "/b/k", "uploadId=u", {}, "CompleteMultipartUpload"),
        ("DELETE", "/b/k", "uploadId=u", {}, "AbortMultipartUpload"),
        ("GET", "/b/k", "uploadId=u", {}, "ListParts"),
        ("GET", "/b", "lifecycle", {}, "GetBucketLifecycleConfiguration"),  # not the deprecated twin
        ("PUT", "/b", "notification", {}, "PutBucketNotificationConfiguration"),
    ],
)
def test_most_specific_s3_route_wins(
    method: str, path: str, query: str, headers: dict[str, str], expected: str
) -> None:
    req = WireRequest(method, path, query, headers, io.BytesIO(b""), 0)
    m = rest.router(specs.service_model("s3")).match(req)
    assert m is not None and m.operation == expected


def test_every_rest_json_operation_routes_to_itself() -> None:
    """For each operation of several rest-json services, botocore's request for it routes back
    to it (with label values that look like the literal segments of other routes)."""
    for service in ("lambda", "apigateway", "eks", "glacier", "efs", "mq"):
        model = specs.service_model(service)
        for name in model.operation_names:
            req = _sent(service, name, _route_params(model.operation_model(name)))
            m = rest.router(model).match(req)
            assert m is not None, (service, name)
            assert m.operation == name or _same_route(model, m.operation, name), (service, name, m.operation)


def _route_params(op: Any) -> dict[str, Any]:
    params: dict[str, Any] = {}
    shape = op.input_shape
    if shape is not None:
        for mname, member in shape.members.items():
            loc = member.serialization.get("location")
            if loc == "uri":
                params[mname] = f"v-{mname}"
            elif loc in ("querystring", "header") and mname in shape.required_members:
                params[mname] = _required_value(member)
    return params


@pytest.mark.parametrize("service", ["s3", "lambda", "apigateway", "glacier"])
def test_an_sdk_named_operation_routes_as_the_general_match(service: str) -> None:
    """In-process, botocore names the operation it serialized (WireRequest.sdk_operation): the
    route tried first is that operation's, with the labels the general match decodes for it."""
    model = specs.service_model(service)
    proto = get(model.protocol)
    for name in model.operation_names:
        op = model.operation_model(name)
        plain = _sent(service, name, _route_params(op))
        hinted = _sent(service, name, _route_params(op))
        hinted.sdk_operation = (service, name)
        assert proto.operation_name(hinted, model) == name, name
        if service == "s3":
            general = [m for m in proto._matches(plain, model) if m.operation == name]  # type: ignore[attr-defined]
            found = proto._matches(hinted, model)  # type: ignore[attr-defined]
        else:
            general = [m for m in rest.router(model).match_all(plain) if m.operation == name]
            found = [rest.router(model).match(hinted)]
        assert general and found[0] is not None, name
        assert (found[0].operation, found[0].labels) == (name, general[0].labels), name
        assert _decoded(proto, hinted, op) == _decoded(proto, plain, op), name


def _decoded(proto: Any, req: WireRequest, op: Any) -> Any:
    try:
        params = proto.decode(req, op)
    except AwsError as err:  # a label value of the wrong type: the same error either way
        return (err.code, err.message)
    return {k: v.read() if hasattr(v, "read") else v for k, v in params.items()}  # streamed payloads


@pytest.mark.parametrize(
    ("method", "path", "query", "named", "expected"),
    [
        ("GET", "/b", "", "PutObject", "ListObjects"),  # the method does not fit
        ("PUT", "/b/k", "", "UploadPart", "PutObject"),  # UploadPart's query keys are missing
        ("GET", "/", "", "GetObject", "ListBuckets"),  # the path does not fit
        ("GET", "/b/k", "", "NoSuchOperation", "GetObject"),
    ],
)
def test_a_named_operation_that_does_not_fit_falls_back_to_the_general_match(
    method: str, path: str, query: str, named: str, expected: str
) -> None:
    model = specs.service_model("s3")
    req = WireRequest(method, path, query, {}, io.BytesIO(b""), 0, sdk_operation=("s3", named))
    assert get("rest-xml").operation_name(req, model) == expected
    plain = WireRequest(method, path, query, {}, io.BytesIO(b""), 0, sdk_operation=("s3", named))
    assert rest.router(model).match(plain).operation == expected  # type: ignore[union-attr]


def test_a_remembered_named_route_still_needs_its_required_headers() -> None:
    """The named route is remembered per URL; a later request to that URL without the route's
    required headers is routed afresh."""
    model = specs.service_model("s3")
    proto = get("rest-xml")

    def sent(headers: dict[str, str]) -> WireRequest:
        return WireRequest("PUT", "/b/k", "", headers, io.BytesIO(b""), 0, sdk_operation=("s3", "CopyObject"))

    assert proto.operation_name(sent({"x-amz-copy-source": "/src/k"}), model) == "CopyObject"
    again = sent({"x-amz-copy-source": "/src/other"})
    assert proto.operation_name(again, model) == "CopyObject"
    assert proto._matches(again, model)[0].labels == {"Bucket": "b", "Key": "k"}  # type: ignore[attr-defined]
    assert proto.operation_name(sent({}), model) == "PutObject"


def _required_value(member: Any) -> Any:
    t = member.type_name
    if t == "list":
        return [_required_value(member.member)]
    if t in ("integer", "long"):
        return 1
    if t == "boolean":
        return True
    if t == "timestamp":
        return datetime(2020, 1, 1, tzinfo=UTC)
    enum = member.metadata.get("enum")
    return enum[0] if enum else "x"


def _same_route(model: Any, a: str, b: str) -> bool:
    """Two operations that AWS itself cannot tell apart by method, path and required query."""
    ra, rb = model.operation_model(a).http, model.operation_model(b).http
    return ra["method"] == rb["method"] and ra["requestUri"] == rb["requestUri"]


def test_bindings_types_and_header_lists() -> None:
    model = specs.service_model("s3")
    op = model.operation_model("GetObject")
    req = WireRequest(
        "GET",
        "/b/k",
        "partNumber=3&response-expires=2020-01-02T03%3A04%3A05Z",
        {
            "if-modified-since": "Wed, 01 Jan 2020 00:00:00 GMT",
            "x-amz-checksum-mode": "ENABLED",
        },
        io.BytesIO(b""),
        0,
    )
    m = rest.router(model).match(req)
    params = rest.parse_bindings(req, op.input_shape, m)
    assert params["PartNumber"] == 3
    assert params["IfModifiedSince"] == datetime(2020, 1, 1, tzinfo=UTC)
    assert params["ResponseExpires"] == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert params["ChecksumMode"] == "ENABLED"


def test_render_bindings() -> None:
    op = specs.operation_model("s3", "HeadObject")
    status, headers = rest.render_bindings(
        op.output_shape,
        {
            "LastModified": datetime(2020, 1, 1, tzinfo=UTC),
            "ContentLength": 5,
            "Metadata": {"color": "red"},
            "BucketKeyEnabled": True,
            "DeleteMarker": False,
        },
    )
    assert status is None
    assert headers["Last-Modified"] == "Wed, 01 Jan 2020 00:00:00 GMT"
    assert headers["Content-Length"] == "5"
    assert headers["x-amz-meta-color"] == "red"
    assert headers["x-amz-server-side-encryption-bucket-key-enabled"] == "true"
    assert headers["x-amz-delete-marker"] == "false"


def test_streaming_input_payload_is_a_file() -> None:
    req = _sent("lambda", "InvokeAsync", {"FunctionName": "f", "InvokeArgs": b"x" * 1000})
    op = specs.operation_model("lambda", "InvokeAsync")
    params = get("rest-json").parse(req, op)
    assert hasattr(params["InvokeArgs"], "read")
    assert params["InvokeArgs"].read() == b"x" * 1000


def test_streaming_output_payload_is_not_joined() -> None:
    op = specs.operation_model("lambda", "Invoke")
    chunks = iter([b"a", b"b"])
    resp = get("rest-json").serialize(op, {"StatusCode": 200, "Payload": chunks}, "r")
    assert resp.body is chunks
    stream = io.BytesIO(b"payload")
    resp = get("rest-json").serialize(op, {"StatusCode": 200, "Payload": stream}, "r")
    assert resp.body is stream
    assert b"".join(resp.iter_body()) == b"payload"


def test_rest_json_default_status_comes_from_the_model() -> None:
    proto = get("rest-json")
    created = proto.serialize(specs.operation_model("lambda", "CreateFunction"), {"FunctionName": "f"}, "r")
    assert created.status == 201
    deleted = proto.serialize(specs.operation_model("lambda", "DeleteFunctionConcurrency"), {}, "r")
    assert deleted.status == 204
    assert deleted.body == b""


def test_render_bindings_writes_each_kind_of_header_member() -> None:
    from botocore.model import ShapeResolver

    resolver = ShapeResolver(
        {
            "Out": {
                "type": "structure",
                "members": {
                    "Text": {"shape": "Str", "location": "header", "locationName": "X-Text"},
                    "Count": {"shape": "Int", "location": "header", "locationName": "X-Count"},
                    "When": {"shape": "Time", "location": "header", "locationName": "X-When"},
                    "Iso": {"shape": "IsoTime", "location": "header", "locationName": "X-Iso"},
                    "Tags": {"shape": "StrList", "location": "header", "locationName": "X-Tags"},
                    "Doc": {"shape": "JsonStr", "location": "header", "locationName": "X-Doc"},
                    "Ratio": {"shape": "Dbl", "location": "header", "locationName": "X-Ratio"},
                    "Flag": {"shape": "Bool", "location": "header", "locationName": "X-Flag"},
                },
            },
            "Str": {"type": "string"},
            "Int": {"type": "integer"},
            "Time": {"type": "timestamp"},
            "IsoTime": {"type": "timestamp", "timestampFormat": "iso8601"},
            "StrList": {"type": "list", "member": {"shape": "Str"}},
            "JsonStr": {"type": "string", "jsonvalue": True},
            "Dbl": {"type": "double"},
            "Bool": {"type": "boolean"},
        }
    )
    shape = resolver.get_shape_by_name("Out")
    when = datetime(2020, 1, 1, tzinfo=UTC)
    _, headers = rest.render_bindings(
        shape,
        {
            "Text": 'a "b"',
            "Count": 7,
            "When": when,
            "Iso": when,
            "Tags": ["x", "y,z"],
            "Doc": {"k": 1},
            "Ratio": 0.5,
            "Flag": False,
        },
    )
    assert headers == {
        "X-Text": 'a "b"',
        "X-Count": "7",
        "X-When": "Wed, 01 Jan 2020 00:00:00 GMT",
        "X-Iso": "2020-01-01T00:00:00Z",
        "X-Tags": 'x,"y,z"',
        "X-Doc": "eyJrIjoxfQ==",
        "X-Ratio": "0.5",
        "X-Flag": "false",
    }
    # a timestamp given as epoch seconds, an empty list and None values: as written or left out
    _, headers = rest.render_bindings(shape, {"When": 1577836800, "Tags": [], "Text": None, "Count": None})
    assert headers == {"X-When": "Wed, 01 Jan 2020 00:00:00 GMT"}
    # the same member names again reuse the writer made for them
    _, headers = rest.render_bindings(
        shape, {"When": "2020-01-01T00:00:00Z", "Tags": ["q"], "Text": "t", "Count": 1}
    )
    assert headers == {
        "X-When": "Wed, 01 Jan 2020 00:00:00 GMT",
        "X-Tags": "q",
        "X-Text": "t",
        "X-Count": "1",
    }


def test_per_model_facts_are_built_once_per_model_object() -> None:
    """specs.per_model keys its cache by the model itself: botocore's models hash and compare by
    identity (a botocore that changed that would make equal models share plans)."""
    from botocore.model import OperationModel, ServiceModel

    built: list[Any] = []

    def build(model: Any) -> object:
        built.append(model)
        return object()

    facts = specs.per_model(build)
    model = specs.service_model("s3")
    op = model.operation_model("GetObject")
    assert facts(op) is facts(op) and facts(model) is facts(model) and facts(op) is not facts(model)
    assert built == [op, model]
    for cls in (ServiceModel, OperationModel):
        assert cls.__hash__ is object.__hash__ and cls.__eq__ is object.__eq__


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2026, 12, 1, 10, 0, 0, tzinfo=dt.UTC),
        dt.datetime(2024, 2, 29, 23, 59, 59, 999_999, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 1, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
        dt.datetime(1999, 12, 31, 19, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    ],
)
def test_http_dates_are_email_utils_dates_in_gmt(value: dt.datetime) -> None:
    # the one formatter of headers (Last-Modified, a 304's headers, S3 restore dates); a naive
    # time is taken as UTC, as awsmock stores times
    expected = email.utils.format_datetime(value.astimezone(dt.UTC), usegmt=True)
    assert http_date(value) == expected
    assert http_date(value.astimezone(dt.UTC).replace(tzinfo=None)) == expected
