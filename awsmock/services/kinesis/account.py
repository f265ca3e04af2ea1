"""Account settings: the minimum throughput billing commitment (DescribeAccountSettings,
UpdateAccountSettings), one row of the shared store per account and region.

A commitment lasts at least :data:`MINIMUM_COMMITMENT`. Disabling it earlier schedules its end
at its earliest allowed end (status ``ENABLED_UNTIL_EARLIEST_ALLOWED_END``), and enabling it again
before then cancels that; past that moment it reads as ``DISABLED``, computed when read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from awsmock.engine import resources
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from .errors import ResourceNotFoundException
from .lookup import iso, when

MINIMUM_COMMITMENT = dt.timedelta(hours=24)
ENABLED, DISABLED, ENDING = "ENABLED", "DISABLED", "ENABLED_UNTIL_EARLIEST_ALLOWED_END"

SETTINGS = resources.Kind(
    "kinesis",
    "account-settings",
    arn=lambda ctx, rid: ctx.arn("kinesis", f"account-settings/{rid}"),
    not_found=lambda rid: ResourceNotFoundException("No account settings."),
)
_RID = "settings"


def _commitment(ctx: RequestContext, doc: dict[str, Any]) -> dict[str, Any]:
    """The commitment as it stands now (a scheduled end that has passed has ended it)."""
    out = dict(doc)
    if out.get("Status") == ENDING and ctx.now >= when(out["EarliestAllowedEndAt"]):
        out["Status"] = DISABLED
        out["EndedAt"] = out["EarliestAllowedEndAt"]
    return out


def _wire(doc: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"Status": doc.get("Status", DISABLED)}
    for key in ("StartedAt", "EndedAt", "EarliestAllowedEndAt"):
        if doc.get(key):
            out[key] = when(doc[key])
    return out


def commitment_on(ctx: RequestContext) -> bool:
    """Whether the account's minimum throughput billing commitment is on now (ending counts)."""
    row = SETTINGS.find(ctx, _RID)
    if row is None:
        return False
    doc = _commitment(ctx, row.document.get("MinimumThroughputBillingCommitment", {}))
    return doc.get("Status") in (ENABLED, ENDING)


@handler("kinesis", "DescribeAccountSettings")
def describe_account_settings(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = SETTINGS.find(ctx, _RID)
    doc = _commitment(ctx, row.document.get("MinimumThroughputBillingCommitment", {})) if row else {}
    return {"MinimumThroughputBillingCommitment": _wire(doc)}


@handler("kinesis", "UpdateAccountSettings")
def update_account_settings(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    wanted = (params.get("MinimumThroughputBillingCommitment") or {}).get("Status")
    row = SETTINGS.find(ctx, _RID)
    doc = _commitment(ctx, row.document.get("MinimumThroughputBillingCommitment", {})) if row else {}
    current = doc.get("Status", DISABLED)
    if wanted == ENABLED:
        if current == ENDING:
            doc["Status"] = ENABLED  # the scheduled end is cancelled
        elif current == DISABLED:
            doc = {
                "Status": ENABLED,
                "StartedAt": iso(ctx.now),
                "EarliestAllowedEndAt": iso(ctx.now + MINIMUM_COMMITMENT),
            }
    elif current == ENABLED:
        if ctx.now < when(doc["EarliestAllowedEndAt"]):
            doc["Status"] = ENDING
        else:
            doc = {**doc, "Status": DISABLED, "EndedAt": iso(ctx.now)}
    document = {"MinimumThroughputBillingCommitment": doc}
    if row is None:
        SETTINGS.create(ctx, rid=_RID, document=document)
    else:
        SETTINGS.update(ctx, row, document=document)
    return {"MinimumThroughputBillingCommitment": _wire(doc)}
