"""What other services may ask S3 Control (S3, when it decides about public access and when a
request names an access point):

* :func:`account_block`: the account's public access block (its four settings), or None;
* :func:`policy_is_public`, :func:`acl_is_public`: what counts as public;
* :func:`access_point_bucket`: the bucket behind an access point's ARN or alias.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from awsmock.models.resources import Resource

from .lookup import ACCESS_POINTS, ACCOUNT_BLOCKS, block_of
from .publicness import acl_is_public, policy_is_public

__all__ = ["access_point_bucket", "account_block", "acl_is_public", "policy_is_public"]

_BLOCK = select(Resource.document).where(
    Resource.service == ACCOUNT_BLOCKS.service,
    Resource.kind == ACCOUNT_BLOCKS.kind,
    Resource.region == "",
)


def account_block(session: Session, account_id: str) -> dict[str, bool] | None:
    """The account's public access block (``BlockPublicAcls``, ``IgnorePublicAcls``,
    ``BlockPublicPolicy``, ``RestrictPublicBuckets``), or None when it has none."""
    document = session.scalar(_BLOCK.where(Resource.account_id == account_id, Resource.rid == account_id))
    return None if document is None else block_of(document)


def access_point_bucket(session: Session, name: str) -> tuple[str, str, dict[str, Any]] | None:
    """``(bucket, access point ARN, access point document)`` for an access point's ARN
    (``arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME``) or alias (``NAME-…-s3alias``), or None."""
    stmt = select(Resource).where(
        Resource.service == ACCESS_POINTS.service, Resource.kind == ACCESS_POINTS.kind
    )
    if name.startswith("arn:"):
        stmt = stmt.where(Resource.arn == name)
    elif name.endswith("-s3alias"):
        stmt = stmt.where(Resource.name == name)
    else:
        return None
    row = session.scalars(stmt).first()
    if row is None:
        return None
    return str(row.document["Bucket"]), row.arn, dict(row.document)
