"""Tags of alarms (and the other taggable resources CloudWatch keeps: insight rules), by ARN,
through the one tagging implementation: TagResource, UntagResource, ListTagsForResource, and
the Tags of PutMetricAlarm and PutCompositeAlarm."""

from __future__ import annotations

from typing import Any

from awsmock.engine import tagging
from awsmock.engine.context import RequestContext

from . import store
from .errors import InvalidParameterValueException, ResourceNotFoundException

MAX_TAGS = 50


def _error(rule: str, detail: dict[str, Any]) -> InvalidParameterValueException:
    return InvalidParameterValueException(
        tagging.worded(rule, detail, "A resource can have at most {limit} tags ({count} requested).")
    )


RULES = tagging.TagRules(error=_error, max_tags=MAX_TAGS, max_key=128, max_value=256)


def checked(value: Any) -> dict[str, str]:
    """A request's ``[{Key, Value}]`` as a dict (missing members are AWS's errors)."""
    out: dict[str, str] = {}
    for i, tag in enumerate(value or [], 1):
        if not isinstance(tag, dict) or not isinstance(tag.get("Key"), str):
            raise InvalidParameterValueException(f"The parameter Tags.member.{i}.Key is required.")
        if not isinstance(tag.get("Value"), str):
            raise InvalidParameterValueException(f"The parameter Tags.member.{i}.Value is required.")
        out[tag["Key"]] = tag["Value"]
    return out


def apply(ctx: RequestContext, arn: str, tags: dict[str, str]) -> None:
    if tags:
        tagging.tag(ctx, "cloudwatch", arn, tags, RULES)


def resource_arn(ctx: RequestContext, arn: str) -> str:
    row = None
    if isinstance(arn, str):
        row = store.ALARMS.by_arn(ctx, arn) or store.RULES.by_arn(ctx, arn)
    if row is None:
        raise ResourceNotFoundException("Unknown resource.")
    return row.arn


tagging.register_operations("cloudwatch", resource=resource_arn, rules=RULES)
