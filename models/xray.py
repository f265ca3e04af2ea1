"""X-Ray tables: trace segments and telemetry records.

Groups, sampling rules and the encryption configuration are rows of the shared resource store;
segments are rows here because they are many and are read by queries the shared table cannot
index: a trace's segments by its id (BatchGetTraces), and the traces of a time range, by the
time in the trace id (``trace_time``) or by the segments' own start (``start_time``)
(GetTraceSummaries, GetServiceGraph). A segment sent again with the same id replaces the one
before it (in-progress segments are completed that way). ``document`` is the segment's JSON as
the client sent it; the columns are what queries need from it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Segment(Base):
    __tablename__ = "xray_segment"
    __table_args__ = (
        Index("ix_xray_segment_trace", "account_id", "region", "trace_id", "segment_id"),
        Index("ix_xray_segment_trace_time", "account_id", "region", "trace_time", "trace_id"),
        Index("ix_xray_segment_start", "account_id", "region", "start_time", "trace_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(12))
    region: Mapped[str] = mapped_column(String(32))
    trace_id: Mapped[str] = mapped_column(String(35))
    segment_id: Mapped[str] = mapped_column(String(16))
    #: seconds since the epoch, from the trace id's 8 hex digits
    trace_time: Mapped[int] = mapped_column(BigInteger)
    #: the segment's start_time and end_time (end_time None while in progress)
    start_time: Mapped[float] = mapped_column(Float)
    end_time: Mapped[float | None] = mapped_column(Float, default=None)
    document: Mapped[str] = mapped_column(Text)
    received: Mapped[dt.datetime]


class TelemetryRecord(Base):
    __tablename__ = "xray_telemetry_record"
    __table_args__ = (Index("ix_xray_telemetry_time", "account_id", "region", "timestamp"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(12))
    region: Mapped[str] = mapped_column(String(32))
    timestamp: Mapped[dt.datetime]
    hostname: Mapped[str | None] = mapped_column(String(255), default=None)
    instance_id: Mapped[str | None] = mapped_column(String(20), default=None)
    resource_arn: Mapped[str | None] = mapped_column(String(500), default=None)
    #: the record's counts as JSON (SegmentsReceivedCount, ..., BackendConnectionErrors)
    counts: Mapped[str] = mapped_column(Text)
