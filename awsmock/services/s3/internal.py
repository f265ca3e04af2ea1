"""What other services do to S3 objects for their caller, inside the caller's request: whole
objects written as PutObject stores them (DynamoDB's table exports). The caller's account must
own the bucket, as for its own PutObject (NoSuchBucket or AccessDenied otherwise). No event
notification is sent for these writes."""

from __future__ import annotations

import hashlib

from awsmock.context import RequestContext

from . import storage
from .buckets import BucketRow, bucket_row
from .objects import sse_fields
from .versioning import put_version


def writable_bucket(ctx: RequestContext, name: str) -> BucketRow:
    """The caller's bucket ``name`` (NoSuchBucket, AccessDenied)."""
    return bucket_row(ctx, name)


def put_bytes(
    ctx: RequestContext,
    bucket: BucketRow,
    key: str,
    data: bytes,
    content_type: str = "application/octet-stream",
) -> str:
    """Store ``data`` as the latest version of ``key``, with the bucket's default encryption;
    returns its ETag."""
    md5 = hashlib.md5()
    blob_id, size = storage.write_stream(ctx.tx, data, [md5.update])
    etag = f'"{md5.hexdigest()}"'
    info = {"meta": {}, "headers": {"ContentType": content_type}, "sse": sse_fields(ctx, bucket, {})}
    put_version(
        ctx,
        bucket,
        {
            "bucket_id": bucket.id,
            "key": key,
            "last_modified": ctx.now,
            "size": size,
            "etag": etag,
            "storage_class": "STANDARD",
            "blob_id": blob_id,
            "owner": ctx.account_id,
            "info": info,
            "tags": {},
        },
    )
    return etag
