"""The AWS ``rest-xml`` protocol (S3, Route 53, CloudFront, S3 Control).

Routing and the uri / querystring / header / statusCode bindings come from
:mod:`awsmock.api.protocols.rest` (shared with rest-json); the body is XML written and read by
:mod:`awsmock.api.protocols.xml`:

* input: a structure ``payload`` member is the document root; without a payload, the body
  members sit under the input shape's ``locationName``; a blob / string payload is the raw body
  (streaming blobs are handed to the handler as a file-like object reading the request body,
  never buffered); ``aws-chunked`` bodies are decoded on the fly (:mod:`.aws_chunked`) and
  ``aws-chunked`` leaves the ``ContentEncoding`` param;
* output: likewise; streaming payloads (bytes, an iterable of bytes or a file-like object) are
  streamed, with ``Content-Length`` from the result's header members; an event-stream payload
  (the handler's iterable of ``{EventName: event}`` dicts) is sent as
  ``application/vnd.amazon.eventstream`` messages whose structure payloads are XML
  (:func:`xml_event_stream`); an :class:`AwsError` raised while the events are produced ends the
  stream with an ``error`` message carrying its code and message;
* errors: ``<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>``, or a bare
  ``<Error>`` document (no body for HEAD).

Where a service's wire differs from its model (S3's virtual hosts, POST uploads, root element
names, url-encoded listings, error documents...), the service declares it
(:class:`awsmock.engine.facts.RestXmlQuirks`); nothing here names a service.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

from awsmock.api.protocols.aws_chunked import AwsChunkedReader, request_body_stream
from awsmock.api.protocols.base import Protocol
from awsmock.api.protocols.json import event_message, event_parts
from awsmock.api.protocols.query import write_error_fields
from awsmock.api.protocols.rest import (
    BindingError,
    RouteMatch,
    bound_members,
    parse_bindings,
    render_bindings,
    router,
)
from awsmock.api.protocols.validate import validate, validation_message
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
from awsmock.engine import registry
from awsmock.engine.errors import AwsError
from awsmock.engine.facts import RestXmlQuirks
from awsmock.engine.specs import OperationModel, ServiceModel, Shape, per_model
from awsmock.engine.wire import BodyTooLarge, WireRequest, WireResponse

__all__ = ["RestXmlProtocol"]

XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>'

_PLAIN = RestXmlQuirks()


# --------------------------------------------------------------------------------------------
# per-service facts


class _ServiceInfo:
    __slots__ = ("error_shapes", "namespace", "quirks")

    def __init__(self, service: ServiceModel) -> None:
        quirks = self.quirks = registry.facts(service.service_name).rest_xml or _PLAIN
        ns: str | None = quirks.namespace or service.metadata.get("xmlNamespace")
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

    __slots__ = ("info", "kind", "node", "payload", "shape", "unrouted")

    def __init__(self, operation: OperationModel) -> None:
        info = self.info = _info(operation.service_model)
        shape = self.shape = operation.input_shape
        # requests no route matches that the service serves as this operation (S3 POST uploads)
        self.unrouted = info.quirks.unrouted if info.quirks.decode_unrouted is not None else None
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
_OUT_NONE, _OUT_BARE, _OUT_RAW_PAYLOAD, _OUT_XML_PAYLOAD, _OUT_XML_BODY, _OUT_EVENTS = range(6)


class _OutPlan:
    """How an operation's answer is written, worked out once per operation model."""

    __slots__ = (
        "bare",
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
        quirks = info.quirks
        shape = self.shape = operation.output_shape
        self.kind = _OUT_NONE
        self.node: Any = None
        self.payload = ""  # the payload member (the payload kinds only)
        self.root = ""
        self.bare = ""  # the member whose value is the whole document (_OUT_BARE)
        self.ctype_header: str | None = None
        self.clen_header: str | None = None
        if shape is not None:
            b = bound_members(shape)
            node = self.node = compile_shape(shape)
            self.ctype_header = b.content_type_header
            self.clen_header = b.content_length_header
            if operation.name in quirks.bare_answers:
                self.kind = _OUT_BARE
                self.bare = quirks.bare_answers[operation.name]
            elif b.payload is not None:
                self.payload = b.payload
                pshape = shape.members[b.payload]
                raw = pshape.type_name in ("blob", "string")
                if pshape.serialization.get("eventstream"):
                    self.kind = _OUT_EVENTS
                else:
                    self.kind = _OUT_RAW_PAYLOAD if raw else _OUT_XML_PAYLOAD
            elif node.out_members:
                self.kind = _OUT_XML_BODY
                self.root = quirks.roots.get(operation.name) or node.loc or operation.name + quirks.root_suffix
        self.delete_no_content = quirks.delete_no_content and operation.http.get("method") == "DELETE"


_out_plan = per_model(_OutPlan)


_ROUTE_ATTR = "_awsmock_rest_xml_route"


def _malformed_xml(info: _ServiceInfo) -> AwsError:
    return AwsError(info.quirks.malformed_xml_message, code="MalformedXML", status=400)


def _bad_value(info: _ServiceInfo) -> AwsError:
    if info.quirks.bad_values_malformed:
        return _malformed_xml(info)
    return AwsError("Invalid XML value", code=info.quirks.validation_code, status=400)


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

    def _matches(self, req: WireRequest, service: ServiceModel) -> list[RouteMatch]:
        cached = req.__dict__.get(_ROUTE_ATTR)
        if cached is not None and cached[0] is service:
            return cached[1]
        routes = router(service)
        routing_path = _info(service).quirks.routing_path
        path = routing_path(req) if routing_path is not None else req.path or "/"
        named = routes.match_named(req, path)
        found = [named] if named is not None else routes.match_path(req.method, path, req.query, req.headers)
        if len(found) > 1 and found[0].route.deprecated:  # (the scores rank a deprecated route last)
            found = _prefer_current(service, found)
        prefer = _info(service).quirks.prefer
        if named is None and len(found) > 1 and prefer is not None:
            chosen = prefer(req, [m.operation for m in found])
            if chosen is not None:
                found = sorted(found, key=lambda m: m.operation != chosen)
        req.__dict__[_ROUTE_ATTR] = (service, found)
        return found

    def operation_name(self, req: WireRequest, service: ServiceModel) -> str | None:
        found = self._matches(req, service)
        if found:
            return found[0].operation
        unrouted = _info(service).quirks.unrouted
        return unrouted(req) if unrouted is not None else None

    def parse(self, req: WireRequest, operation: OperationModel) -> dict[str, Any]:
        params = self.decode(req, operation)
        plan = _in_plan(operation)
        shape = plan.shape
        if shape is None:
            return params
        quirks = plan.info.quirks
        checked = quirks.check_enums
        violations = validate(shape, params, enums=checked, ranges=checked, types=False)
        if violations:
            if quirks.violation_error is not None:
                raise quirks.violation_error(shape, violations)
            raise AwsError(validation_message(violations), code=quirks.validation_code, status=400)
        return params

    def decode(self, req: WireRequest, operation: OperationModel) -> dict[str, Any]:
        """The params on the wire, before input validation."""
        plan = _in_plan(operation)
        info = plan.info
        if plan.unrouted is not None and plan.unrouted(req) == operation.name:
            assert info.quirks.decode_unrouted is not None
            return info.quirks.decode_unrouted(req)
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
                f"Invalid value for {exc.member}: {exc.value}", code=info.quirks.validation_code, status=400
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
                    raise _bad_value(info) from None
        elif kind == _IN_XML_BODY:
            body = self._body(req)
            if body.strip():
                root = self._xml(body, info)
                try:
                    params.update(read_struct(plan.node, root))
                except XmlValueError:
                    raise _bad_value(info) from None
        _drop_chunked_encoding(params)
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
            raise _malformed_xml(info) from None

    # -- response side --------------------------------------------------------------------------

    def serialize(self, operation: OperationModel, result: dict[str, Any], request_id: str) -> WireResponse:
        plan = _out_plan(operation)
        info = plan.info
        result = result or {}
        status, headers = render_bindings(plan.shape, result)
        body: Any = b""
        content_type: str | None = None
        kind = plan.kind
        if kind == _OUT_BARE:
            value = result.get(plan.bare)
            text = escape_text(str(value)) if value else ""
            ns = f' xmlns="{info.namespace}"' if info.namespace else ""
            body = f"{XML_DECL}<{plan.bare}{ns}>{text}</{plan.bare}>".encode()
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
        elif kind == _OUT_EVENTS:
            body = xml_event_stream(plan.shape.members[plan.payload], result.get(plan.payload))
            content_type = "application/vnd.amazon.eventstream"
        elif kind == _OUT_XML_BODY:
            node = plan.node
            shape_result = info.quirks.shape_result
            if shape_result is not None:
                result = shape_result(operation.name, result)
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
        _request_id_headers(info, headers, request_id)
        if (
            not isinstance(body, (bytes, bytearray))
            and not hasattr(body, "read")
            and not isinstance(body, Iterable)
        ):
            body = b""
        return WireResponse(status=status, headers=headers, body=body, content_length=length)

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: AwsError, request_id: str
    ) -> WireResponse:
        info = _info(service)
        headers: dict[str, str] = {}
        _request_id_headers(info, headers, request_id)
        head = operation is not None and operation.http.get("method") == "HEAD"
        shape = info.error_shapes.get(error.code)
        bare = info.quirks.bare_errors
        if head or error.status == 304:
            body = b""
        elif bare is not None:
            out = [XML_DECL, f"<Error><Code>{escape_text(error.code)}</Code>"]
            out.append(f"<Message>{escape_text(error.message or '')}</Message>")
            write_error_fields(out, shape, error.fields)
            out.extend(f"<{name}>{escape_text(value)}</{name}>" for name, value in bare(request_id))
            out.append("</Error>")
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


