"""Tags of KMS keys (TagResource, UntagResource, ListResourceTags; CreateKey's and ReplicateKey's
``Tags``), kept by the one tagging implementation under the key's ARN."""

from __future__ import annotations

from typing import Any

from awsmock.engine import pager, tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from .errors import InvalidMarkerException, TagException
from .lookup import Key, require_customer_managed, require_manageable, resolve


def _error(rule: str, detail: dict[str, Any]) -> TagException:
    return TagException(tagging.worded(rule, detail, "Tag limit exceeded: a KMS key can have at most {limit} tags."))


RULES = tagging.TagRules(error=_error, max_tags=50, max_key=128, max_value=256)


def read(wire: list[dict[str, str]] | None) -> dict[str, str]:
    tags: dict[str, str] = {}
    for item in wire or []:
        key = item["TagKey"]
        if key in tags:
            raise TagException(f"Duplicate tag keys: {key}")
        tags[key] = item["TagValue"]
    return tags


def write(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"TagKey": k, "TagValue": v} for k, v in tags.items()]


def apply(ctx: RequestContext, key: Key | str, tags: dict[str, str]) -> None:
    arn = key if isinstance(key, str) else key.arn
    if tags:
        tagging.tag(ctx, "kms", arn, tags, RULES)


@handler("kms", "TagResource")
def tag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"])
    require_customer_managed(ctx, key)
    require_manageable(key)
    apply(ctx, key, read(params["Tags"]))
    return {}


@handler("kms", "UntagResource")
def untag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"])
    require_customer_managed(ctx, key)
    require_manageable(key)
    tagging.untag(ctx, key.arn, params["TagKeys"])
    return {}


@handler("kms", "ListResourceTags")
def list_resource_tags(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"])
    items = sorted(tagging.tags_of(ctx.session, key.arn).items())
    page = pager.page_list(
        items,
        key=lambda kv: kv[0],
        limit=params.get("Limit") or 50,
        token=params.get("Marker"),
        scope=f"ListResourceTags:{key.arn}",
        invalid=lambda _token: InvalidMarkerException(),
    )
    out: dict[str, Any] = {"Tags": write(dict(page.rows)), "Truncated": page.token is not None}
    if page.token:
        out["NextMarker"] = page.token
    return out
