"""The AWS ``rest-xml`` protocol (S3, Route 53, CloudFront, S3 Control).

Routing and the uri / querystring / header / statusCode bindings come from
:mod:`awsmock.api.protocols.rest` (shared with rest-json); the body is XML written and read by
:mod:`awsmock.api.protocols.xml`:

* input: a structure ``payload`` member is the document root; without a payload, the body
  members sit under the input shape's ``locationName``; a blob / string payload is the raw body
  (streaming blobs such as S3 ``PutObject`` / ``UploadPart`` ``Body`` are handed to the handler as a
  file-like object reading the request body, never buffered);
* output: likewise; streaming payloads (S3 ``GetObject`` ``Body``: bytes, an iterable of bytes or
  a file-like object) are streamed, with ``Content-Length`` from the result's header members;
* errors: S3 ``<Error><Code/><Message/>...fields...<RequestId/><HostId/></Error>`` (no body for
  HEAD), other services ``<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>``.

Named S3 quirks (only here, only for the ``s3`` service):

* **Virtual-hosted addressing** (``_parse_bucket_host``): ``<bucket>.s3.amazonaws.com``,
  ``<bucket>.s3.<region>.amazonaws.com`` (also ``s3-<region>``, dualstack, fips),
  ``<bucket>.s3.localhost[:port]``, ``<bucket>.localhost[:port]`` are rewritten to path style
  before routing.
* **aws-chunked bodies**: decoded on the fly (:mod:`.aws_chunked`); ``aws-chunked`` is removed
  from the ``ContentEncoding`` param; trailing checksums are on ``params["Body"].trailers``
  once the body has been read.
* **GetBucketLocation** answers the unwrapped ``<LocationConstraint>region</LocationConstraint>``
  document botocore's ``parse_get_bucket_location`` handler reads.
* **EncodingType=url** listings (ListObjects, ListObjectsV2, ListObjectVersions,
  ListMultipartUploads): when the result carries ``EncodingType: "url"`` (handlers echo the
  request's), keys, prefixes, delimiters and markers are percent-encoded as S3 does; boto3 asks
  for this on every listing and decodes it.
* Root element names of S3 answers (``ListBucketResult``, ``ListAllMyBucketsResult``...) for
  SDKs that check them, the S3 namespace, ``x-amz-request-id`` / ``x-amz-id-2`` headers, 204 for
  DELETEs without a body, and S3's error codes for bad input (``MalformedXML``,
  ``InvalidArgument``, ``MissingRequestBodyError``).
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from awsmock.api.protocols.aws_chunked import AwsChunkedReader, request_body_stream
from awsmock.api.protocols.base import Protocol
from awsmock.api.protocols.query import write_error_fields
from awsmock.api.protocols.rest import (
    BindingError,
    RouteMatch,
    bound_members,
    parse_bindings,
    render_bindings,
    router,
)
from awsmock.api.protocols.validate import Violation, validate, validation_message
from awsmock.api.protocols.xml import (
    XmlError,
    XmlValueError,
    compile_shape,
    escape_text,
    parse_xml,
    read,
    read_struct,
    write,
)
from awsmock.engine.errors import AwsError
from awsmock.engine.specs import OperationModel, ServiceModel, Shape, per_model
from awsmock.engine.wire import BodyTooLarge, WireRequest, WireResponse

__all__ = ["RestXmlProtocol", "s3_path_style"]

XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>'
S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"

# --------------------------------------------------------------------------------------------
# S3 quirks

_S3_HOSTS = (
    re.compile(
        r"^(?P<bucket>.+)\.s3(?:[.-](?:dualstack|fips|external-1|[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+))*"
        r"\.amazonaws\.com(?:\.cn)?$"
    ),
    re.compile(r"^(?P<bucket>.+)\.s3\.localhost(?:\.localstack\.cloud)?$"),
    re.compile(r"^(?P<bucket>.+)\.localhost(?:\.localstack\.cloud)?$"),
)

_S3_ROOTS = {
    "ListBuckets": "ListAllMyBucketsResult",
    "ListDirectoryBuckets": "ListAllMyDirectoryBucketsResult",
    "ListObjects": "ListBucketResult",
    "ListObjectsV2": "ListBucketResult",
    "ListObjectVersions": "ListVersionsResult",
    "ListMultipartUploads": "ListMultipartUploadsResult",
    "ListParts": "ListPartsResult",
    "CreateMultipartUpload": "InitiateMultipartUploadResult",
    "CompleteMultipartUpload": "CompleteMultipartUploadResult",
    "DeleteObjects": "DeleteResult",
    "GetBucketAcl": "AccessControlPolicy",
    "GetObjectAcl": "AccessControlPolicy",
    "GetBucketTagging": "Tagging",
    "GetObjectTagging": "Tagging",
    "GetBucketVersioning": "VersioningConfiguration",
    "GetBucketCors": "CORSConfiguration",
    "GetBucketLifecycleConfiguration": "LifecycleConfiguration",
    "GetBucketNotificationConfiguration": "NotificationConfiguration",
    "GetBucketWebsite": "WebsiteConfiguration",
    "GetBucketLogging": "BucketLoggingStatus",
    "GetBucketAccelerateConfiguration": "AccelerateConfiguration",
    "GetBucketRequestPayment": "RequestPaymentConfiguration",
    "GetBucketReplication": "ReplicationConfiguration",
    "GetBucketEncryption": "ServerSideEncryptionConfiguration",
    "GetObjectAttributes": "GetObjectAttributesResponse",
}

# EncodingType=url: (top-level members, (list member, item member) pairs) S3 percent-encodes
_S3_URL_ENCODED = {
    "ListObjects": (
        ("Delimiter", "Marker", "NextMarker", "Prefix"),
        (("Contents", "Key"), ("CommonPrefixes", "Prefix")),
    ),
    "ListObjectsV2": (
        ("Delimiter", "Prefix", "StartAfter"),
        (("Contents", "Key"), ("CommonPrefixes", "Prefix")),
    ),
    "ListObjectVersions": (
        ("KeyMarker", "NextKeyMarker", "Prefix", "Delimiter"),
        (("Versions", "Key"), ("DeleteMarkers", "Key"), ("CommonPrefixes", "Prefix")),
    ),
    "ListMultipartUploads": (
        ("Delimiter", "KeyMarker", "NextKeyMarker", "Prefix"),
        (("Uploads", "Key"), ("CommonPrefixes", "Prefix")),
    ),
}


#: host -> the path-style prefix its virtual-hosted bucket makes ("/bucket", percent-encoded),
#: or None (path style); a client talks to a few hosts, so the answer is remembered per host
_prefix_of_host: dict[str, str | None] = {}


def _s3_bucket_prefix(host: str) -> str | None:
    try:
        return _prefix_of_host[host]
    except KeyError:
        pass
    bucket = _parse_bucket_host(host)
    prefix = None if bucket is None else "/" + quote(bucket, safe="")
    if len(_prefix_of_host) >= 4096:
        _prefix_of_host.clear()
    _prefix_of_host[host] = prefix
    return prefix


def _parse_bucket_host(host: str) -> str | None:
    host = host.strip().lower()
    if host.startswith("["):  # IPv6 literal
        return None
    host = host.rsplit(":", 1)[0] if ":" in host else host
    for rx in _S3_HOSTS:
        m = rx.match(host)
        if m:
            bucket = m.group("bucket")
            if bucket in ("s3", "www") or bucket.startswith("s3.") or bucket.startswith("s3-"):
                return None
            return bucket
    return None


def s3_path_style(req: WireRequest) -> str:
    """``req``'s percent-encoded path in S3 path style (virtual-hosted bucket moved into it)."""
    prefix = _s3_bucket_prefix(req.host or req.headers.get("host", ""))
    path = req.path or "/"
    if prefix is None:
        return path
    return prefix if path == "/" else prefix + path


