"""Values for prebuilt statements run raw (:meth:`awsmock.state.store.Transaction.execute`).

Raw statements skip SQLAlchemy's type processing, so timestamps (:class:`UTCDateTime`) and JSON
columns are converted here with those column types' own processors for the dialect in use (built
once per dialect): a raw write stores exactly what an ORM write stores, on SQLite and PostgreSQL,
and a raw read gives what an ORM read gives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import JSON

from awsmock.models.base import UTCDateTime
from awsmock.state import jsontext


def _identity(value: Any) -> Any:
    return value


class Conversions:
    """Bind (``*_in``) and result (``*_out``) conversions of one dialect."""

    __slots__ = ("json_in", "json_out", "time_in", "time_out")

    def __init__(self, dialect: Any) -> None:
        def proc(typ: Any, bind: bool, *, none: bool) -> Callable[[Any], Any]:
            impl = typ.dialect_impl(dialect)
            fn = impl.bind_processor(dialect) if bind else impl.result_processor(dialect, None)
            if fn is None:
                return _identity
            if none:  # the processor decides what None becomes (JSON: the text "null", as the ORM)
                return fn  # type: ignore[no-any-return]
            return lambda value: None if value is None else fn(value)

        self.time_in: Callable[[dt.datetime | None], Any] = proc(UTCDateTime(), True, none=False)
        self.time_out: Callable[[Any], dt.datetime | None] = proc(UTCDateTime(), False, none=False)
        if dialect.name == "sqlite":  # the same conversions, without the generic layers (hot paths)
            sample = dt.datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
            for probe in (sample, sample.replace(microsecond=0)):
                stored = self.time_in(probe)
                if _sqlite_time_in(probe) != stored or _sqlite_time_out(stored) != self.time_out(stored):
                    break
            else:
                self.time_in, self.time_out = _sqlite_time_in, _sqlite_time_out
        self.json_in: Callable[[Any], Any] = proc(JSON(), True, none=True)
        self.json_out: Callable[[Any], Any] = proc(JSON(), False, none=False)
        if dialect.name == "sqlite":  # the ORM's JSON text, without json.dumps' per-call setup
            sample_doc: Any = {"a": [1, "é", None, 2.5, True], "b": {"c": "d"}}
            if _sqlite_json_in(sample_doc) == self.json_in(sample_doc) and _sqlite_json_in(
                None
            ) == self.json_in(None):
                self.json_in = _sqlite_json_in
            if getattr(dialect, "_json_deserializer", None) is None:  # the ORM reads JSON with json.loads
                slow_out = self.json_out

                def json_out(value: Any) -> Any:
                    return jsontext.loads(value) if value.__class__ is str else slow_out(value)

                self.json_out = json_out


_sqlite_json_in = jsontext.encoder()  # json.dumps' defaults


def _sqlite_time_in(value: dt.datetime | None) -> str | None:
    """:class:`UTCDateTime` as SQLite stores it (naive UTC, SQLAlchemy's DATETIME text format)."""
    if value is None:
        return None
    if value.tzinfo is not None and value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def _sqlite_time_out(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


_BY_DIALECT: dict[tuple[str, str], Conversions] = {}


def conversions(tx: Any) -> Conversions:
    """The conversions for ``tx``'s database (a :class:`~awsmock.state.store.Transaction`)."""
    dialect = tx.dialect
    key = (dialect.name, dialect.driver)
    conv = _BY_DIALECT.get(key)
    if conv is None:
        conv = _BY_DIALECT[key] = Conversions(dialect)
    return conv
