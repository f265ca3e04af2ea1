"""Values for raw statements (``ctx.tx.execute``): what the ORM column types would convert.

Raw statements skip SQLAlchemy's type processing, so timestamps (:class:`UTCDateTime`) and JSON
columns are converted here with the column types' own processors for the dialect in use (built
once per dialect): the stored form is exactly what an ORM write stores, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from awsmock.context import RequestContext
from awsmock.models.sqs import Message


def _identity(value: Any) -> Any:
    return value


class Conversions:
    """Bind (``*_in``) and result (``*_out``) conversions of one dialect; None passes through."""

    __slots__ = ("json_in", "json_out", "time_in", "time_out")

    def __init__(self, dialect: Any) -> None:
        m = Message.__table__.c

        def proc(typ: Any, bind: bool) -> Callable[[Any], Any]:
            impl = typ.dialect_impl(dialect)
            fn = impl.bind_processor(dialect) if bind else impl.result_processor(dialect, None)
            if fn is None:
                return _identity
            return lambda value: None if value is None else fn(value)

        self.time_in: Callable[[dt.datetime | None], Any] = proc(m.visible_at.type, True)
        self.time_out: Callable[[Any], dt.datetime | None] = proc(m.visible_at.type, False)
        if dialect.name == "sqlite":  # the same conversions, without the generic layers (hot)
            sample = dt.datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
            for probe in (sample, sample.replace(microsecond=0)):
                stored = self.time_in(probe)
                if _sqlite_time_in(probe) != stored or _sqlite_time_out(stored) != self.time_out(stored):
                    break
            else:
                self.time_in, self.time_out = _sqlite_time_in, _sqlite_time_out
        #: None stays SQL NULL (an ORM write stores JSON null; both read back as None)
        self.json_in: Callable[[Any], Any] = proc(m.attributes.type, True)
        self.json_out: Callable[[Any], Any] = proc(m.attributes.type, False)


_UTC = dt.UTC


def _sqlite_time_in(value: dt.datetime | None) -> str | None:
    """:class:`UTCDateTime` as SQLite stores it (naive UTC, SQLAlchemy's DATETIME text format)."""
    if value is None:
        return None
    if value.tzinfo is not None and value.tzinfo is not _UTC:
        value = value.astimezone(_UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def _sqlite_time_out(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime.fromisoformat(value).replace(tzinfo=_UTC)


_BY_DIALECT: dict[tuple[str, str], Conversions] = {}


def conversions(ctx: RequestContext) -> Conversions:
    dialect = ctx.tx.dialect
    key = (dialect.name, dialect.driver)
    conv = _BY_DIALECT.get(key)
    if conv is None:
        conv = _BY_DIALECT[key] = Conversions(dialect)
    return conv
