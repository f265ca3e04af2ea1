"""Hot-path statements run straight on the DB-API cursor of the session's connection.

A prebuilt Core statement is compiled once per dialect (so the SQL stays portable) and then
executed on the request's own connection, inside the request's transaction, skipping
SQLAlchemy's per-execute machinery (which costs more than the SQLite lookup itself). Only for
statements whose parameters and results need no type processing (text, bytes, numbers).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

_COMPILED: dict[tuple[int, str], tuple[str, tuple[str, ...] | None]] = {}


def _compiled(stmt: Any, dialect: Any) -> tuple[str, tuple[str, ...] | None]:
    key = (id(stmt), dialect.name)
    hit = _COMPILED.get(key)
    if hit is None:
        compiled = stmt.compile(dialect=dialect)
        order = tuple(compiled.positiontup) if compiled.positional else None
        hit = (str(compiled), order)
        _COMPILED[key] = hit
    return hit


def execute(session: Session, stmt: Any, params: dict[str, Any]) -> Any:
    """Run ``stmt`` with ``params``; returns a DB-API cursor (rows via fetchone/fetchall)."""
    hit = session.info.get("_ddb_dbapi")
    if hit is None:  # the first statement of the request begins its transaction
        conn = session.connection()
        hit = (conn.connection.driver_connection, conn.dialect)
        session.info["_ddb_dbapi"] = hit
    dbapi, dialect = hit
    sql, order = _compiled(stmt, dialect)
    cursor = dbapi.cursor()  # type: ignore[union-attr]
    cursor.execute(sql, [params[name] for name in order] if order is not None else params)
    return cursor
