"""Directory buckets (S3 Express One Zone), made by CreateBucket (``directory_config``): listed
by ListDirectoryBuckets (not ListBuckets), CreateSession's short-lived session credentials and
RenameObject."""

from __future__ import annotations

import datetime as dt
import secrets
import string
from typing import Any
from urllib.parse import unquote

from sqlalchemy import bindparam, select

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.models.s3 import S3Bucket

from .buckets import get_bucket
from .conditions import check_read
from .directory_config import SUFFIX, bucket_arn, is_directory
from .errors import InvalidArgument, InvalidRequest, NoSuchKey, bad_token
from .objects import check_key, check_write_conditions
from .versioning import delete_key, latest

SESSION_SECONDS = 300
_ALNUM = string.ascii_uppercase + string.digits


def _directory_bucket(ctx: RequestContext, name: str, operation: str) -> S3Bucket:
    bucket = get_bucket(ctx, name)
    if not is_directory(bucket.name):
        raise AwsError(
            "A header you provided implies functionality that is not implemented.",
            code="NotImplemented",
            status=501,
            Header=operation,
        )
    return bucket


def _secret(n: int, alphabet: str = _ALNUM) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


@handler("s3", "CreateSession")
def create_session(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = _directory_bucket(ctx, params["Bucket"], "CreateSession")
    mode = params.get("SessionMode") or "ReadWrite"
    if mode not in ("ReadWrite", "ReadOnly"):
        raise InvalidArgument(
            "Invalid session mode", ArgumentName="x-amz-create-session-mode", ArgumentValue=mode
        )
    sse = params.get("ServerSideEncryption") or "AES256"
    if sse not in ("AES256", "aws:kms"):
        raise InvalidArgument(
            "The encryption method specified is not supported", ArgumentName="x-amz-server-side-encryption"
        )
    out: dict[str, Any] = {
        "ServerSideEncryption": sse,
        "Credentials": {
            "AccessKeyId": "ASIA" + _secret(16),
            "SecretAccessKey": _secret(40, string.ascii_letters + string.digits + "+/"),
            "SessionToken": secrets.token_urlsafe(96),
            "Expiration": ctx.now + dt.timedelta(seconds=SESSION_SECONDS),
        },
    }
    if sse == "aws:kms":
        out["SSEKMSKeyId"] = params.get("SSEKMSKeyId") or ctx.arn("kms", "alias/aws/s3", region=bucket.region)
        out["BucketKeyEnabled"] = True
    return out


_DIRECTORY_BUCKETS = (
    select(S3Bucket.name, S3Bucket.created, S3Bucket.region)
    .where(
        S3Bucket.account_id == bindparam("acct"),
        S3Bucket.region == bindparam("region"),
        S3Bucket.name.like("%" + SUFFIX),
        S3Bucket.name > bindparam("after"),
    )
    .order_by(S3Bucket.name)
    .limit(bindparam("lim"))
)


@handler("s3", "ListDirectoryBuckets")
def list_directory_buckets(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = params.get("MaxDirectoryBuckets")
    if limit is not None and not 0 <= limit <= 1000:
        raise InvalidArgument(
            "Argument max-directory-buckets must be an integer between 0 and 1000",
            ArgumentName="max-directory-buckets",
            ArgumentValue=str(limit),
        )
    page = 1000 if limit is None else limit
    after = ""
    if params.get("ContinuationToken"):
        token = params["ContinuationToken"]
        values = pager.decode(token, "ListDirectoryBuckets", bad_token)
        if len(values) != 1 or not isinstance(values[0], str):
            raise bad_token(token)
        after = values[0]
    rows = ctx.session.execute(
        _DIRECTORY_BUCKETS, {"acct": ctx.account_id, "region": ctx.region, "after": after, "lim": page + 1}
    ).all()
    out: dict[str, Any] = {
        "Buckets": [
            {
                "Name": name,
                "CreationDate": created_at,
                "BucketRegion": region,
                "BucketArn": bucket_arn(ctx, name, region),
            }
            for name, created_at, region in rows[:page]
        ]
    }
    if len(rows) > page and page:
        out["ContinuationToken"] = pager.encode("ListDirectoryBuckets", [rows[page - 1][0]])
    return out


def _source_key(ctx: RequestContext, bucket: S3Bucket, source: str) -> str:
    """The key ``x-amz-rename-source`` names: a key of the bucket, or ``bucket/key``."""
    text = unquote(source).lstrip("/")
    prefix = bucket.name + "/"
    if text.startswith(prefix) and latest(ctx, bucket, text) is None:
        return text[len(prefix) :]
    return text


@handler("s3", "RenameObject")
def rename_object(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = _directory_bucket(ctx, params["Bucket"], "x-amz-rename-source")
    key = params["Key"]
    check_key(key)
    source_key = _source_key(ctx, bucket, params["RenameSource"])
    if not source_key:
        raise InvalidArgument("Invalid rename source", ArgumentName="x-amz-rename-source")
    if key.endswith("/") or source_key.endswith("/"):
        raise InvalidRequest("RenameObject is not supported for objects whose key ends with a slash (/)")
    source = latest(ctx, bucket, source_key)
    if source is None or source.delete_marker:
        raise NoSuchKey(Key=source_key)
    check_read(params, source.etag, source.last_modified, prefix="SourceIf")
    conditions = {
        "IfMatch": params.get("DestinationIfMatch"),
        "IfNoneMatch": params.get("DestinationIfNoneMatch"),
    }
    check_write_conditions(ctx, bucket, key, {k: v for k, v in conditions.items() if v is not None})
    dest = latest(ctx, bucket, key)
    if dest is not None:
        check_read(
            {k: v for k, v in params.items() if k.startswith("Destination")},
            dest.etag,
            dest.last_modified,
            prefix="DestinationIf",
        )
    if source_key == key:
        return {}
    if dest is not None:
        delete_key(ctx, bucket, key)
    source.key = key
    return {}
