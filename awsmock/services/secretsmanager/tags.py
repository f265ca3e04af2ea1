"""Secrets Manager's limits on tags (the tags themselves live in the shared tag table)."""

from __future__ import annotations

from typing import Any

from awsmock.engine import tagging
from awsmock.engine.errors import AwsError

from .errors import InvalidParameterException, missing


def _tag_error(rule: str, detail: dict[str, Any]) -> AwsError:
    if rule == tagging.TOO_MANY:
        return InvalidParameterException(f"A secret can have at most {detail['limit']} tags.")
    if rule == tagging.RESERVED:
        return InvalidParameterException(
            f"Invalid tag key {detail['key']!r}: tag keys that begin with 'aws:' are reserved for AWS use."
        )
    return InvalidParameterException(f"Invalid tag: {detail.get('key')!r}.")


#: 50 tags a secret, keys up to 128 characters, values up to 256, ``aws:`` keys reserved
TAG_RULES = tagging.TagRules(error=_tag_error, max_tags=50, max_key=128, max_value=256)


def from_request(tags: list[dict[str, Any]] | None) -> dict[str, str]:
    """The tags a request carries, as a mapping; a tag without a key is AWS's validation error
    (the model leaves ``Key`` optional; a missing ``Value`` is an empty one)."""
    out: dict[str, str] = {}
    for i, tag in enumerate(tags or []):
        key = tag.get("Key")
        if key is None:
            raise missing(f"tags.{i + 1}.member.key")
        out[key] = tag.get("Value") or ""
    return out
