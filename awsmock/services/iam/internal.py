"""What other services ask of IAM, inside their own request: the roles and users ARNs name,
the policies attached to a principal, the account behind an access key IAM issued, and the
account's web identity token issuer (outbound federation), whose keys STS signs with."""

from __future__ import annotations

from sqlalchemy.orm import Session

from awsmock.models.iam import IamAccessKey, IamRole, IamUser

from .outbound import Issuer, issuer
from .principals import named_by, principal_documents, role_by_arn, user_by_arn

__all__ = [
    "IamRole",
    "IamUser",
    "Issuer",
    "access_key_account",
    "issuer",
    "named_by",
    "principal_documents",
    "role_by_arn",
    "user_by_arn",
]


def access_key_account(session: Session, access_key_id: str) -> str | None:
    """The account of a long-term access key IAM issued, or None."""
    key = session.get(IamAccessKey, access_key_id)
    return None if key is None else key.account_id