def _s3_post_form(req: WireRequest) -> bool:
    """S3 browser-based upload (presigned POST): a multipart/form-data POST to a bucket, which
    botocore models no operation for; served as PutObject with params parsed from the form by
    awsmock.services.s3.post_form. (Hook added by the S3 helper.)"""
    if req.method != "POST":
        return False
    from awsmock.services.s3.post_form import is_post_form

    return is_post_form(req, s3_path_style(req))


def _s3_url_encode(operation: str, result: dict[str, Any]) -> dict[str, Any]:
    spec = _S3_URL_ENCODED.get(operation)
    if spec is None or result.get("EncodingType") != "url":
        return result
    top, nested = spec
    out = dict(result)
    for key in top:
        if isinstance(out.get(key), str):
            out[key] = quote(out[key], safe="/")
    for list_key, item_key in nested:
        items = out.get(list_key)
        if isinstance(items, list):
            out[list_key] = [
                {**item, item_key: quote(item[item_key], safe="/")}
                if isinstance(item, dict) and isinstance(item.get(item_key), str)
                else item
                for item in items
            ]
    return out


def _s3_host_id(request_id: str) -> str:
    return base64.b64encode(hashlib.sha256(request_id.encode()).digest()).decode()


# --------------------------------------------------------------------------------------------
# per-service facts


