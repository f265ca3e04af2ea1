"""Attribute-based access control for a general purpose bucket (Get/PutBucketAbac): while it is
enabled, the bucket's tags are the ``aws:ResourceTag/<key>`` condition keys of requests on it,
and its tags are managed through S3 Control's TagResource and UntagResource only
(PutBucketTagging and DeleteBucketTagging are refused)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.s3 import S3Bucket, S3BucketConfig

from . import tags
from .buckets import AnyBucket, get_bucket, get_config, set_config
from .errors import AccessDenied, MalformedXML, MissingRequestBody

STATUSES = ("Enabled", "Disabled")


def enabled(ctx: RequestContext, bucket: AnyBucket) -> bool:
    return ((get_config(ctx, bucket, "abac") or {}).get("Status")) == "Enabled"


def check_tagging_allowed(ctx: RequestContext, bucket: S3Bucket) -> None:
    """PutBucketTagging and DeleteBucketTagging no longer work once ABAC is enabled."""
    if enabled(ctx, bucket):
        raise AccessDenied()


def resource_tag_keys(ctx: RequestContext, bucket_name: str) -> dict[str, str]:
    """``aws:ResourceTag/<key>`` for each tag of ``bucket_name`` when its ABAC is enabled."""
    bucket = ctx.session.execute(select(S3Bucket).where(S3Bucket.name == bucket_name)).scalar_one_or_none()
    if bucket is None:
        return {}
    row = ctx.session.get(S3BucketConfig, (bucket.id, "abac"))
    if row is None or (row.value or {}).get("Status") != "Enabled":
        return {}
    return {f"aws:ResourceTag/{k}": v for k, v in tags.tags_of(ctx.session, bucket).items()}


@handler("s3", "PutBucketAbac")
def put_bucket_abac(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    doc = params.get("AbacStatus")
    if doc is None:
        raise MissingRequestBody()
    if doc.get("Status") not in STATUSES:
        raise MalformedXML()
    set_config(ctx, bucket, "abac", {"Status": doc["Status"]})
    return {}


@handler("s3", "GetBucketAbac")
def get_bucket_abac(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    return {"AbacStatus": {"Status": (get_config(ctx, bucket, "abac") or {}).get("Status", "Disabled")}}
