"""SSM Parameter Store tables: parameters, their versions (up to 100 each) and version labels.

Parameters are read by name and listed by hierarchy, thousands at a time, so they have tables of
their own rather than rows of the shared resource store: a parameter's name is unique in its
account and region (the index a recursive ``GetParametersByPath`` reads as one range), and
``path`` (the hierarchy above the name: ``/a/b`` for ``/a/b/c``, ``/`` for ``/c``, ``""`` for a
name outside any hierarchy) is indexed for one-level listings. The current version's fields are
kept on the parameter row, so the usual read touches one row; every version, the current one
included, is a row of :class:`ParameterVersion`; a label names one version of its parameter.

A parameter whose Expiration policy has passed is gone: reads skip it (``expires_at``) and
writes purge it. No background thread ever writes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, RegionScoped


class Parameter(RegionScoped, Base):
    __tablename__ = "ssm_parameter"
    __table_args__ = (
        UniqueConstraint("account_id", "region", "name", name="uq_ssm_parameter_name"),
        Index("ix_ssm_parameter_path", "account_id", "region", "path", "name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(2048))
    #: the hierarchy above the name ("/a/b" for "/a/b/c", "/" for "/c", "" for "c")
    path: Mapped[str] = mapped_column(String(2048))
    version: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(16))
    #: the value as stored: the plaintext, or a SecureString's ciphertext (base64)
    value: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str | None] = mapped_column(String(2048), default=None)
    data_type: Mapped[str] = mapped_column(String(128))
    tier: Mapped[str] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text, default=None)
    allowed_pattern: Mapped[str | None] = mapped_column(Text, default=None)
    #: the parameter's policies as sent (a list of {"Type", "Version", "Attributes"})
    policies: Mapped[list[Any] | None] = mapped_column(JSON, default=None)
    #: when the Expiration policy deletes it (None: never)
    expires_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    modified: Mapped[dt.datetime]
    modified_user: Mapped[str] = mapped_column(String(2048))


class ParameterVersion(Base):
    __tablename__ = "ssm_parameter_version"

    parameter_id: Mapped[int] = mapped_column(
        ForeignKey("ssm_parameter.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str | None] = mapped_column(String(2048), default=None)
    data_type: Mapped[str] = mapped_column(String(128))
    tier: Mapped[str] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text, default=None)
    allowed_pattern: Mapped[str | None] = mapped_column(Text, default=None)
    policies: Mapped[list[Any] | None] = mapped_column(JSON, default=None)
    modified: Mapped[dt.datetime]
    modified_user: Mapped[str] = mapped_column(String(2048))


class ParameterLabel(Base):
    """A label of one version of a parameter (a label names at most one version)."""

    __tablename__ = "ssm_parameter_label"
    __table_args__ = (Index("ix_ssm_parameter_label_version", "parameter_id", "version"),)

    parameter_id: Mapped[int] = mapped_column(
        ForeignKey("ssm_parameter.id", ondelete="CASCADE"), primary_key=True
    )
    label: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