class _ServiceInfo:
    __slots__ = ("error_shapes", "is_s3", "namespace", "validation_code")

    def __init__(self, service: ServiceModel) -> None:
        self.is_s3 = service.service_name == "s3"
        self.validation_code = {"s3": "InvalidArgument", "cloudfront": "InvalidArgument"}.get(
            service.service_name, "InvalidInput"
        )
        ns: str | None = S3_NAMESPACE if self.is_s3 else service.metadata.get("xmlNamespace")
        if ns is None:
            for name in service.operation_names:
                shape = service.operation_model(name).input_shape
                if shape is None:
                    continue
                found = shape.serialization.get("xmlNamespace")
                if found is None:
                    payload = shape.serialization.get("payload")
                    if payload:
                        found = shape.members[payload].serialization.get("xmlNamespace")
                if isinstance(found, dict):
                    found = found.get("uri")
                if found:
                    ns = found
                    break
        self.namespace = ns
        shapes: dict[str, Shape] = {}
        for shape in service.error_shapes:
            shapes.setdefault(shape.error_code, shape)
            shapes.setdefault(shape.name, shape)
        self.error_shapes = shapes


_info = per_model(_ServiceInfo)


# where an operation's request carries what its bindings leave (see _InPlan)
_IN_NONE, _IN_STREAM, _IN_BLOB, _IN_TEXT, _IN_XML_PAYLOAD, _IN_XML_BODY = range(6)


class _InPlan:
    """How an operation's request is read, worked out once per operation model."""

    __slots__ = ("info", "kind", "node", "payload", "s3_put_object", "shape")

    def __init__(self, operation: OperationModel) -> None:
        info = self.info = _info(operation.service_model)
        shape = self.shape = operation.input_shape
        # S3 browser-based uploads (presigned POST) are served as PutObject
        self.s3_put_object = info.is_s3 and operation.name == "PutObject"
        self.kind = _IN_NONE
        self.node: Any = None
        self.payload = ""  # the payload member (the payload kinds only)
        if shape is None:
            return
        b = bound_members(shape)
        self.node = compile_shape(shape)
        if b.payload is not None:
            self.payload = b.payload
            pshape = shape.members[b.payload]
            ptype = pshape.type_name
            if ptype == "blob" and pshape.serialization.get("streaming"):
                self.kind = _IN_STREAM
            elif ptype == "blob":
                self.kind = _IN_BLOB
            elif ptype == "string":
                self.kind = _IN_TEXT
            else:
                self.kind = _IN_XML_PAYLOAD
        elif b.body:
            self.kind = _IN_XML_BODY


_in_plan = per_model(_InPlan)


# what an operation's answer carries besides its header members (see _OutPlan)
_OUT_NONE, _OUT_LOCATION, _OUT_RAW_PAYLOAD, _OUT_XML_PAYLOAD, _OUT_XML_BODY = range(5)


