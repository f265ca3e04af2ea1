"""GetAccountConfiguration and PutAccountConfiguration: how many days before a certificate
expires ACM starts its daily expiry events (45 unless the account says otherwise; 1 to 45)."""

from __future__ import annotations

from typing import Any

from awsmock.engine import resources
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from .errors import ResourceNotFoundException, ValidationException

DEFAULT_DAYS = 45

CONFIGURATIONS = resources.Kind(
    "acm",
    "account-configuration",
    arn=lambda ctx, rid: ctx.arn("acm", f"configuration/{rid}"),
    not_found=lambda rid: ResourceNotFoundException(f"Could not find the account configuration {rid}."),
)


def days_before_expiry(ctx: RequestContext) -> int:
    row = CONFIGURATIONS.find(ctx, "account")
    if row is None:
        return DEFAULT_DAYS
    return int(row.document.get("DaysBeforeExpiry", DEFAULT_DAYS))


@handler("acm", "GetAccountConfiguration")
def get_account_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"ExpiryEvents": {"DaysBeforeExpiry": days_before_expiry(ctx)}}


@handler("acm", "PutAccountConfiguration")
def put_account_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    events = params.get("ExpiryEvents") or {}
    days = events.get("DaysBeforeExpiry")
    if days is None:
        return {}
    if not isinstance(days, int) or not 1 <= days <= DEFAULT_DAYS:
        raise ValidationException(
            f"1 validation error detected: Value '{days}' at 'expiryEvents.daysBeforeExpiry' failed to "
            f"satisfy constraint: Member must have value less than or equal to {DEFAULT_DAYS}"
        )
    document = {"DaysBeforeExpiry": days, "IdempotencyToken": params["IdempotencyToken"]}
    row = CONFIGURATIONS.find(ctx, "account")
    if row is None:
        CONFIGURATIONS.create(ctx, rid="account", document=document)
    else:
        CONFIGURATIONS.update(ctx, row, document=document)
    return {}
