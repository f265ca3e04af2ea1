"""Versioning: bucket versioning state, version ids, delete markers, the null version.

Every write of a key goes through :func:`add_version`, every delete through
:func:`delete_key` / :func:`delete_version`, so the ``is_latest`` / ``listed`` flags the
listings rely on stay exact.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import and_, bindparam, case, delete, exists, false, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.s3 import S3BlobChunk, S3Bucket, S3Chunk, S3Object, S3Part
from awsmock.state.rawvalues import Conversions, conversions

from . import access_points, storage
from .buckets import BUCKET_COLUMNS, AnyBucket, BucketRow, checked_bucket, get_bucket, get_config, set_config
from .errors import InvalidArgument, InvalidBucketState, MalformedXML

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


_OBJECTS = S3Object.__table__
_BUCKETS = S3Bucket.__table__
_LINKS, _CHUNKS = S3BlobChunk.__table__, S3Chunk.__table__
#: a version's blob's first link
_FIRST_LINK = and_(_LINKS.c.blob_id == _OBJECTS.c.blob_id, _LINKS.c.pos == 0)
_ROW_COLUMNS = tuple(c.name for c in _OBJECTS.c)


class ObjectRow:
    """An object version read with a prebuilt statement (:func:`latest_row`,
    :func:`version_row`): the attributes of :class:`S3Object`, values converted as the model's
    types do. Read-only: handlers that change a version load it with :func:`latest` /
    :func:`find_version`."""

    __slots__ = _ROW_COLUMNS

    def __init__(self, row: Any, conv: Conversions) -> None:
        (
            self.id,
            self.bucket_id,
            self.key,
            self.version_id,
            is_latest,
            listed,
            delete_marker,
            last_modified,
            self.size,
            self.etag,
            self.storage_class,
            self.blob_id,
            self.owner,
            self.checksum_alg,
            self.checksum_type,
            info,
            tags,
        ) = row
        self.is_latest = bool(is_latest)
        self.listed = bool(listed)
        self.delete_marker = bool(delete_marker)
        self.last_modified: dt.datetime = conv.time_out(last_modified)  # type: ignore[assignment]  # never NULL
        self.info = conv.json_out(info)
        self.tags = conv.json_out(tags)


assert _ROW_COLUMNS == (
    "id",
    "bucket_id",
    "key",
    "version_id",
    "is_latest",
    "listed",
    "delete_marker",
    "last_modified",
    "size",
    "etag",
    "storage_class",
    "blob_id",
    "owner",
    "checksum_alg",
    "checksum_type",
    "info",
    "tags",
), "ObjectRow unpacks the s3_object columns in table order"

_LATEST_ROW = select(*_OBJECTS.c).where(
    _OBJECTS.c.bucket_id == bindparam("b_id"), _OBJECTS.c.key == bindparam("b_key"), _OBJECTS.c.is_latest
)
_VERSION_ROW = select(*_OBJECTS.c).where(
    _OBJECTS.c.bucket_id == bindparam("b_id"),
    _OBJECTS.c.key == bindparam("b_key"),
    _OBJECTS.c.version_id == bindparam("v_id"),
)


def latest_row(ctx: RequestContext, bucket: AnyBucket, key: str) -> ObjectRow | None:
    """:func:`latest` with a prebuilt statement (no ORM session, no autoflush)."""
    row = ctx.tx.execute(_LATEST_ROW, {"b_id": bucket.id, "b_key": key}).fetchone()
    return None if row is None else ObjectRow(row, conversions(ctx.tx))


#: the bucket, the key's latest version and, when that version's body is one chunk of at most
#: ``inline`` bytes, the body itself (a small GetObject reads no more)
_BUCKET_AND_LATEST = (
    select(
        *BUCKET_COLUMNS,
        *_OBJECTS.c,
        case(
            (and_(_LINKS.c.length == _OBJECTS.c.size, _OBJECTS.c.size <= bindparam("inline")), _CHUNKS.c.data)
        ),
    )
    .select_from(
        _BUCKETS.outerjoin(
            _OBJECTS,
            and_(
                _OBJECTS.c.bucket_id == _BUCKETS.c.id,
                _OBJECTS.c.key == bindparam("b_key"),
                _OBJECTS.c.is_latest,
            ),
        )
        .outerjoin(_LINKS, _FIRST_LINK)
        .outerjoin(_CHUNKS, _CHUNKS.c.id == _LINKS.c.chunk_id)
    )
    .where(_BUCKETS.c.name == bindparam("name"))
)
#: where a statement's columns after :data:`BUCKET_COLUMNS` start
_AFTER_BUCKET = len(BUCKET_COLUMNS)


def bucket_and_latest(
    ctx: RequestContext, name: str, key: str, inline: int = -1
) -> tuple[BucketRow, ObjectRow | None, bytes | None]:
    """:func:`bucket_row`, :func:`latest_row` and the latest version's body if it is one chunk
    of at most ``inline`` bytes (None otherwise): one statement (GetObject, HeadObject)."""
    row = ctx.tx.execute(_BUCKET_AND_LATEST, {"name": name, "b_key": key, "inline": inline}).fetchone()
    if row is None and (behind := access_points.bucket_behind(ctx, name)) is not None:
        name = behind  # (through an access point)
        row = ctx.tx.execute(_BUCKET_AND_LATEST, {"name": name, "b_key": key, "inline": inline}).fetchone()
    bucket = checked_bucket(ctx, name, row)
    first = _AFTER_BUCKET
    if row[first] is None:  # (the object's id: no latest version of the key)
        return bucket, None, None
    data = row[-1]
    if data is not None and not isinstance(data, bytes):
        data = bytes(data)  # (a driver may hand out a memoryview)
    return bucket, ObjectRow(row[first:-1], conversions(ctx.tx)), data


def version_row(ctx: RequestContext, bucket: AnyBucket, key: str, version_id: str) -> ObjectRow | None:
    """:func:`find_version` with a prebuilt statement (no ORM session, no autoflush)."""
    row = ctx.tx.execute(_VERSION_ROW, {"b_id": bucket.id, "b_key": key, "v_id": version_id}).fetchone()
    return None if row is None else ObjectRow(row, conversions(ctx.tx))


def check_version_id(version_id: str) -> None:
    if version_id == NULL:
        return
    if len(version_id) != 32 or not all(c.isalnum() or c in "._" for c in version_id):
        raise InvalidArgument(
            "Invalid version id specified", ArgumentName="versionId", ArgumentValue=version_id
        )


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


# Run with ``Transaction.execute`` by :func:`put_version` (no literal in them: every value a
# bind parameter or a SQL constant, as raw execution needs).
_INSERT_ROW = insert(_OBJECTS).values({name: bindparam(name) for name in _ROW_COLUMNS if name != "id"})
_UNSET_LATEST_ROW = (
    update(_OBJECTS)
    .where(
        _OBJECTS.c.bucket_id == bindparam("b_id"), _OBJECTS.c.key == bindparam("b_key"), _OBJECTS.c.is_latest
    )
    .values(is_latest=false(), listed=false())
)
_DELETE_NULL_ROW = (
    delete(_OBJECTS)
    .where(
        _OBJECTS.c.bucket_id == bindparam("b_id"),
        _OBJECTS.c.key == bindparam("b_key"),
        _OBJECTS.c.version_id == bindparam("v_null"),
    )
    .returning(_OBJECTS.c.blob_id)
)


def _drop(ctx: RequestContext, obj: S3Object) -> None:
    blob, row_id = obj.blob_id, obj.id
    ctx.session.expunge(obj)
    ctx.session.execute(_DELETE_ROW, {"row_id": row_id})
    storage.release(ctx.tx, [blob])


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


_OTHER_OBJECT = _OBJECTS.alias("other_object")
_OTHER_LINK = _LINKS.alias("other_link")
_PARTS = S3Part.__table__
#: whether anything else shares the blob of a version (joined on its first link) or that chunk
_SHARED = (
    exists().where(_OTHER_OBJECT.c.blob_id == _OBJECTS.c.blob_id, _OTHER_OBJECT.c.id != _OBJECTS.c.id)
    | exists().where(_PARTS.c.blob_id == _OBJECTS.c.blob_id)
    | exists().where(_OTHER_LINK.c.chunk_id == _LINKS.c.chunk_id, _OTHER_LINK.c.blob_id != _LINKS.c.blob_id)
    | exists().where(_OTHER_LINK.c.blob_id == _LINKS.c.blob_id, _OTHER_LINK.c.pos != _LINKS.c.pos)
)
_NULL_VERSION = and_(
    _OBJECTS.c.bucket_id == bindparam("b_id"),
    _OBJECTS.c.key == bindparam("b_key"),
    _OBJECTS.c.version_id == NULL,
    _OBJECTS.c.is_latest,
    ~_OBJECTS.c.delete_marker,
)
_CLAIMED_LINK = _LINKS.alias("claimed_link")
#: a one-chunk body written over the chunk of the key's null version, when that version's blob
#: is one chunk nobody else references (none of its rows then change but the chunk's bytes);
#: returns that chunk, its blob and its previous length (no row: there is no such version)
_OVERWRITE_NULL = (
    update(_CHUNKS)
    .where(
        _CHUNKS.c.id
        == select(_LINKS.c.chunk_id)
        .select_from(_OBJECTS.join(_LINKS, _FIRST_LINK))
        .where(_NULL_VERSION, ~_SHARED)
        .scalar_subquery()
    )
    .values(data=bindparam("data"))
    .returning(
        _CHUNKS.c.id,
        *(
            select(column).where(_CLAIMED_LINK.c.chunk_id == _CHUNKS.c.id).scalar_subquery()
            for column in (_CLAIMED_LINK.c.blob_id, _CLAIMED_LINK.c.length)
        ),
    )
)
#: :data:`_OVERWRITE_NULL` on a chunk known to be claimable (the store's ``s3.bodies`` memo)
_OVERWRITE_CHUNK = update(_CHUNKS).where(_CHUNKS.c.id == bindparam("chunk_id")).values(data=bindparam("data"))
#: what a write changes on the null version it overwrites in place (never an indexed column)
_REWRITE_NULL = (
    update(_OBJECTS)
    .where(_NULL_VERSION)
    .values(
        {
            name: bindparam(name)
            for name in (
                "last_modified",
                "size",
                "etag",
                "storage_class",
                "owner",
                "checksum_alg",
                "checksum_type",
                "info",
                "tags",
            )
        }
    )
)


class NullVersionOverwrite:
    """A :data:`storage.Claim` for a write to ``key`` in a never-versioned bucket, which
    replaces the key's (null) version: when that version's blob is one chunk nobody else
    references, a one-chunk body is written over it (one statement) and :func:`put_version`
    with ``replace`` rewrites the version's row, instead of inserting an object, a blob, a
    chunk and a link and deleting the old ones. :attr:`blob_id`: the blob written over.

    An in-memory store remembers the chunks claimed (its ``"s3_bodies"`` memo, emptied by any
    change to the rows that made them claimable), so that the next overwrite of the key
    writes the chunk by its id instead of checking again that nothing else references it."""

    __slots__ = ("blob_id", "claimable", "tx", "where")

    def __init__(self, ctx: RequestContext, bucket: AnyBucket, key: str) -> None:
        self.tx = ctx.tx
        self.where = {"b_id": bucket.id, "b_key": key}
        self.claimable: dict[Any, Any] | None = ctx.store.memo("s3.bodies")
        self.blob_id: int | None = None

    def __call__(self, data: bytes) -> int | None:
        tx, claimable, key = self.tx, self.claimable, (self.where["b_id"], self.where["b_key"])
        known = None if claimable is None else claimable.get(key)
        if known is not None:
            chunk_id, blob_id, length = known
            tx.execute(_OVERWRITE_CHUNK, {"chunk_id": chunk_id, "data": data})
        else:
            row = tx.execute(_OVERWRITE_NULL, {**self.where, "data": data}).fetchone()
            if row is None:
                return None
            chunk_id, blob_id, length = row
        if length != len(data):
            storage.resize(tx, blob_id, len(data))  # (a change the memo forgets)
        if claimable is not None:
            claimable[key] = (chunk_id, blob_id, len(data))
        self.blob_id = int(blob_id)
        return self.blob_id


def put_version(ctx: RequestContext, bucket: AnyBucket, values: dict[str, Any], replace: bool = False) -> str:
    """:func:`add_version` for a new object (PutObject) with prebuilt statements: make the row
    described by ``values`` (the :class:`S3Object` attributes a write sets: ``bucket_id``,
    ``key``, ``last_modified``, ``size``, ``etag``, ``storage_class``, ``blob_id`` (a new blob
    nothing else references), ``owner``, ``info``, ``tags``) the latest version of its key.
    ``replace``: the key's null version was overwritten in place (:class:`NullVersionOverwrite`:
    ``values["blob_id"]`` is its blob); its row is rewritten. Returns the version id. The caller
    holds no version of the key in the ORM session."""
    tx = ctx.tx
    tx.flush()  # whatever the session still holds goes first
    conv = conversions(tx)
    info = values["info"]
    cs = info.get("checksum")
    row = dict(values)
    row.update(
        last_modified=conv.time_in(values["last_modified"].replace(microsecond=0)),  # whole seconds
        checksum_alg=cs["alg"] if cs else None,
        checksum_type=cs.get("type", "FULL_OBJECT") if cs else None,
        info=conv.json_in(info),
        tags=conv.json_in(values["tags"]),
    )
    if replace:  # same row, same blob: no indexed column changes
        row["b_id"], row["b_key"] = bucket.id, values["key"]
        tx.execute(_REWRITE_NULL, row)
        return NULL
    where = {"b_id": bucket.id, "b_key": values["key"]}
    version_id = new_version_id() if bucket.versioning == "Enabled" else NULL
    if bucket.versioning is not None:  # never versioned: the only row is the null version, dropped below
        tx.execute(_UNSET_LATEST_ROW, where)
    gone = tx.execute(_DELETE_NULL_ROW, {**where, "v_null": NULL}).fetchall() if version_id == NULL else ()
    row.update(version_id=version_id, is_latest=True, listed=True, delete_marker=False)
    tx.execute(_INSERT_ROW, row)
    if gone:
        storage.release(tx, [blob_id for (blob_id,) in gone])
    return version_id


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
    storage.release(ctx.tx, [row.blob_id for row in gone])


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
        raise InvalidBucketState(
            "An Object Lock configuration is present on this bucket, so the versioning state "
            "cannot be changed.",
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
