"""Block public access as S3 enforces it: the bucket's own public access block combined with
its owner account's (S3 Control's, asked through its ``internal``), the most restrictive
setting winning. Consulted only where S3 meets something public (a public ACL or policy being
set, a public policy weighed for an outsider), so a request that sets no ACL and no policy costs
nothing more.

* ``BlockPublicAcls``: a request that sets a public ACL (CreateBucket, PutBucketAcl, PutObject,
  CopyObject, CreateMultipartUpload, PutObjectAcl) is refused (AccessDenied).
* ``BlockPublicPolicy``: PutBucketPolicy with a public policy is refused (AccessDenied).
* ``RestrictPublicBuckets``: a public policy's public statements let in no one outside the
  bucket owner's account (anonymous callers included).
* ``IgnorePublicAcls`` is kept and reported; ACLs grant nothing to outsiders here anyway.
"""

from __future__ import annotations

from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.models.s3 import S3BucketConfig
from awsmock.state import jsontext

from .errors import AccessDenied

FIELDS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def _control() -> Any:
    from awsmock.services.s3control import internal  # (S3 Control's room imports S3's internal)

    return internal


def settings(ctx: RequestContext, bucket_id: int, account_id: str) -> dict[str, bool]:
    """The block in force on a bucket: its own and its account's, the most restrictive."""
    row = ctx.session.get(S3BucketConfig, (bucket_id, "public_access_block"))
    own = row.value if row is not None and isinstance(row.value, dict) else {}
    account = _control().account_block(ctx.session, account_id) or {}
    return {f: bool(own.get(f)) or bool(account.get(f)) for f in FIELDS}


def check_acl(ctx: RequestContext, bucket_id: int, account_id: str, grants: Any) -> None:
    """Refuse a public ACL where ``BlockPublicAcls`` is on (nothing is asked for a private one)."""
    if (
        grants
        and _control().acl_is_public(grants)
        and settings(ctx, bucket_id, account_id)["BlockPublicAcls"]
    ):
        raise AccessDenied()


def check_policy(ctx: RequestContext, bucket_id: int, account_id: str, document: Any) -> None:
    """Refuse a public bucket policy where ``BlockPublicPolicy`` is on."""
    if _control().policy_is_public(document) and settings(ctx, bucket_id, account_id)["BlockPublicPolicy"]:
        raise AccessDenied()


def restricted(ctx: RequestContext, bucket_id: int, account_id: str, document: Any) -> Any:
    """The bucket policy as it applies to a caller outside the owner's account: without its
    public statements when ``RestrictPublicBuckets`` is on (the document as it is otherwise)."""
    try:
        parsed = jsontext.guarded_loads(document) if isinstance(document, str) else document
    except ValueError:
        return document
    control = _control()
    if (
        not control.policy_is_public(parsed)
        or not settings(ctx, bucket_id, account_id)["RestrictPublicBuckets"]
    ):
        return document
    statements = parsed.get("Statement") or []
    statements = statements if isinstance(statements, list) else [statements]
    kept = [s for s in statements if not control.policy_is_public({"Statement": [s]})]
    return {**parsed, "Statement": kept} if kept else None
