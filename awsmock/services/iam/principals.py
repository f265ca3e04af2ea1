"""IAM as authentication sees it: the principal behind a long-term access key, the policies
that govern an identity (its user's, its groups', or its role's; permissions boundaries;
session policies), and the roles and users that ARNs name. Declared in the IAM facts
(``credentials``, ``policies``) for :mod:`awsmock.auth.directory`.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from awsmock.auth.identity import Identity, Policies
from awsmock.engine import arns, tagging
from awsmock.engine.context import RequestContext
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
from awsmock.state.store import Transaction

from .aws_managed import ensure_aws_managed, is_aws_managed

#: how stale a key's last use may get before a request records it again
LAST_USED_REFRESH = dt.timedelta(seconds=60)

_Principal = TypeVar("_Principal", IamUser, IamRole)


def named_by(arn: str, kind: str) -> tuple[str, str] | None:
    """The account and name of the ``kind`` (``user``, ``role``...) that ``arn`` names, or None
    when it names something else."""
    parsed = arns.parse(arn)
    if parsed is None or parsed.resource_type != kind:
        return None
    return parsed.account, parsed.resource.rsplit("/", 1)[1]


def _by_arn(session: Session, model: type[_Principal], kind: str, arn: str) -> _Principal | None:
    found = named_by(arn, kind)
    if found is None:
        return None
    account, name = found
    return session.scalar(select(model).where(model.account_id == account, model.name_lower == name.lower()))


def role_by_arn(session: Session, arn: str) -> IamRole | None:
    """The role ``arn`` names, if it exists."""
    return _by_arn(session, IamRole, "role", arn)


def user_by_arn(session: Session, arn: str) -> IamUser | None:
    """The user ``arn`` names, if it exists."""
    return _by_arn(session, IamUser, "user", arn)


def user_identity(session: Session, user: IamUser) -> Identity:
    """The user as a request's principal; its tags are its ``aws:PrincipalTag/...`` values."""
    tags = tagging.tags_of(session, user.arn)
    return Identity(user.account_id, user.arn, user.unique_id, "user", username=user.name, tags=tags)


_KEY_EXISTS = select(IamAccessKey.__table__.c.access_key_id).where(
    IamAccessKey.__table__.c.access_key_id == bindparam("akid")
)


class AccessKeys:
    """Long-term access keys (``AKIA…``): the user behind each, and when it was last used."""

    prefixes = ("AKIA",)

    def resolve(self, tx: Transaction, access_key_id: str) -> Identity | None:
        # Most requests carry a key awsmock never issued (AKIAIOSFODNN7EXAMPLE): one prebuilt
        # probe on the raw connection answers those without an ORM session.
        if tx.execute(_KEY_EXISTS, {"akid": access_key_id}).fetchone() is None:
            return None
        session = tx.session
        key = session.get(IamAccessKey, access_key_id)
        if key is None:
            return None
        user = session.get(IamUser, key.user_pk)
        if user is None:
            return None
        ident = user_identity(session, user)
        ident.access_key_id = key.access_key_id
        ident.secret = key.secret
        ident.active = key.status == "Active"
        return ident

    def note_use(self, ctx: RequestContext, identity: Identity) -> None:
        key = ctx.session.get(IamAccessKey, identity.access_key_id)
        if key is None:
            return
        stale = key.last_used_date is None or ctx.now - key.last_used_date > LAST_USED_REFRESH
        if stale or key.last_used_service != ctx.service or key.last_used_region != ctx.region:
            key.last_used_date = ctx.now
            key.last_used_service = ctx.service
            key.last_used_region = ctx.region


# -- policies -----------------------------------------------------------------------------


def default_document(session: Session, policy: IamPolicy) -> str | None:
    version = session.get(IamPolicyVersion, (policy.pk, policy.default_version))
    return version.document if version is not None else None


def managed_document_by_arn(session: Session, arn: str) -> str | None:
    policy = session.scalar(select(IamPolicy).where(IamPolicy.arn == arn))
    if policy is None and is_aws_managed(arn):
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
