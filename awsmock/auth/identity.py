"""The words of authentication: an :class:`Identity` (who a request's access key belongs to)
and the :class:`Policies` that govern it. The services that issue keys resolve them
(:mod:`awsmock.auth.directory`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from awsmock.engine import arns


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


def root_identity(account_id: str, partition: str = "aws") -> Identity:
    """The account's root user, in ``partition`` (the partition of the request's region)."""
    return Identity(account_id, arns.account_root(account_id, partition), account_id, "root")


def looks_like_key(access_key_id: str | None) -> bool:
    return (
        bool(access_key_id)
        and len(access_key_id or "") == 20
        and (access_key_id or "")[:4] in ("AKIA", "ASIA")
    )


def tag_dict(tags: list[dict[str, Any]] | None) -> dict[str, str]:
    """``[{"Key": k, "Value": v}, ...]`` -> ``{k: v}``."""
    return {str(t.get("Key")): str(t.get("Value", "")) for t in tags or []}


@dataclass
class Policies:
    identity: list[str]
    boundaries: list[str] | None = None
    session: list[str] | None = None
