"""Parameters in their tables (:mod:`awsmock.models.ssm`): finding the caller's live
parameters, their versions and labels, and writing a parameter as the reads show it.

A parameter past its Expiration policy is not live: reads skip it, and a write that meets it
deletes it first.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, delete, or_, select

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
