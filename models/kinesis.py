"""Kinesis Data Streams tables: shards and their records.

Streams and consumers are rows of the shared resource store; shards are rows here so that
routing a record is one read of a stream's open shards, and records are rows of their own, keyed
by (shard, position), so that a GetRecords page is one index range whatever the stream's size.

Hash keys (0 .. 2**128 - 1) are stored as 39-digit zero-padded decimals: they compare as text in
the order of their numbers on every backend. A record's position is a counter per shard; its
sequence number (the long decimal AWS shows) is made from the shard and that counter when read.
Nothing expires in the background: a record older than its stream's retention is left out when
read.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Shard(Base):
    __tablename__ = "kinesis_shard"
    __table_args__ = (Index("ix_kinesis_shard_stream", "stream_pk", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: the stream's row in the shared resource store (a stream made again has a new one)
    stream_pk: Mapped[int] = mapped_column(Integer)
    #: n of ``shardId-<n, 12 digits>``
    number: Mapped[int] = mapped_column(Integer)
    parent: Mapped[str | None] = mapped_column(String(64), default=None)
    adjacent_parent: Mapped[str | None] = mapped_column(String(64), default=None)
    start_key: Mapped[str] = mapped_column(String(39))
    end_key: Mapped[str] = mapped_column(String(39))
    created: Mapped[dt.datetime]
    #: when a split, merge or scaling closed it (None: open)
    closed: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: the position the next record written to the shard takes (1, 2, ...)
    next_position: Mapped[int] = mapped_column(BigInteger, default=1)


class Record(Base):
    __tablename__ = "kinesis_record"

    shard_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    partition_key: Mapped[str] = mapped_column(String(256))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    arrived: Mapped[dt.datetime]
