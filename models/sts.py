"""STS temporary credentials (``ASIA…`` access keys).

Expiry is computed from ``expiration`` at read time. The principal is kept by ARN (no foreign
key into IAM's tables), so resetting IAM alone never breaks these rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import AccountScoped, Base


class StsCredential(AccountScoped, Base):
    __tablename__ = "sts_credential"

    access_key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    session_token: Mapped[str] = mapped_column(Text)
    expiration: Mapped[dt.datetime]
    create_date: Mapped[dt.datetime]
    #: assumed-role, federated-user, session (GetSessionToken) or web-identity / saml (assumed-role kinds)
    kind: Mapped[str] = mapped_column(String(16))
    #: the principal the credentials act as (assumed-role / federated-user / user ARN)
    arn: Mapped[str] = mapped_column(String(1024))
    #: AssumedRoleId / FederatedUserId / the user's id
    user_id: Mapped[str] = mapped_column(String(256))
    #: the role ARN (assumed roles) or the IAM user ARN (session / federation tokens); None for root
    source_arn: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    session_policy: Mapped[str | None] = mapped_column(Text, nullable=True)
    session_policy_arns: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    source_identity: Mapped[str | None] = mapped_column(String(64), nullable=True)
