"""X-Ray's resources in the shared store (groups, sampling rules, the encryption configuration)
and the shapes of its identifiers (trace ids, segment ids)."""

from __future__ import annotations

import re
import secrets
import string
from typing import Any

from sqlalchemy import select

from awsmock.engine import resources
from awsmock.engine.context import RequestContext
from awsmock.models.resources import Resource

from .errors import InvalidRequestException

TRACE_ID = re.compile(r"1-([0-9a-fA-F]{8})-[0-9a-fA-F]{24}")
HEX16 = re.compile(r"[0-9a-fA-F]{16}")
GROUP_ARN = re.compile(r"arn:[\w-]+:xray:[\w-]+:\d{12}:group/([^/]+)/([^/]+)")
RULE_ARN = re.compile(r"arn:[\w-]+:xray:[\w-]+:\d{12}:sampling-rule/([^/]+)")

GROUPS = resources.Kind(
    "xray",
    "group",
    arn=lambda ctx, rid: ctx.arn("xray", f"group/{rid}"),
    not_found=lambda rid: InvalidRequestException("Group not found"),
    exists=lambda rid: InvalidRequestException("Group already exists"),
    title="Groups",
)

RULES = resources.Kind(
    "xray",
    "sampling-rule",
    arn=lambda ctx, rid: ctx.arn("xray", f"sampling-rule/{rid}"),
    not_found=lambda rid: InvalidRequestException("Sampling rule does not exist"),
    exists=lambda rid: InvalidRequestException("RuleName already exists"),
    title="Sampling rules",
)

SETTINGS = resources.Kind(
    "xray",
    "settings",
    arn=lambda ctx, rid: ctx.arn("xray", f"settings/{rid}"),
    not_found=lambda rid: InvalidRequestException(f"No settings {rid}"),
)


def group_id() -> str:
    """The id part of a group's ARN (AWS's are 32 upper-case letters and digits)."""
    alphabet = string.ascii_uppercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))


def find_group(ctx: RequestContext, params: dict[str, Any]) -> Resource:
    """The group a request names by GroupName or GroupARN (InvalidRequestException if none)."""
    name, arn = params.get("GroupName"), params.get("GroupARN")
    if name is None and arn is None:
        raise InvalidRequestException("Either GroupName or GroupARN must be specified.")
    row: Resource | None
    if arn is not None:
        row = GROUPS.by_arn(ctx, arn)
        if row is not None and (row.account_id != ctx.account_id or row.region != ctx.region):
            row = None
        if row is not None and name is not None and row.name != name:
            raise InvalidRequestException("GroupName and GroupARN do not name the same group.")
    else:
        row = GROUPS.find(ctx, str(name))
    if row is None:
        raise InvalidRequestException("Group not found")
    return row


def group_arn_of(ctx: RequestContext, params: dict[str, Any]) -> str | None:
    """The ARN of the group a request names, if it exists (for access control)."""
    if isinstance(params.get("GroupARN"), str):
        return str(params["GroupARN"])
    name = params.get("GroupName")
    if isinstance(name, str):
        row = GROUPS.find(ctx, name)
        return row.arn if row is not None else None
    return None


def rule_name_of(params: dict[str, Any]) -> str | None:
    """The rule named by RuleName or RuleARN."""
    name = params.get("RuleName")
    if isinstance(name, str):
        return name
    arn = params.get("RuleARN")
    if isinstance(arn, str):
        m = RULE_ARN.fullmatch(arn)
        return m.group(1) if m else arn
    return None


def rows_of(ctx: RequestContext, kind: resources.Kind) -> list[Resource]:
    """Every one of the caller's resources of ``kind`` (groups and rules are few: 25 rules)."""
    return list(
        ctx.session.scalars(
            select(Resource).where(
                Resource.service == "xray",
                Resource.kind == kind.kind,
                Resource.account_id == ctx.account_id,
                Resource.region == ctx.region,
            )
        )
    )
