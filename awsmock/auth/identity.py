"""Who a request's access key belongs to, and the policies that govern it.

:func:`resolve` maps an access key id to an :class:`Identity` (an IAM user's long-term key or
STS temporary credentials); :func:`policies_of` gathers the identity-based policies (user,
its groups, or the assumed role), permissions boundaries and session policies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from awsmock.models.iam import (
    IamAccessKey,
    IamGroupMember,
    IamInlinePolicy,
    IamPolicy,
    IamPolicyAttachment,
    IamPolicyVersion,
    IamRole,
    IamUser,
)
from awsmock.models.sts import StsCredential
from awsmock.state.store import Transaction


@dataclass
class Identity:
    account_id: str
    arn: str  # the principal: user ARN, assumed-role session ARN, federated-user ARN, or root
    user_id: str
    kind: str  # root, user, assumed-role, federated-user
    access_key_id: str | None = None
    secret: str | None = None
    session_token: str | None = None
    expiration: dt.datetime | None = None
    active: bool = True
    source_arn: str | None = None  # the role (assumed roles) or the IAM user behind temporary credentials
    session_policy: str | None = None
    session_policy_arns: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    username: str | None = None
    temporary: bool = False
    token_issued: dt.datetime | None = None
    source_identity: str | None = None

    @property
    def principal_arns(self) -> tuple[str, ...]:
        arns = [self.arn]
        if self.kind == "assumed-role" and self.source_arn:
            arns.append(self.source_arn)
        return tuple(arns)

    @property
    def principal_type(self) -> str:
        return {
            "root": "Account",
            "user": "User",
            "assumed-role": "AssumedRole",
            "federated-user": "FederatedUser",
        }.get(self.kind, "User")


def root_identity(account_id: str) -> Identity:
    return Identity(account_id, f"arn:aws:iam::{account_id}:root", account_id, "root")


def looks_like_key(access_key_id: str | None) -> bool:
    return (
        bool(access_key_id)
        and len(access_key_id or "") == 20
        and (access_key_id or "")[:4] in ("AKIA", "ASIA")
    )


def _tags(tags: list[dict[str, Any]] | None) -> dict[str, str]:
    return {str(t.get("Key")): str(t.get("Value", "")) for t in tags or []}


def name_from_arn(arn: str) -> tuple[str, str] | None:
    """``arn:aws:iam::<account>:<type>/<path>/<name>`` -> (account, name)."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or "/" not in parts[5]:
        return None
    return parts[4], parts[5].rsplit("/", 1)[1]


def role_by_arn(session: Session, arn: str) -> IamRole | None:
    found = name_from_arn(arn)
    if found is None:
        return None
    account, name = found
    return session.scalar(
        select(IamRole).where(IamRole.account_id == account, IamRole.name_lower == name.lower())
    )


def user_by_arn(session: Session, arn: str) -> IamUser | None:
    found = name_from_arn(arn)
    if found is None:
        return None
    account, name = found
    return session.scalar(
        select(IamUser).where(IamUser.account_id == account, IamUser.name_lower == name.lower())
    )


def user_identity(user: IamUser) -> Identity:
    return Identity(
        user.account_id, user.arn, user.unique_id, "user", username=user.name, tags=_tags(user.tags)
    )


_KEY_EXISTS = select(IamAccessKey.__table__.c.access_key_id).where(
    IamAccessKey.__table__.c.access_key_id == bindparam("akid")
)
_STS_KEY_EXISTS = select(StsCredential.__table__.c.access_key_id).where(
    StsCredential.__table__.c.access_key_id == bindparam("akid")
)


def resolve_in(tx: Transaction, access_key_id: str | None) -> Identity | None:
    """:func:`resolve` for a request. Most requests carry a key awsmock never issued
    (AKIAIOSFODNN7EXAMPLE, "testing"): one prebuilt probe on the raw connection answers those
    without an ORM session, an identity-map lookup or a load."""
    if not looks_like_key(access_key_id):
        return None
    probe = _STS_KEY_EXISTS if access_key_id.startswith("ASIA") else _KEY_EXISTS  # type: ignore[union-attr]
    if tx.execute(probe, {"akid": access_key_id}).fetchone() is None:
        return None
    return resolve(tx.session, access_key_id)


