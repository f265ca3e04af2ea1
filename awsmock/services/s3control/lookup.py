"""S3 Control's resources in the shared store, and what every request checks first.

* the account's public access block: one global row per account (``rid`` = the account);
* access points: one row per name in the account and region, ``parent`` the bucket's ARN, the
  document holding the bucket, its settings, its alias and its policy;
* Storage Lens configurations: one row per id in the account and region.

Every S3 Control request names the account it acts on (``x-amz-account-id``, which SDKs also put
in the host name); an account other than the caller's is refused as AWS refuses it.
"""

from __future__ import annotations

from typing import Any

from awsmock.engine import resources
from awsmock.engine.context import RequestContext

from .errors import access_denied, no_such_access_point, no_such_configuration

ACCOUNT_BLOCKS = resources.Kind(
    "s3control",
    "public-access-block",
    arn=lambda ctx, rid: ctx.arn("s3", f"account-public-access-block/{rid}", region=""),
    not_found=lambda rid: access_denied(),
    regional=False,
)

ACCESS_POINTS = resources.Kind(
    "s3control",
    "accesspoint",
    arn=lambda ctx, rid: ctx.arn("s3", f"accesspoint/{rid}"),
    not_found=no_such_access_point,
    title="S3 access points",
)

LENSES = resources.Kind(
    "s3control",
    "storage-lens",
    arn=lambda ctx, rid: ctx.arn("s3", f"storage-lens/{rid}"),
    not_found=lambda rid: no_such_configuration(),
    title="S3 Storage Lens configurations",
)

#: the settings of a public access block, in the model's order
BLOCK_FIELDS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def check_account(ctx: RequestContext, params: dict[str, Any]) -> None:
    """The request acts on the caller's own account (AccessDenied otherwise)."""
    if params.get("AccountId") != ctx.account_id:
        raise access_denied()


def block_of(config: Any) -> dict[str, bool]:
    """A public access block as stored: every setting, false when not given."""
    config = config if isinstance(config, dict) else {}
    return {f: bool(config.get(f, False)) for f in BLOCK_FIELDS}
