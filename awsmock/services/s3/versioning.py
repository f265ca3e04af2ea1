"""Versioning: bucket versioning state, version ids, delete markers, the null version.

Every write of a key goes through :func:`add_version`, every delete through
:func:`delete_key` / :func:`delete_version`, so the ``is_latest`` / ``listed`` flags the
listings rely on stay exact.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

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


# Built once: the lookups of every GET and PUT (building the expression costs more than the query).
_LATEST = select(S3Object).where(
    S3Object.bucket_id == bindparam("b_id"), S3Object.key == bindparam("b_key"), S3Object.is_latest
)
_VERSION = select(S3Object).where(
    S3Object.bucket_id == bindparam("b_id"),
    S3Object.key == bindparam("b_key"),
    S3Object.version_id == bindparam("v_id"),
)


def latest(ctx: RequestContext, bucket: S3Bucket, key: str) -> S3Object | None:
    return ctx.session.execute(_LATEST, {"b_id": bucket.id, "b_key": key}).scalar_one_or_none()


def find_version(ctx: RequestContext, bucket: S3Bucket, key: str, version_id: str) -> S3Object | None:
    return ctx.session.execute(
        _VERSION, {"b_id": bucket.id, "b_key": key, "v_id": version_id}
    ).scalar_one_or_none()


def check_version_id(version_id: str) -> None:
    if version_id == NULL:
        return
    if len(version_id) != 32 or not all(c.isalnum() or c in "._" for c in version_id):
        raise InvalidArgument(
            "Invalid version id specified", ArgumentName="versionId", ArgumentValue=version_id
        )


_OBJECTS = S3Object.__table__
# Core statements built once: every overwrite of a key runs them, and an ORM bulk UPDATE/DELETE
# costs more in statement building and session synchronization than in SQLite.
_DELETE_ROW = delete(_OBJECTS).where(_OBJECTS.c.id == bindparam("row_id"))
_DELETE_NULL = (
    delete(_OBJECTS)
    .where(
        _OBJECTS.c.bucket_id == bindparam("b_id"),
        _OBJECTS.c.key == bindparam("b_key"),
        _OBJECTS.c.version_id == NULL,
        _OBJECTS.c.id != bindparam("keep"),
    )
    .returning(_OBJECTS.c.id, _OBJECTS.c.blob_id)
)
_UNSET_LATEST = (
    update(_OBJECTS)
    .where(
        _OBJECTS.c.bucket_id == bindparam("b_id"), _OBJECTS.c.key == bindparam("b_key"), _OBJECTS.c.is_latest
    )
    .values(is_latest=False, listed=False)
)


def _drop(ctx: RequestContext, obj: S3Object) -> None:
    blob, row_id = obj.blob_id, obj.id
    ctx.session.expunge(obj)
    ctx.session.execute(_DELETE_ROW, {"row_id": row_id})
    storage.release(ctx.session, [blob])


def _unset_latest(ctx: RequestContext, bucket_id: int, key: str) -> None:
    """Clear ``is_latest``/``listed`` on the key's current version, in the database and on any
    copy of it the session holds (what the ORM's "evaluate" synchronization would do)."""
    session = ctx.session
    session.flush()
    session.execute(_UNSET_LATEST, {"b_id": bucket_id, "b_key": key})
    for held in list(session.identity_map.values()):
        if isinstance(held, S3Object) and held.bucket_id == bucket_id and held.key == key and held.is_latest:
            set_committed_value(held, "is_latest", False)
            set_committed_value(held, "listed", False)


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
    if bucket.versioning == "Enabled":
        obj.version_id = new_version_id()
    else:
        obj.version_id = NULL
    if bucket.versioning is not None:  # never versioned: the only row is the null version, dropped below
        _unset_latest(ctx, bucket.id, key)
    obj.is_latest = True
    obj.listed = not obj.delete_marker
    obj.last_modified = obj.last_modified.replace(microsecond=0)  # S3 keeps whole seconds
    cs = (obj.info or {}).get("checksum")
    if cs:
        obj.checksum_alg, obj.checksum_type = cs["alg"], cs.get("type", "FULL_OBJECT")
    ctx.session.add(obj)
    ctx.session.flush()
    if obj.version_id == NULL:  # after the new row exists: a copy in place shares the old blob
        _drop_null(ctx, bucket.id, key, obj.id)
    return obj


def _drop_null(ctx: RequestContext, bucket_id: int, key: str, keep_id: int) -> None:
    """Delete the key's previous null version (one statement, no load) and release its blob."""
    session = ctx.session
    gone = session.execute(_DELETE_NULL, {"b_id": bucket_id, "b_key": key, "keep": keep_id}).all()
    if not gone:
        return
    for row in gone:  # a copy the session holds (a conditional write's check, a copy source)
        held = session.identity_map.get(identity_key(S3Object, row.id))
        if held is not None:
            session.expunge(held)
    storage.release(session, [row.blob_id for row in gone])


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