def _xml_payload(event: str, member: Shape, raw: Any) -> tuple[bytes | None, str | None]:
    """A structure ``eventpayload`` as an XML document rooted at the event's name."""
    if raw is None:
        return None, None
    out: list[str] = []
    write(out, compile_shape(member), raw, event)
    return "".join(out).encode("utf-8"), "text/xml"


def xml_event_stream(stream_shape: Shape, events: Any) -> Iterator[bytes]:
    """The messages of an event stream whose structure payloads are XML, encoded lazily from
    an iterable of ``{EventName: event}`` dicts. A blob or string ``eventpayload`` member is the
    raw payload, a structure one an XML document (rooted at the event's name), ``eventheader``
    members are headers; an :class:`AwsError` raised by the iterable ends the stream with an
    ``error`` message."""
    members = stream_shape.members
    iterator = iter(events or ())
    while True:
        try:
            event = next(iterator)
        except StopIteration:
            return
        except AwsError as err:
            yield event_message(
                {":message-type": "error", ":error-code": err.code, ":error-message": err.message or ""}, b""
            )
            return
        for name, value in event.items():
            shape = members.get(name)
            if shape is None or value is None:
                continue
            headers, header_shapes, payload, _rest = event_parts(
                name, shape, value, lambda member, raw, event=name: _xml_payload(event, member, raw)
            )
            yield event_message(headers, payload or b"", header_shapes)


def _request_id_headers(info: _ServiceInfo, headers: dict[str, str], request_id: str) -> None:
    own = info.quirks.request_id_headers
    if own is not None:
        headers.update(own(request_id))
    else:
        headers["x-amzn-RequestId"] = request_id


def _prefer_current(service: ServiceModel, found: list[RouteMatch]) -> list[RouteMatch]:
    """Among routes identical to the best one (a deprecated operation sharing its replacement's
    route), prefer the non-deprecated."""
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


def _drop_chunked_encoding(params: dict[str, Any]) -> None:
    """``aws-chunked`` is how the body was sent, not how it is stored: it leaves ContentEncoding."""
    enc = params.get("ContentEncoding")
    if isinstance(enc, str) and "aws-chunked" in enc.lower():
        rest = [p.strip() for p in enc.split(",") if p.strip() and p.strip().lower() != "aws-chunked"]
        if rest:
            params["ContentEncoding"] = ",".join(rest)
        else:
            del params["ContentEncoding"]
