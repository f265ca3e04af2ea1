"""Tags of log groups and destinations, kept by the one tagging implementation under the
resource's ARN (a log group's without the trailing ``:*``): TagResource, UntagResource and
ListTagsForResource by ARN, and the older TagLogGroup, UntagLogGroup and ListTagsLogGroup by
group name."""

from __future__ import annotations

from typing import Any

from awsmock.engine import tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from .errors import InvalidParameterException, ResourceNotFoundException, TooManyTagsException
from .lookup import (
    DELIVERIES,
    DELIVERY_DESTINATIONS,
    DELIVERY_SOURCES,
    DESTINATIONS,
    GROUPS,
    group,
    name_of_identifier,
)


def _error(rule: str, detail: dict[str, Any]) -> Exception:
    if rule == tagging.TOO_MANY:
        return TooManyTagsException(
            f"A resource can have no more than {detail['limit']} tags.", resourceName=detail.get("arn")
        )
    return InvalidParameterException(
        tagging.worded(rule, detail, "A resource can have no more than {limit} tags.")
    )


RULES = tagging.TagRules(error=_error, max_tags=50, max_key=128, max_value=256)  # type: ignore[arg-type]


def apply(ctx: RequestContext, arn: str, tags: Any) -> None:
    if tags:
        tagging.tag(ctx, "logs", arn, {str(k): str(v) for k, v in tags.items()}, RULES)


def resource_arn(ctx: RequestContext, arn: str) -> str:
    """The stored ARN of the log group or destination ``arn`` names (ResourceNotFoundException)."""
    parts = arn.split(":")
    if len(parts) >= 7 and parts[0] == "arn" and parts[2] == "logs":
        if parts[5] == "log-group":
            name, account = name_of_identifier(ctx, arn)
            if (account in (None, ctx.account_id)) and GROUPS.find(ctx, name) is not None:
                return GROUPS.get(ctx, name).arn
        elif parts[5] == "destination":
            row = DESTINATIONS.find(ctx, ":".join(parts[6:]))
            if row is not None and parts[4] == ctx.account_id:
                return row.arn
        elif parts[5] in ("delivery-source", "delivery-destination", "delivery"):
            kind = {"delivery-source": DELIVERY_SOURCES, "delivery-destination": DELIVERY_DESTINATIONS}.get(
                parts[5], DELIVERIES
            )
            row = kind.by_arn(ctx, arn)
            if row is not None and row.account_id == ctx.account_id:
                return row.arn
        raise ResourceNotFoundException(f"The specified resource does not exist: {arn}")
    raise InvalidParameterException(f"Invalid resource ARN: {arn}")


tagging.register_operations("logs", resource=resource_arn, rules=RULES)


@handler("logs", "TagLogGroup")
def tag_log_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    apply(ctx, group(ctx, params["logGroupName"]).arn, params["tags"])
    return {}


@handler("logs", "UntagLogGroup")
def untag_log_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    tagging.untag(ctx, group(ctx, params["logGroupName"]).arn, params["tags"])
    return {}


@handler("logs", "ListTagsLogGroup")
def list_tags_log_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"tags": tagging.tags_of(ctx.session, group(ctx, params["logGroupName"]).arn)}
