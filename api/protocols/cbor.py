"""The ``smithy-rpc-v2-cbor`` protocol (CloudWatch, ...).

Requests: ``POST /service/<targetPrefix>/operation/<Operation>`` with
``smithy-protocol: rpc-v2-cbor`` and a CBOR body (the input structure, members keyed by their
model names; timestamps as CBOR tag 1 epoch seconds; blobs as byte strings). Responses and
errors mirror that (errors: ``{"__type": ..., "message": ...}`` plus modeled members, and
``x-amzn-query-error`` for query-compatible services such as CloudWatch).
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any

import cbor2

from awsmock.engine.errors import AwsError
from awsmock.engine.specs import OperationModel, ServiceModel, operation_name_set
from awsmock.engine.wire import BodyTooLarge, WireRequest, WireResponse

from .base import Protocol
from .json import (
    Codec,
    Dialect,
    WireTypeError,
    bad_type,
    decode_input,
    error_body,
    error_info,
    serialization_error,
    validate_params,
)
from .rest import parse_timestamp

__all__ = ["CBOR_CODEC", "CborProtocol"]


def _decode_blob(v: Any) -> bytes:
    if isinstance(v, bytes):
        return v
    if isinstance(v, bytearray):
        return bytes(v)
    raise bad_type("Blob", v)


def _encode_blob(v: Any) -> bytes:
    if isinstance(v, str):
        return v.encode("utf-8")
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v)
    return v.read()


def _decode_timestamp(v: Any, fmt: str | None) -> datetime:
    if isinstance(v, datetime):
        return v.astimezone(UTC) if v.tzinfo else v.replace(tzinfo=UTC)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise bad_type("Timestamp", v)
    try:
        return parse_timestamp(v)
    except (ValueError, OverflowError, OSError) as exc:
        raise WireTypeError(f"Invalid timestamp {v!r}") from exc


def _encode_timestamp(v: Any, fmt: str | None) -> cbor2.CBORTag:
    dt = v if isinstance(v, datetime) else parse_timestamp(v)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    whole = calendar.timegm(dt.utctimetuple())
    if dt.microsecond:
        return cbor2.CBORTag(1, round(whole + dt.microsecond / 1_000_000, 3))
    return cbor2.CBORTag(1, whole)


def _decode_float(v: Any) -> Any:
    if isinstance(v, float) or (isinstance(v, int) and not isinstance(v, bool)):
        return v
    raise bad_type("Double", v)


def _encode_float(v: Any) -> float:
    return float(v)  # NaN and infinities are native CBOR floats


CBOR_DIALECT = Dialect(
    name="cbor",
    decode_blob=_decode_blob,
    encode_blob=_encode_blob,
    decode_timestamp=_decode_timestamp,
    encode_timestamp=_encode_timestamp,
    decode_float=_decode_float,
    encode_float=_encode_float,
    wire_names=False,
)
CBOR_CODEC = Codec(CBOR_DIALECT)

_HEADERS = {"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"}


def _path_parts(path: str) -> tuple[str, str] | None:
    """``(service, operation)`` from ``.../service/<service>/operation/<operation>``."""
    i = path.rfind("/service/")
    if i < 0:
        return None
    rest = path[i + 9 :].split("/")
    if len(rest) != 3 or rest[1] != "operation" or not rest[2]:
        return None
    return rest[0], rest[2]


class CborProtocol(Protocol):
    name = "smithy-rpc-v2-cbor"

    def matches(self, req: WireRequest, service: ServiceModel) -> bool:
        return "smithy-protocol" in req.headers or _path_parts(req.path) is not None

    def operation_name(self, req: WireRequest, service: ServiceModel) -> str | None:
        parts = _path_parts(req.path)
        if parts is None:
            return None
        op = parts[1]
        return op if op in operation_name_set(service) else None

    def parse(self, req: WireRequest, operation: OperationModel) -> dict[str, Any]:
        params = self.decode(req, operation)
        validate_params(operation.service_model, operation, params)
        return params

    def decode(self, req: WireRequest, operation: OperationModel) -> dict[str, Any]:
        """The params on the wire, before input validation."""
        try:
            body = req.rpc_body
        except BodyTooLarge as exc:
            raise AwsError("Request entity too large", code="RequestEntityTooLarge", status=413) from exc
        if not body:
            data: Any = {}
        else:
            try:
                data = cbor2.loads(body)
            except RecursionError as exc:
                raise serialization_error("The request body is nested too deeply") from exc
            except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError) as exc:
                raise serialization_error("Could not parse the request body as CBOR") from exc
        if type(data) is not dict:
            raise serialization_error("Start of structure or map expected")
        shape = operation.input_shape
        if shape is None:
            return {}
        return decode_input(CBOR_CODEC, shape, data)

    def serialize(self, operation: OperationModel, result: dict[str, Any], request_id: str) -> WireResponse:
        shape = operation.output_shape
        headers = {**_HEADERS, "x-amzn-RequestId": request_id}
        if shape is None:
            return WireResponse(200, headers, cbor2.dumps({}))
        return WireResponse(200, headers, cbor2.dumps(CBOR_CODEC.encoder(shape)(result)))

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: AwsError, request_id: str
    ) -> WireResponse:
        info = error_info(service, error)
        body = {"__type": info.type, **error_body(CBOR_CODEC, info, error)}
        headers = {**_HEADERS, "x-amzn-RequestId": request_id, **error.headers}
        if info.query_error:
            headers["x-amzn-query-error"] = info.query_error
        return WireResponse(info.status, headers, cbor2.dumps(body))
