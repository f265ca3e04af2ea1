"""STS as authorization sees it: the principal behind temporary credentials (``ASIA…`` keys
that work for later calls until they expire; expiry is computed from the stored time when the
key is used), the resources its operations act on, the trust policy that governs AssumeRole,
and STS's condition keys."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select

from awsmock.auth.identity import Identity, tag_dict
from awsmock.auth.resources import ResourcePolicy
from awsmock.engine import arns
from awsmock.engine.context import RequestContext
from awsmock.models.sts import StsCredential
from awsmock.services.iam.internal import named_by, role_by_arn
from awsmock.state.store import Transaction

_KEY_EXISTS = select(StsCredential.__table__.c.access_key_id).where(
    StsCredential.__table__.c.access_key_id == bindparam("akid")
)


class TemporaryCredentials:
    """Keys STS issued (``ASIA…``) and the session each stands for."""

    prefixes = ("ASIA",)

    def resolve(self, tx: Transaction, access_key_id: str) -> Identity | None:
        if tx.execute(_KEY_EXISTS, {"akid": access_key_id}).fetchone() is None:
            return None
        cred = tx.session.get(StsCredential, access_key_id)
        if cred is None:
            return None
        ident = Identity(
            cred.account_id,
            cred.arn,
            cred.user_id,
            cred.kind,
            access_key_id=cred.access_key_id,
            secret=cred.secret,
            session_token=cred.session_token,
            expiration=cred.expiration,
            source_arn=cred.source_arn,
            session_policy=cred.session_policy,
            session_policy_arns=list(cred.session_policy_arns or []),
            tags=tag_dict(cred.tags),
            temporary=True,
            token_issued=cred.create_date,
            source_identity=cred.source_identity,
        )
        if cred.kind == "session" and cred.source_arn:  # a user's GetSessionToken
            ident.kind = "user"
            user = named_by(cred.source_arn, "user")
            ident.username = user[1] if user is not None else None
        elif cred.kind == "session":
            ident.kind = "root"
        return ident

    def note_use(self, ctx: RequestContext, identity: Identity) -> None:
        """Temporary keys keep no record of their use."""


def resource_arns(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    if params.get("RoleArn"):
        return [params["RoleArn"]]
    if operation == "GetFederationToken" and params.get("Name"):
        return [ctx.arn("sts", f"federated-user/{params['Name']}", region="")]
    return ["*"]


def trust_policy(ctx: RequestContext, operation: str, params: dict[str, Any]) -> ResourcePolicy | None:
    """AssumeRole is governed by the role's trust policy, which must allow it."""
    if operation != "AssumeRole" or not params.get("RoleArn"):
        return None
    role = role_by_arn(ctx.session, params["RoleArn"])
    # a role that does not exist trusts nobody
    return ResourcePolicy(
        role.assume_role_policy if role is not None else '{"Statement": []}',
        role_account(ctx, params["RoleArn"]),
        required=True,
    )


def role_account(ctx: RequestContext, role_arn: str) -> str:
    """The account of the role ``role_arn`` names (the caller's, when it names none)."""
    parsed = arns.parse(role_arn)
    return parsed.account if parsed is not None and parsed.account else ctx.account_id


def condition_keys(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for member, key in (
        ("ExternalId", "sts:ExternalId"),
        ("RoleSessionName", "sts:RoleSessionName"),
        ("SourceIdentity", "sts:SourceIdentity"),
    ):
        if params.get(member) is not None:
            out[key] = str(params[member])
    return out
