"""The ``json`` protocol (awsJson1_0 / awsJson1_1), and the JSON-family value codec.

Requests: ``POST /`` with ``X-Amz-Target: <targetPrefix>.<Operation>`` and
``Content-Type: application/x-amz-json-1.0|1.1``; the body is the input structure as JSON.
Responses: the output structure as JSON; errors as ``{"__type": ..., "message": ...}`` plus
the modeled error members, with ``x-amzn-query-error: <LegacyCode>;Sender|Receiver`` for
services with the ``awsQueryCompatible`` trait (the codes their query protocol used, which
clients still report: the model's, or those the service declares where the model lost them). Event-stream outputs
(Kinesis SubscribeToShard, Logs StartLiveTail) are sent as ``application/vnd.amazon.eventstream``
messages, an ``initial-response`` first, encoded lazily from the handler's iterable of
``{EventName: event}`` dicts (:func:`event_stream_body`, shared with rest-json).

The value codec (:class:`Codec`) compiles a converter per botocore shape, once, for a
:class:`Dialect` (JSON here; rest_json.py reuses it, cbor.py has its own dialect):
``decoder(shape)`` turns wire values into botocore client-side params (bytes for blobs,
tz-aware UTC datetimes for timestamps), ``encoder(shape)`` turns a handler's result into wire
values. Wrong wire types raise :class:`WireTypeError` (rendered as ``SerializationException``).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import struct
import weakref
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from awsmock.engine import registry
from awsmock.engine.errors import AwsError
from awsmock.engine.facts import ServiceFacts
from awsmock.engine.specs import OperationModel, ServiceModel, Shape, is_sparse, operation_name_set, per_model
from awsmock.engine.wire import BodyTooLarge, WireRequest, WireResponse
from awsmock.state import jsontext

from .base import Protocol
from .rest import format_timestamp, parse_timestamp, shape_key
from .validate import Violation, validation_message
from .validate import validate as shared_validate


@per_model
def facts_of(service: ServiceModel) -> ServiceFacts:
    """What the service declares (looked up once per model)."""
    return registry.facts(service.service_name)


def _with_crc32(service: ServiceModel, headers: dict[str, str], body: bytes) -> dict[str, str]:
    """``headers``, with ``x-amz-crc32`` (the CRC32 of the body) for a service whose answers
    carry it (clients may check it)."""
    if facts_of(service).crc32:
        headers["x-amz-crc32"] = str(zlib.crc32(body))
    return headers


__all__ = [
    "JSON_DIALECT",
    "Codec",
    "Dialect",
    "JsonProtocol",
    "WireTypeError",
    "error_body",
    "error_info",
    "event_message",
    "event_stream_body",
    "serialization_error",
    "validate_params",
]

Conv = Callable[[Any], Any]


# --------------------------------------------------------------------------------------------
# value codec


class WireTypeError(Exception):
    """A wire value of the wrong type for its shape; ``path`` is filled while unwinding."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.path: list[str] = []

    def where(self) -> str:
        return ".".join(reversed(self.path))


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "TRUE_VALUE" if v else "FALSE_VALUE"
    if isinstance(v, (int, float)):
        return "NUMBER_VALUE"
    if isinstance(v, str):
        return "STRING_VALUE"
    if isinstance(v, list):
        return "START_ARRAY"
    if isinstance(v, dict):
        return "START_OBJECT"
    if isinstance(v, (bytes, bytearray)):
        return "BYTE_STRING"
    return type(v).__name__.upper()


def _null_in(container: str) -> Any:
    """A null in a dense list or map: the error, raised where the value would be decoded."""
    raise WireTypeError(f"Null value found in a {container} that does not accept nulls")


def bad_type(expected: str, v: Any) -> WireTypeError:
    """The error for wire value ``v`` where a ``expected`` was due."""
    kind = _kind(v)
    if kind == "START_ARRAY":
        return WireTypeError("Start of list found where not expected")
    if kind == "START_OBJECT":
        return WireTypeError("Start of structure or map found where not expected.")
    return WireTypeError(f"{kind} cannot be converted to {expected}")


