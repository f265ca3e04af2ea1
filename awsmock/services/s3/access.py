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
from awsmock.engine.facts import Access
from awsmock.models.s3 import S3Bucket, S3BucketConfig

from . import blocking
from .abac import resource_tag_keys
from .objects import parse_copy_source

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
    "GetBucketNotification": "GetBucketNotification",
    "PutBucketNotification": "PutBucketNotification",
    "GetBucketLifecycle": "GetLifecycleConfiguration",
    "PutBucketLifecycle": "PutLifecycleConfiguration",
    # directory buckets: S3 Express's own actions
    "CreateSession": "s3express:CreateSession",
    "ListDirectoryBuckets": "s3express:ListAllMyDirectoryBuckets",
    "RenameObject": "s3express:CreateSession",
    "GetBucketAbac": "GetBucketABAC",
    "PutBucketAbac": "PutBucketABAC",
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
    "query_parameters": ("AuthorizationQueryParametersError", 400, "The query parameters are invalid."),
    "payload": (
        "XAmzContentSHA256Mismatch",
        400,
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
    ),
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


#: operations whose IAM action is another when the request names a version of the object
VERSION_ACTIONS = {
    "GetObject": "GetObjectVersion",
    "HeadObject": "GetObjectVersion",
    "DeleteObject": "DeleteObjectVersion",
    "GetObjectAcl": "GetObjectVersionAcl",
    "PutObjectAcl": "PutObjectVersionAcl",
    "GetObjectTagging": "GetObjectVersionTagging",
    "PutObjectTagging": "PutObjectVersionTagging",
    "DeleteObjectTagging": "DeleteObjectVersionTagging",
}


def access(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[Access] | None:
    """The permissions of S3's operations that need more than one, or another action than the
    operation's: a copy reads its source (``s3:GetObject``, or ``s3:GetObjectVersion`` for a
    version, weighed with the source bucket's policy) and writes its target;
    GetObjectAttributes needs ``s3:GetObject`` and ``s3:GetObjectAttributes`` (their Version
    forms for a version); an operation on a named version takes its action's Version form."""
    bucket, key, version = params.get("Bucket"), params.get("Key"), params.get("VersionId")
    if not bucket or key is None:
        return None
    target = (s3_arn(ctx, bucket, key),)
    if operation in ("CopyObject", "UploadPartCopy"):
        try:
            source_bucket, source_key, source_version = parse_copy_source(params.get("CopySource"))
        except (AwsError, KeyError, TypeError):
            return None  # the handler refuses the request, and nothing is read
        read = "s3:GetObjectVersion" if source_version else "s3:GetObject"
        return [
            Access("s3:PutObject", target),
            Access(read, (s3_arn(ctx, source_bucket, source_key),), {"Bucket": source_bucket}),
        ]
    if operation == "GetObjectAttributes":
        if version:
            return [Access("s3:GetObjectVersion", target), Access("s3:GetObjectVersionAttributes", target)]
        return [Access("s3:GetObject", target), Access("s3:GetObjectAttributes", target)]
    if version and operation in VERSION_ACTIONS:
        return [Access(f"s3:{VERSION_ACTIONS[operation]}", target)]
    return None


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
    if document is not None and (ctx.access_key_id is None or ctx.account_id != bucket.account_id):
        document = blocking.restricted(ctx, bucket.id, bucket.account_id, document)  # an outsider
    return ResourcePolicy(document if isinstance(document, (str, dict)) else None, bucket.account_id)


def condition_keys(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, key in (("Prefix", "s3:prefix"), ("Delimiter", "s3:delimiter"), ("MaxKeys", "s3:max-keys")):
        if params.get(name) is not None:
            out[key] = str(params[name])
    if isinstance(params.get("Bucket"), str):
        out.update(resource_tag_keys(ctx, params["Bucket"]))
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
