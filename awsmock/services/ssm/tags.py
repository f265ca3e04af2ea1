"""SSM's tag rules and how its requests spell tags (``[{"Key", "Value"}]``), for the one tagging
implementation; the tagging operations are in :mod:`.resource_tags`."""

from __future__ import annotations

from typing import Any

from awsmock.engine import tagging

from .errors import TooManyTagsError, ValidationException

MAX_TAGS = 50


def _error(rule: str, detail: dict[str, Any]) -> Exception:
    if rule == tagging.TOO_MANY:
        return TooManyTagsError()
    if rule == tagging.RESERVED:
        return ValidationException(f"Tag key '{detail['key']}' can't start with the reserved prefix aws:")
    if rule == tagging.KEY_TOO_LONG:
        return ValidationException(
            f"1 validation error detected: Value '{detail['key']}' at 'tags.member.key' failed to satisfy "
            f"constraint: Member must have length less than or equal to {detail['limit']}"
        )
    if rule == tagging.VALUE_TOO_LONG:
        return ValidationException(
            f"1 validation error detected: Value '{detail['value']}' at 'tags.member.value' failed to "
            f"satisfy constraint: Member must have length less than or equal to {detail['limit']}"
        )
    return ValidationException(
        "1 validation error detected: Value '' at 'tags.member.key' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )


RULES = tagging.TagRules(error=_error, max_tags=MAX_TAGS, max_key=128, max_value=256)  # type: ignore[arg-type]


def read(wire: list[dict[str, Any]] | None) -> dict[str, str]:
    """The tags of a request's ``Tags`` (a key given twice: the last value)."""
    out: dict[str, str] = {}
    for item in wire or []:
        if not isinstance(item, dict) or not isinstance(item.get("Key"), str):
            raise ValidationException("Tag keys must be strings.")
        value = item.get("Value")
        out[item["Key"]] = value if isinstance(value, str) else ""
    if len(out) > MAX_TAGS:
        raise TooManyTagsError()
    return out


def write(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
