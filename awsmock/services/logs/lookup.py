"""Log groups, streams and the other Logs resources: where they are kept, how requests name
them, their ARNs and naming rules.

A log group is a row of the shared resource store (its id is its name); its streams and events
are in Logs' own tables (:mod:`awsmock.models.logs`). AWS reports a group's ARN in two forms:
``arn`` ends in ``:*`` (every stream of the group), ``logGroupArn`` does not; requests may name
a group by either, or by name.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import and_, func, select

from awsmock.engine import resources
from awsmock.engine.context import RequestContext
from awsmock.engine.resources import Resource
from awsmock.models.logs import LogStream

from .errors import (
    InvalidParameterException,
    ResourceAlreadyExistsException,
    ResourceNotFoundException,
    constraint,
    group_not_found,
    stream_not_found,
)

GROUP_NAME = re.compile(r"[\.\-_/#A-Za-z0-9]+")
GROUP_NAME_RULE = r"Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+"
STREAM_NAME_RULE = "Member must satisfy regular expression pattern: [^:*]*"

#: the retention periods AWS accepts, in days
RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)


def group_arn(
    ctx: RequestContext, name: str, *, account: str | None = None, region: str | None = None
) -> str:
    """``logGroupArn``: the group itself (no trailing ``:*``)."""
    return ctx.arn("logs", f"log-group:{name}", account=account, region=region)


def stream_arn(ctx: RequestContext, group: str, stream: str) -> str:
    return ctx.arn("logs", f"log-group:{group}:log-stream:{stream}")


#: a group document's count of its metric and subscription filters (private: never answered)
FILTERS_KEY = "_filters"

GROUPS = resources.Kind(
    "logs",
    "log-group",
    arn=group_arn,
    not_found=lambda _rid: group_not_found(),
    exists=lambda _rid: ResourceAlreadyExistsException("The specified log group already exists"),
    title="Log groups",
)

DESTINATIONS = resources.Kind(
    "logs",
    "destination",
    arn=lambda ctx, name: ctx.arn("logs", f"destination:{name}"),
    not_found=lambda _rid: ResourceNotFoundException("The specified destination does not exist."),
    title="Log destinations",
)

METRIC_FILTERS = resources.Kind(
    "logs",
    "metric-filter",
    arn=lambda ctx, rid: ctx.arn("logs", f"metric-filter:{rid}"),
    not_found=lambda _rid: ResourceNotFoundException("The specified metric filter does not exist."),
)

SUBSCRIPTION_FILTERS = resources.Kind(
    "logs",
    "subscription-filter",
    arn=lambda ctx, rid: ctx.arn("logs", f"subscription-filter:{rid}"),
    not_found=lambda _rid: ResourceNotFoundException("The specified subscription filter does not exist."),
)

QUERIES = resources.Kind(
    "logs",
    "query",
    arn=lambda ctx, rid: ctx.arn("logs", f"query:{rid}"),
    not_found=lambda _rid: ResourceNotFoundException("The specified query could not be found."),
)

QUERY_DEFINITIONS = resources.Kind(
    "logs",
    "query-definition",
    arn=lambda ctx, rid: ctx.arn("logs", f"query-definition:{rid}"),
    not_found=lambda _rid: ResourceNotFoundException("The specified query definition does not exist."),
)

EXPORT_TASKS = resources.Kind(
    "logs",
    "export-task",
    arn=lambda ctx, rid: ctx.arn("logs", f"export-task:{rid}"),
    not_found=lambda _rid: ResourceNotFoundException("The specified export task does not exist."),
    title="Log export tasks",
)

RESOURCE_POLICIES = resources.Kind(
    "logs",
    "resource-policy",
    arn=lambda ctx, rid: ctx.arn("logs", f"resource-policy:{rid}"),
    not_found=lambda _rid: ResourceNotFoundException(f"Policy with id [{_rid}] not found"),
)

ACCOUNT_POLICIES = resources.Kind(
    "logs",
    "account-policy",
    arn=lambda ctx, rid: ctx.arn("logs", f"account-policy:{rid}"),
    not_found=lambda _rid: ResourceNotFoundException(f"Policy with id [{_rid}] not found"),
)


DELIVERY_SOURCES = resources.Kind(
    "logs",
    "delivery-source",
    arn=lambda ctx, name: ctx.arn("logs", f"delivery-source:{name}"),
    not_found=lambda name: ResourceNotFoundException(f"Delivery source {name} does not exist."),
    title="Delivery sources",
)
DELIVERY_DESTINATIONS = resources.Kind(
    "logs",
    "delivery-destination",
    arn=lambda ctx, name: ctx.arn("logs", f"delivery-destination:{name}"),
    not_found=lambda name: ResourceNotFoundException(f"Delivery destination {name} does not exist."),
    title="Delivery destinations",
)
DELIVERIES = resources.Kind(
    "logs",
    "delivery",
    arn=lambda ctx, ident: ctx.arn("logs", f"delivery:{ident}"),
    not_found=lambda ident: ResourceNotFoundException(f"Delivery {ident} does not exist."),
    title="Deliveries",
)


def starts(column: Any, prefix: str) -> Any:
    """``column`` starts with ``prefix``, in its case (SQLite's LIKE ignores case): a LIKE the
    index can range over, checked exactly."""
    return and_(column.startswith(prefix, autoescape=True), func.substr(column, 1, len(prefix)) == prefix)


def holds(column: Any, text: str) -> Any:
    """``column`` contains ``text``, in its case (REPLACE is case-sensitive on every backend)."""
    return func.replace(column, text, "") != column


def check_group_name(name: Any, member: str = "logGroupName") -> str:
    if not isinstance(name, str) or not GROUP_NAME.fullmatch(name):
        raise constraint(name, member, GROUP_NAME_RULE)
    return name


def check_stream_name(name: Any, member: str = "logStreamName") -> str:
    if not isinstance(name, str) or ":" in name or "*" in name:
        raise constraint(name, member, STREAM_NAME_RULE)
    return name


def name_of_identifier(ctx: RequestContext, identifier: str) -> tuple[str, str | None]:
    """(group name, account) of a logGroupIdentifier: a name, or an ARN with or without ``:*``
    (the account is None for a name: the caller's)."""
    if identifier.startswith("arn:"):
        parts = identifier.split(":", 6)
        if len(parts) < 7 or parts[2] != "logs" or parts[5] != "log-group":
            raise InvalidParameterException(f"Invalid logGroupIdentifier: {identifier}")
        name = parts[6]
        if name.endswith(":*"):
            name = name[:-2]
        if parts[3] and parts[3] != ctx.region:
            raise group_not_found()
        return name, parts[4] or None
    return identifier, None


def group_name_from(ctx: RequestContext, params: dict[str, Any], *, required: bool = True) -> str | None:
    """The group a request names by ``logGroupName`` or ``logGroupIdentifier`` (one of them)."""
    name = params.get("logGroupName")
    identifier = params.get("logGroupIdentifier")
    if name is not None and identifier is not None:
        raise InvalidParameterException(
            "LogGroupName and LogGroupIdentifier are mutually exclusive parameters. "
            "Please specify only one of them."
        )
    if identifier is not None:
        group, account = name_of_identifier(ctx, identifier)
        if account and account != ctx.account_id:
            raise group_not_found()
        return group
    if name is None:
        if required:
            raise InvalidParameterException("Should provide either logGroupName or logGroupIdentifier.")
        return None
    return str(name)


def group(ctx: RequestContext, name: str) -> Resource:
    """The caller's log group ``name`` (ResourceNotFoundException otherwise)."""
    return GROUPS.get(ctx, name)


def group_of(ctx: RequestContext, params: dict[str, Any]) -> Resource:
    name = group_name_from(ctx, params)
    assert name is not None
    return group(ctx, name)


def stream(ctx: RequestContext, grp: Resource, name: str) -> LogStream:
    row: LogStream | None = ctx.session.scalars(
        select(LogStream).where(LogStream.group_id == grp.pk, LogStream.name == name)
    ).first()
    if row is None:
        raise stream_not_found()
    return row


def stored_bytes(ctx: RequestContext, grp: Resource) -> int:
    total = ctx.session.scalar(
        select(func.coalesce(func.sum(LogStream.stored_bytes), 0)).where(LogStream.group_id == grp.pk)
    )
    return int(total or 0)


def event_id(ts: int, seq: int) -> str:
    """An event's id (56 digits, as AWS's): its timestamp, then its place among the events."""
    return f"{ts:020d}{seq:036d}"


def millis(ctx: RequestContext) -> int:
    """Now, in milliseconds since the epoch (the request's clock)."""
    return int(ctx.now.timestamp() * 1000)


def retention_cutoff(ctx: RequestContext, grp: Resource) -> int | None:
    """The oldest timestamp the group keeps (None: kept forever)."""
    days = grp.document.get("retentionInDays")
    if not days:
        return None
    return millis(ctx) - int(days) * 86_400_000