@dataclass(frozen=True)
class Dialect:
    """The leaf conversions that differ between JSON and CBOR bodies."""

    name: str
    decode_blob: Conv
    encode_blob: Conv
    decode_timestamp: Callable[[Any, str | None], datetime]
    encode_timestamp: Callable[[Any, str | None], Any]
    decode_float: Conv
    encode_float: Conv
    wire_names: bool  # structure members keyed by their serialization ``name`` on the wire


def _json_decode_blob(v: Any) -> bytes:
    if not isinstance(v, str):
        raise bad_type("Blob", v)
    try:
        return base64.b64decode(v, validate=True)
    except (binascii.Error, ValueError):
        pass
    try:
        return base64.b64decode("".join(v.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WireTypeError("Base64 encoded value is invalid") from exc


def _json_encode_blob(v: Any) -> str:
    if isinstance(v, str):
        v = v.encode("utf-8")
    elif not isinstance(v, (bytes, bytearray, memoryview)):
        v = v.read()
    return base64.b64encode(v).decode("ascii")


def _json_decode_timestamp(v: Any, fmt: str | None) -> datetime:
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        raise bad_type("Timestamp", v)
    try:
        return parse_timestamp(v, fmt)
    except (ValueError, OverflowError, OSError) as exc:
        raise WireTypeError(f"Invalid timestamp {v!r}") from exc


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _json_encode_timestamp(v: Any, fmt: str | None) -> Any:
    if fmt is None or fmt.lower() == "unixtimestamp":
        if type(v) is datetime and v.tzinfo is not None:
            # an aware datetime (answers list many): format_timestamp's arithmetic, without its
            # time tuple
            delta = v - _EPOCH
            whole = delta.days * 86400 + delta.seconds
            micro = delta.microseconds
            return float(round(whole + micro / 1_000_000, 3)) if micro else float(whole)
        return float(format_timestamp(v, "unixtimestamp"))  # epoch seconds, as AWS sends them
    return format_timestamp(v, fmt)


_SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def _json_decode_float(v: Any) -> float:
    if isinstance(v, float):
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        return v  # type: ignore[return-value]  # ints stay ints (params compare equal)
    if isinstance(v, str) and v in _SPECIAL:
        return _SPECIAL[v]
    raise bad_type("Double", v)


def _json_encode_float(v: Any) -> Any:
    if isinstance(v, int):
        return v
    f = float(v)
    if math.isfinite(f):
        return f
    return "NaN" if math.isnan(f) else ("Infinity" if f > 0 else "-Infinity")


JSON_DIALECT = Dialect(
    name="json",
    decode_blob=_json_decode_blob,
    encode_blob=_json_encode_blob,
    decode_timestamp=_json_decode_timestamp,
    encode_timestamp=_json_encode_timestamp,
    decode_float=_json_decode_float,
    encode_float=_json_encode_float,
    wire_names=True,
)


def _dec_string(v: Any) -> str:
    if type(v) is str:
        return v
    if isinstance(v, str):
        return str(v)
    raise bad_type("String", v)


def _dec_int(v: Any) -> int:
    if type(v) is int:
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    raise bad_type("Integer", v)


def _dec_bool(v: Any) -> bool:
    if v is True or v is False:
        return v
    raise bad_type("Boolean", v)


def _identity(v: Any) -> Any:
    return v


class Codec:
    """Per-shape converters for one :class:`Dialect`, compiled once and cached."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._dec: dict[Any, tuple[Any, Conv]] = {}
        self._enc: dict[Any, tuple[Any, Conv]] = {}

    # -- decoding (wire -> params)

    def decoder(self, shape: Shape, body_only: bool = False) -> Conv:
        """The wire -> params converter for ``shape``; ``body_only`` ignores members bound to
        the uri, query string or headers (rest-json bodies)."""
        return self._get(self._dec, shape, body_only, self._build_decoder)

    def _get(
        self, cache: dict[Any, Any], shape: Shape, flag: bool, build: Callable[[Shape, bool], Conv]
    ) -> Conv:
        ident = (id(shape), flag)
        hit = cache.get(ident)
        if hit is not None and hit[0] is shape:
            return hit[1]
        key = (shape_key(shape), flag)
        resolver = getattr(shape, "_shape_resolver", None)
        hit = cache.get(key)
        if hit is None or hit[0] is not resolver:
            # a forwarding stub first, so recursive shapes terminate
            slot: list[Conv] = []

            def forward(v: Any) -> Any:
                return slot[0](v)

            cache[key] = (resolver, forward)
            fn = build(shape, flag)
            slot.append(fn)
            cache[key] = (resolver, fn)
        else:
            fn = hit[1]
        cache[ident] = (shape, fn)
        return fn

    def _build_decoder(self, shape: Shape, body_only: bool = False) -> Conv:
        d = self.dialect
        t = shape.type_name
        if t == "structure":
            if getattr(shape, "is_document_type", False):
                return _identity
            table: dict[str, tuple[str, Conv]] = {}
            for name, member in shape.members.items():
                if body_only and "location" in member.serialization:
                    continue
                conv = self.decoder(member)
                table[name] = (name, conv)
                wire = member.serialization.get("name")
                if d.wire_names and wire:
                    table[wire] = (name, conv)
                    if wire != name:
                        del table[name]

            def dec_struct(v: Any) -> dict[str, Any]:
                if type(v) is not dict:
                    raise bad_type("Structure", v)
                out: dict[str, Any] = {}
                for k, x in v.items():
                    entry = table.get(k)
                    if entry is None or x is None:
                        continue
                    try:
                        out[entry[0]] = entry[1](x)
                    except WireTypeError as exc:
                        exc.path.append(entry[0])
                        raise
                return out

            return dec_struct
        # a null in a list or map without Smithy's @sparse is malformed (Smithy's malformed-request
        # tests: "When a dense list contains null ... a 400 SerializationException", maps alike)
        if t == "list":
            item = self.decoder(shape.member)
            sparse = is_sparse(shape)

            def dec_list(v: Any) -> list[Any]:
                if type(v) is not list:
                    raise bad_type("List", v)
                try:
                    if sparse:
                        return [None if x is None else item(x) for x in v]
                    return [item(x) if x is not None else _null_in("list") for x in v]
                except WireTypeError as exc:
                    exc.path.append("member")
                    raise

            return dec_list
        if t == "map":
            val = self.decoder(shape.value)
            key = self.decoder(shape.key)
            sparse = is_sparse(shape)

            def dec_map(v: Any) -> dict[Any, Any]:
                if type(v) is not dict:
                    raise bad_type("Map", v)
                try:
                    if sparse:
                        return {key(k): (None if x is None else val(x)) for k, x in v.items()}
                    return {key(k): (val(x) if x is not None else _null_in("map")) for k, x in v.items()}
                except WireTypeError as exc:
                    exc.path.append("value")
                    raise

            return dec_map
        if t == "string":
            return _dec_string
        if t in ("integer", "long"):
            return _dec_int
        if t in ("float", "double"):
            return d.decode_float
        if t == "boolean":
            return _dec_bool
        if t == "blob":
            return d.decode_blob
        if t == "timestamp":
            fmt = shape.serialization.get("timestampFormat")
            ts = d.decode_timestamp
            return lambda v: ts(v, fmt)
        return _identity

    # -- encoding (result -> wire)

    def encoder(self, shape: Shape, body_only: bool = False) -> Conv:
        """The result -> wire converter for ``shape``; ``body_only`` skips members bound to the
        uri, query string, headers or status code (rest-json bodies)."""
        return self._get(self._enc, shape, body_only, self._build_encoder)

    def _build_encoder(self, shape: Shape, body_only: bool) -> Conv:
        d = self.dialect
        t = shape.type_name
        if t == "structure":
            if getattr(shape, "is_document_type", False):
                return _identity
            table: dict[str, tuple[str, Conv]] = {}
            for name, member in shape.members.items():
                if body_only and "location" in member.serialization:
                    continue
                wire = member.serialization.get("name", name) if d.wire_names else name
                table[name] = (wire, self.encoder(member))

            def enc_struct(v: Any) -> dict[str, Any]:
                out: dict[str, Any] = {}
                for k, x in v.items():
                    if x is None:
                        continue
                    entry = table.get(k)
                    if entry is not None:
                        out[entry[0]] = entry[1](x)
                return out

            return enc_struct
        if t == "list":
            item = self.encoder(shape.member)
            if item is _identity:
                return list
            return lambda v: [None if x is None else item(x) for x in v]
        if t == "map":
            val = self.encoder(shape.value)
            if val is _identity:
                return dict
            return lambda v: {k: (None if x is None else val(x)) for k, x in v.items()}
        if t in ("float", "double"):
            return d.encode_float
        if t == "blob":
            return d.encode_blob
        if t == "timestamp":
            fmt = shape.serialization.get("timestampFormat")
            ts = d.encode_timestamp
            return lambda v: ts(v, fmt)
        return _identity


JSON_CODEC = Codec(JSON_DIALECT)


# --------------------------------------------------------------------------------------------
# event streams (application/vnd.amazon.eventstream output)


def _event_header(name: str, value: Any, shape: Shape | None) -> bytes:
    raw = name.encode("utf-8")
    out = bytes([len(raw)]) + raw
    if isinstance(value, bool):
        return out + (b"\x00" if value else b"\x01")
    if isinstance(value, datetime):
        return out + b"\x08" + struct.pack(">q", round(value.timestamp() * 1000))
    if isinstance(value, int):
        if shape is not None and shape.type_name == "long":
            return out + b"\x05" + struct.pack(">q", value)
        return out + b"\x04" + struct.pack(">i", value)
    if isinstance(value, (bytes, bytearray)):
        return out + b"\x06" + struct.pack(">H", len(value)) + bytes(value)
    text = str(value).encode("utf-8")
    return out + b"\x07" + struct.pack(">H", len(text)) + text


def event_message(headers: dict[str, Any], payload: bytes, shapes: dict[str, Shape] | None = None) -> bytes:
    """One binary event-stream message (prelude, headers, payload, CRCs)."""
    hdr = b"".join(_event_header(k, v, (shapes or {}).get(k)) for k, v in headers.items())
    total = 12 + len(hdr) + len(payload) + 4
    prelude = struct.pack(">II", total, len(hdr))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    message = prelude + hdr + payload
    return message + struct.pack(">I", zlib.crc32(message))


def event_parts(
    name: str,
    shape: Shape,
    value: Mapping[str, Any],
    structured: Callable[[Shape, Any], tuple[bytes | None, str | None]],
) -> tuple[dict[str, Any], dict[str, Shape], bytes | None, dict[str, Any]]:
    """An event's parts, as every protocol's event stream lays them out: its headers
    (``:message-type``, ``:event-type`` and its ``eventheader`` members), those members' shapes,
    its ``eventpayload`` member as the payload (a blob raw, a string in UTF-8, a structure as
    ``structured(member, value)`` gives it with its content type; None when it has no payload
    member), and the members left for a body."""
    headers: dict[str, Any] = {":message-type": "event", ":event-type": name}
    header_shapes: dict[str, Shape] = {}
    rest = dict(value)
    payload: bytes | None = None
    for mname, member in shape.members.items():
        ser = member.serialization
        if ser.get("eventheader") and mname in rest:
            headers[mname] = rest.pop(mname)
            header_shapes[mname] = member
        elif ser.get("eventpayload"):
            raw = rest.pop(mname, None)
            if member.type_name == "blob":
                payload = bytes(raw or b"")
                headers[":content-type"] = "application/octet-stream"
            elif member.type_name == "string":
                payload = (raw or "").encode("utf-8")
                headers[":content-type"] = "text/plain"
            else:
                payload, content_type = structured(member, raw)
                if content_type is not None:
                    headers[":content-type"] = content_type
    return headers, header_shapes, payload, rest


def event_stream_body(
    codec: Codec,
    dumps: Callable[[Any], bytes],
    stream_shape: Shape,
    events: Any,
    content_type: str,
    initial: bytes | None = None,
) -> Iterator[bytes]:
    """The messages of an event stream, encoded lazily from the handler's iterable of
    ``{EventName: event}`` dicts (``initial``: the initial-response payload, json protocol)."""
    if initial is not None:
        yield event_message(
            {":message-type": "event", ":event-type": "initial-response", ":content-type": content_type},
            initial,
        )
    members = stream_shape.members
    for event in events or ():
        for name, value in event.items():
            shape = members.get(name)
            if shape is None or value is None:
                continue
            if shape.metadata.get("exception"):
                yield event_message(
                    {":message-type": "exception", ":exception-type": name, ":content-type": content_type},
                    dumps(codec.encoder(shape)(value)),
                )
                continue
            headers, header_shapes, payload, body_value = event_parts(
                name, shape, value, lambda member, raw: (dumps(codec.encoder(member)(raw or {})), None)
            )
            if payload is None:
                payload = dumps(codec.encoder(shape)(body_value))
            headers.setdefault(":content-type", content_type)
            yield event_message(headers, payload, header_shapes)


# --------------------------------------------------------------------------------------------
# errors shared by the JSON family (json, rest-json, smithy-rpc-v2-cbor)

_CORAL = {
    "SerializationException": "com.amazon.coral.service",
    "UnknownOperationException": "com.amazon.coral.service",
    "InternalFailure": "com.amazon.coral.service",
    "AccessDeniedException": "com.amazon.coral.service",
    "UnrecognizedClientException": "com.amazon.coral.service",
    "ValidationException": "com.amazon.coral.validate",
}

@dataclass(frozen=True)
class _ErrorIndex:
    by_name: dict[str, Shape]
    by_legacy: dict[str, Shape]
    legacy: dict[str, str]  # shape name -> legacy (query) code


_error_indexes: weakref.WeakKeyDictionary[ServiceModel, _ErrorIndex] = weakref.WeakKeyDictionary()


def _error_index(service: ServiceModel) -> _ErrorIndex:
    idx = _error_indexes.get(service)
    if idx is None:
        by_name: dict[str, Shape] = {}
        by_legacy: dict[str, Shape] = {}
        legacy: dict[str, str] = {}
        quirks = facts_of(service).legacy_error_codes
        for shape in service.error_shapes:
            by_name[shape.name] = shape
            code = (shape.metadata.get("error") or {}).get("code") or quirks.get(shape.name)
            if code:
                legacy[shape.name] = code
                by_legacy.setdefault(code, shape)
        idx = _ErrorIndex(by_name, by_legacy, legacy)
        _error_indexes[service] = idx
    return idx


@dataclass(frozen=True)
class ErrorInfo:
    """How an :class:`AwsError` looks on the wire of a JSON-family service."""

    shape: Shape | None  # the modeled error shape, if any
    code: str  # the modern code (shape name, or the error's code)
    type: str  # the ``__type`` value
    status: int
    query_error: str | None  # ``x-amzn-query-error`` header value (query-compatible services)


def error_info(service: ServiceModel, error: AwsError, namespaced: bool = True) -> ErrorInfo:
    """Resolve ``error`` against the service's modeled errors.

    The error's ``code`` is a shape name (``QueueDoesNotExist``: the code of a
    :class:`~awsmock.engine.errors.ModeledError`) or a query-era code the service declared
    (``AWS.SimpleQueueService.NonExistentQueue``).
    """
    idx = _error_index(service)
    code = error.code
    shape = idx.by_name.get(code)
    legacy = None
    if shape is not None:
        legacy = idx.legacy.get(shape.name)
    else:
        shape = idx.by_legacy.get(code)
        if shape is not None:
            legacy = code
    name = shape.name if shape is not None else code
    status = error.status
    if shape is not None and "status" not in vars(error) and type(error).status == AwsError.status:
        status = (shape.metadata.get("error") or {}).get("httpStatusCode", status)
    ns = None
    if namespaced:
        ns = facts_of(service).json_type_namespace if shape is not None else _CORAL.get(code)
    query_error = None
    if service.metadata.get("awsQueryCompatible") is not None:
        fault = "Sender" if error.sender_fault else "Receiver"
        query_error = f"{legacy or code};{fault}"
    return ErrorInfo(shape, name, f"{ns}#{name}" if ns else name, status, query_error)


def error_body(codec: Codec, info: ErrorInfo, error: AwsError, body_only: bool = False) -> dict[str, Any]:
    """The error's members (modeled fields and the message) in wire form, without ``__type``."""
    body: dict[str, Any] = {}
    shape = info.shape
    message_key = "message"
    if shape is not None:
        members = shape.members
        if error.fields:
            body.update(codec.encoder(shape, body_only)(error.fields))
        for cand in ("message", "Message"):
            if cand in members:
                message_key = (
                    members[cand].serialization.get("name", cand) if codec.dialect.wire_names else cand
                )
                break
    if error.message is not None and message_key not in body:
        body[message_key] = error.message
    return body


def serialization_error(message: str) -> AwsError:
    return AwsError(message, code="SerializationException", status=400)


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def validate_params(service: ServiceModel, operation: OperationModel, params: dict[str, Any]) -> None:
    """Raise the service's validation error when ``params`` break the input shape."""
    shape = operation.input_shape
    if shape is None:
        return
    # Query-compatible services kept their query-era leniency about enum values (SQS accepts
    # message attribute names such as SentTimestamp in the deprecated ReceiveMessage
    # AttributeNames, whose model enum lists queue attribute names only).
    lenient = service.metadata.get("awsQueryCompatible") is not None
    violations = _validate(shape, params, enums=not lenient)
    if not violations:
        return
    if service.metadata.get("awsQueryCompatible") is not None:
        first = violations[0]
        if first.kind == "required":
            raise AwsError(
                f"The request must contain the parameter {first.member}.", code="MissingParameter", status=400
            )
        raise AwsError(validation_message(violations), code="InvalidParameterValue", status=400)
    raise AwsError(validation_message(violations), code="ValidationException", status=400)


def _validate(shape: Shape, params: dict[str, Any], *, enums: bool = True) -> list[Violation]:
    # types are checked while decoding (SerializationException); here: required, enums, ranges
    return shared_validate(shape, params, types=False, enums=enums)


# --------------------------------------------------------------------------------------------
# the protocol


def load_json_body(body: bytes) -> Any:
    """The parsed JSON body (``{}`` when empty); malformed input raises SerializationException."""
    if not body or body.isspace():
        return {}
    try:
        data = jsontext.guarded_loads(body.decode("utf-8"))
        # Reliability fix: "\ud800" (an unpaired surrogate escape) decodes to a str that cannot
        # be encoded again, and crashed handlers with a 500; refuse it here like invalid UTF-8.
        if b"\\u" in body:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        return data
    except UnicodeEncodeError as exc:
        raise serialization_error("The request body contains an unpaired surrogate escape") from exc
    except jsontext.JsonLimitExceeded as exc:
        if exc.limit == "size":
            raise AwsError("Request entity too large", code="RequestEntityTooLarge", status=413) from exc
        raise serialization_error("The request body is nested too deeply") from exc
    except UnicodeDecodeError as exc:
        raise serialization_error("The request body is not valid UTF-8") from exc
    except ValueError as exc:
        raise serialization_error("Could not parse the request body as JSON") from exc


def decode_input(codec: Codec, shape: Shape, data: Any, body_only: bool = False) -> Any:
    """``data`` decoded by ``shape``; wrong wire types raise SerializationException."""
    try:
        return codec.decoder(shape, body_only)(data)
    except WireTypeError as exc:
        where = exc.where()
        raise serialization_error(f"{exc.message}" + (f" (at '{where}')" if where else "")) from exc
    except RecursionError as exc:
        raise serialization_error("The request body is nested too deeply") from exc


_encode = jsontext.encoder(separators=(",", ":"))  # built once: json.dumps(**options) builds one per call


def _dumps(data: Any) -> bytes:
    return _encode(data).encode("utf-8")


class JsonProtocol(Protocol):
    name = "json"

    def matches(self, req: WireRequest, service: ServiceModel) -> bool:
        if "x-amz-target" not in req.headers:
            return False
        ctype = req.headers.get("content-type", "")
        return not ctype or ctype.startswith("application/x-amz-json") or ctype.startswith("application/json")

    def operation_name(self, req: WireRequest, service: ServiceModel) -> str | None:
        target = req.headers.get("x-amz-target")
        if not target:
            return None
        prefix, _, op = target.rpartition(".")
        if prefix != service.metadata.get("targetPrefix") or op not in operation_name_set(service):
            return None
        return op

    def parse(self, req: WireRequest, operation: OperationModel) -> dict[str, Any]:
        params = self.decode(req, operation)
        validate_params(operation.service_model, operation, params)
        return params

    def decode(self, req: WireRequest, operation: OperationModel) -> dict[str, Any]:
        """The params on the wire, before input validation."""
        shape = operation.input_shape
        try:
            body = req.rpc_body
        except BodyTooLarge as exc:
            raise AwsError("Request entity too large", code="RequestEntityTooLarge", status=413) from exc
        data = load_json_body(body)
        if type(data) is not dict:
            raise serialization_error("Start of structure or map expected")
        if shape is None:
            return {}
        return decode_input(JSON_CODEC, shape, data)

    def _content_type(self, service: ServiceModel) -> str:
        return f"application/x-amz-json-{service.metadata.get('jsonVersion', '1.0')}"

    def serialize(self, operation: OperationModel, result: dict[str, Any], request_id: str) -> WireResponse:
        shape = operation.output_shape
        stream_name = shape.event_stream_name if shape is not None else None
        if shape is not None and stream_name:
            rest = {k: v for k, v in result.items() if k != stream_name}
            ctype = self._content_type(operation.service_model)
            events = event_stream_body(
                JSON_CODEC,
                _dumps,
                shape.members[stream_name],
                result.get(stream_name),
                ctype,
                initial=_dumps(JSON_CODEC.encoder(shape)(rest)),
            )
            return WireResponse(
                200,
                {"Content-Type": "application/vnd.amazon.eventstream", "x-amzn-RequestId": request_id},
                events,
            )
        data = JSON_CODEC.encoder(shape)(result) if shape is not None else {}
        body = _dumps(data)
        service = operation.service_model
        headers = {"Content-Type": self._content_type(service), "x-amzn-RequestId": request_id}
        return WireResponse(200, _with_crc32(service, headers, body), body)

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: AwsError, request_id: str
    ) -> WireResponse:
        info = error_info(service, error)
        body = {"__type": info.type, **error_body(JSON_CODEC, info, error)}
        headers = {
            "Content-Type": self._content_type(service),
            "x-amzn-RequestId": request_id,
            **error.headers,
        }
        if info.query_error:
            headers["x-amzn-query-error"] = info.query_error
        data = _dumps(body)
        return WireResponse(info.status, _with_crc32(service, headers, data), data)
