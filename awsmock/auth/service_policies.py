"""Resource-policy lookups for S3 bucket policies and SQS queue policies.

They read the S3 and SQS tables (read-only) and plug into
:func:`awsmock.auth.resources.register_resource_policy`. They live here until the S3 and SQS
services register their own; a service that registers a lookup for the same name replaces these.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import select

from awsmock.auth.resources import ResourcePolicy, register_resource_policy
from awsmock.engine.context import RequestContext


def s3_bucket_policy(ctx: RequestContext, operation: str, params: dict[str, Any]) -> ResourcePolicy | None:
    bucket_name = params.get("Bucket")
    if not bucket_name:
        return None
    try:
        from awsmock.models.s3 import S3Bucket, S3BucketConfig
    except ImportError:
        return None
    bucket = ctx.session.scalar(select(S3Bucket).where(S3Bucket.name == bucket_name))
    if bucket is None:
        return None
    row = ctx.session.get(S3BucketConfig, (bucket.id, "policy"))
    document = row.value if row is not None else None
    return ResourcePolicy(document if isinstance(document, (str, dict)) else None, bucket.account_id)


def sqs_queue_policy(ctx: RequestContext, operation: str, params: dict[str, Any]) -> ResourcePolicy | None:
    url = params.get("QueueUrl")
    if not url:
        return None
    try:
        from awsmock.models.sqs import Queue
    except ImportError:
        return None
    parts = [unquote(p) for p in (urlsplit(url).path if "://" in url else url).split("/") if p]
    if len(parts) < 2:
        return None
    account, name = parts[-2], parts[-1]
    queue = ctx.session.scalar(
        select(Queue).where(Queue.account_id == account, Queue.name == name, Queue.region == ctx.region)
    )
    if queue is None:
        return None
    return ResourcePolicy((queue.attributes or {}).get("Policy") or None, account)


def register_defaults() -> None:
    from awsmock.auth import resources

    if "s3" not in resources._POLICY_LOOKUPS:
        register_resource_policy("s3", s3_bucket_policy)
    if "sqs" not in resources._POLICY_LOOKUPS:
        register_resource_policy("sqs", sqs_queue_policy)
