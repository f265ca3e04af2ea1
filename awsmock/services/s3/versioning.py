"""Versioning: bucket versioning state, version ids, delete markers, the null version.

Every write of a key goes through :func:`add_version`, every delete through
:func:`delete_key` / :func:`delete_version`, so the ``is_latest`` / ``listed`` flags the
listings rely on stay exact.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import delete, select, update

from awsmock.context import RequestContext
from awsmock.errors import AwsError
from awsmock.models.s3 import S3Bucket, S3Object
from awsmock.registry import handler

from . import storage
from .buckets import get_bucket, get_config, set_config
from .errors import InvalidArgument, MalformedXML, NoSuchVersion

NULL = "null"


def new_version_id() -> str:
    return secrets.token_urlsafe(24).replace("-", ".")


def latest(ctx: RequestContext, bucket: S3Bucket, key: str) -> S3Object | None:
    return ctx.session.execute(
        select(S3Object).where(S3Object.bucket_id == bucket.id, S3Object.key == key, S3Object.is_latest)
    ).scalar_one_or_none()


def find_version(ctx: RequestContext, bucket: S3Bucket, key: str, version_id: str) -> S3Object | None:
    return ctx.session.execute(
        select(S3Object).where(
            S3Object.bucket_id == bucket.id, S3Object.key == key, S3Object.version_id == version_id
        )
    ).scalar_one_or_none()


def check_version_id(version_id: str) -> None:
    if version_id == NULL:
        return
    if len(version_id) != 32 or not all(c.isalnum() or c in "._" for c in version_id):
        raise InvalidArgument(
            "Invalid version id specified", ArgumentName="versionId", ArgumentValue=version_id
        )


def _drop(ctx: RequestContext, obj: S3Object) -> None:
    blob, row_id = obj.blob_id, obj.id
    ctx.session.expunge(obj)
    ctx.session.execute(delete(S3Object).where(S3Object.id == row_id))
    storage.release(ctx.session, [blob])


def _promote_newest(ctx: RequestContext, bucket: S3Bucket, key: str) -> None:
    newest = ctx.session.execute(
        select(S3Object)
        .where(S3Object.bucket_id == bucket.id, S3Object.key == key)
        .order_by(S3Object.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if newest is not None:
        newest.is_latest = True
        newest.listed = not newest.delete_marker


def add_version(ctx: RequestContext, bucket: S3Bucket, obj: S3Object) -> S3Object:
    """Make ``obj`` (not yet added) the latest version of its key, as the bucket's versioning
    state says: replace the null version, or push the current one down the history."""
    key = obj.key
    old_null = None
    if bucket.versioning == "Enabled":
        obj.version_id = new_version_id()
    else:
        obj.version_id = NULL
        old_null = find_version(ctx, bucket, key, NULL)
    ctx.session.execute(
        update(S3Object)
        .where(S3Object.bucket_id == bucket.id, S3Object.key == key, S3Object.is_latest)
        .values(is_latest=False, listed=False)
    )
    obj.is_latest = True
    obj.listed = not obj.delete_marker
    obj.last_modified = obj.last_modified.replace(microsecond=0)  # S3 keeps whole seconds
    cs = (obj.info or {}).get("checksum")
    if cs:
        obj.checksum_alg, obj.checksum_type = cs["alg"], cs.get("type", "FULL_OBJECT")
    ctx.session.add(obj)
    ctx.session.flush()
    if old_null is not None:  # after the new row exists: a copy in place shares the old blob
        _drop(ctx, old_null)
    return obj


def delete_key(ctx: RequestContext, bucket: S3Bucket, key: str) -> dict[str, Any]:
    """DeleteObject without a version id."""
    if bucket.versioning is None:
        current = find_version(ctx, bucket, key, NULL)
        if current is not None:
            _drop(ctx, current)
        return {}
    marker = S3Object(
        bucket_id=bucket.id,
        key=key,
        delete_marker=True,
        last_modified=ctx.now,
        size=0,
        etag="",
        owner=ctx.account_id,
        info={},
        tags={},
    )
    add_version(ctx, bucket, marker)
    return {"DeleteMarker": True, "VersionId": marker.version_id}


def delete_version(ctx: RequestContext, bucket: S3Bucket, key: str, version_id: str) -> dict[str, Any]:
    """DeleteObject with a version id: removes that version for good."""
    check_version_id(version_id)
    obj = find_version(ctx, bucket, key, version_id)
    if obj is None:
        return {"VersionId": version_id}
    out: dict[str, Any] = {"VersionId": version_id}
    if obj.delete_marker:
        out["DeleteMarker"] = True
    was_latest = obj.is_latest
    _drop(ctx, obj)
    if was_latest:
        _promote_newest(ctx, bucket, key)
    return out


def get_version_or_error(ctx: RequestContext, bucket: S3Bucket, key: str, version_id: str) -> S3Object:
    check_version_id(version_id)
    obj = find_version(ctx, bucket, key, version_id)
    if obj is None:
        raise NoSuchVersion(Key=key, VersionId=version_id)
    return obj


@handler("s3", "PutBucketVersioning")
def put_bucket_versioning(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    doc = params.get("VersioningConfiguration") or {}
    status = doc.get("Status")
    if status not in (None, "Enabled", "Suspended") or doc.get("MFADelete") not in (
        None,
        "Enabled",
        "Disabled",
    ):
        raise MalformedXML()
    if status is None:
        return {}
    if status == "Suspended" and bucket.object_lock:
        raise AwsError(
            "An Object Lock configuration is present on this bucket, so the versioning state "
            "cannot be changed.",
            code="InvalidBucketState",
            status=409,
        )
    bucket.versioning = status
    stored = {"Status": status}
    if doc.get("MFADelete"):
        stored["MFADelete"] = doc["MFADelete"]
    set_config(ctx, bucket, "versioning", stored)
    return {}


@handler("s3", "GetBucketVersioning")
def get_bucket_versioning(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    return dict(get_config(ctx, bucket, "versioning") or {})
