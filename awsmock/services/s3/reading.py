"""Which version a request on an object reads: the latest (NoSuchKey when it is a delete
marker) or the one named (NoSuchVersion, MethodNotAllowed on a delete marker)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from awsmock.engine.context import RequestContext
from awsmock.engine.wire import http_date
from awsmock.models.s3 import S3Bucket, S3Object

from .buckets import AnyBucket
from .errors import MethodNotAllowed, NoSuchKey, NoSuchVersion
from .versioning import NULL, ObjectRow, check_version_id, find_version, latest, latest_row, version_row

_Obj = TypeVar("_Obj", S3Object, ObjectRow)


def object_for_read(ctx: RequestContext, bucket: S3Bucket, key: str, version_id: str | None) -> S3Object:
    """The version a request on an object names (the latest when ``version_id`` is None), to change."""
    return _for_read(ctx, bucket, key, version_id, latest, find_version)


def row_for_read(ctx: RequestContext, bucket: AnyBucket, key: str, version_id: str | None) -> ObjectRow:
    """:func:`object_for_read` with prebuilt statements, for reads (GetObject, HeadObject)."""
    return _for_read(ctx, bucket, key, version_id, latest_row, version_row)


def _for_read(
    ctx: RequestContext,
    bucket: Any,
    key: str,
    version_id: str | None,
    latest_of: Callable[[RequestContext, Any, str], _Obj | None],
    version_of: Callable[[RequestContext, Any, str, str], _Obj | None],
) -> _Obj:
    if version_id:
        check_version_id(version_id)
        obj = version_of(ctx, bucket, key, version_id)
        if obj is None:
            if version_id == NULL:
                raise NoSuchKey(Key=key)
            raise NoSuchVersion(Key=key, VersionId=version_id)
        if obj.delete_marker:
            raise MethodNotAllowed(
                Method=ctx.headers.get(":method", "GET"),
                ResourceType="DeleteMarker",
                headers={
                    "Allow": "DELETE",
                    "x-amz-delete-marker": "true",
                    "x-amz-version-id": obj.version_id,
                    "Last-Modified": http_date(obj.last_modified),
                },
            )
        return obj
    return readable_latest(latest_of(ctx, bucket, key), key)


def readable_latest(obj: _Obj | None, key: str) -> _Obj:
    if obj is None:
        raise NoSuchKey(Key=key)
    if obj.delete_marker:
        raise NoSuchKey(Key=key, headers={"x-amz-delete-marker": "true", "x-amz-version-id": obj.version_id})
    return obj
