"""Tags of groups and sampling rules: TagResource, UntagResource, ListTagsForResource by ARN,
and the Tags of CreateGroup and CreateSamplingRule, kept by the one tagging implementation."""

from __future__ import annotations

from typing import Any

from awsmock.engine import tagging
from awsmock.engine.context import RequestContext

from .errors import InvalidRequestException, ResourceNotFoundException, TooManyTagsException
from .lookup import GROUP_ARN, GROUPS, RULE_ARN, RULES

MAX_TAGS = 50


def _error(rule: str, detail: dict[str, Any]) -> InvalidRequestException | TooManyTagsException:
    if rule == tagging.TOO_MANY:
        return TooManyTagsException(
            f"Exceeded the maximum number of tags: a resource can have at most {detail['limit']} tags."
        )
    return InvalidRequestException(tagging.worded(rule, detail, ""))


RULES_OF_TAGS = tagging.TagRules(error=_error, max_tags=MAX_TAGS, max_key=128, max_value=256)


def check_tags(tags: Any) -> None:
    """The tags a create brings, checked before anything is made."""
    if tags and len(tags) > MAX_TAGS:
        raise _error(tagging.TOO_MANY, {"limit": MAX_TAGS, "count": len(tags)})


def apply(ctx: RequestContext, arn: str, tags: Any) -> None:
    if tags:
        tagging.tag(ctx, "xray", arn, {str(t["Key"]): str(t.get("Value", "")) for t in tags}, RULES_OF_TAGS)


def resource_arn(ctx: RequestContext, arn: str) -> str:
    """The ARN of an existing group or sampling rule (ResourceNotFoundException otherwise)."""
    kind = GROUPS if GROUP_ARN.fullmatch(arn) else RULES if RULE_ARN.fullmatch(arn) else None
    row = kind.by_arn(ctx, arn) if kind is not None else None
    if row is None or row.account_id != ctx.account_id or row.region != ctx.region:
        raise ResourceNotFoundException(f"Resource {arn} not found.", ResourceName=arn)
    return row.arn


tagging.register_operations("xray", resource=resource_arn, rules=RULES_OF_TAGS)
