"""ListObjects (v1), ListObjectsV2 and ListObjectVersions.

A page costs O(page): :func:`walk` seeks the ``(bucket, listed, key)`` (or ``(bucket, key, id)``)
index from a cursor with a LIMIT, and when a key rolls up into a common prefix it records the
prefix and re-seeks past every key under it (``key >= successor(prefix)``) instead of scanning.
Prefixes are ranges too: ``key >= prefix AND key < successor(prefix)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.s3 import S3Bucket, S3Object

from . import acl
from .buckets import get_bucket
from .errors import InvalidArgument, bad_token

MAX_KEYS = 1000
#: a position in key order: ("ge", key) | ("gt", key) | ("after", key, row id)
Cursor = tuple[Any, ...]
Fetch = Callable[[Cursor | None, str | None, int], Sequence[Any]]


def successor(text: str) -> str | None:
    """The smallest string greater than every string that starts with ``text`` (UTF-8 order)."""
    chars = list(text)
    while chars:
        code = ord(chars[-1]) + 1
        if code == 0xD800:
            code = 0xE000
        if code <= 0x10FFFF:
            chars[-1] = chr(code)
            return "".join(chars)
        chars.pop()
    return None


def key_condition(
    column: Any, cursor: Cursor | None, upper: str | None, id_column: Any = None, id_descending: bool = True
) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if cursor is not None:
        kind, key = cursor[0], cursor[1]
        if kind == "ge":
            conds.append(column >= key)
        elif kind == "gt":
            conds.append(column > key)
        else:
            same = id_column < cursor[2] if id_descending else id_column > cursor[2]
            conds.append(or_(column > key, and_(column == key, same)))
    if upper is not None:
        conds.append(column < upper)
    return conds


def walk(
    fetch: Fetch,
    prefix: str,
    delimiter: str | None,
    cursor: Cursor | None,
    limit: int,
    row_cursor: Callable[[Any], Cursor],
) -> tuple[list[tuple[str, Any]], bool]:
    """Up to ``limit`` entries after ``cursor``: ``("row", row)`` or ``("prefix", common prefix)``;
    and whether more follow."""
    if prefix and (cursor is None or cursor[1] < prefix):
        cursor = ("ge", prefix)
    upper = successor(prefix) if prefix else None
    items: list[tuple[str, Any]] = []
    if limit <= 0:
        return [], False
    # with a delimiter, a batch is cut short at the first key that rolls up (we re-seek past
    # its common prefix), so start small and grow while keys do not roll up
    batch = 8 if delimiter else limit + 1
    while len(items) <= limit:
        want = min(limit + 1 - len(items), batch)
        rows = fetch(cursor, upper, want)
        if not rows:
            break
        jumped = False
        for row in rows:
            if delimiter:
                rest = row.key[len(prefix) :]
                i = rest.find(delimiter)
                if i >= 0:
                    common = prefix + rest[: i + len(delimiter)]
                    items.append(("prefix", common))
                    nxt = successor(common)
                    if nxt is None:
                        return items[:limit], len(items) > limit
                    cursor = ("ge", nxt)
                    jumped = True
                    break
            items.append(("row", row))
            cursor = row_cursor(row)
            if len(items) > limit:
                break
        if not jumped:
            if len(rows) < want:
                break
            batch = min(batch * 4, limit + 1)
    return items[:limit], len(items) > limit


def resume_after(marker: str | None, prefix: str, delimiter: str | None) -> Cursor | None:
    """The cursor just after a V1 marker / StartAfter (a common prefix marker skips its keys)."""
    if not marker:
        return None
    if delimiter and marker.startswith(prefix) and marker.endswith(delimiter):
        rest = marker[len(prefix) :]
        if rest.find(delimiter) == len(rest) - len(delimiter):
            nxt = successor(marker)
            if nxt is not None:
                return ("ge", nxt)
    return ("gt", marker)


def next_key_markers(items: list[tuple[str, Any]], id_marker: str, id_attr: str) -> dict[str, Any]:
    """Where a truncated key-and-id listing (versions, multipart uploads) resumes: ``NextKeyMarker``,
    and the ``id_marker`` member (the last row's ``id_attr``) unless it ended on a common prefix."""
    kind, last = items[-1]
    if kind == "prefix":
        return {"NextKeyMarker": last}
    return {"NextKeyMarker": last.key, id_marker: getattr(last, id_attr)}


def _scope(bucket: S3Bucket) -> str:
    return f"ListObjectsV2/{bucket.name}"


def encode_token(bucket: S3Bucket, cursor: Cursor) -> str:
    """A ListObjectsV2 continuation token: where the next page starts (``ge``/``gt`` a key)."""
    return pager.encode(_scope(bucket), cursor)


def decode_token(bucket: S3Bucket, token: str) -> Cursor:
    """The cursor of one of :func:`encode_token`'s tokens for ``bucket``."""
    value = pager.decode(token, _scope(bucket), bad_token)
    if len(value) != 2 or value[0] not in ("ge", "gt") or not isinstance(value[1], str):
        raise bad_token(token)
    return tuple(value)


def max_keys(params: dict[str, Any], name: str = "MaxKeys") -> int:
    value = params.get(name)
    if value is None:
        return MAX_KEYS
    if value < 0:
        raise InvalidArgument(
            "Provided max-keys not an integer or within integer range",
            ArgumentName="max-keys",
            ArgumentValue=str(value),
        )
    return min(value, MAX_KEYS)


def check_encoding(params: dict[str, Any]) -> None:
    enc = params.get("EncodingType")
    if enc is not None and enc != "url":
        raise InvalidArgument(
            "Invalid Encoding Method specified in Request", ArgumentName="encoding-type", ArgumentValue=enc
        )


_COLUMNS = (
    S3Object.id,
    S3Object.key,
    S3Object.last_modified,
    S3Object.etag,
    S3Object.size,
    S3Object.storage_class,
    S3Object.owner,
    S3Object.checksum_alg,
    S3Object.checksum_type,
)


def _object_fetch(ctx: RequestContext, bucket: S3Bucket) -> Fetch:
    def fetch(cursor: Cursor | None, upper: str | None, n: int) -> Sequence[Any]:
        q = select(*_COLUMNS).where(S3Object.bucket_id == bucket.id, S3Object.listed == True)  # noqa: E712
        q = q.where(*key_condition(S3Object.key, cursor, upper))
        return ctx.session.execute(q.order_by(S3Object.key).limit(n)).all()

    return fetch


def _content(row: Any, with_owner: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "Key": row.key,
        "LastModified": row.last_modified,
        "ETag": row.etag,
        "Size": row.size,
        "StorageClass": row.storage_class,
    }
    if row.checksum_alg:
        item["ChecksumAlgorithm"] = [row.checksum_alg]
        item["ChecksumType"] = row.checksum_type
    if with_owner:
        item["Owner"] = acl.owner(row.owner)
    return item


def _split(
    items: list[tuple[str, Any]], with_owner: bool
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    contents = [_content(v, with_owner) for kind, v in items if kind == "row"]
    prefixes = [{"Prefix": v} for kind, v in items if kind == "prefix"]
    return contents, prefixes


def _base(bucket: S3Bucket, params: dict[str, Any], limit_echo: int) -> dict[str, Any]:
    out: dict[str, Any] = {"Name": bucket.name, "Prefix": params.get("Prefix") or "", "MaxKeys": limit_echo}
    if params.get("Delimiter"):
        out["Delimiter"] = params["Delimiter"]
    if params.get("EncodingType"):
        out["EncodingType"] = params["EncodingType"]
    return out


@handler("s3", "ListObjects")
def list_objects(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    check_encoding(params)
    prefix = params.get("Prefix") or ""
    delimiter = params.get("Delimiter") or None
    limit = max_keys(params)
    marker = params.get("Marker") or ""
    items, truncated = walk(
        _object_fetch(ctx, bucket),
        prefix,
        delimiter,
        resume_after(marker, prefix, delimiter),
        limit,
        lambda r: ("gt", r.key),
    )
    contents, prefixes = _split(items, with_owner=True)
    out = _base(bucket, params, params.get("MaxKeys", MAX_KEYS))
    out.update({"Marker": marker, "IsTruncated": truncated})
    if contents:
        out["Contents"] = contents
    if prefixes:
        out["CommonPrefixes"] = prefixes
    if truncated and delimiter and items:
        kind, last = items[-1]
        out["NextMarker"] = last if kind == "prefix" else last.key
    return out


@handler("s3", "ListObjectsV2")
def list_objects_v2(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    check_encoding(params)
    prefix = params.get("Prefix") or ""
    delimiter = params.get("Delimiter") or None
    limit = max_keys(params)
    token = params.get("ContinuationToken")
    if token:
        cursor: Cursor | None = decode_token(bucket, token)
    else:
        cursor = resume_after(params.get("StartAfter"), prefix, delimiter)
    items, truncated = walk(
        _object_fetch(ctx, bucket), prefix, delimiter, cursor, limit, lambda r: ("gt", r.key)
    )
    contents, prefixes = _split(items, with_owner=bool(params.get("FetchOwner")))
    out = _base(bucket, params, params.get("MaxKeys", MAX_KEYS))
    out.update({"IsTruncated": truncated, "KeyCount": len(items)})
    if contents:
        out["Contents"] = contents
    if prefixes:
        out["CommonPrefixes"] = prefixes
    if token:
        out["ContinuationToken"] = token
    if params.get("StartAfter"):
        out["StartAfter"] = params["StartAfter"]
    if truncated and items:
        kind, last = items[-1]
        if kind == "prefix":
            nxt = successor(last)
            out["NextContinuationToken"] = encode_token(bucket, ("ge", nxt) if nxt else ("gt", last))
        else:
            out["NextContinuationToken"] = encode_token(bucket, ("gt", last.key))
    return out


@handler("s3", "ListObjectVersions")
def list_object_versions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = get_bucket(ctx, params["Bucket"])
    check_encoding(params)
    prefix = params.get("Prefix") or ""
    delimiter = params.get("Delimiter") or None
    limit = max_keys(params)
    key_marker = params.get("KeyMarker") or ""
    vid_marker = params.get("VersionIdMarker") or ""
    if vid_marker and not key_marker:
        raise InvalidArgument(
            "A version-id marker cannot be specified without a key marker.",
            ArgumentName="version-id-marker",
            ArgumentValue=vid_marker,
        )
    cursor = resume_after(key_marker, prefix, delimiter)
    if key_marker and vid_marker:
        row_id = ctx.session.execute(
            select(S3Object.id).where(
                S3Object.bucket_id == bucket.id, S3Object.key == key_marker, S3Object.version_id == vid_marker
            )
        ).scalar_one_or_none()
        if row_id is None:
            raise InvalidArgument(
                "Invalid version id specified", ArgumentName="version-id-marker", ArgumentValue=vid_marker
            )
        cursor = ("after", key_marker, row_id)
    columns = (*_COLUMNS, S3Object.version_id, S3Object.is_latest, S3Object.delete_marker)

    def fetch(cur: Cursor | None, upper: str | None, n: int) -> Sequence[Any]:
        q = select(*columns).where(S3Object.bucket_id == bucket.id)
        q = q.where(*key_condition(S3Object.key, cur, upper, S3Object.id))
        return ctx.session.execute(q.order_by(S3Object.key, S3Object.id.desc()).limit(n)).all()

    items, truncated = walk(fetch, prefix, delimiter, cursor, limit, lambda r: ("after", r.key, r.id))
    versions, markers, prefixes = [], [], []
    for kind, v in items:
        if kind == "prefix":
            prefixes.append({"Prefix": v})
        elif v.delete_marker:
            markers.append(
                {
                    "Owner": acl.owner(v.owner),
                    "Key": v.key,
                    "VersionId": v.version_id,
                    "IsLatest": v.is_latest,
                    "LastModified": v.last_modified,
                }
            )
        else:
            item = _content(v, with_owner=True)
            item.update({"VersionId": v.version_id, "IsLatest": v.is_latest})
            versions.append(item)
    out = _base(bucket, params, params.get("MaxKeys", MAX_KEYS))
    out.update({"KeyMarker": key_marker, "VersionIdMarker": vid_marker, "IsTruncated": truncated})
    if versions:
        out["Versions"] = versions
    if markers:
        out["DeleteMarkers"] = markers
    if prefixes:
        out["CommonPrefixes"] = prefixes
    if truncated and items:
        out.update(next_key_markers(items, "NextVersionIdMarker", "version_id"))
    return out
