"""Multipart uploads: create, upload part (and part copy), list parts and uploads, complete
(linking the parts' chunks into the object without copying bytes), abort."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.s3 import S3Bucket, S3Object, S3Part, S3Upload

from . import acl, checksums, notifications, storage
from .buckets import get_bucket
from .encryption import sse_c_key_md5, sse_fields
from .errors import (
    BadDigest,
    EntityTooSmall,
    InvalidArgument,
    InvalidPart,
    InvalidPartOrder,
    InvalidRequest,
    MalformedXML,
    NoSuchUpload,
)
from .listing import Cursor, check_encoding, key_condition, next_key_markers, resume_after, walk
from .notifications import Change
from .objects import (
    check_key,
    check_storage_class,
    check_write_conditions,
    copy_source_object,
    ingest,
    lock_fields,
    object_grants,
    parse_tagging,
    standard_headers,
    user_metadata,
    write_result,
)
from .versioning import add_version

MIN_PART_SIZE = 5 * 1024 * 1024
MAX_PART_NUMBER = 10000


def _upload(ctx: RequestContext, bucket: S3Bucket, key: str, upload_id: str) -> S3Upload:
    up = ctx.session.execute(select(S3Upload).where(S3Upload.upload_id == upload_id)).scalar_one_or_none()
    if up is None or up.bucket_id != bucket.id or up.key != key:
        raise NoSuchUpload(UploadId=upload_id)
    return up


def _part_number(params: dict[str, Any]) -> int:
    n = params.get("PartNumber")
    if n is None or not 1 <= n <= MAX_PART_NUMBER:
        raise InvalidArgument(
            "Part number must be an integer between 1 and 10000, inclusive",
            ArgumentName="partNumber",
            ArgumentValue=str(n),
        )
    return int(n)


def _checksum_out(info: dict[str, Any]) -> dict[str, Any]:
    alg = info.get("checksum_alg")
    return {"ChecksumAlgorithm": alg, "ChecksumType": info.get("checksum_type")} if alg else {}


@handler("s3", "CreateMultipartUpload")
def create_multipart_upload(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    key = params["Key"]
    check_key(key)
    alg = (params.get("ChecksumAlgorithm") or "").upper() or None
    ctype = params.get("ChecksumType")
    if ctype and not alg:
        raise InvalidRequest(
            "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header."
        )
    if alg and alg not in checksums.ALGORITHMS:
        raise InvalidRequest("Checksum algorithm provided is unsupported.")
    if alg and not ctype:
        ctype = "FULL_OBJECT" if alg == "CRC64NVME" else "COMPOSITE"
    if ctype == "FULL_OBJECT" and alg is not None and alg not in checksums.CRC_ALGORITHMS:
        raise InvalidRequest(
            f"The FULL_OBJECT checksum type cannot be used with the {alg.lower()} checksum algorithm."
        )
    if ctype == "COMPOSITE" and alg == "CRC64NVME":
        raise InvalidRequest(
            "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm."
        )
    info: dict[str, Any] = {
        "meta": user_metadata(params),
        "headers": standard_headers(params),
        "sse": sse_fields(ctx, bucket, params),
        "checksum_alg": alg,
        "checksum_type": ctype,
    }
    grants = object_grants(ctx, bucket, params)
    if grants is not None:
        info["acl"] = grants
    lock = lock_fields(bucket, params, ctx)
    if lock:
        info["lock"] = lock
    up = S3Upload(
        upload_id=secrets.token_urlsafe(48),
        bucket_id=bucket.id,
        key=key,
        initiated=ctx.now,
        owner=ctx.account_id,
        storage_class=check_storage_class(params.get("StorageClass"), bucket.name),
        info=info,
        tags=parse_tagging(params.get("Tagging")),
    )
    ctx.session.add(up)
    out = {"Bucket": bucket.name, "Key": key, "UploadId": up.upload_id, **info["sse"], **_checksum_out(info)}
    return out


def _store_part(
    ctx: RequestContext,
    up: S3Upload,
    number: int,
    blob_id: int,
    size: int,
    etag: str,
    part_checksums: dict[str, str],
) -> None:
    old = ctx.session.get(S3Part, (up.id, number))
    old_blob = None
    if old is not None:
        old_blob = old.blob_id
        old.blob_id, old.size, old.etag, old.last_modified, old.checksums = (
            blob_id,
            size,
            etag,
            ctx.now,
            part_checksums,
        )
    else:
        ctx.session.add(
            S3Part(
                upload_pk=up.id,
                part_number=number,
                etag=etag,
                size=size,
                last_modified=ctx.now,
                blob_id=blob_id,
                checksums=part_checksums,
            )
        )
    ctx.session.flush()
    if old_blob is not None and old_blob != blob_id:
        storage.release(ctx.tx, [old_blob])


@handler("s3", "UploadPart")
def upload_part(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    number = _part_number(params)
    up = _upload(ctx, bucket, params["Key"], params["UploadId"])
    info = up.info or {}
    sse = info.get("sse") or {}
    if sse.get("SSECustomerKeyMD5") and (
        not params.get("SSECustomerAlgorithm") or sse_c_key_md5(params) != sse["SSECustomerKeyMD5"]
    ):
        raise InvalidRequest("The provided encryption parameters did not match the ones used originally.")
    body = storage.replayable(params, ctx.store.backend)
    upload_alg = info.get("checksum_alg")
    req_alg, _ = checksums.requested(params, ctx.headers)
    if upload_alg and req_alg and req_alg != upload_alg:
        raise InvalidRequest(
            f"Checksum Type mismatch occurred, expected checksum Type: {upload_alg.lower()}, "
            f"actual checksum Type: {req_alg.lower()}"
        )
    if upload_alg and not req_alg:
        params = {**params, "ChecksumAlgorithm": upload_alg}
    data = ingest(ctx, params, body)
    part_cs = {data.algorithm: data.checksum} if data.algorithm and data.checksum else {}
    etag = f'"{data.md5}"'
    _store_part(ctx, up, number, data.blob_id, data.size, etag, part_cs)
    out: dict[str, Any] = {"ETag": etag, **sse}
    if data.checksum:
        out[checksums.param_name(data.algorithm or "")] = data.checksum
    return out


@handler("s3", "UploadPartCopy")
def upload_part_copy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    number = _part_number(params)
    up = _upload(ctx, bucket, params["Key"], params["UploadId"])
    src_bucket, src = copy_source_object(ctx, params)
    rng = params.get("CopySourceRange")
    md5 = hashlib.md5()
    alg = (up.info or {}).get("checksum_alg")
    hasher = checksums.new_hasher(alg) if alg else None
    if rng:
        import re

        m = re.fullmatch(r"bytes=(\d+)-(\d+)", rng.strip())
        if not m:
            raise InvalidArgument(
                "The x-amz-copy-source-range value must be of the form bytes=first-last where "
                "first and last are the zero-based offsets of the first and last bytes to copy",
                ArgumentName="x-amz-copy-source-range",
                ArgumentValue=rng,
            )
        start, end = int(m.group(1)), int(m.group(2))
        if end < start or end >= src.size:
            raise InvalidArgument(
                f"Range specified is not valid for source object of size: {src.size}",
                ArgumentName="x-amz-copy-source-range",
                ArgumentValue=rng,
            )
        pieces = _range_pieces(ctx, src.blob_id, start, end)
        observers = [md5.update] + ([hasher.update] if hasher else [])
        blob_id, size = storage.write_stream(ctx.tx, pieces, observers)
    else:
        blob_id, size = src.blob_id or storage.empty_blob(ctx.tx), src.size
        if "-" not in src.etag.strip('"') and hasher is None:
            md5 = None  # type: ignore[assignment]
        else:
            for piece in storage.iter_blob(ctx.tx, blob_id):
                if md5 is not None:
                    md5.update(piece)
                if hasher is not None:
                    hasher.update(piece)
    etag = f'"{md5.hexdigest()}"' if md5 is not None else src.etag
    part_cs = {alg: checksums.b64(hasher.digest())} if alg and hasher else {}
    _store_part(ctx, up, number, blob_id, size, etag, part_cs)
    result: dict[str, Any] = {"ETag": etag, "LastModified": ctx.now}
    if part_cs:
        result[checksums.param_name(alg or "")] = part_cs[alg]
    out: dict[str, Any] = {"CopyPartResult": result, **((up.info or {}).get("sse") or {})}
    if src_bucket.versioning is not None:
        out["CopySourceVersionId"] = src.version_id
    return out


def _range_pieces(ctx: RequestContext, blob_id: int | None, start: int, end: int) -> Any:
    if blob_id is None:
        return iter(())
    tx = ctx.tx

    def gen() -> Any:
        for seg in storage.segments(tx, blob_id, start, end):
            data = storage.chunk_data(tx, seg.chunk_id)
            lo = max(start - seg.pos, 0)
            hi = min(end - seg.pos + 1, seg.length)
            yield data[lo:hi]

    return gen()


@handler("s3", "ListParts")
def list_parts(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    up = _upload(ctx, bucket, params["Key"], params["UploadId"])
    marker = params.get("PartNumberMarker") or 0
    limit = params.get("MaxParts")
    if limit is not None and not 0 <= limit <= 2147483647:
        raise InvalidArgument(
            "Argument max-parts must be an integer between 0 and 2147483647",
            ArgumentName="max-parts",
            ArgumentValue=str(limit),
        )
    if not 0 <= marker <= 2147483647:
        raise InvalidArgument(
            "Argument part-number-marker must be an integer between 0 and 2147483647",
            ArgumentName="part-number-marker",
            ArgumentValue=str(marker),
        )
    limit = 1000 if limit is None else min(limit, 1000)
    rows = (
        ctx.session.execute(
            select(S3Part)
            .where(S3Part.upload_pk == up.id, S3Part.part_number > marker)
            .order_by(S3Part.part_number)
            .limit(limit + 1)
        )
        .scalars()
        .all()
    )
    page = rows[:limit]
    parts = []
    for p in page:
        entry: dict[str, Any] = {
            "PartNumber": p.part_number,
            "LastModified": p.last_modified,
            "ETag": p.etag,
            "Size": p.size,
        }
        for alg, value in (p.checksums or {}).items():
            entry[checksums.param_name(alg)] = value
        parts.append(entry)
    who = acl.owner(up.owner)
    out: dict[str, Any] = {
        "Bucket": bucket.name,
        "Key": up.key,
        "UploadId": up.upload_id,
        "PartNumberMarker": marker,
        "MaxParts": params.get("MaxParts", 1000),
        "IsTruncated": len(rows) > limit,
        "Parts": parts,
        "Initiator": {"ID": who["ID"], "DisplayName": who["DisplayName"]},
        "Owner": who,
        "StorageClass": up.storage_class,
        **_checksum_out(up.info or {}),
    }
    if page:
        out["NextPartNumberMarker"] = page[-1].part_number
    return out


@handler("s3", "AbortMultipartUpload")
def abort_multipart_upload(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    up = _upload(ctx, bucket, params["Key"], params["UploadId"])
    _discard(ctx, up)
    return {}


def _discard(ctx: RequestContext, up: S3Upload) -> None:
    blobs = ctx.session.execute(select(S3Part.blob_id).where(S3Part.upload_pk == up.id)).scalars().all()
    ctx.session.execute(delete(S3Part).where(S3Part.upload_pk == up.id))
    ctx.session.delete(up)
    ctx.session.flush()
    storage.release(ctx.tx, blobs)


@handler("s3", "CompleteMultipartUpload")
def complete_multipart_upload(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    key = params["Key"]
    up = _upload(ctx, bucket, key, params["UploadId"])
    requested = (params.get("MultipartUpload") or {}).get("Parts") or []
    if not requested:
        raise MalformedXML()
    check_write_conditions(ctx, bucket, key, params)
    info = dict(up.info or {})
    stored = {
        p.part_number: p
        for p in ctx.session.execute(select(S3Part).where(S3Part.upload_pk == up.id)).scalars()
    }
    chosen: list[S3Part] = []
    last = 0
    alg = info.get("checksum_alg")
    for item in requested:
        number = item.get("PartNumber")
        if number is None or number <= last:
            raise InvalidPartOrder(UploadId=up.upload_id)
        last = number
        part = stored.get(number)
        etag = (item.get("ETag") or "").strip('"')
        if part is None or etag != part.etag.strip('"'):
            raise InvalidPart(UploadId=up.upload_id, PartNumber=str(number), ETag=item.get("ETag") or "")
        for cs_alg in checksums.ALGORITHMS:
            given = item.get(checksums.param_name(cs_alg))
            if given is not None and (part.checksums or {}).get(cs_alg) not in (None, given):
                raise InvalidPart(UploadId=up.upload_id, PartNumber=str(number), ETag=item.get("ETag") or "")
        chosen.append(part)
    for part in chosen[:-1]:
        if part.size < MIN_PART_SIZE:
            raise EntityTooSmall(
                ProposedSize=str(part.size),
                MinSizeAllowed=str(MIN_PART_SIZE),
                PartNumber=str(part.part_number),
                ETag=part.etag.strip('"'),
            )
    blob_id, size = storage.concat(ctx.session, [p.blob_id for p in chosen])
    if params.get("MpuObjectSize") is not None and params["MpuObjectSize"] != size:
        raise InvalidRequest(
            f"The provided 'x-amz-mp-object-size' header value {params['MpuObjectSize']} does "
            f"not match what was computed: {size}"
        )
    md5s = b"".join(bytes.fromhex(p.etag.strip('"')) for p in chosen)
    etag = f'"{hashlib.md5(md5s).hexdigest()}-{len(chosen)}"'
    obj_info: dict[str, Any] = {
        "meta": info.get("meta") or {},
        "headers": info.get("headers") or {},
        "sse": info.get("sse") or {},
        "parts": [p.size for p in chosen],
    }
    for extra in ("acl", "lock"):
        if info.get(extra):
            obj_info[extra] = info[extra]
    if alg:
        ctype = params.get("ChecksumType") or info.get("checksum_type") or "COMPOSITE"
        part_values = [(p.checksums or {}).get(alg) for p in chosen]
        if ctype == "COMPOSITE":
            if any(v is None for v in part_values):
                raise InvalidRequest(
                    f"The upload was created using a {alg.lower()} checksum. The complete request "
                    f"must include the checksum for each part. It was missing for part "
                    f"{chosen[part_values.index(None)].part_number} in the request."
                )
            value = checksums.composite(alg, [v for v in part_values if v])
        else:
            h = checksums.new_hasher(alg)
            for piece in storage.iter_blob(ctx.tx, blob_id):
                h.update(piece)
            value = checksums.b64(h.digest())
        given = params.get(checksums.param_name(alg))
        if given is not None and given.split("-")[0] != value.split("-")[0]:
            raise BadDigest(f"The {alg.lower()} you specified did not match the calculated checksum.")
        obj_info["checksum"] = {"alg": alg, "value": value, "type": ctype}
        obj_info["part_checksums"] = part_values
    obj = S3Object(
        bucket_id=bucket.id,
        key=key,
        last_modified=ctx.now,
        size=size,
        etag=etag,
        storage_class=up.storage_class,
        blob_id=blob_id,
        owner=up.owner,
        info=obj_info,
        tags=dict(up.tags or {}),
        delete_marker=False,
    )
    _discard(ctx, up)
    add_version(ctx, bucket, obj)
    notifications.notify(
        ctx, bucket, "ObjectCreated:CompleteMultipartUpload", Change(key, size, etag, obj.version_id)
    )
    out = write_result(obj, bucket)
    out.update({"Location": f"{ctx.endpoint}/{bucket.name}/{key}", "Bucket": bucket.name, "Key": key})
    return out


@handler("s3", "ListMultipartUploads")
def list_multipart_uploads(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    check_encoding(params)
    prefix = params.get("Prefix") or ""
    delimiter = params.get("Delimiter") or None
    limit = params.get("MaxUploads")
    limit = 1000 if limit is None else min(max(limit, 0), 1000)
    key_marker = params.get("KeyMarker") or ""
    id_marker = params.get("UploadIdMarker") or ""
    cursor: Cursor | None = resume_after(key_marker, prefix, delimiter)
    if key_marker and id_marker:
        row_id = ctx.session.execute(select(S3Upload.id).where(S3Upload.upload_id == id_marker)).scalar()
        if row_id is not None:
            cursor = ("after", key_marker, row_id)

    def fetch(cur: Cursor | None, upper: str | None, n: int) -> Sequence[Any]:
        q = select(S3Upload).where(S3Upload.bucket_id == bucket.id)
        q = q.where(*key_condition(S3Upload.key, cur, upper, S3Upload.id, id_descending=False))
        return ctx.session.execute(q.order_by(S3Upload.key, S3Upload.id).limit(n)).scalars().all()

    items, truncated = walk(fetch, prefix, delimiter, cursor, limit, lambda r: ("after", r.key, r.id))
    uploads, prefixes = [], []
    for kind, v in items:
        if kind == "prefix":
            prefixes.append({"Prefix": v})
            continue
        who = acl.owner(v.owner)
        entry = {
            "UploadId": v.upload_id,
            "Key": v.key,
            "Initiated": v.initiated,
            "StorageClass": v.storage_class,
            "Owner": who,
            "Initiator": {"ID": who["ID"], "DisplayName": who["DisplayName"]},
            **_checksum_out(v.info or {}),
        }
        uploads.append(entry)
    out: dict[str, Any] = {
        "Bucket": bucket.name,
        "KeyMarker": key_marker,
        "UploadIdMarker": id_marker,
        "Prefix": prefix,
        "MaxUploads": params.get("MaxUploads", 1000),
        "IsTruncated": truncated,
    }
    if delimiter:
        out["Delimiter"] = delimiter
    if params.get("EncodingType"):
        out["EncodingType"] = params["EncodingType"]
    if uploads:
        out["Uploads"] = uploads
    if prefixes:
        out["CommonPrefixes"] = prefixes
    if truncated and items:
        out.update(next_key_markers(items, "NextUploadIdMarker", "upload_id"))
    return out
