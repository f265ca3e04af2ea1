"""What a target receives: the whole event, its ``Input`` (constant JSON), the part of the event
its ``InputPath`` selects, or its ``InputTransformer``'s template filled from the event."""

from __future__ import annotations

import json
import re
from typing import Any

from awsmock.state import jsontext

from .errors import validation

_PATH = re.compile(r"^\$(?:\.[^.\[\]]+|\[\d+\])*$")
_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")
_VARIABLE = re.compile(r"<([A-Za-z0-9_.\-]+)>")
_MISSING = object()
MAX_PATHS = 100


def check_path(path: Any, member: str = "InputPath") -> str:
    if not isinstance(path, str) or len(path) > 256 or not _PATH.match(path):
        raise validation(f"{member} is not valid JSON path expression.")
    return path


def select(event: Any, path: str) -> Any:
    """The value at ``path`` (``$.detail.a``, ``$.resources[0]``), or the missing marker."""
    value = event
    for name, index in _STEP.findall(path[1:]):
        if name:
            value = value.get(name, _MISSING) if isinstance(value, dict) else _MISSING
        else:
            i = int(index)
            value = value[i] if isinstance(value, list) and i < len(value) else _MISSING
        if value is _MISSING:
            return _MISSING
    return value


def found(value: Any) -> bool:
    """Whether :func:`select` found something."""
    return value is not _MISSING


def check_target(target: dict[str, Any]) -> None:
    """ValidationException for a target whose input settings EventBridge refuses."""
    given = [k for k in ("Input", "InputPath", "InputTransformer") if target.get(k) is not None]
    if len(given) > 1:
        raise validation("Only one of Input, InputPath, or InputTransformer must be provided.")
    if target.get("Input") is not None:
        try:
            jsontext.guarded_loads(target["Input"], max_depth=64, max_size=8192)
        except ValueError:
            raise validation("Input is not a valid JSON text.") from None
    if target.get("InputPath") is not None:
        check_path(target["InputPath"])
    transformer = target.get("InputTransformer")
    if transformer is not None:
        paths = transformer.get("InputPathsMap") or {}
        if len(paths) > MAX_PATHS:
            raise validation("InputPathsMap has more than 100 entries.")
        for key, path in paths.items():
            if not re.fullmatch(r"[A-Za-z0-9_\-]+", key) or key.startswith("aws."):
                raise validation(f"InputTransformer key {key} is not valid.")
            check_path(path, "InputPathsMap")
        template = transformer.get("InputTemplate")
        if not isinstance(template, str) or not template:
            raise validation("InputTemplate must be specified.")


def _inside_quotes(template: str, position: int) -> bool:
    """Whether ``position`` lies inside a JSON string of the template."""
    quoted = False
    i = 0
    while i < position:
        ch = template[i]
        if ch == "\\" and quoted:
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        i += 1
    return quoted


def render(target: dict[str, Any], event: dict[str, Any], rule_name: str, rule_arn: str) -> str:
    """The text the target receives for ``event``."""
    if target.get("Input") is not None:
        return str(target["Input"])
    if target.get("InputPath") is not None:
        value = select(event, target["InputPath"])
        return "null" if value is _MISSING else json.dumps(value, separators=(",", ":"))
    transformer = target.get("InputTransformer")
    if transformer is None:
        return json.dumps(event, separators=(",", ":"))
    values: dict[str, Any] = {
        key: select(event, path) for key, path in (transformer.get("InputPathsMap") or {}).items()
    }
    values["aws.events.rule-arn"] = rule_arn
    values["aws.events.rule-name"] = rule_name
    values["aws.events.event.ingestion-time"] = event.get("time")
    values["aws.events.event"] = event
    values["aws.events.event.json"] = event
    template: str = transformer["InputTemplate"]

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        value = values[name]
        if _inside_quotes(template, match.start()):
            if value is _MISSING or value is None:
                return ""
            if isinstance(value, str):
                return json.dumps(value)[1:-1]
            return json.dumps(value, separators=(",", ":")).replace('"', '\\"')
        if value is _MISSING:
            return "null"
        return json.dumps(value, separators=(",", ":"))

    return _VARIABLE.sub(fill, template)
