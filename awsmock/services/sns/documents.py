"""JSON a client sends inside SNS's fields (policies, delivery policies, filter policies,
message structures), read with the guarded reader."""

from __future__ import annotations

from typing import Any

from awsmock.state import jsontext


def load(text: Any) -> Any:
    """The parsed JSON ``text``; ValueError when it is not JSON (or is too deep or large)."""
    if not isinstance(text, str):
        raise ValueError("not text")
    return jsontext.guarded_loads(text, max_depth=64, max_size=256 * 1024)


def load_object(text: Any) -> dict[str, Any]:
    value = load(text)
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value
