"""One parser+serializer per AWS wire protocol, all driven by botocore's models.

``get(name)`` returns the protocol object for a botocore protocol name.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from .base import Protocol

_MODULES = {
    "query": ("query", "QueryProtocol"),
    "ec2": ("ec2", "Ec2Protocol"),
    "json": ("json", "JsonProtocol"),
    "rest-json": ("rest_json", "RestJsonProtocol"),
    "rest-xml": ("rest_xml", "RestXmlProtocol"),
    "smithy-rpc-v2-cbor": ("cbor", "CborProtocol"),
}


@cache
def get(name: str) -> Protocol:
    module, cls = _MODULES[name]
    return getattr(import_module(f"{__name__}.{module}"), cls)()


__all__ = ["Protocol", "get"]
