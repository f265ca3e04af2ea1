"""The deprecated bucket operations S3 still answers: ``Get/PutBucketNotification`` (one queue,
topic and function configuration each) and ``Get/PutBucketLifecycle`` (rules selected by a bare
``Prefix``, one ``Transition`` each).

They share their successors' URLs (``?notification``, ``?lifecycle``), so on the wire S3 cannot
tell them apart: a request serialized for either reaches the same configuration. These handlers
serve an SDK that names the old operation, mapping the old document shapes onto the
configuration ``notifications`` and ``config`` keep, with the same checks."""

from __future__ import annotations

from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from .buckets import get_bucket, get_config
from .config import missing_lifecycle, put_lifecycle
from .errors import MissingRequestBody
from .notifications import get_bucket_notification_configuration, put_bucket_notification_configuration

#: (old member, new list member, old ARN member, new ARN member)
_NOTIFICATION_KINDS = (
    ("QueueConfiguration", "QueueConfigurations", "Queue", "QueueArn"),
    ("TopicConfiguration", "TopicConfigurations", "Topic", "TopicArn"),
    ("CloudFunctionConfiguration", "LambdaFunctionConfigurations", "CloudFunction", "LambdaFunctionArn"),
)


@handler("s3", "PutBucketNotification")
def put_bucket_notification(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    old = params.get("NotificationConfiguration")
    if old is None:
        raise MissingRequestBody()
    new: dict[str, Any] = {}
    for old_member, new_member, old_arn, new_arn in _NOTIFICATION_KINDS:
        config = old.get(old_member)
        if not config:
            continue
        events = list(config.get("Events") or [])
        if config.get("Event") and config["Event"] not in events:
            events.append(config["Event"])
        entry: dict[str, Any] = {new_arn: config.get(old_arn) or "", "Events": events}
        if config.get("Id"):
            entry["Id"] = config["Id"]
        new[new_member] = [entry]
    return put_bucket_notification_configuration(
        ctx, {"Bucket": params["Bucket"], "NotificationConfiguration": new}
    )


@handler("s3", "GetBucketNotification")
def get_bucket_notification(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    doc = get_bucket_notification_configuration(ctx, {"Bucket": params["Bucket"]})
    out: dict[str, Any] = {}
    for old_member, new_member, old_arn, new_arn in _NOTIFICATION_KINDS:
        configs = doc.get(new_member) or []
        if not configs:
            continue
        first = configs[0]
        # (Event and Events are the same <Event> elements on the wire: Events carries them)
        out[old_member] = {
            "Id": first.get("Id"),
            "Events": list(first.get("Events") or []),
            old_arn: first[new_arn],
        }
    return out


@handler("s3", "PutBucketLifecycle")
def put_bucket_lifecycle(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    old = params.get("LifecycleConfiguration")
    if old is None:
        raise MissingRequestBody()
    rules = []
    for rule in old.get("Rules") or []:
        new = {k: v for k, v in rule.items() if k not in ("Transition", "NoncurrentVersionTransition")}
        if rule.get("Transition"):
            new["Transitions"] = [rule["Transition"]]
        if rule.get("NoncurrentVersionTransition"):
            new["NoncurrentVersionTransitions"] = [rule["NoncurrentVersionTransition"]]
        rules.append(new)
    put_lifecycle(ctx, {"Bucket": params["Bucket"], "LifecycleConfiguration": {"Rules": rules}})
    return {}


def _old_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A rule in the old shape, as the shared answer reads in it: a rule selected by a
    ``Filter`` has no ``Prefix`` there (the old shape has no ``Filter``)."""
    old: dict[str, Any] = {"Status": rule["Status"]}
    for member in (
        "ID",
        "Prefix",
        "Expiration",
        "NoncurrentVersionExpiration",
        "AbortIncompleteMultipartUpload",
    ):
        if rule.get(member) is not None:
            old[member] = rule[member]
    if rule.get("Transitions"):
        old["Transition"] = rule["Transitions"][0]
    if rule.get("NoncurrentVersionTransitions"):
        old["NoncurrentVersionTransition"] = rule["NoncurrentVersionTransitions"][0]
    return old


@handler("s3", "GetBucketLifecycle")
def get_bucket_lifecycle(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    doc = get_config(ctx, bucket, "lifecycle")
    if doc is None:
        raise missing_lifecycle(bucket.name)
    return {"Rules": [_old_rule(r) for r in doc.get("Rules") or []]}