def resolve(session: Session, access_key_id: str | None) -> Identity | None:
    """The identity behind ``access_key_id`` (None when awsmock never issued that key)."""
    if not looks_like_key(access_key_id):
        return None
    assert access_key_id is not None
    if access_key_id.startswith("ASIA"):
        cred = session.get(StsCredential, access_key_id)
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
            tags=_tags(cred.tags),
            temporary=True,
            token_issued=cred.create_date,
            source_identity=cred.source_identity,
        )
        if cred.kind == "session" and cred.source_arn:
            ident.kind = "user"
            ident.username = cred.source_arn.rsplit("/", 1)[-1]
        elif cred.kind == "session":
            ident.kind = "root"
        return ident
    key = session.get(IamAccessKey, access_key_id)
    if key is None:
        return None
    user = session.get(IamUser, key.user_pk)
    if user is None:
        return None
    ident = user_identity(user)
    ident.access_key_id = key.access_key_id
    ident.secret = key.secret
    ident.active = key.status == "Active"
    return ident


# -- policies -----------------------------------------------------------------------------


def default_document(session: Session, policy: IamPolicy) -> str | None:
    version = session.get(IamPolicyVersion, (policy.pk, policy.default_version))
    return version.document if version is not None else None


def managed_document_by_arn(session: Session, arn: str) -> str | None:
    policy = session.scalar(select(IamPolicy).where(IamPolicy.arn == arn))
    if policy is None and arn.startswith("arn:aws:iam::aws:policy/"):
        from awsmock.services.iam.aws_managed import ensure_aws_managed

        policy = ensure_aws_managed(session, arn)
    return default_document(session, policy) if policy is not None else None


def principal_documents(session: Session, principal_type: str, pk: int) -> list[str]:
    docs = list(
        session.scalars(
            select(IamInlinePolicy.document).where(
                IamInlinePolicy.principal_type == principal_type, IamInlinePolicy.principal_pk == pk
            )
        )
    )
    attached = session.execute(
        select(IamPolicyVersion.document)
        .join(IamPolicy, IamPolicy.pk == IamPolicyVersion.policy_pk)
        .join(IamPolicyAttachment, IamPolicyAttachment.policy_pk == IamPolicy.pk)
        .where(
            IamPolicyAttachment.principal_type == principal_type,
            IamPolicyAttachment.principal_pk == pk,
            IamPolicyVersion.version_id == IamPolicy.default_version,
        )
    )
    docs.extend(row[0] for row in attached)
    return docs


def user_documents(session: Session, user: IamUser) -> list[str]:
    docs = principal_documents(session, "user", user.pk)
    for group_pk in session.scalars(select(IamGroupMember.group_pk).where(IamGroupMember.user_pk == user.pk)):
        docs.extend(principal_documents(session, "group", group_pk))
    return docs


@dataclass
class Policies:
    identity: list[str]
    boundaries: list[str] | None = None
    session: list[str] | None = None


def policies_of(session: Session, ident: Identity) -> Policies | None:
    """The policies governing ``ident``; None for the account root (every action allowed)."""
    if ident.kind == "root":
        return None
    boundary: str | None = None
    docs: list[str] = []
    if ident.kind == "assumed-role":
        role = role_by_arn(session, ident.source_arn or "")
        if role is not None:
            docs = principal_documents(session, "role", role.pk)
            boundary = role.permissions_boundary
    else:
        user = user_by_arn(session, ident.source_arn or ident.arn)
        if user is not None:
            docs = user_documents(session, user)
            boundary = user.permissions_boundary
    out = Policies(docs)
    if boundary:
        doc = managed_document_by_arn(session, boundary)
        out.boundaries = [doc] if doc else []
    if ident.temporary and (
        ident.session_policy or ident.session_policy_arns or ident.kind == "federated-user"
    ):
        session_docs = [ident.session_policy] if ident.session_policy else []
        for arn in ident.session_policy_arns:
            doc = managed_document_by_arn(session, arn)
            if doc:
                session_docs.append(doc)
        out.session = session_docs
    return out
