"""Parameters in their tables (:mod:`awsmock.models.ssm`): finding the caller's live
parameters, their versions and labels, and writing a parameter as the reads show it.

A parameter past its Expiration policy is not live: reads skip it, and a write that meets it
deletes it first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, delete, or_, select

from awsmock.engine import arns, tagging
from awsmock.engine.context import RequestContext
from awsmock.models.ssm import Parameter, ParameterLabel, ParameterVersion

from . import names, sealing

SECURE = "SecureString"


def mine(ctx: RequestContext) -> ColumnElement[bool]:
    """The caller's live parameters."""
    return and_(
        Parameter.account_id == ctx.account_id,
        Parameter.region == ctx.region,
        or_(Parameter.expires_at.is_(None), Parameter.expires_at > ctx.now),
    )


def find(ctx: RequestContext, name: str) -> Parameter | None:
    row: Parameter | None = ctx.session.scalars(
        select(Parameter).where(
            Parameter.account_id == ctx.account_id, Parameter.region == ctx.region, Parameter.name == name
        )
    ).first()
    if row is not None and row.expires_at is not None and row.expires_at <= ctx.now:
        return None
    return row


_T = Parameter.__table__.c
#: the current version of a parameter by name, as a read shows it: a prebuilt Core statement
#: run on the DB-API cursor (no ORM session, no statement built per request)
_CURRENT = select(_T.type, _T.value, _T.key_id, _T.version, _T.modified, _T.data_type, _T.expires_at).where(
    _T.account_id == bindparam("account"), _T.region == bindparam("region"), _T.name == bindparam("name")
)


def _when(value: Any) -> dt.datetime | None:
    """A datetime column as the ORM reads it (``UTCDateTime``: stored naive in UTC, as text on
    SQLite), from what the driver gives."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC)


def current(ctx: RequestContext, name: str, *, decrypt: bool) -> dict[str, Any] | None:
    """The ``Parameter`` a read of ``name`` (no selector) shows, in one raw query; None when the
    caller has no live parameter of that name. The same answer as :func:`find` then
    :func:`as_parameter`."""
    ctx.tx.flush()  # the raw read must see the request's own ORM changes (callers of internal.py)
    row = ctx.tx.execute(_CURRENT, {"account": ctx.account_id, "region": ctx.region, "name": name}).fetchone()
    if row is None:
        return None
    expires = _when(row[6])
    if expires is not None and expires <= ctx.now:
        return None
    return shown(ctx, name, *row[:6], decrypt=decrypt)


def shown(
    ctx: RequestContext,
    name: str,
    kind: str,
    value: str,
    key_id: str | None,
    number: int,
    modified: Any,
    data_type: str,
    *,
    decrypt: bool,
) -> dict[str, Any]:
    """A ``Parameter`` from the columns of a raw read (what :func:`as_parameter` shows)."""
    return {
        "Name": name,
        "Type": kind,
        "Value": shown_value(ctx, name, kind, value, key_id, decrypt),
        "Version": number,
        "LastModifiedDate": _when(modified),
        "ARN": names.arn(ctx, name),
        "DataType": data_type,
    }


_TIME_BINDS: dict[str, Any] = {}


def stored_time(ctx: RequestContext, when: dt.datetime) -> Any:
    """``when`` as a datetime column stores it on the request's database (for raw statements,
    whose parameters get no type processing): SQLAlchemy's own bind processing of the column."""
    dialect = ctx.tx.dialect
    if dialect.name not in _TIME_BINDS:
        _TIME_BINDS[dialect.name] = _T.modified.type.dialect_impl(dialect).bind_processor(dialect)
    process = _TIME_BINDS[dialect.name]
    return when if process is None else process(when)


def find_any(ctx: RequestContext, name: str) -> Parameter | None:
    """The parameter ``name``, expired or not (for writes, which purge an expired one)."""
    row: Parameter | None = ctx.session.scalars(
        select(Parameter).where(
            Parameter.account_id == ctx.account_id, Parameter.region == ctx.region, Parameter.name == name
        )
    ).first()
    return row


def remove(ctx: RequestContext, row: Parameter) -> None:
    """Delete a parameter, its versions, labels and tags."""
    session = ctx.session
    session.execute(delete(ParameterLabel).where(ParameterLabel.parameter_id == row.id))
    session.execute(delete(ParameterVersion).where(ParameterVersion.parameter_id == row.id))
    tagging.drop(session, names.arn(ctx, row.name))
    session.delete(row)
    session.flush()


def version(ctx: RequestContext, row: Parameter, number: int) -> ParameterVersion | None:
    found: ParameterVersion | None = ctx.session.get(ParameterVersion, (row.id, number))
    return found


def labelled(ctx: RequestContext, row: Parameter, label: str) -> int | None:
    found = ctx.session.get(ParameterLabel, (row.id, label))
    return None if found is None else found.version


def labels_of(ctx: RequestContext, row: Parameter, number: int) -> list[str]:
    return list(
        ctx.session.scalars(
            select(ParameterLabel.label)
            .where(ParameterLabel.parameter_id == row.id, ParameterLabel.version == number)
            .order_by(ParameterLabel.label)
        )
    )


def user(ctx: RequestContext) -> str:
    return ctx.principal_arn or arns.account_root(ctx.account_id, arns.partition_of(ctx.region))


def shown_value(
    ctx: RequestContext, name: str, kind: str, stored: str, key_id: str | None, decrypt: bool
) -> str:
    if kind == SECURE and decrypt:
        return sealing.unseal(ctx, stored, names.arn(ctx, name), key_id)
    return stored


def as_parameter(
    ctx: RequestContext,
    name: str,
    item: Parameter | ParameterVersion,
    *,
    decrypt: bool,
    selector: str | None = None,
) -> dict[str, Any]:
    """A ``Parameter`` of GetParameter(s)/GetParametersByPath."""
    out: dict[str, Any] = {
        "Name": name,
        "Type": item.type,
        "Value": shown_value(ctx, name, item.type, item.value, item.key_id, decrypt),
        "Version": item.version,
        "LastModifiedDate": item.modified,
        "ARN": names.arn(ctx, name),
        "DataType": item.data_type,
    }
    if selector is not None:
        out["Selector"] = ":" + selector
    return out
