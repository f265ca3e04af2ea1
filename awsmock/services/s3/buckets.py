"""Buckets: create (name and location rules), head, delete, list, location; lookups shared by
every S3 module (bucket by name, stored sub-resource documents)."""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import re
from typing import Any, TypeAlias

from sqlalchemy import bindparam, delete, exists, select

from awsmock.engine import arns, pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.s3 import S3Bucket, S3BucketConfig, S3Object, S3Upload
from awsmock.state.rawvalues import Conversions, conversions

from . import access_points, acl, blocking, directory_config, storage, tags
from .errors import (
    AccessDenied,
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    IllegalLocationConstraint,
    InvalidArgument,
    InvalidBucketName,
    InvalidLocationConstraint,
    NoSuchBucket,
    bad_token,
)

_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$")
_BAD_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BAD_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
LEGACY_LOCATIONS = {"EU": "eu-west-1"}


# -- JSON documents with timestamps and bytes -------------------------------------------------


def to_json(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"__dt__": value.astimezone(dt.UTC).isoformat()}
    if isinstance(value, (bytes, bytearray)):
        return {"__b64__": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def from_json(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and "__dt__" in value:
            return dt.datetime.fromisoformat(value["__dt__"])
        if len(value) == 1 and "__b64__" in value:
            return base64.b64decode(value["__b64__"])
        return {k: from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_json(v) for v in value]
    return value


# -- lookups ----------------------------------------------------------------------------------


#: built once: every S3 request resolves its bucket (building the expression costs more than the query)
_BY_NAME = select(S3Bucket).where(S3Bucket.name == bindparam("name"))


def get_bucket(ctx: RequestContext, name: str) -> S3Bucket:
    """The bucket ``name`` (NoSuchBucket; AccessDenied when another account owns it)."""
    bucket = ctx.session.execute(_BY_NAME, {"name": name}).scalar_one_or_none()
    if bucket is None and (behind := access_points.bucket_behind(ctx, name)) is not None:
        bucket = ctx.session.execute(_BY_NAME, {"name": behind}).scalar_one_or_none()
    if bucket is None:
        raise NoSuchBucket(BucketName=name)
    if bucket.account_id != ctx.account_id:
        raise AccessDenied()
    return bucket


class BucketRow:
    """A bucket read with a prebuilt statement (:func:`bucket_row`): the columns the object
    paths read, and its default-encryption document. Read-only: handlers that change a bucket
    use :func:`get_bucket`."""

    __slots__ = (
        "account_id",
        "encryption",
        "id",
        "name",
        "notification",
        "object_lock",
        "region",
        "versioning",
    )

    def __init__(self, name: str, row: Any, conv: Conversions) -> None:
        """``row``: the columns of :data:`BUCKET_COLUMNS` first (others may follow)."""
        self.name = name
        self.id, self.account_id, self.region, self.versioning, object_lock, encryption = row[:6]
        self.object_lock = bool(object_lock)
        self.encryption = conv.json_out(encryption)  # the stored document (None: no such config)
        #: the notification configuration, where the statement read it (:func:`bucket_row`)
        self.notification: Any = UNREAD


#: a bucket the object paths accept: loaded by the ORM or read raw
AnyBucket: TypeAlias = S3Bucket | BucketRow

#: :attr:`BucketRow.notification` of a row whose statement did not read it
UNREAD: Any = object()

_BUCKETS, _CONFIGS = S3Bucket.__table__, S3BucketConfig.__table__
#: what :class:`BucketRow` reads (the bucket named by the bind parameter ``name``)
BUCKET_COLUMNS = (
    _BUCKETS.c.id,
    _BUCKETS.c.account_id,
    _BUCKETS.c.region,
    _BUCKETS.c.versioning,
    _BUCKETS.c.object_lock,
    select(_CONFIGS.c.value)
    .where(_CONFIGS.c.bucket_id == _BUCKETS.c.id, _CONFIGS.c.name == "encryption")
    .scalar_subquery(),
)
#: the bucket's notification configuration, read with it by :func:`bucket_row` (None: none), so
#: that a write to a bucket without one costs nothing more to find that out
_NOTIFICATION = (
    select(_CONFIGS.c.value)
    .where(_CONFIGS.c.bucket_id == _BUCKETS.c.id, _CONFIGS.c.name == "notification")
    .scalar_subquery()
)
_BUCKET_ROW = select(*BUCKET_COLUMNS, _NOTIFICATION).where(_BUCKETS.c.name == bindparam("name"))


def bucket_row(ctx: RequestContext, name: str) -> BucketRow:
    """:func:`get_bucket` for the object hot paths (PutObject, GetObject, HeadObject): one
    prebuilt statement, no ORM session; it brings the default encryption and the notification
    configuration along. Remembered across requests where the store keeps a memo (in memory:
    emptied by any change to a bucket or its configuration, see ``S3Bucket.__memo__``)."""
    memo = ctx.store.memo("s3.buckets")
    bucket: BucketRow | None = None if memo is None else memo.get(("s3", name))
    if bucket is None:
        row = ctx.tx.execute(_BUCKET_ROW, {"name": name}).fetchone()
        real = name
        if row is None and (behind := access_points.bucket_behind(ctx, name)) is not None:
            real, memo = behind, None  # (through an access point: not remembered)
            row = ctx.tx.execute(_BUCKET_ROW, {"name": real}).fetchone()
        bucket = _existing(ctx, real, row)
        bucket.notification = from_json(conversions(ctx.tx).json_out(row[len(BUCKET_COLUMNS)]))
        if memo is not None:
            memo[("s3", name)] = bucket
    return _owned(ctx, bucket)


def checked_bucket(ctx: RequestContext, name: str, row: Any) -> BucketRow:
    """The :class:`BucketRow` of ``row`` (the :data:`BUCKET_COLUMNS` of bucket ``name``, None
    if there is no such bucket), if the caller's account owns it."""
    return _owned(ctx, _existing(ctx, name, row))


def _existing(ctx: RequestContext, name: str, row: Any) -> BucketRow:
    if row is None:
        raise NoSuchBucket(BucketName=name)
    return BucketRow(name, row, conversions(ctx.tx))


def _owned(ctx: RequestContext, bucket: BucketRow) -> BucketRow:
    if bucket.account_id != ctx.account_id:
        raise AccessDenied()
    return bucket


def get_config(ctx: RequestContext, bucket: AnyBucket, name: str) -> Any:
    if name == "encryption" and isinstance(bucket, BucketRow):
        return from_json(bucket.encryption)
    row = ctx.session.get(S3BucketConfig, (bucket.id, name))
    return None if row is None else from_json(row.value)


def set_config(ctx: RequestContext, bucket: S3Bucket, name: str, value: Any) -> None:
    row = ctx.session.get(S3BucketConfig, (bucket.id, name))
    if row is None:
        ctx.session.add(S3BucketConfig(bucket_id=bucket.id, name=name, value=to_json(value)))
    else:
        row.value = to_json(value)


def delete_config(ctx: RequestContext, bucket: S3Bucket, name: str) -> None:
    ctx.session.execute(
        delete(S3BucketConfig).where(S3BucketConfig.bucket_id == bucket.id, S3BucketConfig.name == name)
    )


def bucket_grants(ctx: RequestContext, bucket: S3Bucket) -> list[dict[str, Any]]:
    grants = get_config(ctx, bucket, "acl")
    return grants if grants is not None else acl.canned("private", bucket.account_id)


def acls_enforced_off(ctx: RequestContext, bucket: AnyBucket) -> bool:
    """Whether the bucket disables ACLs (ObjectOwnership BucketOwnerEnforced set explicitly)."""
    controls = get_config(ctx, bucket, "ownership")
    if not controls:
        return False
    return any(r.get("ObjectOwnership") == "BucketOwnerEnforced" for r in controls.get("Rules", []))


# -- names and locations ---------------------------------------------------------------------


def valid_bucket_name(name: str) -> bool:
    if not _BUCKET_NAME.match(name) or ".." in name or ".-" in name or "-." in name:
        return False
    if name.startswith(_BAD_PREFIXES) or name.endswith(_BAD_SUFFIXES):
        return False
    try:
        ipaddress.IPv4Address(name)
        return False
    except ValueError:
        return True


def _region_for_create(ctx: RequestContext, constraint: str | None) -> str:
    if (
        constraint is not None
        and constraint != ""
        and not (_REGION.match(constraint) or constraint in LEGACY_LOCATIONS)
    ):
        raise InvalidLocationConstraint()
    if ctx.region == "us-east-1":
        if constraint == "us-east-1":
            raise InvalidLocationConstraint()
        return LEGACY_LOCATIONS.get(constraint or "", constraint or "us-east-1")
    if not constraint:
        raise IllegalLocationConstraint(
            "The unspecified location constraint is incompatible for the region specific endpoint "
            "this request was sent to."
        )
    if LEGACY_LOCATIONS.get(constraint, constraint) != ctx.region:
        raise IllegalLocationConstraint(
            f"The {constraint} location constraint is incompatible for the region specific endpoint "
            "this request was sent to."
        )
    return ctx.region


# -- handlers ---------------------------------------------------------------------------------


@handler("s3", "CreateBucket")
def create_bucket(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["Bucket"]
    config = params.get("CreateBucketConfiguration") or {}
    directory_setup: dict[str, Any] | None = None
    if directory_config.is_directory(name):
        directory_setup = directory_config.check_create(name, config)
        region = ctx.region
    else:
        if not valid_bucket_name(name):
            raise InvalidBucketName(BucketName=name)
        region = _region_for_create(ctx, config.get("LocationConstraint"))
    existing = ctx.session.execute(select(S3Bucket).where(S3Bucket.name == name)).scalar_one_or_none()
    if existing is not None:
        if existing.account_id != ctx.account_id:
            raise BucketAlreadyExists(BucketName=name)
        if existing.region == "us-east-1" and region == "us-east-1" and directory_setup is None:
            return {"Location": f"/{name}"}
        raise BucketAlreadyOwnedByYou(BucketName=name)
    bucket = S3Bucket(
        name=name,
        account_id=ctx.account_id,
        region=region,
        created=ctx.now,
        versioning=None,
        object_lock=bool(params.get("ObjectLockEnabledForBucket")),
    )
    ctx.session.add(bucket)
    ctx.session.flush()
    if config.get("Tags"):
        tags.put_tags(ctx, bucket, config["Tags"])
    grants = acl.from_params(params, ctx.account_id, default=False)
    if grants is not None:
        blocking.check_acl(ctx, bucket.id, ctx.account_id, grants)
        set_config(ctx, bucket, "acl", grants)
    if params.get("ObjectOwnership"):
        set_config(ctx, bucket, "ownership", {"Rules": [{"ObjectOwnership": params["ObjectOwnership"]}]})
    if bucket.object_lock:
        bucket.versioning = "Enabled"
        set_config(ctx, bucket, "versioning", {"Status": "Enabled"})
        set_config(ctx, bucket, "object_lock", {"ObjectLockEnabled": "Enabled"})
    if directory_setup is not None:
        set_config(ctx, bucket, "directory", directory_setup)
        return directory_config.create_answer(ctx, name, region, directory_setup)
    if region == "us-east-1":
        return {"Location": f"/{name}"}
    return {"Location": f"http://{name}.s3.{region}.{arns.dns_suffix(region)}/"}


@handler("s3", "HeadBucket")
def head_bucket(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    return {"BucketRegion": bucket.region, "AccessPointAlias": False}


@handler("s3", "DeleteBucket")
def delete_bucket(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    if ctx.session.execute(select(exists().where(S3Object.bucket_id == bucket.id))).scalar():
        raise BucketNotEmpty(BucketName=bucket.name)
    from awsmock.models.s3 import S3Part

    uploads = ctx.session.execute(select(S3Upload.id).where(S3Upload.bucket_id == bucket.id)).scalars().all()
    if uploads:
        blobs = (
            ctx.session.execute(select(S3Part.blob_id).where(S3Part.upload_pk.in_(uploads))).scalars().all()
        )
        ctx.session.execute(delete(S3Part).where(S3Part.upload_pk.in_(uploads)))
        ctx.session.execute(delete(S3Upload).where(S3Upload.id.in_(uploads)))
        storage.release(ctx.tx, blobs)
    ctx.session.execute(delete(S3BucketConfig).where(S3BucketConfig.bucket_id == bucket.id))
    tags.drop_tags(ctx.session, bucket)  # a bucket made again under this name starts with none
    ctx.session.delete(bucket)
    return {}


def _after(token: str) -> str:
    """The last bucket name listed before the page ``token`` continues."""
    after = pager.decode(token, "ListBuckets", bad_token)
    if len(after) != 1 or not isinstance(after[0], str):
        raise bad_token(token)
    return after[0]


@handler("s3", "ListBuckets")
def list_buckets(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = params.get("MaxBuckets")
    if limit is not None and not 1 <= limit <= 10000:
        raise InvalidArgument(
            "The value of max-buckets is invalid", ArgumentName="max-buckets", ArgumentValue=str(limit)
        )
    prefix = params.get("Prefix")
    page = limit or 10000
    region = params.get("BucketRegion")
    binds = {
        "acct": ctx.account_id,
        "lo": prefix or "",
        "hi": (prefix or "") + "\U0010ffff",  # (bucket names are ASCII)
        "after": _after(params["ContinuationToken"]) if params.get("ContinuationToken") else "",
        "lim": page + 1,
    }
    if region:
        binds["region"] = region
    rows = ctx.tx.execute(_LIST_IN_REGION if region else _LIST, binds).fetchall()
    time_out = conversions(ctx.tx).time_out
    out: dict[str, Any] = {
        "Buckets": [
            {"Name": name, "CreationDate": time_out(created), "BucketRegion": bucket_region}
            for name, created, bucket_region in rows[:page]
        ],
        "Owner": acl.owner(ctx.account_id),
    }
    if prefix is not None:
        out["Prefix"] = prefix
    if len(rows) > page:
        out["ContinuationToken"] = pager.encode("ListBuckets", [rows[page - 1][0]])
    return out


# ListBuckets with prebuilt statements (the first call of many tests: no ORM session to set up);
# a keyset page past ``after``, its token made and read by the one pager
_LIST = (
    select(_BUCKETS.c.name, _BUCKETS.c.created, _BUCKETS.c.region)
    .where(
        _BUCKETS.c.account_id == bindparam("acct"),
        _BUCKETS.c.name >= bindparam("lo"),
        _BUCKETS.c.name < bindparam("hi"),
        _BUCKETS.c.name > bindparam("after"),
        _BUCKETS.c.name.not_like("%--x-s3"),  # (directory buckets: ListDirectoryBuckets)
    )
    .order_by(_BUCKETS.c.name)
    .limit(bindparam("lim"))
)
_LIST_IN_REGION = _LIST.where(_BUCKETS.c.region == bindparam("region"))


@handler("s3", "GetBucketLocation")
def get_bucket_location(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    if bucket.region == "us-east-1":
        return {}
    return {"LocationConstraint": bucket.region}
