"""DynamoDB and DynamoDB Streams state.

* ``dynamodb_tables``: one row per table; ``spec`` is the table's definition as JSON (key schema,
  attribute definitions, indexes, billing, streams, TTL, SSE, tags...).
* ``dynamodb_items``: one row per item, keyed by ``(table_id, h, pk, sk)``: ``pk`` is the
  partition key as text, ``h`` a stable hash of it (scan order, parallel-scan segments), ``sk``
  the sort key in an order-preserving byte encoding (empty without a sort key). ``data`` is the
  item as JSON of its AttributeValue map (numbers as exact strings).
* ``dynamodb_index_entries``: one row per item per secondary index it appears in, keyed for
  index seeks ``(table_id, index_name, ih, ipk, isk, pk, sk)``; written in the item's transaction.
* ``dynamodb_streams`` / ``dynamodb_stream_records``: streams and their change records.
* ``dynamodb_transaction_tokens``: ClientRequestToken idempotency for TransactWriteItems.
* ``dynamodb_backups`` / ``dynamodb_backup_items``: on-demand backups: the table's ``spec`` and
  its items (keyed as in ``dynamodb_items``) as they were when the backup was made.
* ``dynamodb_jobs``: table exports to S3 and imports from it (``kind``), each with its
  description (``ExportDescription``, ``ImportTableDescription``) as JSON.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, RegionScoped


class DynamoTable(RegionScoped, Base):
    __tablename__ = "dynamodb_tables"
    __memo__ = {"dynamodb.tables": None}  # a table's schema, by name
    __table_args__ = (UniqueConstraint("account_id", "region", "name", name="uq_dynamodb_tables_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255))
    spec: Mapped[str] = mapped_column(Text)
    created: Mapped[dt.datetime]


class DynamoItem(Base):
    __tablename__ = "dynamodb_items"
    __table_args__ = (
        Index(
            "ix_dynamodb_items_expires",
            "table_id",
            "expires",
            sqlite_where=text("expires IS NOT NULL"),
            postgresql_where=text("expires IS NOT NULL"),
        ),
    )

    table_id: Mapped[int] = mapped_column(
        ForeignKey("dynamodb_tables.id", ondelete="CASCADE"), primary_key=True
    )
    h: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    pk: Mapped[str] = mapped_column(Text, primary_key=True)
    sk: Mapped[bytes] = mapped_column(LargeBinary, primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)
    expires: Mapped[float | None] = mapped_column(Float, nullable=True)


class DynamoIndexEntry(Base):
    __tablename__ = "dynamodb_index_entries"
    __table_args__ = (
        ForeignKeyConstraint(
            ["table_id", "h", "pk", "sk"],
            ["dynamodb_items.table_id", "dynamodb_items.h", "dynamodb_items.pk", "dynamodb_items.sk"],
            ondelete="CASCADE",
            name="fk_dynamodb_index_entries_item",
        ),
        Index("ix_dynamodb_index_entries_item", "table_id", "h", "pk", "sk"),
    )

    table_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    index_name: Mapped[str] = mapped_column(String(255), primary_key=True)
    ih: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    ipk: Mapped[str] = mapped_column(Text, primary_key=True)
    isk: Mapped[bytes] = mapped_column(LargeBinary, primary_key=True)
    h: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    pk: Mapped[str] = mapped_column(Text, primary_key=True)
    sk: Mapped[bytes] = mapped_column(LargeBinary, primary_key=True)


class DynamoStream(RegionScoped, Base):
    __tablename__ = "dynamodb_streams"

    arn: Mapped[str] = mapped_column(String(512), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(255), index=True)
    label: Mapped[str] = mapped_column(String(64))
    view_type: Mapped[str] = mapped_column(String(32))
    key_schema: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool]
    created: Mapped[dt.datetime]


class DynamoStreamRecord(Base):
    __tablename__ = "dynamodb_stream_records"
    __table_args__ = (Index("ix_dynamodb_stream_records_arn_seq", "stream_arn", "seq"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    stream_arn: Mapped[str] = mapped_column(ForeignKey("dynamodb_streams.arn", ondelete="CASCADE"))
    created: Mapped[dt.datetime]
    record: Mapped[str] = mapped_column(Text)


class DynamoTransactionToken(RegionScoped, Base):
    __tablename__ = "dynamodb_transaction_tokens"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    created: Mapped[dt.datetime]


class DynamoBackup(RegionScoped, Base):
    __tablename__ = "dynamodb_backups"

    arn: Mapped[str] = mapped_column(String(512), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    table_name: Mapped[str] = mapped_column(String(255), index=True)
    spec: Mapped[str] = mapped_column(Text)
    created: Mapped[dt.datetime]
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    item_count: Mapped[int] = mapped_column(BigInteger)


class DynamoBackupItem(Base):
    __tablename__ = "dynamodb_backup_items"

    backup_arn: Mapped[str] = mapped_column(
        ForeignKey("dynamodb_backups.arn", ondelete="CASCADE"), primary_key=True
    )
    h: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    pk: Mapped[str] = mapped_column(Text, primary_key=True)
    sk: Mapped[bytes] = mapped_column(LargeBinary, primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)


class DynamoJob(RegionScoped, Base):
    __tablename__ = "dynamodb_jobs"

    arn: Mapped[str] = mapped_column(String(512), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    table_arn: Mapped[str] = mapped_column(String(512), index=True)
    client_token: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created: Mapped[dt.datetime]
    description: Mapped[str] = mapped_column(Text)
