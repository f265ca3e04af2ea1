"""Objects: put, get, head, delete (one and many), copy, tagging, ACL, attributes, restore,
retention and legal hold."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any
from urllib.parse import parse_qsl

from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.engine.wire import http_date
from awsmock.models.s3 import S3Bucket, S3Object

from . import acl, blocking, checksums, notifications, post_form, presign, storage
from .buckets import (
    AnyBucket,
    acls_enforced_off,
    bucket_row,
    from_json,
    get_bucket,
    get_config,
    to_json,
)
from .conditions import check_read, etag_matches, parse_range
from .encryption import check_sse_c_read, sse_fields
from .errors import (
    AccessControlListNotSupported,
    AccessDenied,
    BadDigest,
    BadRequest,
    InvalidArgument,
    InvalidDigest,
    InvalidObjectState,
    InvalidPartNumber,
    InvalidRequest,
    InvalidStorageClass,
    InvalidTag,
    KeyTooLong,
    MalformedXML,
    NoSuchKey,
    NoSuchVersion,
    ObjectNotInActiveTier,
    PreconditionFailed,
    not_found,
)
from .notifications import Change
from .reading import object_for_read, readable_latest, row_for_read
from .versioning import (
    NullVersionOverwrite,
    ObjectRow,
    add_version,
    bucket_and_latest,
    check_version_id,
    delete_key,
    delete_version,
    find_version,
    latest,
    latest_row,
    put_version,
)

STORAGE_CLASSES = (
    "STANDARD",
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER",
    "DEEP_ARCHIVE",
    "OUTPOSTS",
    "GLACIER_IR",
    "SNOW",
    "EXPRESS_ONEZONE",
)
ARCHIVED = ("GLACIER", "DEEP_ARCHIVE")
HEADER_PARAMS = (
    "CacheControl",
    "ContentDisposition",
    "ContentEncoding",
    "ContentLanguage",
    "ContentType",
    "WebsiteRedirectLocation",
)
RESPONSE_OVERRIDES = {
    "ResponseCacheControl": "CacheControl",
    "ResponseContentDisposition": "ContentDisposition",
    "ResponseContentEncoding": "ContentEncoding",
    "ResponseContentLanguage": "ContentLanguage",
    "ResponseContentType": "ContentType",
}
_HEADER_SET = frozenset(HEADER_PARAMS)
_OVERRIDE_PARAMS = frozenset((*RESPONSE_OVERRIDES, "ResponseExpires"))
DEFAULT_CONTENT_TYPE = "binary/octet-stream"


# -- request pieces ---------------------------------------------------------------------------


def check_key(key: str) -> None:
    if len(key.encode("utf-8")) > 1024:
        raise KeyTooLong(Size=str(len(key.encode("utf-8"))), MaxSizeAllowed="1024")


def parse_tagging(text: str | None) -> dict[str, str]:
    """The ``x-amz-tagging`` header (URL-encoded query form)."""
    if not text:
        return {}
    tags: dict[str, str] = {}
    for k, v in parse_qsl(text, keep_blank_values=True):
        if k in tags:
            raise InvalidTag("Cannot provide multiple Tags with the same key", TagKey=k)
        tags[k] = v
    return _check_tags(tags)


def _check_tags(tags: dict[str, str]) -> dict[str, str]:
    if len(tags) > 10:
        raise BadRequest("Object tags cannot be greater than 10")
    for k, v in tags.items():
        if len(k) > 128:
            raise InvalidTag("The TagKey you have provided is too long, max 128", TagKey=k)
        if len(v) > 256:
            raise InvalidTag("The TagValue you have provided is too long, max 256", TagKey=k)
        if k.lower().startswith("aws:"):
            raise InvalidTag("Your TagKey cannot be prefixed with aws:", TagKey=k)
    return tags


def tag_set(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def user_metadata(params: dict[str, Any]) -> dict[str, str]:
    """``x-amz-meta-*`` names are case-insensitive: S3 keeps them lower-cased."""
    return {k.lower(): v for k, v in (params.get("Metadata") or {}).items()}


def standard_headers(params: dict[str, Any]) -> dict[str, Any]:
    headers = {p: params[p] for p in sorted(_HEADER_SET.intersection(params)) if params[p] is not None}
    headers.setdefault("ContentType", DEFAULT_CONTENT_TYPE)
    if params.get("Expires") is not None:
        headers["Expires"] = to_json(params["Expires"])
    return headers


class Ingested:
    """What :func:`ingest` stored: blob, size, MD5 (hex), verified checksum."""

    def __init__(
        self, blob_id: int, size: int, md5: str, algorithm: str | None, checksum: str | None
    ) -> None:
        self.blob_id = blob_id
        self.size = size
        self.md5 = md5
        self.algorithm = algorithm
        self.checksum = checksum


def ingest(
    ctx: RequestContext, params: dict[str, Any], body: Any, claim: storage.Claim | None = None
) -> Ingested:
    """Store a request body as a blob, verifying Content-MD5 and the requested checksum
    (``claim``: see :func:`storage.write_stream`)."""
    md5 = hashlib.md5()
    algorithm, expected = checksums.requested(params, ctx.headers)
    if algorithm is not None and algorithm not in checksums.ALGORITHMS:
        raise InvalidRequest(
            "Checksum algorithm provided is unsupported. Please try again with any of the "
            "valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"
        )
    observers: list[Any] = [md5.update]
    hasher = checksums.new_hasher(algorithm) if algorithm else None
    if hasher is not None:
        observers.append(hasher.update)
    blob_id, size = storage.write_stream(ctx.tx, body, observers, claim)
    content_md5 = params.get("ContentMD5")
    if content_md5:
        raw = checksums.decode(content_md5)
        if raw is None or len(raw) != 16:
            raise InvalidDigest(**{"Content-MD5": content_md5})
        if raw != md5.digest():
            raise BadDigest(ExpectedDigest=raw.hex(), CalculatedDigest=content_md5)
    trailers = getattr(body, "trailers", None) or {}
    if algorithm and expected is None:
        expected = trailers.get("x-amz-checksum-" + algorithm.lower())
    if algorithm is None:
        for alg in checksums.ALGORITHMS:
            if trailers.get("x-amz-checksum-" + alg.lower()):
                algorithm, expected = alg, trailers["x-amz-checksum-" + alg.lower()]
                h = checksums.new_hasher(alg)
                for piece in storage.iter_blob(ctx.tx, blob_id):
                    h.update(piece)
                hasher = h
    value = checksums.b64(hasher.digest()) if hasher is not None else None
    if expected is not None and algorithm is not None and expected != value:
        raise BadDigest(f"The {algorithm} you specified did not match the calculated checksum.")
    return Ingested(blob_id, size, md5.hexdigest(), algorithm, value)


# -- reading ----------------------------------------------------------------------------------


def describe(
    obj: S3Object | ObjectRow, bucket: AnyBucket, params: dict[str, Any], *, checksum: bool
) -> dict[str, Any]:
    """The metadata members GetObject and HeadObject share."""
    info = obj.info or {}
    out: dict[str, Any] = {
        "LastModified": obj.last_modified,
        "ContentLength": obj.size,
        "ETag": obj.etag,
        "AcceptRanges": "bytes",
        "Metadata": dict(info.get("meta") or {}),
    }
    headers = dict(info.get("headers") or {})
    if "Expires" in headers:
        out["Expires"] = from_json(headers.pop("Expires"))
    out.update(headers)
    if not _OVERRIDE_PARAMS.isdisjoint(params):
        for override, member in RESPONSE_OVERRIDES.items():
            if params.get(override):
                out[member] = params[override]
        if params.get("ResponseExpires"):
            out["Expires"] = params["ResponseExpires"]
    if bucket.versioning is not None:
        out["VersionId"] = obj.version_id
    if obj.storage_class != "STANDARD":
        out["StorageClass"] = obj.storage_class
    out.update(info.get("sse") or {})
    if obj.tags:
        out["TagCount"] = len(obj.tags)
    lock = info.get("lock") or {}
    if lock.get("Mode"):
        out["ObjectLockMode"] = lock["Mode"]
        out["ObjectLockRetainUntilDate"] = from_json(lock["RetainUntilDate"])
    if lock.get("LegalHold"):
        out["ObjectLockLegalHoldStatus"] = lock["LegalHold"]
    restore = info.get("restore")
    if restore:
        out["Restore"] = f'ongoing-request="false", expiry-date="{http_date(from_json(restore["expiry"]))}"'
    if info.get("parts") and params.get("PartNumber"):
        out["PartsCount"] = len(info["parts"])
    cs = info.get("checksum")
    if checksum and cs and (not params.get("PartNumber") or cs.get("type") != "COMPOSITE"):
        out[checksums.param_name(cs["alg"])] = cs["value"]
        out["ChecksumType"] = cs.get("type", "FULL_OBJECT")
    return out


def _part_range(obj: S3Object | ObjectRow, part_number: int) -> tuple[int, int]:
    parts = (obj.info or {}).get("parts") or [obj.size]
    if part_number < 1 or part_number > len(parts):
        raise InvalidPartNumber(
            PartNumberRequested=str(part_number),
            ActualPartCount=str(len(parts)),
        )
    start = sum(parts[: part_number - 1])
    return start, start + parts[part_number - 1] - 1


def _read(ctx: RequestContext, params: dict[str, Any], *, body: bool) -> dict[str, Any]:
    # prebuilt statements only (bucket, version, inline body): a read never makes an ORM session
    key, version_id = params["Key"], params.get("VersionId")
    whole: bytes | None = None  # the body, read along with the version (one small chunk)
    if version_id:
        bucket = bucket_row(ctx, params["Bucket"])
        presign.check_expiry(ctx)
        obj = row_for_read(ctx, bucket, key, version_id)
    else:  # the bucket, the key's latest version and a small body: one statement
        bucket, latest, whole = bucket_and_latest(
            ctx, params["Bucket"], key, storage.CHUNK_SIZE if body else -1
        )
        presign.check_expiry(ctx)
        obj = readable_latest(latest, key)
    check_read(params, obj.etag, obj.last_modified)
    check_sse_c_read(obj, params)
    if obj.storage_class in ARCHIVED and body and not (obj.info or {}).get("restore"):
        raise InvalidObjectState(StorageClass=obj.storage_class)
    out = describe(obj, bucket, params, checksum=params.get("ChecksumMode") == "ENABLED")
    rng: tuple[int, int] | None = None
    if params.get("PartNumber"):
        if params.get("Range"):
            raise InvalidRequest("Cannot specify both Range header and partNumber query parameter")
        rng = _part_range(obj, params["PartNumber"])
        out["PartsCount"] = len((obj.info or {}).get("parts") or [1])
        if not (obj.info or {}).get("parts"):
            rng = None if obj.size == 0 else rng
    else:
        rng = parse_range(params.get("Range"), obj.size)
    if rng is not None:
        start, end = rng
        _range_checksum(out, obj, params)
        out["ContentRange"] = f"bytes {start}-{end}/{obj.size}"
        out["ContentLength"] = end - start + 1
        ctx.response_status = 206
    else:
        start, end = 0, obj.size - 1
    if body:
        if whole is not None and start == 0 and end == len(whole) - 1:
            out["Body"] = whole
        else:
            out["Body"] = storage.body_for(ctx, obj.blob_id, start, end)
    return out


def _range_checksum(out: dict[str, Any], obj: S3Object | ObjectRow, params: dict[str, Any]) -> None:
    """A ranged read carries no whole-object checksum; a part read carries the part's."""
    for alg in checksums.ALGORITHMS:
        out.pop(checksums.param_name(alg), None)
    out.pop("ChecksumType", None)
    info = obj.info or {}
    number = params.get("PartNumber")
    cs = info.get("checksum")
    part_values = info.get("part_checksums") or []
    if number and cs and params.get("ChecksumMode") == "ENABLED" and len(part_values) >= number:
        value = part_values[number - 1]
        if value:
            out[checksums.param_name(cs["alg"])] = value
            out["ChecksumType"] = "COMPOSITE"


