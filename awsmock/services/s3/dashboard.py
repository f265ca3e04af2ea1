"""S3 in the dashboard: buckets (object counts and sizes, tags), objects by prefix, object downloads."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from awsmock.engine import inventory
from awsmock.engine.inventory import Column, Download, Page, Query
from awsmock.models.s3 import S3BlobChunk, S3Bucket, S3Chunk, S3Object

from . import tags as bucket_tags

DELIMITER = "/"
TOP = "\U0010ffff"  # sorts after every other character: "prefix/" + TOP is past "prefix/…"
CHUNKS_PER_READ = 4


@inventory.resources(
    "s3",
    "buckets",
    title="Buckets",
    columns=[
        Column("name", "Name"),
        Column("region", "Region"),
        Column("objects", "Objects", "int"),
        Column("size", "Size", "bytes"),
        Column("versioning", "Versioning"),
        Column("created", "Created", "time"),
        Column("tags", "Tags", "tags"),
        Column("account", "Account"),
    ],
)
def list_buckets(session: Session, query: Query) -> Page:
    stmt = inventory.scoped(select(S3Bucket), S3Bucket, query)
    buckets, after = inventory.keyset_page(session, stmt, query, order=S3Bucket.name, search=S3Bucket.name)
    ids = [b.id for b in buckets]
    counts = inventory.totals(session, S3Object.bucket_id, S3Object.size, ids, S3Object.listed.is_(True))
    tags = bucket_tags.tags_of_buckets(session, buckets)
    items = [
        {
            "name": b.name,
            "region": b.region,
            "account": b.account_id,
            "objects": counts.get(b.id, (0, 0))[0],
            "size": counts.get(b.id, (0, 0))[1],
            "versioning": b.versioning or "",
            "created": inventory.iso(b.created),
            "tags": tags.get(b.id, {}),
        }
        for b in buckets
    ]
    return Page(items, after)


def _bytewise(session: Session) -> Any:
    """The object key compared byte by byte (S3's order; PostgreSQL's default collation is not)."""
    if session.get_bind().dialect.name == "postgresql":
        return S3Object.key.collate("C")
    return S3Object.key


@inventory.view(
    "s3",
    "buckets",
    "objects",
    title="Objects",
    folders=True,
    columns=[
        Column("key", "Key"),
        Column("size", "Size", "bytes"),
        Column("last_modified", "Last modified", "time"),
        Column("storage_class", "Storage class"),
        Column("etag", "ETag"),
        Column("tags", "Tags", "tags"),
    ],
)
def list_objects(session: Session, name: str, query: Query) -> Page:
    """One page of a bucket's listing under ``prefix``: sub-"folders" (rows with ``type`` =
    ``prefix``) and objects; with ``q``, every object under the prefix whose key contains it."""
    bucket = inventory.find_named(session, S3Bucket, name, "bucket")
    prefix = query.params.get("prefix", "")
    pattern = query.like()
    delimiter = "" if pattern else DELIMITER
    position: str | None = query.after
    items: list[dict[str, Any]] = []
    key = _bytewise(session)
    base = select(S3Object).where(S3Object.bucket_id == bucket.id, S3Object.listed.is_(True))
    if prefix:
        base = base.where(key >= prefix, key < prefix + TOP)
    base = inventory.searched(base, S3Object.key, query)
    while len(items) < query.limit:
        wanted = query.limit - len(items) + 1
        stmt = base.order_by(key).limit(wanted)
        if position is not None:
            stmt = stmt.where(key > position)
        rows = list(session.scalars(stmt))
        skip_to: str | None = None
        for obj in rows:
            if skip_to is not None and obj.key < skip_to:
                continue
            if len(items) >= query.limit:
                return Page(items, position)
            rest = obj.key[len(prefix) :]
            cut = rest.find(delimiter) if delimiter else -1
            if cut >= 0:
                common = prefix + rest[: cut + 1]
                items.append({"type": "prefix", "key": common})
                position = skip_to = common + TOP
            else:
                items.append(_object_row(obj))
                position = obj.key
        if len(rows) < wanted:
            return Page(items, None)
    more = session.scalars(base.where(key > position).limit(1)).first() is not None
    return Page(items, position if more else None)


def _object_row(obj: S3Object) -> dict[str, Any]:
    return {
        "type": "object",
        "key": obj.key,
        "size": int(obj.size or 0),
        "last_modified": inventory.iso(obj.last_modified),
        "storage_class": obj.storage_class,
        "etag": obj.etag,
        "tags": inventory.tag_dict(obj.tags),
    }


@inventory.download("s3", "buckets")
def download_object(store: Any, name: str, query: Query) -> Download:
    """The latest version of object ``query.params["key"]``, streamed in short read transactions."""
    key = query.params.get("key", "")
    with store.session(write=False) as session:
        bucket = inventory.find_named(session, S3Bucket, name, "bucket")
        obj = session.scalars(
            select(S3Object).where(
                S3Object.bucket_id == bucket.id, S3Object.key == key, S3Object.listed.is_(True)
            )
        ).first()
        if obj is None:
            raise LookupError(f"no object {key!r} in bucket {name!r}")
        headers = (obj.info or {}).get("headers") or {}
        content_type = str(headers.get("ContentType") or "application/octet-stream")
        chunk_ids = (
            [
                (int(c), int(n))
                for c, n in session.execute(
                    select(S3BlobChunk.chunk_id, S3BlobChunk.length)
                    .where(S3BlobChunk.blob_id == obj.blob_id)
                    .order_by(S3BlobChunk.pos)
                )
            ]
            if obj.blob_id is not None
            else []
        )
        size = int(obj.size or 0)

    def body() -> Any:
        for start in range(0, len(chunk_ids), CHUNKS_PER_READ):
            batch = chunk_ids[start : start + CHUNKS_PER_READ]
            with store.session(write=False) as session:
                data = dict(
                    session.execute(
                        select(S3Chunk.id, S3Chunk.data).where(S3Chunk.id.in_([c for c, _ in batch]))
                    ).all()
                )
            for chunk_id, length in batch:
                yield bytes(data.get(chunk_id, b""))[:length]

    filename = key.rsplit("/", 1)[-1] or "object"
    return Download(filename, content_type, size, body())
