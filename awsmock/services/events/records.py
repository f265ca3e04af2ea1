"""Shared helpers of the record-keeping operations (archives, replays, connections, API
destinations): names, limits, pages."""

from __future__ import annotations

import re
from typing import Any

from awsmock.engine import resources
from awsmock.engine.context import RequestContext
from awsmock.models.resources import Resource

from .errors import constraint, validation

NAME = re.compile(r"^[\.\-_A-Za-z0-9]+$")


def check_name(value: Any, member: str, longest: int) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= longest:
        raise constraint(value, member, f"Member must have length less than or equal to {longest}")
    if not NAME.match(value):
        raise constraint(value, member, "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+")
    return value


def limit_of(params: dict[str, Any]) -> int:
    limit = params.get("Limit")
    if limit is None:
        return 100
    if not isinstance(limit, int) or not 1 <= limit <= 100:
        raise constraint(limit, "limit", "Member must have value less than or equal to 100")
    return limit


def page(
    ctx: RequestContext,
    kind: resources.Kind,
    params: dict[str, Any],
    *,
    parent: str | None = None,
    state: str | None = None,
) -> tuple[list[Resource], str | None]:
    found = kind.page(
        ctx,
        limit=limit_of(params),
        token=params.get("NextToken"),
        invalid=lambda _t: validation("The NextToken provided is invalid."),
        parent=parent,
        state=state,
        name_prefix=params.get("NamePrefix") or None,
        order="name",
    )
    return list(found.rows), found.token
