"""What S3 lets an anonymous caller (an unsigned request) do beyond the bucket policy: what the
bucket's and the object's access control lists grant to everyone (the ``AllUsers`` group), as S3
maps ACL permissions to actions. ``AuthenticatedUsers`` grants are for signed requests only.

ACLs grant nothing when the bucket disables them (ObjectOwnership ``BucketOwnerEnforced``) or
when Block Public Access (the bucket's or its account's) says ``IgnorePublicAcls``. The bucket
policy is weighed first by the auth layer (:func:`awsmock.auth.enforcement.authorize_anonymous`),
with ``RestrictPublicBuckets`` applied by :func:`awsmock.services.s3.access.bucket_policy`.

An anonymous request that S3 lets in acts for the bucket's owner, as S3 bills it.
"""

from __future__ import annotations

from typing import Any

from awsmock.auth import enforcement
from awsmock.engine.context import RequestContext

from . import acl, blocking
from .buckets import _BY_NAME, acls_enforced_off, bucket_grants
from .versioning import latest_row, version_row

#: bucket ACL permission -> the actions it grants (S3's "ACL permissions and access policy
#: permissions"); FULL_CONTROL grants all of them
BUCKET_PERMISSIONS = {
    "READ": frozenset({"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"}),
    "WRITE": frozenset({"s3:PutObject", "s3:DeleteObject"}),
    "READ_ACP": frozenset({"s3:GetBucketAcl"}),
    "WRITE_ACP": frozenset({"s3:PutBucketAcl"}),
}
#: object ACL permission -> the actions it grants on the object
OBJECT_PERMISSIONS = {
    "READ": frozenset({"s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTorrent"}),
    "READ_ACP": frozenset({"s3:GetObjectAcl", "s3:GetObjectVersionAcl"}),
    "WRITE_ACP": frozenset({"s3:PutObjectAcl", "s3:PutObjectVersionAcl"}),
}
_BUCKET_ACTIONS = frozenset().union(*BUCKET_PERMISSIONS.values())
_OBJECT_ACTIONS = frozenset().union(*OBJECT_PERMISSIONS.values())


def _everyone_may(grants: Any, table: dict[str, frozenset[str]], action: str) -> bool:
    for grant in grants or []:
        if not isinstance(grant, dict) or (grant.get("Grantee") or {}).get("URI") != acl.ALL_USERS:
            continue
        permission = grant.get("Permission")
        if permission == "FULL_CONTROL" or action in table.get(str(permission), ()):
            return True
    return False


def _signed_form(ctx: RequestContext, params: dict[str, Any]) -> bool:
    """A browser POST upload whose form carries a signed policy: S3 authenticates it by the form
    (awsmock with authentication off: the upload's own checks, its policy's conditions, apply)."""
    form = params.get("PostForm")
    fields = form.get("fields") if isinstance(form, dict) else None
    if not isinstance(fields, dict) or "policy" not in fields:
        return False
    return ("x-amz-signature" in fields or "signature" in fields) and not enforcement.is_enforced(ctx)


def grants(ctx: RequestContext, action: str, resources: tuple[str, ...], params: dict[str, Any]) -> bool:
    """Whether the bucket's or the object's ACL lets anyone do ``action`` (the bucket policy
    having neither allowed nor denied it). A bucket that does not exist: the handler answers
    NoSuchBucket, as S3 does; an object that does not exist: NoSuchKey where anyone may list the
    bucket, AccessDenied otherwise."""
    if _signed_form(ctx, params):
        return True
    name = params.get("Bucket")
    if not isinstance(name, str) or not (action in _BUCKET_ACTIONS or action in _OBJECT_ACTIONS):
        return False
    bucket = ctx.session.execute(_BY_NAME, {"name": name}).scalar_one_or_none()
    if bucket is None:
        return True
    if (
        acls_enforced_off(ctx, bucket)
        or blocking.settings(ctx, bucket.id, bucket.account_id)["IgnorePublicAcls"]
    ):
        return False
    if action in _BUCKET_ACTIONS:
        allowed = _everyone_may(bucket_grants(ctx, bucket), BUCKET_PERMISSIONS, action)
    else:
        key, version = params.get("Key"), params.get("VersionId")
        obj = None
        if isinstance(key, str):
            obj = version_row(ctx, bucket, key, version) if version else latest_row(ctx, bucket, key)
        if obj is None or obj.delete_marker:
            allowed = _everyone_may(bucket_grants(ctx, bucket), BUCKET_PERMISSIONS, "s3:ListBucket")
        else:
            allowed = _everyone_may((obj.info or {}).get("acl"), OBJECT_PERMISSIONS, action)
    if allowed:
        ctx.account_id = bucket.account_id
    return allowed
