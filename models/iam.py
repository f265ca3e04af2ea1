"""IAM tables. IAM is global: rows are account-scoped, never region-scoped.

Names of users, groups, roles, policies, instance profiles and server certificates are unique
per account regardless of case (as in IAM); ``name_lower`` carries that constraint.
Principals that own attachments and inline policies are referred to by ``(principal_type,
principal_pk)`` with ``principal_type`` one of ``user``, ``group``, ``role``.

Tags of users, roles, managed policies, instance profiles, identity providers, server
certificates and virtual MFA devices are rows of the shared tag table (``awsmock_tag``), by the
entity's ARN (an MFA device's serial number): see ``awsmock.services.iam.tags``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import AccountScoped, Base


class _Named(AccountScoped):
    """Columns shared by IAM entities with a name, a path, an ARN and a unique id."""

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128))
    name_lower: Mapped[str] = mapped_column(String(128))
    path: Mapped[str] = mapped_column(String(512), default="/")
    arn: Mapped[str] = mapped_column(String(1024), index=True)
    unique_id: Mapped[str] = mapped_column(String(32), index=True)
    create_date: Mapped[dt.datetime]


class IamUser(_Named, Base):
    __tablename__ = "iam_user"
    __table_args__ = (UniqueConstraint("account_id", "name_lower"),)

    permissions_boundary: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    password_last_used: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class IamGroup(_Named, Base):
    __tablename__ = "iam_group"
    __table_args__ = (UniqueConstraint("account_id", "name_lower"),)


class IamGroupMember(Base):
    __tablename__ = "iam_group_member"

    group_pk: Mapped[int] = mapped_column(ForeignKey("iam_group.pk", ondelete="CASCADE"), primary_key=True)
    user_pk: Mapped[int] = mapped_column(
        ForeignKey("iam_user.pk", ondelete="CASCADE"), primary_key=True, index=True
    )


class IamRole(_Named, Base):
    __tablename__ = "iam_role"
    __table_args__ = (UniqueConstraint("account_id", "name_lower"),)

    assume_role_policy: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    max_session_duration: Mapped[int] = mapped_column(Integer, default=3600)
    permissions_boundary: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    last_used_date: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    last_used_region: Mapped[str | None] = mapped_column(String(32), nullable=True)
    service_linked: Mapped[bool] = mapped_column(Boolean, default=False)


class IamPolicy(_Named, Base):
    """A managed policy. AWS managed policies live in the pseudo-account ``aws``."""

    __tablename__ = "iam_policy"
    __table_args__ = (UniqueConstraint("account_id", "name_lower"),)

    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    default_version: Mapped[str] = mapped_column(String(16), default="v1")
    next_version: Mapped[int] = mapped_column(Integer, default=2)
    update_date: Mapped[dt.datetime]


class IamPolicyVersion(Base):
    __tablename__ = "iam_policy_version"

    policy_pk: Mapped[int] = mapped_column(ForeignKey("iam_policy.pk", ondelete="CASCADE"), primary_key=True)
    version_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    document: Mapped[str] = mapped_column(Text)
    create_date: Mapped[dt.datetime]


class IamPolicyAttachment(Base):
    __tablename__ = "iam_policy_attachment"

    policy_pk: Mapped[int] = mapped_column(ForeignKey("iam_policy.pk", ondelete="CASCADE"), primary_key=True)
    principal_type: Mapped[str] = mapped_column(String(8), primary_key=True)
    principal_pk: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)


class IamInlinePolicy(AccountScoped, Base):
    __tablename__ = "iam_inline_policy"

    principal_type: Mapped[str] = mapped_column(String(8), primary_key=True)
    principal_pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    document: Mapped[str] = mapped_column(Text)


class IamAccessKey(AccountScoped, Base):
    __tablename__ = "iam_access_key"

    access_key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("iam_user.pk", ondelete="CASCADE"), index=True)
    secret: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="Active")
    create_date: Mapped[dt.datetime]
    last_used_date: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    last_used_service: Mapped[str | None] = mapped_column(String(64), nullable=True)
    last_used_region: Mapped[str | None] = mapped_column(String(32), nullable=True)


class IamLoginProfile(Base):
    __tablename__ = "iam_login_profile"

    user_pk: Mapped[int] = mapped_column(ForeignKey("iam_user.pk", ondelete="CASCADE"), primary_key=True)
    password: Mapped[str] = mapped_column(String(256))
    password_reset_required: Mapped[bool] = mapped_column(Boolean, default=False)
    create_date: Mapped[dt.datetime]


class IamInstanceProfile(_Named, Base):
    __tablename__ = "iam_instance_profile"
    __table_args__ = (UniqueConstraint("account_id", "name_lower"),)


class IamInstanceProfileRole(Base):
    __tablename__ = "iam_instance_profile_role"

    profile_pk: Mapped[int] = mapped_column(
        ForeignKey("iam_instance_profile.pk", ondelete="CASCADE"), primary_key=True
    )
    role_pk: Mapped[int] = mapped_column(
        ForeignKey("iam_role.pk", ondelete="CASCADE"), primary_key=True, index=True
    )


class IamSamlProvider(AccountScoped, Base):
    __tablename__ = "iam_saml_provider"

    arn: Mapped[str] = mapped_column(String(1024), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    metadata_document: Mapped[str] = mapped_column(Text)
    create_date: Mapped[dt.datetime]
    valid_until: Mapped[dt.datetime]


class IamOidcProvider(AccountScoped, Base):
    __tablename__ = "iam_oidc_provider"

    arn: Mapped[str] = mapped_column(String(1024), primary_key=True)
    url: Mapped[str] = mapped_column(String(1024))
    client_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    thumbprints: Mapped[list[str]] = mapped_column(JSON, default=list)
    create_date: Mapped[dt.datetime]


class IamServerCertificate(_Named, Base):
    __tablename__ = "iam_server_certificate"
    __table_args__ = (UniqueConstraint("account_id", "name_lower"),)

    body: Mapped[str] = mapped_column(Text)
    chain: Mapped[str | None] = mapped_column(Text, nullable=True)
    expiration: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class IamSigningCertificate(AccountScoped, Base):
    __tablename__ = "iam_signing_certificate"

    certificate_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("iam_user.pk", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="Active")
    upload_date: Mapped[dt.datetime]


class IamMfaDevice(AccountScoped, Base):
    """An MFA device: virtual ones are created by CreateVirtualMFADevice, others by
    EnableMFADevice with a hardware serial number."""

    __tablename__ = "iam_mfa_device"

    serial_number: Mapped[str] = mapped_column(String(256), primary_key=True)
    virtual: Mapped[bool] = mapped_column(Boolean, default=True)
    path: Mapped[str] = mapped_column(String(512), default="/")
    seed: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_pk: Mapped[int | None] = mapped_column(
        ForeignKey("iam_user.pk", ondelete="SET NULL"), nullable=True, index=True
    )
    enable_date: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class IamAccount(Base):
    """Per-account IAM settings: alias, password policy, the last credential report."""

    __tablename__ = "iam_account"

    account_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    alias: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    password_policy: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    credential_report_date: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    sts_global_token_version: Mapped[str | None] = mapped_column(String(16), nullable=True)


class IamSshPublicKey(AccountScoped, Base):
    __tablename__ = "iam_ssh_public_key"

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("iam_user.pk", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="Active")
    upload_date: Mapped[dt.datetime]


class IamServiceCredential(AccountScoped, Base):
    """A service-specific credential (CodeCommit HTTPS Git, Keyspaces, ...)."""

    __tablename__ = "iam_service_credential"

    credential_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("iam_user.pk", ondelete="CASCADE"), index=True)
    service_name: Mapped[str] = mapped_column(String(128))
    service_user_name: Mapped[str] = mapped_column(String(200))
    password: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="Active")
    create_date: Mapped[dt.datetime]


class IamServiceAccess(AccountScoped, Base):
    """When an IAM entity (a user, or a role through its sessions) last made an authenticated
    request to a service (``action`` empty), or to one of its tracked actions: what service last
    accessed reports read. One small row per entity and service (and tracked action), rewritten
    at most once a minute per entity and service."""

    __tablename__ = "iam_service_access"

    entity_arn: Mapped[str] = mapped_column(String(1024), primary_key=True)
    namespace: Mapped[str] = mapped_column(String(64), primary_key=True)
    action: Mapped[str] = mapped_column(String(128), primary_key=True, default="")
    region: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime]
