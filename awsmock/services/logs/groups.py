"""Log groups: CreateLogGroup, DeleteLogGroup, DescribeLogGroups, ListLogGroups, retention,
KMS keys, deletion protection.

A group is a row of the shared store (id: its name; state: its class); its document holds
``creationTime`` (ms), ``retentionInDays``, ``kmsKeyId``, ``deletionProtectionEnabled`` and
a data protection policy. ``storedBytes`` is the sum of its streams' bytes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, or_, select

from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.engine.resources import Resource
from awsmock.models.logs import LogEvent, LogStream
from awsmock.services.kms import internal as kms

from . import tags
from .errors import InvalidOperationException, InvalidParameterException, constraint, invalid_token
from .lookup import (
    FILTERS_KEY,
    GROUPS,
    METRIC_FILTERS,
    RESOURCE_POLICIES,
    RETENTION_DAYS,
    SUBSCRIPTION_FILTERS,
    check_group_name,
    group,
    group_name_from,
    holds,
    millis,
    name_of_identifier,
    starts,
)

CLASSES = ("STANDARD", "INFREQUENT_ACCESS", "DELIVERY")


def _kms_key(ctx: RequestContext, key_id: str, name: str) -> str:
    try:
        return kms.key_arn(ctx, key_id)
    except AwsError:
        raise InvalidParameterException(
            f"Specified KMS key {key_id} does not exist or is not allowed to be used with "
            f"LogGroup '{GROUPS.arn_of(ctx, name)}'"
        ) from None


@handler("logs", "CreateLogGroup")
def create_log_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_group_name(params["logGroupName"])
    cls = params.get("logGroupClass") or "STANDARD"
    doc: dict[str, Any] = {
        "creationTime": millis(ctx),
        "deletionProtectionEnabled": bool(params.get("deletionProtectionEnabled")),
        FILTERS_KEY: 0,
    }
    if params.get("kmsKeyId"):
        doc["kmsKeyId"] = _kms_key(ctx, params["kmsKeyId"], name)
    row = GROUPS.create(ctx, rid=name, name=name, state=cls, document=doc)
    tags.apply(ctx, row.arn, params.get("tags"))
    return {}


def delete_group_data(ctx: RequestContext, row: Resource) -> None:
    """Forget a group's streams, events and filters (the group's row and tags go with it)."""
    ctx.session.execute(delete(LogEvent).where(LogEvent.group_id == row.pk))
    ctx.session.execute(delete(LogStream).where(LogStream.group_id == row.pk))
    for kind in (METRIC_FILTERS, SUBSCRIPTION_FILTERS, RESOURCE_POLICIES):
        for child in ctx.session.scalars(
            select(Resource).where(
                Resource.service == "logs", Resource.kind == kind.kind, Resource.parent == row.arn
            )
        ).all():
            ctx.session.delete(child)
    GROUPS.delete(ctx, row)


@handler("logs", "DeleteLogGroup")
def delete_log_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = group(ctx, check_group_name(params["logGroupName"]))
    if row.document.get("deletionProtectionEnabled"):
        raise InvalidOperationException(
            f"Log group {row.rid} has deletion protection enabled and cannot be deleted."
        )
    delete_group_data(ctx, row)
    return {}


def _counts(ctx: RequestContext, rows: list[Resource]) -> tuple[dict[int, int], dict[str, int]]:
    if not rows:
        return {}, {}
    stored: dict[Any, Any] = dict(
        ctx.session.execute(
            select(LogStream.group_id, func.sum(LogStream.stored_bytes))
            .where(LogStream.group_id.in_([r.pk for r in rows]))
            .group_by(LogStream.group_id)
        ).all()
    )
    filters: dict[Any, Any] = dict(
        ctx.session.execute(
            select(Resource.parent, func.count())
            .where(
                Resource.service == "logs",
                Resource.kind == METRIC_FILTERS.kind,
                Resource.parent.in_([r.arn for r in rows]),
            )
            .group_by(Resource.parent)
        ).all()
    )
    return {k: int(v or 0) for k, v in stored.items()}, {k: int(v) for k, v in filters.items() if k}


def describe(row: Resource, stored: int, metric_filters: int) -> dict[str, Any]:
    doc = row.document
    out: dict[str, Any] = {
        "logGroupName": row.rid,
        "creationTime": doc["creationTime"],
        "metricFilterCount": metric_filters,
        "arn": row.arn + ":*",
        "storedBytes": stored,
        "logGroupClass": row.state or "STANDARD",
        "logGroupArn": row.arn,
        "deletionProtectionEnabled": bool(doc.get("deletionProtectionEnabled")),
    }
    if doc.get("retentionInDays"):
        out["retentionInDays"] = doc["retentionInDays"]
    if doc.get("kmsKeyId"):
        out["kmsKeyId"] = doc["kmsKeyId"]
    if doc.get("dataProtectionPolicy"):
        out["dataProtectionStatus"] = "ACTIVATED"
    return out


@handler("logs", "DescribeLogGroups")
def describe_log_groups(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    prefix = params.get("logGroupNamePrefix")
    pattern = params.get("logGroupNamePattern")
    if prefix is not None and pattern is not None:
        raise InvalidParameterException(
            "LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters."
        )
    where: list[Any] = []
    if pattern:
        where.append(holds(Resource.name, pattern))
    if prefix:
        where.append(starts(Resource.name, prefix))
    identifiers = params.get("logGroupIdentifiers")
    if identifiers is not None:
        if prefix is not None or pattern is not None:
            raise InvalidParameterException(
                "logGroupIdentifiers cannot be used with logGroupNamePrefix or logGroupNamePattern."
            )
        names = [name_of_identifier(ctx, i)[0] for i in identifiers if isinstance(i, str)]
        where.append(Resource.rid.in_(names))
    page = GROUPS.page(
        ctx,
        limit=params.get("limit") or 50,
        token=params.get("nextToken"),
        invalid=invalid_token,
        state=params.get("logGroupClass"),
        name_prefix=prefix,
        where=tuple(where),
    )
    stored, filters = _counts(ctx, page.rows)
    found = [describe(r, stored.get(r.pk, 0), filters.get(r.arn, 0)) for r in page.rows]
    if pattern:  # AWS answers a pattern's matches with these fields only
        found = [{k: g[k] for k in ("logGroupName", "creationTime", "arn")} for g in found]
    out: dict[str, Any] = {"logGroups": found}
    if page.token:
        out["nextToken"] = page.token
    return out


@handler("logs", "ListLogGroups")
def list_log_groups(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    where: list[Any] = []
    pattern = params.get("logGroupNamePattern")
    if pattern:
        alternatives = []
        for part in pattern.split("|"):
            if part.startswith("^"):
                alternatives.append(starts(Resource.name, part[1:]))
            else:
                alternatives.append(holds(Resource.name, part))
        where.append(or_(*alternatives))
    page = GROUPS.page(
        ctx,
        limit=params.get("limit") or 50,
        token=params.get("nextToken"),
        invalid=invalid_token,
        state=params.get("logGroupClass"),
        where=tuple(where),
    )
    out: dict[str, Any] = {
        "logGroups": [
            {"logGroupName": r.rid, "logGroupArn": r.arn, "logGroupClass": r.state or "STANDARD"}
            for r in page.rows
        ]
    }
    if page.token:
        out["nextToken"] = page.token
    return out


@handler("logs", "PutRetentionPolicy")
def put_retention_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    days = params["retentionInDays"]
    if days not in RETENTION_DAYS:
        raise constraint(
            days,
            "retentionInDays",
            "Member must satisfy enum value set: [" + ", ".join(map(str, RETENTION_DAYS)) + "]",
        )
    row = group(ctx, check_group_name(params["logGroupName"]))
    if row.state == "DELIVERY":
        raise InvalidParameterException(
            "Retention policy cannot be changed for log groups of class DELIVERY."
        )
    GROUPS.update(ctx, row, document={**row.document, "retentionInDays": days})
    return {}


@handler("logs", "DeleteRetentionPolicy")
def delete_retention_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = group(ctx, check_group_name(params["logGroupName"]))
    doc = dict(row.document)
    doc.pop("retentionInDays", None)
    GROUPS.update(ctx, row, document=doc)
    return {}


def _kms_target(ctx: RequestContext, params: dict[str, Any]) -> Resource:
    if params.get("resourceIdentifier") and params.get("logGroupName"):
        raise InvalidParameterException(
            "LogGroupName and ResourceIdentifier are mutually exclusive parameters."
        )
    if params.get("resourceIdentifier"):
        if ":query-result:" in params["resourceIdentifier"]:
            raise InvalidParameterException("Associating KMS keys with query results is not supported here.")
        name, account = name_of_identifier(ctx, params["resourceIdentifier"])
        if account not in (None, ctx.account_id):
            return group(ctx, "\0")  # not found
        return group(ctx, name)
    named = group_name_from(ctx, params)
    assert named is not None
    return group(ctx, check_group_name(named))


@handler("logs", "AssociateKmsKey")
def associate_kms_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _kms_target(ctx, params)
    key = _kms_key(ctx, params["kmsKeyId"], row.rid)
    GROUPS.update(ctx, row, document={**row.document, "kmsKeyId": key})
    return {}


@handler("logs", "DisassociateKmsKey")
def disassociate_kms_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _kms_target(ctx, params)
    doc = dict(row.document)
    doc.pop("kmsKeyId", None)
    GROUPS.update(ctx, row, document=doc)
    return {}


@handler("logs", "PutLogGroupDeletionProtection")
def put_deletion_protection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name, account = name_of_identifier(ctx, params["logGroupIdentifier"])
    row = group(ctx, name if account in (None, ctx.account_id) else "\0")
    GROUPS.update(
        ctx,
        row,
        document={**row.document, "deletionProtectionEnabled": bool(params["deletionProtectionEnabled"])},
    )
    return {}


__all__ = ["CLASSES", "delete_group_data", "describe"]
