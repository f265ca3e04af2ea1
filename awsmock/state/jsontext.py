"""JSON text in and out with the C scanner and encoder built once.

``json.dumps``/``JSONEncoder.encode`` build a new C encoder on every call (nine arguments, a
markers dict) and ``json.loads`` goes through two Python layers before the C scanner; on the
hot paths (an S3 object's info, a DynamoDB item, every JSON protocol answer) that setup costs
more than encoding a small document. These give the same text and values.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json import encoder as _encoder
from typing import Any


def encoder(
    *,
    separators: tuple[str, str] = (", ", ": "),
    ensure_ascii: bool = True,
    default: Callable[[Any], Any] | None = None,
) -> Callable[[Any], str]:
    """What ``json.JSONEncoder(separators=…, ensure_ascii=…, default=…).encode`` gives, with
    its C encoder built once. No circular-reference check: a cyclic value (never one of ours)
    raises RecursionError rather than ValueError."""
    reference = json.JSONEncoder(separators=separators, ensure_ascii=ensure_ascii, default=default)
    make = getattr(_encoder, "c_make_encoder", None)
    if make is None:  # a Python without the C accelerator
        return reference.encode
    strings = _encoder.encode_basestring_ascii if ensure_ascii else _encoder.encode_basestring
    item_separator, key_separator = separators
    encode = make(None, reference.default, strings, None, key_separator, item_separator, False, False, True)

    def dumps(value: Any) -> str:
        return "".join(encode(value, 0))

    return dumps


_DECODER = json.JSONDecoder()
_scan = _DECODER.scan_once  # type: ignore[attr-defined]


def loads(text: str) -> Any:
    """``json.loads(text)`` for a str; a document with nothing around it (as an encoder wrote
    it) goes straight to the C scanner."""
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        end = -1
    return value if end == len(text) else _DECODER.decode(text)  # the rest: as loads does it
