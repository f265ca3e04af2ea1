"""awsmock's own bookkeeping tables (kept across resets)."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Setting(Base):
    """Small key/value settings shared by every process on the state (e.g. auth counters)."""

    __tablename__ = "awsmock_setting"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class StoredSnapshot(Base):
    """A snapshot kept in the database itself (stores that are not a local SQLite file, e.g.
    PostgreSQL shared by several server nodes): the portable snapshot file, in chunks."""

    __tablename__ = "awsmock_snapshot"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    created: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    #: the schema revision: every branch head, "+"-joined
    schema_revision: Mapped[str | None] = mapped_column(String(1024), nullable=True)


class StoredSnapshotChunk(Base):
    """One piece of a stored snapshot's file (``seq`` from 0), so no row holds a whole file."""

    __tablename__ = "awsmock_snapshot_chunk"

    name: Mapped[str] = mapped_column(
        String(64), ForeignKey("awsmock_snapshot.name", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
