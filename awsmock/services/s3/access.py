"""S3 as authorization sees it: IAM action names where they differ from the operation's, the
resources a request acts on (the bucket, or the objects), the bucket policy that governs it,
S3's condition keys, and how S3 refuses a request (its own codes and messages, the clock skew
error with its fields)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from awsmock.auth.resources import ResourcePolicy
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.models.s3 import S3Bucket, S3BucketConfig

#: operation -> IAM action, where the action is named otherwise
ACTIONS = {
    "ListObjects": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "HeadBucket": "ListBucket",
    "HeadObject": "GetObject",
    "ListObjectVersions": "ListBucketVersions",
    "ListBuckets": "ListAllMyBuckets",
    "DeleteObjects": "DeleteObject",
    "CopyObject": "PutObject",
    "CreateMultipartUpload": "PutObject",
    "UploadPart": "PutObject",
    "UploadPartCopy": "PutObject",
    "CompleteMultipartUpload": "PutObject",
    "ListParts": "ListMultipartUploadParts",
    "ListMultipartUploads": "ListBucketMultipartUploads",
    "GetObjectAttributes": "GetObjectAttributes",
    "SelectObjectContent": "GetObject",
    "GetBucketNotificationConfiguration": "GetBucketNotification",
    "PutBucketNotificationConfiguration": "PutBucketNotification",
    "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration",
    "DeleteBucketLifecycle": "PutLifecycleConfiguration",
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "PutBucketEncryption": "PutEncryptionConfiguration",
    "DeleteBucketEncryption": "PutEncryptionConfiguration",
    "GetBucketCors": "GetBucketCORS",
    "PutBucketCors": "PutBucketCORS",
    "DeleteBucketCors": "PutBucketCORS",
}

SIGNATURE_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method."
)

#: refusal kind -> (code, status, message), as S3 answers
AUTH_ERRORS = {
    "invalid_key": (
        "InvalidAccessKeyId",
        403,
        "The AWS Access Key Id you provided does not exist in our records.",
    ),
    "invalid_token": ("InvalidToken", 400, "The provided token is malformed or otherwise invalid."),
    "signature": ("SignatureDoesNotMatch", 403, SIGNATURE_MESSAGE),
    "expired": ("ExpiredToken", 400, "The provided token has expired."),
    "denied": ("AccessDenied", 403, "Access Denied"),
    "missing": ("AccessDenied", 403, "Access Denied"),
    "malformed": ("AuthorizationHeaderMalformed", 400, "The authorization header is malformed."),
    "skewed": (
        "RequestTimeTooSkewed",
        403,
        "The difference between the request time and the current time is too large.",
    ),
}


def s3_arn(ctx: RequestContext, bucket: str, key: str | None = None) -> str:
    """The ARN of a bucket, or of an object in it (S3's ARNs name no region and no account)."""
    return ctx.arn("s3", bucket if key is None else f"{bucket}/{key}", region="", account="")


def resource_arns(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    bucket = params.get("Bucket")
    if not bucket:
        return ["*"]
    key = params.get("Key")
    if key is not None:
        return [s3_arn(ctx, bucket, key)]
    if operation == "DeleteObjects":
        objs = (params.get("Delete") or {}).get("Objects") or []
        return [s3_arn(ctx, bucket, o.get("Key", "")) for o in objs] or [s3_arn(ctx, bucket)]
    return [s3_arn(ctx, bucket)]


def bucket_policy(ctx: RequestContext, operation: str, params: dict[str, Any]) -> ResourcePolicy | None:
    """The policy of the bucket the request names (None when it names none, or none exists)."""
    bucket_name = params.get("Bucket")
    if not bucket_name:
        return None
    bucket = ctx.session.scalar(select(S3Bucket).where(S3Bucket.name == bucket_name))
    if bucket is None:
        return None
    row = ctx.session.get(S3BucketConfig, (bucket.id, "policy"))
    document = row.value if row is not None else None
    return ResourcePolicy(document if isinstance(document, (str, dict)) else None, bucket.account_id)


def condition_keys(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, key in (("Prefix", "s3:prefix"), ("Delimiter", "s3:delimiter"), ("MaxKeys", "s3:max-keys")):
        if params.get(name) is not None:
            out[key] = str(params[name])
    return out


def skewed(now: dt.datetime, signed: dt.datetime, allowed: dt.timedelta) -> AwsError:
    code, status, message = AUTH_ERRORS["skewed"]
    return AwsError(
        message,
        code=code,
        status=status,
        RequestTime=signed.strftime("%Y%m%dT%H%M%SZ"),
        ServerTime=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        MaxAllowedSkewMilliseconds=str(int(allowed.total_seconds() * 1000)),
    )
