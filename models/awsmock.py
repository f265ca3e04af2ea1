"""awsmock's own tables: bookkeeping kept across resets (settings, stored snapshots), and the
durable outbox of deliveries (:class:`OutboxEntry`, whose rows belong to the services that wrote
them: resetting a service empties its rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text
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


#: a shared table whose rows belong to services: the column naming a row's service (reset empties
#: the named services' rows)
ROWS_OF_SERVICE = {"rows_of": "service"}


class OutboxEntry(Base):
    __tablename__ = "awsmock_outbox"
    __table_args__ = (
        Index("ix_awsmock_outbox_due", "state", "due_at"),
        {"info": ROWS_OF_SERVICE},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service: Mapped[str] = mapped_column(String(64))
    #: the deliverer that handles it (registered by the service: ``<service>.<what>``)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: ``pending`` (to be tried at ``due_at``), ``delivered``, ``failed`` (retries used up)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime]
    due_at: Mapped[dt.datetime]
    #: a worker holds the entry until then (another takes it after, if that worker died)
    lease_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    lease_owner: Mapped[str | None] = mapped_column(String(64), default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(default=None)
