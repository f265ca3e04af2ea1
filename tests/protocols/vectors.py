"""Loading the AWS protocol test vectors (/work/shared/protocol-tests, copied next to the repo
checkout or pointed to by ``AWSMOCK_PROTOCOL_TESTS``) and normalising values for comparison.

Shared by the JSON-family and XML-family vector tests.
"""

from __future__ import annotations

import base64
import io
import json
import math
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from botocore.model import ServiceModel, Shape

from awsmock.api.wire import WireRequest

_CANDIDATES = [
    os.environ.get("AWSMOCK_PROTOCOL_TESTS", ""),
    str(Path(__file__).resolve().parents[3] / "shared" / "protocol-tests"),  # shared/ beside the repo
    "/work/shared/protocol-tests",
]
VECTORS = next((Path(p) for p in _CANDIDATES if p and Path(p, "input").is_dir()), None)


def ignore_list() -> dict[str, Any]:
    assert VECTORS is not None
    return json.loads((VECTORS / "protocol-tests-ignore-list.json").read_text())


def cases(direction: str, filename: str) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """``(suite, case)`` for every case of ``<direction>/<filename>``."""
    if VECTORS is None:
        return
    for suite in json.loads((VECTORS / direction / filename).read_text()):
        for case in suite["cases"]:
            yield suite, case


def service_model(suite: dict[str, Any], case: dict[str, Any]) -> ServiceModel:
    given = dict(case["given"])
    model = {
        "metadata": suite["metadata"],
        "shapes": suite["shapes"],
        "operations": {given["name"]: given},
        "documentation": "",
    }
    return ServiceModel(model, service_name="protocoltest")


def wire_request(serialized: dict[str, Any], cbor: bool = False) -> WireRequest:
    """A :class:`WireRequest` from a vector's ``serialized`` request."""
    uri = urlsplit(serialized.get("uri", "/"))
    body = serialized.get("body", "")
    if cbor:
        raw = base64.b64decode(body) if body else b""
    else:
        raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    headers = {k.lower(): v for k, v in serialized.get("headers", {}).items()}
    return WireRequest(
        method=serialized.get("method", "POST"),
        path=uri.path or "/",
        query_string=uri.query,
        headers=headers,
        stream=io.BytesIO(raw),
        content_length=len(raw),
        host=serialized.get("host", "localhost"),
    )


def normalize(value: Any, shape: Shape | None) -> Any:
    """A comparable form: datetimes -> epoch float, bytes -> text, floats (NaN-safe), file-likes
    read, header-map keys lower-cased, sets/lists as lists."""
    if value is None:
        return None
    if hasattr(value, "read"):
        value = value.read()
    if isinstance(value, datetime):
        dt = value if value.tzinfo else value.replace(tzinfo=UTC)
        return round(dt.timestamp(), 3)
    if isinstance(value, bytes | bytearray):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(value).decode()
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if shape is None:
        if isinstance(value, dict):
            return {k: normalize(v, None) for k, v in value.items()}
        if isinstance(value, list):
            return [normalize(v, None) for v in value]
        return value
    t = shape.type_name
    if t == "timestamp" and isinstance(value, int | float | str):
        if isinstance(value, str):
            from awsmock.api.protocols.rest import parse_timestamp

            return round(parse_timestamp(value).timestamp(), 3)
        return round(float(value), 3)
    if t in ("float", "double") and isinstance(value, int | str):
        return normalize(
            float(value.replace("Infinity", "inf")) if isinstance(value, str) else float(value), None
        )
    if t == "structure" and isinstance(value, dict):
        if getattr(shape, "is_document_type", False):
            return value
        out = {}
        for k, v in value.items():
            member = shape.members.get(k)
            if v is None:
                continue
            nv = normalize(v, member)
            if (
                member is not None
                and member.serialization.get("location") == "headers"
                and isinstance(nv, dict)
            ):
                nv = {str(hk).lower(): hv for hk, hv in nv.items()}
            out[k] = nv
        return out
    if t == "list" and isinstance(value, list | tuple):
        return [normalize(v, shape.member) for v in value]
    if t == "map" and isinstance(value, dict):
        return {k: normalize(v, shape.value) for k, v in value.items()}
    return value


def to_handler_values(value: Any, shape: Shape | None) -> Any:
    """A vector's ``result`` as a handler returns it: epoch numbers -> datetimes, blob text -> bytes."""
    if value is None or shape is None:
        return value
    t = shape.type_name
    if t == "timestamp":
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value, UTC)
        return value
    if t == "blob":
        return value.encode("utf-8") if isinstance(value, str) else value
    if t in ("float", "double") and isinstance(value, str):
        return float(value.replace("Infinity", "inf"))
    if t == "structure" and isinstance(value, dict):
        if getattr(shape, "is_document_type", False):
            return value
        return {k: to_handler_values(v, shape.members.get(k)) for k, v in value.items()}
    if t == "list" and isinstance(value, list):
        return [to_handler_values(v, shape.member) for v in value]
    if t == "map" and isinstance(value, dict):
        return {k: to_handler_values(v, shape.value) for k, v in value.items()}
    return value