class _OutPlan:
    """How an operation's answer is written, worked out once per operation model."""

    __slots__ = (
        "clen_header",
        "ctype_header",
        "delete_no_content",
        "info",
        "kind",
        "node",
        "payload",
        "root",
        "shape",
    )

    def __init__(self, operation: OperationModel) -> None:
        service = operation.service_model
        info = self.info = _info(service)
        shape = self.shape = operation.output_shape
        self.kind = _OUT_NONE
        self.node: Any = None
        self.payload = ""  # the payload member (the payload kinds only)
        self.root = ""
        self.ctype_header: str | None = None
        self.clen_header: str | None = None
        if shape is not None:
            b = bound_members(shape)
            node = self.node = compile_shape(shape)
            self.ctype_header = b.content_type_header
            self.clen_header = b.content_length_header
            if info.is_s3 and operation.name == "GetBucketLocation":
                self.kind = _OUT_LOCATION
            elif b.payload is not None:
                self.payload = b.payload
                raw = shape.members[b.payload].type_name in ("blob", "string")
                self.kind = _OUT_RAW_PAYLOAD if raw else _OUT_XML_PAYLOAD
            elif node.out_members:
                self.kind = _OUT_XML_BODY
                if info.is_s3:
                    self.root = _S3_ROOTS.get(operation.name) or node.loc or f"{operation.name}Result"
                else:
                    self.root = node.loc or f"{operation.name}Response"
        # S3 answers a DELETE with no body 204 No Content
        self.delete_no_content = info.is_s3 and operation.http.get("method") == "DELETE"


_out_plan = per_model(_OutPlan)


_ROUTE_ATTR = "_awsmock_rest_xml_route"


def _malformed_xml() -> AwsError:
    return AwsError(
        "The XML you provided was not well-formed or did not validate against our published schema",
        code="MalformedXML",
        status=400,
    )


# --------------------------------------------------------------------------------------------
# the protocol


