"""Tags of streams and consumers: AddTagsToStream, RemoveTagsFromStream, ListTagsForStream (by
stream name or ARN) and the newer TagResource, UntagResource, ListTagsForResource (by ARN), kept by
the one tagging implementation under the resource's ARN."""

from __future__ import annotations

from typing import Any

from awsmock.engine import tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from .errors import InvalidArgumentException
from .lookup import CONSUMER_ARN, CONSUMERS, STREAM_ARN, resolve

#: tags per stream or consumer
MAX_TAGS = 50


def _error(rule: str, detail: dict[str, Any]) -> InvalidArgumentException:
    return InvalidArgumentException(
        tagging.worded(rule, detail, "Failed to add tags: a resource can have at most {limit} tags ({count} requested).")
    )


RULES = tagging.TagRules(error=_error, max_tags=MAX_TAGS, max_key=128, max_value=256)


def apply(ctx: RequestContext, arn: str, tags: Any) -> None:
    if tags:
        tagging.tag(ctx, "kinesis", arn, {str(k): str(v) for k, v in tags.items()}, RULES)


def resource_arn(ctx: RequestContext, arn: str) -> str:
    """The ARN of an existing stream or consumer (ResourceNotFoundException otherwise)."""
    if CONSUMER_ARN.fullmatch(arn):
        row = CONSUMERS.by_arn(ctx, arn)
        if row is None:
            raise CONSUMERS.not_found(arn)
        return row.arn
    if STREAM_ARN.fullmatch(arn):
        return resolve(ctx, {"StreamARN": arn}).arn
    raise InvalidArgumentException(f"Invalid ResourceARN: {arn}.")


@handler("kinesis", "AddTagsToStream")
def add_tags_to_stream(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve(ctx, params)
    tags = params.get("Tags") or {}
    if len(tags) > 10:
        raise InvalidArgumentException("Failed to add tags: at most 10 tags can be added in one request.")
    apply(ctx, stream.arn, tags)
    return {}


@handler("kinesis", "RemoveTagsFromStream")
def remove_tags_from_stream(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve(ctx, params)
    tagging.untag(ctx, stream.arn, [str(k) for k in params.get("TagKeys") or []])
    return {}


@handler("kinesis", "ListTagsForStream")
def list_tags_for_stream(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    stream = resolve(ctx, params)
    limit = params.get("Limit") or 50
    after = params.get("ExclusiveStartTagKey")
    items = sorted(tagging.tags_of(ctx.session, stream.arn).items())
    if after is not None:
        items = [kv for kv in items if kv[0] > after]
    page = items[:limit]
    return {
        "Tags": [{"Key": k, "Value": v} for k, v in page],
        "HasMoreTags": len(items) > limit,
    }


tagging.register_operations("kinesis", resource=resource_arn, rules=RULES)
