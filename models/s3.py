"""S3 tables: buckets, their sub-resource configurations, object versions, multipart uploads,
and the chunked blob store that holds every byte of object and part bodies. (A bucket's tags
live in the shared tag table, by the bucket's ARN; an object version's tags are its own column.)

Bodies are immutable *blobs*: a blob is a list of ``(offset, chunk)`` rows in
``s3_blob_chunk`` pointing at ``s3_chunk`` rows of at most 1 MiB. Objects and parts point at a
blob; completing a multipart upload builds the object's blob by linking the parts' chunks (no
byte is copied), and a copy of a whole object shares its blob. A chunk is deleted when no blob
links it any more. (One exception: an overwrite of a never-versioned key whose old body is a
single chunk nothing else links rewrites that chunk in place; see ``services/s3/storage.py``.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import AccountScoped, Base


class S3Bucket(AccountScoped, Base):
    """A bucket: the name is global, the bucket belongs to one account and one region."""

    __tablename__ = "s3_bucket"
    __memo__ = {"s3.buckets": None}  # a bucket's settings, by name

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(63), unique=True)
    region: Mapped[str] = mapped_column(String(32))
    created: Mapped[dt.datetime]
    #: None (never enabled), "Enabled" or "Suspended"
    versioning: Mapped[str | None] = mapped_column(String(16), default=None)
    object_lock: Mapped[bool] = mapped_column(Boolean, default=False)


class S3BucketConfig(Base):
    """One stored sub-resource of a bucket (``cors``, ``policy``, ``lifecycle``...), as JSON. (A
    bucket's tags are not one: they live in the shared tag table, ``awsmock_tag``.)"""

    __tablename__ = "s3_bucket_config"
    __memo__ = {"s3.buckets": None}

    bucket_id: Mapped[int] = mapped_column(ForeignKey("s3_bucket.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class S3Blob(Base):
    """An immutable byte sequence made of chunks (the body of an object version or a part)."""

    __tablename__ = "s3_blob"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    size: Mapped[int] = mapped_column(BigInteger, default=0)


class S3Chunk(Base):
    """At most ``CHUNK_SIZE`` bytes of some blob(s)."""

    __tablename__ = "s3_chunk"
    __memo__ = {"s3.bodies": ("id",)}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class S3BlobChunk(Base):
    """Blob -> chunk mapping: ``pos`` is the chunk's byte offset inside the blob."""

    __tablename__ = "s3_blob_chunk"
    __memo__ = {"s3.bodies": None}

    blob_id: Mapped[int] = mapped_column(ForeignKey("s3_blob.id", ondelete="CASCADE"), primary_key=True)
    pos: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    length: Mapped[int] = mapped_column(Integer)
    chunk_id: Mapped[int] = mapped_column(ForeignKey("s3_chunk.id", ondelete="CASCADE"), index=True)


class S3Object(Base):
    """One version of an object (or a delete marker). ``version_id`` is ``"null"`` for the
    null version. ``listed`` is true exactly for the latest version when it is not a delete
    marker: listings seek the ``(bucket_id, listed, key)`` index."""

    __tablename__ = "s3_object"
    __memo__ = {"s3.bodies": ("id", "bucket_id", "key", "version_id", "is_latest", "delete_marker", "blob_id")}  # which null-version bodies an overwrite may claim
    __table_args__ = (
        Index("ix_s3_object_listing", "bucket_id", "listed", "key"),
        Index("ix_s3_object_versions", "bucket_id", "key", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bucket_id: Mapped[int] = mapped_column(ForeignKey("s3_bucket.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(1024))
    version_id: Mapped[str] = mapped_column(String(64))
    is_latest: Mapped[bool] = mapped_column(Boolean, default=True)
    listed: Mapped[bool] = mapped_column(Boolean, default=True)
    delete_marker: Mapped[bool] = mapped_column(Boolean, default=False)
    last_modified: Mapped[dt.datetime]
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    etag: Mapped[str] = mapped_column(String(80), default="")
    storage_class: Mapped[str] = mapped_column(String(32), default="STANDARD")
    blob_id: Mapped[int | None] = mapped_column(ForeignKey("s3_blob.id"), index=True, default=None)
    owner: Mapped[str] = mapped_column(String(12))
    #: the additional checksum's algorithm and type (also in ``info``; here for listings)
    checksum_alg: Mapped[str | None] = mapped_column(String(16), default=None)
    checksum_type: Mapped[str | None] = mapped_column(String(16), default=None)
    #: user metadata, standard headers, checksums, SSE, ACL, parts, lock, restore...
    info: Mapped[Any] = mapped_column(JSON, default=dict)
    tags: Mapped[Any] = mapped_column(JSON, default=dict)


class S3Upload(Base):
    """A multipart upload in progress."""

    __tablename__ = "s3_upload"
    __table_args__ = (Index("ix_s3_upload_listing", "bucket_id", "key", "initiated"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    upload_id: Mapped[str] = mapped_column(String(128), unique=True)
    bucket_id: Mapped[int] = mapped_column(ForeignKey("s3_bucket.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(1024))
    initiated: Mapped[dt.datetime]
    owner: Mapped[str] = mapped_column(String(12))
    storage_class: Mapped[str] = mapped_column(String(32), default="STANDARD")
    info: Mapped[Any] = mapped_column(JSON, default=dict)
    tags: Mapped[Any] = mapped_column(JSON, default=dict)


class S3Part(Base):
    """One uploaded part of a multipart upload."""

    __tablename__ = "s3_part"
    __memo__ = {"s3.bodies": None}

    upload_pk: Mapped[int] = mapped_column(ForeignKey("s3_upload.id", ondelete="CASCADE"), primary_key=True)
    part_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    etag: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(BigInteger)
    last_modified: Mapped[dt.datetime]
    blob_id: Mapped[int] = mapped_column(ForeignKey("s3_blob.id"), index=True)
    checksums: Mapped[Any] = mapped_column(JSON, default=dict)
