"""awsmock's own bookkeeping tables (kept across resets)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Setting(Base):
    """Small key/value settings shared by every process on the state (e.g. auth counters)."""

    __tablename__ = "awsmock_setting"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
