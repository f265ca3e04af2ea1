"""The declarative base every awsmock table derives from.

Conventions (see DESIGN.md, State):

* every row carries ``account_id`` and, where AWS scopes the resource by region, ``region``
  (use :class:`AccountScoped` / :class:`RegionScoped`);
* the table belongs to the service named by its module (``awsmock.models.sqs`` -> ``sqs``),
  recorded in ``Table.info["service"]``; reset and the dashboard rely on it;
* constraints are named by a convention, so Alembic batch migrations on SQLite work;
* a table whose rows handlers may remember across requests (in an in-memory store) says so:
  ``__memo__ = {"<section>": None}`` (any change empties the section) or ``{"<section>":
  ("col", ...)}`` (inserts, deletes and updates of those columns do); see
  :func:`awsmock.state.store.memo_sections`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, MetaData, String, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _unpatched(cls: type) -> type:
    """The standard library's own class behind ``cls``: a frozen clock (freezegun) swaps the
    module's ``datetime`` for a subclass while it runs, so annotations evaluated then name it."""
    return next((c for c in cls.__mro__ if c.__module__ == "datetime"), cls)


#: the real ``datetime.datetime``, even when this module is first imported under a frozen clock
REAL_DATETIME: type[dt.datetime] = _unpatched(dt.datetime)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite stores naive values)."""

    impl = DateTime
    cache_ok = True

    def _resolve_for_python_type(self, python_type: Any, matched_on: Any, matched_on_flattened: Any) -> Any:
        # ``Mapped[dt.datetime]`` read while a frozen clock runs names the clock's subclass of
        # datetime: it is still a timestamp (the registry asks about each class of its MRO)
        if isinstance(python_type, type) and issubclass(python_type, REAL_DATETIME):
            return self
        return super()._resolve_for_python_type(python_type, matched_on, matched_on_flattened)

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {REAL_DATETIME: UTCDateTime()}

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        table = cls.__dict__.get("__table__")
        if table is not None:
            if "rows_of" not in table.info:  # (a shared table's rows name their service)
                table.info.setdefault("service", service_of_module(cls.__module__))
            memo = cls.__dict__.get("__memo__")
            if memo:
                table.info["memo"] = dict(memo)


def service_of_module(module: str) -> str:
    return module.rsplit(".", 1)[-1]


class AccountScoped:
    """Mixin: the owning account."""

    account_id: Mapped[str] = mapped_column(String(12), index=True)


class RegionScoped(AccountScoped):
    """Mixin: the owning account and region."""

    region: Mapped[str] = mapped_column(String(32))
