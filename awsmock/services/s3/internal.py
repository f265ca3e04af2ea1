"""What other services do to S3 objects for their caller, inside the caller's request: whole
objects written as PutObject stores them (DynamoDB's table exports), the objects under a
prefix read (DynamoDB's table imports), and one object read whole (Lambda's code from S3). The
caller's account must own the bucket, as for its own requests (NoSuchBucket or AccessDenied
otherwise). No event notification is sent for these writes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from sqlalchemy import select

from awsmock.engine.context import RequestContext
from awsmock.models.s3 import S3Object

from . import storage
from .buckets import BucketRow, bucket_row
from .encryption import sse_fields
from .listing import successor
from .reading import row_for_read
from .versioning import put_version


def owned_bucket(ctx: RequestContext, name: str) -> BucketRow:
    """The caller's bucket ``name``, to read or write (NoSuchBucket, AccessDenied)."""
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


def objects_under(ctx: RequestContext, bucket: BucketRow, prefix: str = "") -> Iterator[tuple[str, bytes]]:
    """``(key, body)`` of each current object whose key starts with ``prefix``, in key order."""
    query = select(S3Object.key, S3Object.blob_id).where(
        S3Object.bucket_id == bucket.id, S3Object.is_latest, ~S3Object.delete_marker, S3Object.key >= prefix
    )
    upper = successor(prefix) if prefix else None
    if upper is not None:
        query = query.where(S3Object.key < upper)
    for key, blob_id in ctx.session.execute(query.order_by(S3Object.key)).all():
        yield key, storage.read_bytes(ctx.tx, blob_id)


def read_object(ctx: RequestContext, bucket: str, key: str, version_id: str | None = None) -> bytes:
    """The body of ``key`` (its latest version, or ``version_id``) in the caller's bucket, as
    GetObject reads it (NoSuchBucket, AccessDenied, NoSuchKey, NoSuchVersion otherwise)."""
    row = row_for_read(ctx, bucket_row(ctx, bucket), key, version_id)
    return storage.read_bytes(ctx.tx, row.blob_id)
