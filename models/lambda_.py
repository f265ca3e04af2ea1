"""Lambda's tables: function and layer code (zip archives by SHA-256, in chunks) and a bounded
record of recent invocations per function.

Functions, versions, aliases, layers and code signing configs are rows of the shared resource
store; their documents name their code by digest. An archive is kept once however many
versions or layer versions use it (``refs``) and dropped when the last one goes. Its bytes are
rows of fixed-size chunks, so a 50 MB archive is never one value of the database.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Float, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

SERVICE = {"info": {"service": "lambda"}}


class LambdaCode(Base):
    __tablename__ = "lambda_code"
    __table_args__ = (SERVICE,)

    #: the archive's SHA-256, hex
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    #: how many function versions and layer versions use it
    refs: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[dt.datetime]


class LambdaCodeChunk(Base):
    __tablename__ = "lambda_code_chunk"
    __table_args__ = (SERVICE,)

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class LambdaInvocation(Base):
    """One recent invocation of a function (the last few per function are kept)."""

    __tablename__ = "lambda_invocation"
    __table_args__ = (
        Index("ix_lambda_invocation_function", "account_id", "region", "function_name", "id"),
        SERVICE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(12))
    region: Mapped[str] = mapped_column(String(32))
    function_name: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    request_id: Mapped[str] = mapped_column(String(64))
    #: RequestResponse or Event
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime]
    duration_ms: Mapped[float] = mapped_column(Float, default=0.0)
    #: Success, Unhandled, or the service error's code
    result: Mapped[str] = mapped_column(String(64))
    error_type: Mapped[str | None] = mapped_column(String(256), nullable=True)
    log_tail: Mapped[str] = mapped_column(Text, default="")


class LambdaPollerPosition(Base):
    """Where an event source mapping's poller stands: a row per mapping with ``shard`` ``""``
    (its lease: which process polls it, until when, and the last processing result), and a row
    per stream shard it reads (the sequence number it has processed up to, the failed attempts
    of the batch at its head, and the size it retries when bisecting)."""

    __tablename__ = "lambda_poller_position"
    __table_args__ = (SERVICE,)

    #: the mapping's UUID
    mapping: Mapped[str] = mapped_column(String(36), primary_key=True)
    shard: Mapped[str] = mapped_column(String(128), primary_key=True, default="")
    #: the last sequence number processed (None: none yet, start at the starting position)
    position: Mapped[str | None] = mapped_column(String(128), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: the batch size of the next attempt while bisecting (None: the mapping's)
    batch_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    lease_owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    last_result: Mapped[str | None] = mapped_column(String(256), nullable=True)
