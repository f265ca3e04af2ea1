"""SQS tables: queues, messages, FIFO deduplication records, receive attempts, move tasks.

Time-based state is stored as timestamps and interpreted when read: a message is visible when
``visible_at <= now`` (delays and visibility timeouts just move ``visible_at``), gone when
``enqueued_at`` is older than the queue's current retention period. No background thread ever writes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, RegionScoped


class Queue(RegionScoped, Base):
    __tablename__ = "sqs_queue"
    __table_args__ = (UniqueConstraint("account_id", "region", "name", name="uq_sqs_queue_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80))
    fifo: Mapped[bool] = mapped_column(Boolean, default=False)
    #: every settable attribute as AWS returns it (strings), defaults included
    attributes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    #: the RedrivePolicy target, for ListDeadLetterSourceQueues
    dead_letter_target_arn: Mapped[str | None] = mapped_column(String(256), index=True, default=None)
    created_at: Mapped[dt.datetime]
    modified_at: Mapped[dt.datetime]
    purged_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class Message(Base):
    __tablename__ = "sqs_message"
    __table_args__ = (
        Index("ix_sqs_message_queue_visible", "queue_id", "visible_at"),
        Index("ix_sqs_message_queue_group", "queue_id", "group_id", "visible_at"),
    )

    #: also the FIFO sequence number (monotonic across the whole state)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("sqs_queue.id", ondelete="CASCADE"))
    message_id: Mapped[str] = mapped_column(String(36))
    body: Mapped[str] = mapped_column(Text)
    md5_body: Mapped[str] = mapped_column(String(32))
    attributes: Mapped[dict | None] = mapped_column(JSON, default=None)  # message (user) attributes
    md5_attributes: Mapped[str | None] = mapped_column(String(32), default=None)
    system_attributes: Mapped[dict | None] = mapped_column(JSON, default=None)  # AWSTraceHeader
    md5_system_attributes: Mapped[str | None] = mapped_column(String(32), default=None)
    group_id: Mapped[str | None] = mapped_column(String(128), default=None)
    dedup_id: Mapped[str | None] = mapped_column(String(128), default=None)
    sender_id: Mapped[str] = mapped_column(String(128), default="")
    sent_at: Mapped[dt.datetime]
    visible_at: Mapped[dt.datetime]
    #: retention counts from here (SentTimestamp, or the move to a FIFO dead-letter queue)
    enqueued_at: Mapped[dt.datetime]
    first_received_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    receive_count: Mapped[int] = mapped_column(Integer, default=0)
    #: the nonce of the latest receive (part of the receipt handle); None until received
    receipt_nonce: Mapped[str | None] = mapped_column(String(32), default=None)
    #: the queue a dead-lettered message came from
    dead_letter_source_arn: Mapped[str | None] = mapped_column(String(256), default=None)


class Deduplication(Base):
    """A FIFO deduplication id seen in the last five minutes."""

    __tablename__ = "sqs_deduplication"

    queue_id: Mapped[int] = mapped_column(ForeignKey("sqs_queue.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(36))
    sequence: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[dt.datetime]


class ReceiveAttempt(Base):
    """A FIFO ReceiveRequestAttemptId and the messages it returned (for retries, five minutes)."""

    __tablename__ = "sqs_receive_attempt"

    queue_id: Mapped[int] = mapped_column(ForeignKey("sqs_queue.id", ondelete="CASCADE"), primary_key=True)
    attempt_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    #: [[message row id, receipt nonce], ...]
    messages: Mapped[list] = mapped_column(JSON, default=list)
    expires_at: Mapped[dt.datetime]


class MoveTask(RegionScoped, Base):
    __tablename__ = "sqs_move_task"

    task_handle: Mapped[str] = mapped_column(String(512), primary_key=True)
    source_arn: Mapped[str] = mapped_column(String(256), index=True)
    destination_arn: Mapped[str | None] = mapped_column(String(256), default=None)
    max_per_second: Mapped[int | None] = mapped_column(Integer, default=None)
    status: Mapped[str] = mapped_column(String(16))
    moved: Mapped[int] = mapped_column(Integer, default=0)
    to_move: Mapped[int] = mapped_column(Integer, default=0)
    failure_reason: Mapped[str | None] = mapped_column(String(512), default=None)
    started_at: Mapped[dt.datetime]
    advanced_at: Mapped[dt.datetime]