class RestXmlProtocol(Protocol):
    name = "rest-xml"

    # -- request side ---------------------------------------------------------------------------

    def matches(self, req: WireRequest, service: ServiceModel) -> bool:
        ctype = req.headers.get("content-type", "")
        if "x-amz-target" in req.headers or ctype.startswith(("application/x-amz-json", "application/cbor")):
            return False
        return "Action" not in req.query_dict

    def _routing_path(self, req: WireRequest, service: ServiceModel) -> str:
        if service.service_name == "s3":
            return s3_path_style(req)
        return req.path or "/"

    def _matches(self, req: WireRequest, service: ServiceModel) -> list[RouteMatch]:
        cached = req.__dict__.get(_ROUTE_ATTR)
        if cached is not None and cached[0] is service:
            return cached[1]
        routes = router(service)
        path = self._routing_path(req, service)
        named = routes.match_named(req, path)
        found = [named] if named is not None else routes.match_path(req.method, path, req.query, req.headers)
        if len(found) > 1 and found[0].route.deprecated:  # (the scores rank a deprecated route last)
            found = _prefer_current(service, found)
        req.__dict__[_ROUTE_ATTR] = (service, found)
        return found

    def operation_name(self, req: WireRequest, service: ServiceModel) -> str | None:
        found = self._matches(req, service)
        if not found and service.service_name == "s3" and _s3_post_form(req):
            return "PutObject"
        return found[0].operation if found else None

    def parse(self, req: WireRequest, operation: OperationModel) -> dict[str, Any]:
        params = self.decode(req, operation)
        plan = _in_plan(operation)
        shape = plan.shape
        if shape is None:
            return params
        info = plan.info
        violations = validate(shape, params, enums=not info.is_s3, ranges=not info.is_s3, types=False)
        if violations:
            raise self._violation_error(info, shape, violations)
        return params

    def decode(self, req: WireRequest, operation: OperationModel) -> dict[str, Any]:
        """The params on the wire, before input validation."""
        plan = _in_plan(operation)
        info = plan.info
        if plan.s3_put_object and _s3_post_form(req):
            from awsmock.services.s3.post_form import parse_post_form

            return parse_post_form(req, s3_path_style(req))
        match = None
        for found in self._matches(req, operation.service_model):
            if found.operation == operation.name:
                match = found
                break
        shape = plan.shape
        if shape is None:
            return {}
        try:
            params = parse_bindings(req, shape, match)
        except BindingError as exc:
            raise AwsError(
                f"Invalid value for {exc.member}: {exc.value}", code=info.validation_code, status=400
            ) from None
        kind = plan.kind
        if kind == _IN_STREAM:
            if _has_body(req):
                params[plan.payload] = request_body_stream(req)
        elif kind in (_IN_BLOB, _IN_TEXT):
            body = self._body(req)
            if body:
                params[plan.payload] = body if kind == _IN_BLOB else body.decode("utf-8", "replace")
        elif kind == _IN_XML_PAYLOAD:
            body = self._body(req)
            if body.strip():
                root = self._xml(body, info)
                try:
                    params[plan.payload] = read(plan.node.members[plan.payload].node, root, plan.payload)
                except XmlValueError:
                    raise (_malformed_xml() if info.is_s3 else _bad_input(info)) from None
        elif kind == _IN_XML_BODY:
            body = self._body(req)
            if body.strip():
                root = self._xml(body, info)
                try:
                    params.update(read_struct(plan.node, root))
                except XmlValueError:
                    raise (_malformed_xml() if info.is_s3 else _bad_input(info)) from None
        if info.is_s3:
            _s3_request_quirks(params)
        return params

    @staticmethod
    def _body(req: WireRequest) -> bytes:
        try:
            body = req.body
        except BodyTooLarge:
            raise AwsError("Your request was too big.", code="MaxMessageLengthExceeded", status=400) from None
        if body and "aws-chunked" in req.headers.get("content-encoding", "").lower():
            body = AwsChunkedReader(io.BytesIO(b""), whole=body, unframed=req.unframed).read()
        return body

    @staticmethod
    def _xml(body: bytes, info: _ServiceInfo) -> Any:
        try:
            return parse_xml(body)
        except XmlError:
            if info.is_s3:
                raise _malformed_xml() from None
            raise AwsError("Could not parse the XML body.", code="MalformedXML", status=400) from None

    @staticmethod
    def _violation_error(info: _ServiceInfo, shape: Shape, violations: list[Violation]) -> AwsError:
        if not info.is_s3:
            return AwsError(validation_message(violations), code=info.validation_code, status=400)
        v = violations[0]
        top = v.path[0] if v.path else ""
        if (
            v.kind == "required"
            and len(v.path) == 1
            and top == shape.serialization.get("payload")
            and shape.members[top].type_name == "structure"
        ):
            return AwsError("Request Body is empty", code="MissingRequestBodyError", status=400)
        if v.kind == "required" and isinstance(top, str) and top in shape.members:
            ser = shape.members[top].serialization
            if ser.get("location") == "header":
                return AwsError(
                    f"Missing required header for this request: {ser.get('name', top)}",
                    code="InvalidRequest",
                    status=400,
                )
            if ser.get("location") is None or len(v.path) > 1:
                return _malformed_xml()
        return AwsError(v.message, code="InvalidArgument", status=400)

    # -- response side --------------------------------------------------------------------------

    def serialize(self, operation: OperationModel, result: dict[str, Any], request_id: str) -> WireResponse:
        plan = _out_plan(operation)
        info = plan.info
        result = result or {}
        status, headers = render_bindings(plan.shape, result)
        body: Any = b""
        content_type: str | None = None
        kind = plan.kind
        if kind == _OUT_LOCATION:
            value = result.get("LocationConstraint")
            text = escape_text(str(value)) if value else ""
            body = (
                f'{XML_DECL}<LocationConstraint xmlns="{S3_NAMESPACE}">{text}</LocationConstraint>'.encode()
            )
            content_type = "application/xml"
        elif kind == _OUT_RAW_PAYLOAD:
            value = result.get(plan.payload)
            if value is not None:
                body = value.encode("utf-8") if isinstance(value, str) else value
        elif kind == _OUT_XML_PAYLOAD:
            value = result.get(plan.payload)
            if value is not None:
                pm = plan.node.members[plan.payload]
                out = [XML_DECL]
                extra = "" if pm.node.ns_attr or not info.namespace else f' xmlns="{info.namespace}"'
                write(out, pm.node, value, pm.wire, extra)
                body = "".join(out).encode("utf-8")
                content_type = "application/xml"
        elif kind == _OUT_XML_BODY:
            node = plan.node
            if info.is_s3:
                result = _s3_url_encode(operation.name, result)
            out = [XML_DECL]
            extra = "" if node.ns_attr or not info.namespace else f' xmlns="{info.namespace}"'
            write(out, node, result, plan.root, extra)
            body = "".join(out).encode("utf-8")
            content_type = "application/xml"
        # the headers so far are the result's header members (model spellings)
        if content_type and (plan.ctype_header is None or plan.ctype_header not in headers):
            headers["Content-Type"] = content_type
        length: int | None = None
        clen_header = plan.clen_header
        if clen_header is not None and clen_header in headers:
            try:
                length = int(headers[clen_header])
            except ValueError:
                length = None
        elif isinstance(body, (bytes, bytearray)):
            length = len(body)
            headers["Content-Length"] = str(length)
        if status is None:
            status = 204 if plan.delete_no_content and body == b"" else 200
        self._request_id_headers(info, headers, request_id)
        if (
            not isinstance(body, (bytes, bytearray))
            and not hasattr(body, "read")
            and not isinstance(body, Iterable)
        ):
            body = b""
        return WireResponse(status=status, headers=headers, body=body, content_length=length)

    @staticmethod
    def _request_id_headers(info: _ServiceInfo, headers: dict[str, str], request_id: str) -> None:
        if info.is_s3:
            headers["x-amz-request-id"] = request_id
            headers["x-amz-id-2"] = _s3_host_id(request_id)
        else:
            headers["x-amzn-RequestId"] = request_id

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: AwsError, request_id: str
    ) -> WireResponse:
        info = _info(service)
        headers: dict[str, str] = {}
        self._request_id_headers(info, headers, request_id)
        head = operation is not None and operation.http.get("method") == "HEAD"
        shape = info.error_shapes.get(error.code)
        if head or error.status == 304:
            body = b""
        elif info.is_s3:
            out = [XML_DECL, f"<Error><Code>{escape_text(error.code)}</Code>"]
            out.append(f"<Message>{escape_text(error.message or '')}</Message>")
            write_error_fields(out, shape, error.fields)
            out.append(f"<RequestId>{escape_text(request_id)}</RequestId>")
            out.append(f"<HostId>{headers['x-amz-id-2']}</HostId></Error>")
            body = "".join(out).encode("utf-8")
        else:
            kind = "Sender" if error.sender_fault else "Receiver"
            ns = f' xmlns="{info.namespace}"' if info.namespace else ""
            out = [
                XML_DECL,
                f"<ErrorResponse{ns}><Error><Type>{kind}</Type><Code>{escape_text(error.code)}</Code>",
                f"<Message>{escape_text(error.message or '')}</Message>",
            ]
            write_error_fields(out, shape, error.fields)
            out.append(f"</Error><RequestId>{escape_text(request_id)}</RequestId></ErrorResponse>")
            body = "".join(out).encode("utf-8")
        if body:
            headers["Content-Type"] = "application/xml"
        headers["Content-Length"] = str(len(body))
        headers.update(error.headers)
        return WireResponse(status=error.status, headers=headers, body=body, content_length=len(body))


