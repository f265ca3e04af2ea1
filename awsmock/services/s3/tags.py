"""A bucket's tags: kept by the one tagging implementation (:mod:`awsmock.engine.tagging`), in
the shared tag table under the bucket's ARN, with S3's limits and S3's words for each broken rule.
PutBucketTagging replaces the whole set (:func:`put_tags`), GetBucketTagging answers
NoSuchTagSet when there is none (:func:`tag_set`), DeleteBucketTagging and DeleteBucket forget
them (:func:`drop_tags`); CreateBucket may bring a first set.

(An object's tags are S3 data, kept per object version in ``s3_object``: not here.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from awsmock.engine import arns, tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.models.s3 import S3Bucket

from .errors import InvalidTag, not_found

SERVICE = "s3"
#: the most tags a bucket carries
MAX_TAGS = 50


def bucket_arn(name: str, region: str) -> str:
    """The ARN a bucket's tags are kept under: ``arn:<partition>:s3:::<bucket>``, in the
    partition of the bucket's own region (so it does not depend on where a request came from)."""
    return arns.build(SERVICE, name, partition=arns.partition_of(region))


def _refusal(rule: str, detail: dict[str, Any]) -> AwsError:
    """S3's answer to a tag set that breaks ``rule`` (the engine's rules, S3's words)."""
    if rule == tagging.TOO_MANY:
        return InvalidTag(f"Bucket tag count cannot be greater than {detail['limit']}")
    if rule == tagging.KEY_TOO_LONG:
        return InvalidTag(
            f"The TagKey you have provided is too long, max {detail['limit']}", TagKey=detail["key"]
        )
    if rule == tagging.VALUE_TOO_LONG:
        return InvalidTag(
            f"The TagValue you have provided is too long, max {detail['limit']}", TagKey=detail["key"]
        )
    if rule == tagging.RESERVED:
        return InvalidTag("System tags cannot be added/updated by requester")
    # an empty key: S3's model (and its API reference) gives a tag key one character at least
    return InvalidTag("The TagKey you have provided is invalid")


RULES = tagging.TagRules(
    error=_refusal, max_tags=MAX_TAGS, max_key=128, max_value=256, reserved_prefix="aws:"
)


def _checked(tag_set: list[dict[str, Any]]) -> dict[str, str]:
    """The set a request gives (``[{Key, Value}]``) as a dict, after the checks S3 makes on the
    list itself, before any tag's own: no key twice, at most :data:`MAX_TAGS`."""
    keys = [t.get("Key") for t in tag_set]
    if len(keys) != len(set(keys)):
        raise InvalidTag("Cannot provide multiple Tags with the same key", TagKey=keys[0])
    if len(tag_set) > RULES.max_tags:
        raise RULES.error(tagging.TOO_MANY, {"limit": RULES.max_tags, "count": len(tag_set)})
    return {str(t.get("Key", "")): str(t.get("Value", "")) for t in tag_set}


def put_tags(ctx: RequestContext, bucket: S3Bucket, tag_set: list[dict[str, Any]]) -> None:
    """Give ``bucket`` exactly ``tag_set`` (an empty set leaves it none)."""
    tagging.replace(ctx, SERVICE, bucket_arn(bucket.name, bucket.region), _checked(tag_set), RULES)


def drop_tags(session: Session, bucket: S3Bucket) -> None:
    """Forget the bucket's tags (DeleteBucketTagging; the bucket is gone)."""
    tagging.drop(session, bucket_arn(bucket.name, bucket.region))


def tags_of(session: Session, bucket: S3Bucket) -> dict[str, str]:
    """The bucket's tags, by key."""
    return tagging.tags_of(session, bucket_arn(bucket.name, bucket.region))


def tag_set(session: Session, bucket: S3Bucket) -> list[dict[str, str]]:
    """GetBucketTagging's ``TagSet`` (by key); NoSuchTagSet when the bucket has no tags."""
    tags = tags_of(session, bucket)
    if not tags:
        raise not_found("NoSuchTagSet", "The TagSet does not exist", BucketName=bucket.name)
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def tags_of_buckets(session: Session, buckets: Iterable[S3Bucket]) -> dict[int, dict[str, str]]:
    """The tags of each of ``buckets``, by bucket id (buckets without tags are left out)."""
    by_arn = {bucket_arn(b.name, b.region): b.id for b in buckets}
    return {by_arn[arn]: tags for arn, tags in tagging.tags_of_many(session, by_arn).items()}
