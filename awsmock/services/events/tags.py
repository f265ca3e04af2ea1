"""Tags of buses, rules and the other EventBridge resources, through the shared tagging."""

from __future__ import annotations

from typing import Any

from awsmock.engine import tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError

from .errors import ResourceNotFoundException, validation
from .store import DEFAULT, find_by_arn


def _error(rule: str, detail: dict[str, Any]) -> AwsError:
    return validation(tagging.worded(rule, detail, "Tag limit exceeded: {count} tags, at most {limit}."))


RULES = tagging.TagRules(error=_error)


def read_tags(given: Any) -> dict[str, str]:
    """A ``[{Key, Value}]`` list as a mapping (ValidationException for a malformed one)."""
    if not given:
        return {}
    out: dict[str, str] = {}
    for item in given:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("Key"), str)
            or not isinstance(item.get("Value"), str)
        ):
            raise validation("Tags must be a list of Key and Value pairs.")
        out[item["Key"]] = item["Value"]
    return out


def resource_arn(ctx: RequestContext, arn: Any) -> str:
    if isinstance(arn, str) and find_by_arn(ctx, arn) is not None:
        return arn
    if isinstance(arn, str) and arn == ctx.arn("events", f"event-bus/{DEFAULT}"):
        return arn
    name = arn.rsplit("/", 1)[-1] if isinstance(arn, str) else arn
    raise ResourceNotFoundException(f"Resource {name} does not exist.")


tagging.register_operations("events", resource=resource_arn, rules=RULES)
