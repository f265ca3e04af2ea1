"""The MD5 digests SQS returns: of the body, and of message (system) attributes in AWS's
documented binary encoding (per attribute, sorted by name: length-prefixed name, data type,
one transport-type byte, length-prefixed value)."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping
from typing import Any

STRING, BINARY, STRING_LIST, BINARY_LIST = 1, 2, 3, 4


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def md5_of_body(body: str) -> str:
    return md5_hex(body.encode("utf-8"))


def _lp(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)


def md5_of_attributes(attributes: Mapping[str, Mapping[str, Any]] | None) -> str | None:
    """The digest of message attributes (``{name: {"DataType", "StringValue"|"BinaryValue"...}}``),
    None when there are none."""
    if not attributes:
        return None
    out = bytearray()
    for name in sorted(attributes):
        attr = attributes[name]
        out += _lp(name.encode("utf-8"))
        out += _lp(str(attr["DataType"]).encode("utf-8"))
        if attr.get("StringValue") is not None:
            out += bytes([STRING]) + _lp(_as_bytes(attr["StringValue"]))
        elif attr.get("BinaryValue") is not None:
            out += bytes([BINARY]) + _lp(_as_bytes(attr["BinaryValue"]))
        elif attr.get("StringListValues"):
            out += bytes([STRING_LIST])
            for item in attr["StringListValues"]:
                out += _lp(_as_bytes(item))
        elif attr.get("BinaryListValues"):
            out += bytes([BINARY_LIST])
            for item in attr["BinaryListValues"]:
                out += _lp(_as_bytes(item))
    return md5_hex(bytes(out))
