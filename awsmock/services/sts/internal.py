"""What other services ask of STS inside their own request: temporary credentials of a role
that a service assumes for its caller (Lambda's execution role), minted as AssumeRole mints
them: an ``ASIA`` key, secret and session token whose principal is
``arn:aws:sts::<account>:assumed-role/<role>/<session>``, usable against this awsmock until
they expire."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, select

from awsmock.engine.context import RequestContext
from awsmock.models.sts import StsCredential
from awsmock.services.iam.internal import named_by, role_by_arn
from awsmock.state.rawvalues import conversions

from .tokens import _issue, _role_id_for

__all__ = ["RoleCredentials", "credentials_for_role", "still_valid"]


@dataclass(frozen=True)
class RoleCredentials:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: dt.datetime


def credentials_for_role(
    ctx: RequestContext, role_arn: str, session_name: str, seconds: int = 3600
) -> RoleCredentials | None:
    """Credentials of the role ``role_arn`` for a session named ``session_name`` (None when the
    ARN names no role). The service's own trust check is the caller's to make."""
    found = named_by(role_arn, "role")
    if found is None:
        return None
    account, role_name = found
    role = role_by_arn(ctx.session, role_arn)
    role_id = role.unique_id if role is not None else "AROA" + _role_id_for(role_arn)
    session_arn = ctx.arn("sts", f"assumed-role/{role_name}/{session_name}", region="", account=account)
    cred = _issue(
        ctx,
        account_id=account,
        kind="assumed-role",
        arn=session_arn,
        user_id=f"{role_id}:{session_name}",
        source_arn=role.arn if role is not None else role_arn,
        seconds=seconds,
        params={},
    )
    ctx.session.flush()
    return RoleCredentials(cred.access_key_id, cred.secret, cred.session_token, cred.expiration)


#: a credential's expiry by its key, run raw (every warm Invoke asks it of its role's credentials)
_EXPIRATION = select(StsCredential.__table__.c.expiration).where(
    StsCredential.__table__.c.access_key_id == bindparam("key")
)


def still_valid(ctx: RequestContext, access_key_id: str, until: dt.datetime) -> bool:
    """Whether temporary credentials STS issued still exist and last until ``until``."""
    ctx.tx.flush()  # (the raw read must see the request's own ORM changes)
    row = ctx.tx.execute(_EXPIRATION, {"key": access_key_id}).fetchone()
    if row is None:
        return False
    expiration = conversions(ctx.tx).time_out(row[0])
    return expiration is not None and expiration >= until
