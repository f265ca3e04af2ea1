"""CloudWatch Logs tables: log streams and their events.

Log groups are rows of the shared resource store; their streams and events live here because
they are many and read by queries the shared table cannot index: streams are listed by name or
by last event time, and events are read by time. Every page of events is one range of an index:
``(stream_id, timestamp, id)`` for one stream (GetLogEvents), ``(group_id, timestamp, id)`` for
a whole group (FilterLogEvents, Logs Insights, exports); ``id`` orders events of the same
millisecond in the order they arrived. ``group_id`` is the primary key of the log group's row in
the shared store (a group deleted and made again has another one).

Retention is applied when events are read (events older than the group's retention are skipped)
and when a group's events are written (expired ones are purged then); no thread deletes them.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class LogStream(Base):
    __tablename__ = "logs_stream"
    __table_args__ = (
        UniqueConstraint("group_id", "name", name="uq_logs_stream_name"),
        Index("ix_logs_stream_last_event", "group_id", "last_event", "name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: the log group's row in the shared resource store
    group_id: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(512))
    #: milliseconds since the epoch
    created: Mapped[int] = mapped_column(BigInteger)
    first_event: Mapped[int | None] = mapped_column(BigInteger, default=None)
    #: the newest event's timestamp (0 until one arrives, so it orders and indexes)
    last_event: Mapped[int] = mapped_column(BigInteger, default=0)
    last_ingestion: Mapped[int | None] = mapped_column(BigInteger, default=None)
    stored_bytes: Mapped[int] = mapped_column(BigInteger, default=0)


class LogEvent(Base):
    __tablename__ = "logs_event"
    __table_args__ = (
        Index("ix_logs_event_stream_time", "stream_id", "timestamp", "id"),
        Index("ix_logs_event_group_time", "group_id", "timestamp", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[int] = mapped_column(Integer)
    stream_id: Mapped[int] = mapped_column(ForeignKey("logs_stream.id", ondelete="CASCADE"))
    #: milliseconds since the epoch, as the client gave it
    timestamp: Mapped[int] = mapped_column(BigInteger)
    ingestion: Mapped[int] = mapped_column(BigInteger)
    message: Mapped[str] = mapped_column(Text)
