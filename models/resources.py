"""The shared resource store: one row per control-plane resource of any service, one row per tag.

Topics, keys, secrets, functions, stacks, pools... are rows of :class:`Resource` (service, kind,
account, region, id, ARN, name, parent, state, times, and the resource's document as JSON),
handled through :mod:`awsmock.state.resources`: a service keeps its resources here with no
table or migration of its own. Tags of any resource, kept here or in a service's own tables (a
bucket, a queue, a table, a user), are rows of :class:`Tag`, by ARN.

A row belongs to the service its ``service`` column names: resetting a service empties its rows
of these tables (``info["rows_of"]``), and the dashboard lists them by service and kind.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

#: these tables hold rows of every service; the column naming a row's service
ROWS_OF = {"rows_of": "service"}


class Resource(Base):
    __tablename__ = "awsmock_resource"
    __table_args__ = (
        UniqueConstraint("service", "kind", "account_id", "region", "rid", name="uq_awsmock_resource_id"),
        UniqueConstraint("arn", name="uq_awsmock_resource_arn"),
        Index("ix_awsmock_resource_name", "service", "kind", "account_id", "region", "name"),
        Index("ix_awsmock_resource_parent", "parent"),
        {"info": ROWS_OF},
    )

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    account_id: Mapped[str] = mapped_column(String(12))
    #: "" for a global resource
    region: Mapped[str] = mapped_column(String(32))
    #: the resource's id within its service, kind, account and region
    rid: Mapped[str] = mapped_column(String(512))
    arn: Mapped[str] = mapped_column(String(2048))
    name: Mapped[str | None] = mapped_column(String(512), nullable=True)
    #: the ARN of the resource this one belongs to (a topic's subscription, a key's alias...)
    parent: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    state: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created: Mapped[dt.datetime]
    updated: Mapped[dt.datetime]
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class Tag(Base):
    __tablename__ = "awsmock_tag"
    __table_args__ = (Index("ix_awsmock_tag_service", "service", "account_id"), {"info": ROWS_OF})

    arn: Mapped[str] = mapped_column(String(2048), primary_key=True)
    key: Mapped[str] = mapped_column(String(256), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    service: Mapped[str] = mapped_column(String(64))
    account_id: Mapped[str] = mapped_column(String(12))
