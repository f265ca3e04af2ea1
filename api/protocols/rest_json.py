"""The ``rest-json`` protocol (Lambda, API Gateway, EKS, ...).

Requests are routed by :mod:`.rest` (method + requestUri); members bound to the uri, query
string and headers are read by :func:`.rest.parse_bindings`; the rest of the input is the JSON
body, or the ``payload`` member alone (a structure as JSON, a blob / string as the raw body, a
streaming blob as a file-like object). Responses mirror that: header / status-code members via
:func:`.rest.render_bindings`, the body as JSON of the unbound members or the payload member
(raw bytes, an iterable of bytes or a file-like object for blob payloads, streamed as is; an
event-stream payload as lazily encoded event-stream messages, e.g. Lambda
InvokeWithResponseStream). The default status is the operation's ``http.responseCode``.
Errors: ``X-Amzn-Errortype: <Code>`` plus a JSON body ``{"message": ..., <modeled members>}``.
"""

from __future__ import annotations

import json
from typing import Any

from awsmock.engine.errors import AwsError
from awsmock.engine.specs import OperationModel, ServiceModel, Shape
from awsmock.engine.wire import BodyTooLarge, WireRequest, WireResponse

from .base import Protocol
from .json import (
    JSON_CODEC,
    decode_input,
    error_body,
    error_info,
    event_stream_body,
    load_json_body,
    validate_params,
)
from .rest import (
    BindingError,
    RouteMatch,
    body_stream,
    bound_members,
    parse_bindings,
    render_bindings,
    router,
)

__all__ = ["RestJsonProtocol"]

_MATCH_ATTR = "_awsmock_rest_match"


def _validation_error(service: ServiceModel, exc: BindingError) -> AwsError:
    return AwsError(
        f"1 validation error detected: Value '{exc.value}' at '{exc.member[:1].lower() + exc.member[1:]}' "
        "failed to satisfy constraint: Member must have the right type",
        code="ValidationException",
        status=400,
    )


def _read_body(req: WireRequest) -> bytes:
    try:
        return req.body
    except BodyTooLarge as exc:
        raise AwsError("Request entity too large", code="RequestEntityTooLarge", status=413) from exc


class RestJsonProtocol(Protocol):
    name = "rest-json"

    def matches(self, req: WireRequest, service: ServiceModel) -> bool:
        headers = req.headers
        if "smithy-protocol" in headers:
            return False
        return not (
            "x-amz-target" in headers and headers.get("content-type", "").startswith("application/x-amz-json")
        )

    def operation_name(self, req: WireRequest, service: ServiceModel) -> str | None:
        m = router(service).match(req)
        if m is None:
            return None
        setattr(req, _MATCH_ATTR, m)
        return m.operation

    def _match(self, req: WireRequest, operation: OperationModel) -> RouteMatch | None:
        m = getattr(req, _MATCH_ATTR, None)
        if m is not None and m.operation == operation.name:
            return m
        for cand in router(operation.service_model).match_all(req):
            if cand.operation == operation.name:
                return cand
        return None

    def parse(self, req: WireRequest, operation: OperationModel) -> dict[str, Any]:
        params = self.decode(req, operation)
        validate_params(operation.service_model, operation, params)
        return params

    def decode(self, req: WireRequest, operation: OperationModel) -> dict[str, Any]:
        """The params on the wire, before input validation."""
        shape = operation.input_shape
        if shape is None:
            return {}
        service = operation.service_model
        try:
            params = parse_bindings(req, shape, self._match(req, operation))
        except BindingError as exc:
            raise _validation_error(service, exc) from exc
        b = bound_members(shape)
        payload = b.payload
        if payload is not None:
            member = shape.members[payload]
            if member.type_name == "blob":
                if member.metadata.get("streaming") or member.serialization.get("streaming"):
                    params[payload] = body_stream(req)
                else:
                    body = _read_body(req)
                    if body:
                        params[payload] = body
            elif member.type_name == "string":
                body = _read_body(req)
                if body:
                    try:
                        params[payload] = body.decode("utf-8")
                    except UnicodeDecodeError as exc:
                        raise AwsError(
                            "The request body is not valid UTF-8", code="SerializationException"
                        ) from exc
            else:
                body = _read_body(req)
                if body.strip():
                    value = decode_input(JSON_CODEC, member, load_json_body(body))
                    if value != {} or payload in shape.required_members:
                        params[payload] = value
        elif b.body:
            body = _read_body(req)
            if body.strip():
                data = load_json_body(body)
                if type(data) is not dict:
                    raise AwsError("Start of structure or map expected", code="SerializationException")
                params.update(_decode_body(shape, data))
        return params

    def serialize(self, operation: OperationModel, result: dict[str, Any], request_id: str) -> WireResponse:
        shape = operation.output_shape
        headers = {"x-amzn-RequestId": request_id}
        default_status = int(operation.http.get("responseCode", 200))
        if shape is None:
            return WireResponse(default_status, headers, b"")
        status, bound = render_bindings(shape, result)
        headers.update(bound)
        status = status or default_status
        b = bound_members(shape)
        body: Any = b""
        if b.payload is not None:
            member = shape.members[b.payload]
            value = result.get(b.payload)
            if member.serialization.get("eventstream"):
                body = event_stream_body(JSON_CODEC, _dumps, member, value, "application/json")
                headers.setdefault("Content-Type", "application/vnd.amazon.eventstream")
            elif member.type_name in ("blob", "string"):
                if value is not None:
                    body = value.encode("utf-8") if isinstance(value, str) else value
            elif value is not None:
                body = _dumps(JSON_CODEC.encoder(member)(value))
                headers.setdefault("Content-Type", "application/json")
        elif b.body and status not in (204, 304):
            body = _dumps(JSON_CODEC.encoder(shape, True)(result))
            headers.setdefault("Content-Type", "application/json")
        content_length = len(body) if isinstance(body, (bytes, bytearray)) else None
        return WireResponse(status, headers, body, content_length)

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: AwsError, request_id: str
    ) -> WireResponse:
        info = error_info(service, error, namespaced=False)
        headers = {
            "Content-Type": "application/json",
            "x-amzn-RequestId": request_id,
            "x-amzn-ErrorType": info.code,
        }
        body = error_body(JSON_CODEC, info, error, body_only=True)
        if info.shape is not None and error.fields:
            _, bound = render_bindings(info.shape, error.fields)
            headers.update(bound)
        headers.update(error.headers)
        if info.query_error:
            headers["x-amzn-query-error"] = info.query_error
        return WireResponse(info.status, headers, _dumps(body))


def _dumps(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode("utf-8")


def _decode_body(shape: Shape, data: dict[str, Any]) -> dict[str, Any]:
    return decode_input(JSON_CODEC, shape, data, body_only=True)
