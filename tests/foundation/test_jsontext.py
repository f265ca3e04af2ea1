"""awsmock.state.jsontext gives the text and values of the json module it stands in for."""

from __future__ import annotations

import base64
import json
import math
from typing import Any

import pytest

from awsmock.state import jsontext

VALUES: list[Any] = [
    {},
    [],
    None,
    True,
    0,
    -17,
    2**70,
    1.5,
    -0.0,
    1e16,
    1e-7,
    float("inf"),
    float("-inf"),
    "",
    "plain",
    'quote " backslash \\ newline \n tab \t',
    "caf\u00e9 \u2713 \U0001f600 \x00 \x1f",
    {"a": [1, "\u00e9", None, 2.5, True], "b": {"c": "d"}, "": []},
    {1: "int key", 2.5: "float key", None: "none key", False: "bool key"},
    ("a", "tuple"),
    [[[[{"deep": [1, [2, [3]]]}]]]],
]

OPTIONS: list[dict[str, Any]] = [
    {},
    {"separators": (",", ":")},
    {"separators": (",", ":"), "ensure_ascii": False},
]


@pytest.mark.parametrize("options", OPTIONS)
def test_encoder_writes_what_json_dumps_writes(options: dict[str, Any]) -> None:
    dumps = jsontext.encoder(**options)
    for value in VALUES:
        assert dumps(value) == json.dumps(value, **options), value


def test_encoder_default_hook_and_refusals() -> None:
    def blob(value: Any) -> Any:
        if isinstance(value, bytes):
            return base64.b64encode(value).decode()
        raise TypeError(f"not JSON: {value!r}")

    dumps = jsontext.encoder(separators=(",", ":"), default=blob)
    assert dumps({"B": b"\x00\x01"}) == json.dumps({"B": b"\x00\x01"}, separators=(",", ":"), default=blob)
    with pytest.raises(TypeError):
        dumps({"x": object()})
    with pytest.raises(TypeError):
        jsontext.encoder()({"x": b"bytes"})
    assert jsontext.encoder()(float("nan")) == "NaN" == json.dumps(math.nan)


def test_loads_reads_what_json_loads_reads() -> None:
    for value in VALUES:
        for text in (json.dumps(value), " " + json.dumps(value) + "\n", json.dumps(value, indent=2)):
            assert jsontext.loads(text) == json.loads(text), text
    for bad in ("", " ", "{", '{"a": 1} x', "[1,]", "nul", "1 2"):
        with pytest.raises(json.JSONDecodeError):
            jsontext.loads(bad)