def _prefer_current(service: ServiceModel, found: list[RouteMatch]) -> list[RouteMatch]:
    """Among routes identical to the best one (S3's deprecated GetBucketLifecycle /
    PutBucketNotification... share their replacement's route), prefer the non-deprecated."""
    top = found[0].route
    same = [
        m
        for m in found
        if m.route.template == top.template
        and m.route.required_query == top.required_query
        and m.route.required_headers == top.required_headers
    ]
    if len(same) < 2 or not service.operation_model(same[0].operation).deprecated:
        return found
    current = next((m for m in same if not service.operation_model(m.operation).deprecated), None)
    if current is None:
        return found
    return [current, *(m for m in found if m is not current)]


def _has_body(req: WireRequest) -> bool:
    if req._body is not None:
        return bool(req._body)
    if req.content_length is not None:
        return req.content_length > 0
    return req.headers.get("transfer-encoding", "").lower() == "chunked"


def _bad_input(info: _ServiceInfo) -> AwsError:
    return AwsError("Invalid XML value", code=info.validation_code, status=400)


def _s3_request_quirks(params: dict[str, Any]) -> None:
    enc = params.get("ContentEncoding")
    if isinstance(enc, str) and "aws-chunked" in enc.lower():
        rest = [p.strip() for p in enc.split(",") if p.strip() and p.strip().lower() != "aws-chunked"]
        if rest:
            params["ContentEncoding"] = ",".join(rest)
        else:
            del params["ContentEncoding"]