@handler("s3", "GetObject")
def get_object(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _read(ctx, params, body=True)


@handler("s3", "HeadObject")
def head_object(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _read(ctx, params, body=False)


# -- writing ----------------------------------------------------------------------------------


def check_storage_class(value: str | None, bucket: str = "") -> str:
    """The storage class a write asks for (InvalidStorageClass), or the bucket's default: S3
    Express One Zone in a directory bucket, Standard elsewhere."""
    if value is None:
        return "EXPRESS_ONEZONE" if bucket.endswith("--x-s3") else "STANDARD"
    if value not in STORAGE_CLASSES:
        raise InvalidStorageClass(StorageClassRequested=value)
    return value


#: the request members that set an object's grants
_ACL_INPUTS = frozenset({"ACL", "AccessControlPolicy", *acl.GRANT_PARAMS})


def object_grants(
    ctx: RequestContext, bucket: AnyBucket, params: dict[str, Any]
) -> list[dict[str, Any]] | None:
    if _ACL_INPUTS.isdisjoint(params):
        return None  # (what acl.from_params says of a request that sets none)
    grants = acl.from_params(params, ctx.account_id, bucket.account_id, default=False)
    if (
        grants is not None
        and acls_enforced_off(ctx, bucket)
        and params.get("ACL") not in (None, "bucket-owner-full-control", "private")
    ):
        raise AccessControlListNotSupported()
    if grants is not None:
        blocking.check_acl(ctx, bucket.id, bucket.account_id, grants)
    return grants


#: the request members about Object Lock
_LOCK_INPUTS = frozenset({"ObjectLockMode", "ObjectLockLegalHoldStatus", "ObjectLockRetainUntilDate"})


def lock_fields(bucket: AnyBucket, params: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    if not bucket.object_lock and _LOCK_INPUTS.isdisjoint(params):
        return {}
    lock: dict[str, Any] = {}
    if (params.get("ObjectLockMode") or params.get("ObjectLockLegalHoldStatus")) and not bucket.object_lock:
        raise InvalidRequest("Bucket is missing Object Lock Configuration")
    if params.get("ObjectLockMode"):
        if not params.get("ObjectLockRetainUntilDate"):
            raise InvalidArgument(
                "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied"
            )
        lock["Mode"] = params["ObjectLockMode"]
        lock["RetainUntilDate"] = to_json(params["ObjectLockRetainUntilDate"])
    elif bucket.object_lock:
        rule = ((get_config(ctx, bucket, "object_lock") or {}).get("Rule") or {}).get("DefaultRetention")
        if rule:
            days = rule.get("Days") or 365 * (rule.get("Years") or 0)
            lock["Mode"] = rule.get("Mode", "GOVERNANCE")
            lock["RetainUntilDate"] = to_json(ctx.now + dt.timedelta(days=days))
    if params.get("ObjectLockLegalHoldStatus"):
        lock["LegalHold"] = params["ObjectLockLegalHoldStatus"]
    return lock


def write_result(obj: S3Object, bucket: AnyBucket) -> dict[str, Any]:
    return _write_result(obj.etag, obj.version_id, obj.info or {}, bucket)


def _write_result(etag: str, version_id: str, info: dict[str, Any], bucket: AnyBucket) -> dict[str, Any]:
    out: dict[str, Any] = {"ETag": etag}
    if bucket.versioning is not None:
        out["VersionId"] = version_id
    out.update(info.get("sse") or {})
    cs = info.get("checksum")
    if cs:
        out[checksums.param_name(cs["alg"])] = cs["value"]
        out["ChecksumType"] = cs.get("type", "FULL_OBJECT")
    return out


def check_write_conditions(ctx: RequestContext, bucket: AnyBucket, key: str, params: dict[str, Any]) -> None:
    if_match, if_none = params.get("IfMatch"), params.get("IfNoneMatch")
    if if_match is None and if_none is None:
        return
    ctx.tx.flush()
    current = latest_row(ctx, bucket, key)
    exists = current is not None and not current.delete_marker
    if if_none is not None:
        if if_none.strip() != "*":
            raise AwsError(
                "Only `*` is supported as a value for If-None-Match",
                code="NotImplemented",
                status=501,
                Header="If-None-Match",
            )
        if exists:
            raise PreconditionFailed(Condition="If-None-Match")
    if if_match is not None:
        if not exists:
            raise NoSuchKey(Key=key)
        assert current is not None
        if not etag_matches(if_match, current.etag):
            raise PreconditionFailed(Condition="If-Match")


@handler("s3", "PutObject")
def put_object(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    # prebuilt statements for the bucket, the body and the version (no ORM session unless a rare
    # header needs a bucket configuration: ACL ownership, object lock)
    key = params["Key"]
    bucket = bucket_row(ctx, params["Bucket"])
    presign.check_expiry(ctx)
    check_key(key)
    storage_class = check_storage_class(params.get("StorageClass"), bucket.name)
    tags = parse_tagging(params.get("Tagging"))
    grants = object_grants(ctx, bucket, params)
    sse = sse_fields(ctx, bucket, params)
    lock = lock_fields(bucket, params, ctx)
    check_write_conditions(ctx, bucket, key, params)
    form = params.get("PostForm")
    if form is not None:
        post_form.check_policy(ctx, bucket.name, form)
    # in a never-versioned bucket, a small body may be written over the version it replaces
    overwrite = NullVersionOverwrite(ctx, bucket, key) if bucket.versioning is None else None
    data = ingest(ctx, params, storage.replayable(params, ctx.store.backend), overwrite)
    if form is not None:
        post_form.check_size(form, data.size)
    info: dict[str, Any] = {"meta": user_metadata(params), "headers": standard_headers(params), "sse": sse}
    if data.checksum:
        info["checksum"] = {"alg": data.algorithm, "value": data.checksum, "type": "FULL_OBJECT"}
    if grants is not None:
        info["acl"] = grants
    if lock:
        info["lock"] = lock
    etag = f'"{data.md5}"'
    version_id = put_version(
        ctx,
        bucket,
        {
            "bucket_id": bucket.id,
            "key": key,
            "last_modified": ctx.now,
            "size": data.size,
            "etag": etag,
            "storage_class": storage_class,
            "blob_id": data.blob_id,
            "owner": ctx.account_id,
            "info": info,
            "tags": tags,
        },
        replace=overwrite is not None and overwrite.blob_id == data.blob_id,
    )
    out = _write_result(etag, version_id, info, bucket)
    out["Size"] = data.size
    if bucket.notification:  # (read with the bucket: None for a bucket without notifications)
        event = "ObjectCreated:Put" if form is None else "ObjectCreated:Post"
        notifications.notify(ctx, bucket, event, Change(key, data.size, etag, version_id))
    if form is not None:
        post_form.finish(ctx, bucket.name, form, etag)
    return out


def _check_lock_allows_delete(obj: S3Object | None, params: dict[str, Any], now: dt.datetime) -> None:
    if obj is None:
        return
    lock = (obj.info or {}).get("lock") or {}
    if lock.get("LegalHold") == "ON":
        raise AccessDenied("Access Denied because object protected by object lock.")
    if (
        lock.get("Mode")
        and from_json(lock["RetainUntilDate"]) > now
        and (lock["Mode"] == "COMPLIANCE" or not params.get("BypassGovernanceRetention"))
    ):
        raise AccessDenied("Access Denied because object protected by object lock.")


@handler("s3", "DeleteObject")
def delete_object(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    key = params["Key"]
    version_id = params.get("VersionId")
    if params.get("IfMatch") is not None:
        current = latest(ctx, bucket, key)
        if current is None or current.delete_marker:
            raise NoSuchKey(Key=key)
        if not etag_matches(params["IfMatch"], current.etag):
            raise PreconditionFailed(Condition="If-Match")
    if version_id:
        check_version_id(version_id)
        _check_lock_allows_delete(find_version(ctx, bucket, key, version_id), params, ctx.now)
        out = delete_version(ctx, bucket, key, version_id)
    else:
        out = delete_key(ctx, bucket, key)
    notifications.emit(ctx, bucket, [notifications.removal(key, version_id or None, out)])
    return out


@handler("s3", "DeleteObjects")
def delete_objects(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    doc = params.get("Delete") or {}
    items = doc.get("Objects") or []
    if not items or len(items) > 1000:
        raise MalformedXML()
    quiet = bool(doc.get("Quiet"))
    deleted: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    removed: list[tuple[str, Change]] = []
    for item in items:
        key = item["Key"]
        version_id = item.get("VersionId")
        try:
            if item.get("ETag") is not None:
                current = latest(ctx, bucket, key)
                if current is None or current.delete_marker:
                    raise NoSuchKey(Key=key)
                if not etag_matches(item["ETag"], current.etag):
                    raise PreconditionFailed(Condition="If-Match")
            if version_id:
                check_version_id(version_id)
                _check_lock_allows_delete(find_version(ctx, bucket, key, version_id), params, ctx.now)
                res = delete_version(ctx, bucket, key, version_id)
            else:
                res = delete_key(ctx, bucket, key)
        except AwsError as err:
            entry = {"Key": key, "Code": err.code, "Message": err.message}
            if version_id:
                entry["VersionId"] = version_id
            errors.append(entry)
            continue
        removed.append(notifications.removal(key, version_id or None, res))
        if quiet:
            continue
        entry = {"Key": key}
        if version_id:
            entry["VersionId"] = version_id
            if res.get("DeleteMarker"):
                entry["DeleteMarker"] = True
                entry["DeleteMarkerVersionId"] = version_id
        elif res.get("DeleteMarker"):
            entry["DeleteMarker"] = True
            entry["DeleteMarkerVersionId"] = res["VersionId"]
        deleted.append(entry)
    if removed:
        notifications.emit(ctx, bucket, removed)
    out: dict[str, Any] = {}
    if deleted:
        out["Deleted"] = deleted
    if errors:
        out["Errors"] = errors
    return out


# -- copy -------------------------------------------------------------------------------------


def parse_copy_source(source: Any) -> tuple[str, str, str | None]:
    if isinstance(source, dict):
        return source["Bucket"], source["Key"], source.get("VersionId")
    from urllib.parse import unquote

    text = str(source)
    path, _, query = text.partition("?")
    path = unquote(path).lstrip("/")
    bucket, _, key = path.partition("/")
    version = None
    for k, v in parse_qsl(query):
        if k == "versionId":
            version = v
    if not bucket or not key:
        raise InvalidArgument(
            "Invalid copy source object key", ArgumentName="x-amz-copy-source", ArgumentValue=text
        )
    return bucket, key, version


def copy_source_object(ctx: RequestContext, params: dict[str, Any]) -> tuple[S3Bucket, S3Object]:
    src_bucket_name, src_key, src_version = parse_copy_source(params["CopySource"])
    src_bucket = get_bucket(ctx, src_bucket_name)
    if src_version:
        check_version_id(src_version)
        src = find_version(ctx, src_bucket, src_key, src_version)
        if src is None:
            raise NoSuchVersion(Key=src_key, VersionId=src_version)
        if src.delete_marker:
            raise InvalidRequest(
                "The source of a copy request may not specifically refer to a delete marker by version id."
            )
    else:
        found = latest(ctx, src_bucket, src_key)
        if found is None or found.delete_marker:
            raise NoSuchKey(Key=src_key)
        src = found
    check_read(params, src.etag, src.last_modified, prefix="CopySourceIf")
    check_sse_c_read(src, params, prefix="CopySourceSSECustomer")
    if src.storage_class in ARCHIVED and not (src.info or {}).get("restore"):
        raise ObjectNotInActiveTier()
    return src_bucket, src


@handler("s3", "CopyObject")
def copy_object(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    key = params["Key"]
    check_key(key)
    src_bucket, src = copy_source_object(ctx, params)
    meta_directive = params.get("MetadataDirective", "COPY")
    tag_directive = params.get("TaggingDirective", "COPY")
    if meta_directive not in ("COPY", "REPLACE") or tag_directive not in ("COPY", "REPLACE"):
        raise InvalidArgument(
            "Unknown metadata directive.",
            ArgumentName="x-amz-metadata-directive",
            ArgumentValue=meta_directive,
        )
    src_info = src.info or {}
    same = src_bucket.id == bucket.id and src.key == key
    changes_encryption = any(
        params.get(p)
        for p in ("ServerSideEncryption", "SSECustomerAlgorithm", "SSEKMSKeyId", "BucketKeyEnabled")
    )
    if (
        same
        and meta_directive == "COPY"
        and not params.get("StorageClass")
        and not params.get("WebsiteRedirectLocation")
        and not changes_encryption
    ):
        raise InvalidRequest(
            "This copy request is illegal because it is trying to copy an object to itself "
            "without changing the object's metadata, storage class, website redirect location "
            "or encryption attributes."
        )
    if meta_directive == "REPLACE":
        info: dict[str, Any] = {"meta": user_metadata(params), "headers": standard_headers(params)}
    else:
        info = {"meta": dict(src_info.get("meta") or {}), "headers": dict(src_info.get("headers") or {})}
    info["sse"] = sse_fields(ctx, bucket, params)
    grants = object_grants(ctx, bucket, params)
    if grants is not None:
        info["acl"] = grants
    lock = lock_fields(bucket, params, ctx)
    if lock:
        info["lock"] = lock
    tags = parse_tagging(params.get("Tagging")) if tag_directive == "REPLACE" else dict(src.tags or {})
    algorithm = params.get("ChecksumAlgorithm")
    src_cs = src_info.get("checksum")
    if algorithm:
        h = checksums.new_hasher(algorithm)
        for piece in storage.iter_blob(ctx.tx, src.blob_id) if src.blob_id else []:
            h.update(piece)
        info["checksum"] = {
            "alg": algorithm.upper(),
            "value": checksums.b64(h.digest()),
            "type": "FULL_OBJECT",
        }
    elif src_cs and src_cs.get("type") != "COMPOSITE":
        info["checksum"] = dict(src_cs)
    if src_info.get("parts"):
        info["parts"] = list(src_info["parts"])
    etag = src.etag
    storage_class = check_storage_class(
        params.get("StorageClass") or (src.storage_class if same else None), bucket.name
    )
    obj = S3Object(
        bucket_id=bucket.id,
        key=key,
        last_modified=ctx.now,
        size=src.size,
        etag=etag,
        storage_class=storage_class,
        blob_id=src.blob_id,
        owner=ctx.account_id,
        info=info,
        tags=tags,
        delete_marker=False,
    )
    add_version(ctx, bucket, obj)
    notifications.notify(ctx, bucket, "ObjectCreated:Copy", Change(key, obj.size, obj.etag, obj.version_id))
    result = {"ETag": obj.etag, "LastModified": obj.last_modified}
    cs = info.get("checksum")
    if cs:
        result[checksums.param_name(cs["alg"])] = cs["value"]
        result["ChecksumType"] = cs.get("type", "FULL_OBJECT")
    out: dict[str, Any] = {"CopyObjectResult": result}
    out.update(info["sse"])
    if bucket.versioning is not None:
        out["VersionId"] = obj.version_id
    if src_bucket.versioning is not None:
        out["CopySourceVersionId"] = src.version_id
    return out


# -- tagging, ACL, attributes, restore, lock -------------------------------------------------


def _target(ctx: RequestContext, params: dict[str, Any]) -> tuple[S3Bucket, S3Object]:
    bucket = get_bucket(ctx, params["Bucket"])
    return bucket, object_for_read(ctx, bucket, params["Key"], params.get("VersionId"))


def _change(obj: S3Object) -> Change:
    """What an event says of the version ``obj``."""
    return Change(obj.key, obj.size, obj.etag, obj.version_id, obj.storage_class)


def _version_out(bucket: S3Bucket, obj: S3Object) -> dict[str, Any]:
    return {"VersionId": obj.version_id} if bucket.versioning is not None else {}


@handler("s3", "PutObjectTagging")
def put_object_tagging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket, obj = _target(ctx, params)
    tag_list = (params.get("Tagging") or {}).get("TagSet") or []
    tags: dict[str, str] = {}
    for t in tag_list:
        if t["Key"] in tags:
            raise InvalidTag("Cannot provide multiple Tags with the same key", TagKey=t["Key"])
        tags[t["Key"]] = t.get("Value", "")
    obj.tags = _check_tags(tags)
    notifications.notify(ctx, bucket, "ObjectTagging:Put", _change(obj))
    return _version_out(bucket, obj)


@handler("s3", "GetObjectTagging")
def get_object_tagging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket, obj = _target(ctx, params)
    return {"TagSet": tag_set(obj.tags or {}), **_version_out(bucket, obj)}


@handler("s3", "DeleteObjectTagging")
def delete_object_tagging(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket, obj = _target(ctx, params)
    obj.tags = {}
    notifications.notify(ctx, bucket, "ObjectTagging:Delete", _change(obj))
    return _version_out(bucket, obj)


@handler("s3", "PutObjectAcl")
def put_object_acl(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket, obj = _target(ctx, params)
    grants = object_grants(ctx, bucket, params)
    if grants is None:
        raise MalformedXML()
    obj.info = {**(obj.info or {}), "acl": grants}
    notifications.notify(ctx, bucket, "ObjectAcl:Put", _change(obj))
    return {}


@handler("s3", "GetObjectAcl")
def get_object_acl(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket, obj = _target(ctx, params)
    grants = (obj.info or {}).get("acl") or acl.canned("private", obj.owner)
    return {"Owner": acl.owner(obj.owner), "Grants": grants, **_version_out(bucket, obj)}


@handler("s3", "GetObjectAttributes")
def get_object_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket, obj = _target(ctx, params)
    check_sse_c_read(obj, params)
    wanted = set(params.get("ObjectAttributes") or [])
    info = obj.info or {}
    out: dict[str, Any] = {"LastModified": obj.last_modified}
    if bucket.versioning is not None:
        out["VersionId"] = obj.version_id
    if "ETag" in wanted:
        out["ETag"] = obj.etag.strip('"')
    if "StorageClass" in wanted:
        out["StorageClass"] = obj.storage_class
    if "ObjectSize" in wanted:
        out["ObjectSize"] = obj.size
    cs = info.get("checksum")
    if "Checksum" in wanted and cs:
        out["Checksum"] = {
            checksums.param_name(cs["alg"]): cs["value"],
            "ChecksumType": cs.get("type", "FULL_OBJECT"),
        }
    parts = info.get("parts")
    if "ObjectParts" in wanted and parts:
        marker = params.get("PartNumberMarker") or 0
        limit = params.get("MaxParts") or 1000
        numbered = [(i + 1, size) for i, size in enumerate(parts) if i + 1 > marker]
        page = numbered[:limit]
        part_cs = info.get("part_checksums") or []
        rendered = []
        for n, size in page:
            entry: dict[str, Any] = {"PartNumber": n, "Size": size}
            if cs and len(part_cs) >= n and part_cs[n - 1]:
                entry[checksums.param_name(cs["alg"])] = part_cs[n - 1]
            rendered.append(entry)
        out["ObjectParts"] = {
            "TotalPartsCount": len(parts),
            "PartNumberMarker": marker,
            "NextPartNumberMarker": page[-1][0] if page else marker,
            "MaxParts": limit,
            "IsTruncated": len(numbered) > limit,
            "Parts": rendered,
        }
    return out


@handler("s3", "RestoreObject")
def restore_object(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket, obj = _target(ctx, params)
    if obj.storage_class not in (*ARCHIVED, "INTELLIGENT_TIERING"):
        raise InvalidObjectState(
            "Restore is not allowed for the object's current storage class", StorageClass=obj.storage_class
        )
    request = params.get("RestoreRequest") or {}
    days = request.get("Days") or 1
    info = dict(obj.info or {})
    already = bool(info.get("restore"))
    expiry = (ctx.now + dt.timedelta(days=days + 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    info["restore"] = {"expiry": to_json(expiry)}
    obj.info = info
    if not already:
        ctx.response_status = 202
        # the restored copy is ready at once: initiated and completed in one request
        restored = Change(obj.key, obj.size, obj.etag, obj.version_id, obj.storage_class, expiry)
        notifications.emit(
            ctx, bucket, [("ObjectRestore:Post", restored), ("ObjectRestore:Completed", restored)]
        )
    return {}


@handler("s3", "PutObjectRetention")
def put_object_retention(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket, obj = _target(ctx, params)
    if not bucket.object_lock:
        raise InvalidRequest("Bucket is missing Object Lock Configuration")
    retention = params.get("Retention") or {}
    info = dict(obj.info or {})
    lock = dict(info.get("lock") or {})
    current_until = from_json(lock["RetainUntilDate"]) if lock.get("RetainUntilDate") else None
    new_until = retention.get("RetainUntilDate")
    if (
        lock.get("Mode") == "COMPLIANCE"
        and current_until
        and current_until > ctx.now
        and (new_until is None or new_until < current_until)
    ):
        raise AccessDenied()
    if (
        lock.get("Mode") == "GOVERNANCE"
        and current_until
        and current_until > ctx.now
        and (new_until is None or new_until < current_until)
        and not params.get("BypassGovernanceRetention")
    ):
        raise AccessDenied()
    if retention.get("Mode"):
        lock["Mode"] = retention["Mode"]
        lock["RetainUntilDate"] = to_json(new_until)
    else:
        lock.pop("Mode", None)
        lock.pop("RetainUntilDate", None)
    info["lock"] = lock
    obj.info = info
    return {}


def _no_lock_configuration() -> AwsError:
    return not_found(
        "NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration"
    )


@handler("s3", "GetObjectRetention")
def get_object_retention(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _bucket, obj = _target(ctx, params)
    lock = (obj.info or {}).get("lock") or {}
    if not lock.get("Mode"):
        raise _no_lock_configuration()
    return {"Retention": {"Mode": lock["Mode"], "RetainUntilDate": from_json(lock["RetainUntilDate"])}}


@handler("s3", "PutObjectLegalHold")
def put_object_legal_hold(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket, obj = _target(ctx, params)
    if not bucket.object_lock:
        raise InvalidRequest("Bucket is missing Object Lock Configuration")
    status = (params.get("LegalHold") or {}).get("Status")
    if status not in ("ON", "OFF"):
        raise MalformedXML()
    info = dict(obj.info or {})
    info["lock"] = {**(info.get("lock") or {}), "LegalHold": status}
    obj.info = info
    return {}


@handler("s3", "GetObjectLegalHold")
def get_object_legal_hold(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _bucket, obj = _target(ctx, params)
    status = ((obj.info or {}).get("lock") or {}).get("LegalHold")
    if not status:
        raise _no_lock_configuration()
    return {"LegalHold": {"Status": status}}
