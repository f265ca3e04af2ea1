"""On-demand backups and restores: CreateBackup, DescribeBackup, ListBackups, DeleteBackup,
RestoreTableFromBackup and RestoreTableToPointInTime. A backup keeps the table's definition and
a copy of its items (copied in the database, one statement); a restore makes a new table from
the definition, with the request's overrides, and copies the items in, rebuilding its secondary
indexes. As on AWS, a restored table has no stream, TTL or tags. awsmock keeps no history of a
table: a point-in-time restore to any time inside the recovery window restores the table as it
is now."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import delete, func, insert, literal, select

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.dynamodb import DynamoBackup, DynamoBackupItem

from .errors import BackupNotFound, InvalidRestoreTime, TableAlreadyExists, invalid
from .schema import arn_of, find_table, save_spec, stamped_id, table_name_of
from .storage import ITEMS, add_index_entries
from .tables import create_table, describe, missing_table, recovery_window

BACKUPS = DynamoBackup.__table__
BACKUP_ITEMS = DynamoBackupItem.__table__
#: ListBackups: at most this many summaries per page
MAX_PAGE = 100


def _row(ctx: RequestContext, arn: str) -> Any:
    row = ctx.session.execute(
        select(BACKUPS).where(
            BACKUPS.c.arn == arn, BACKUPS.c.account_id == ctx.account_id, BACKUPS.c.region == ctx.region
        )
    ).first()
    if row is None:
        raise BackupNotFound(f"Backup not found: {arn}")
    return row


def _details(row: Any, status: str = "AVAILABLE") -> dict[str, Any]:
    return {
        "BackupArn": row.arn,
        "BackupName": row.name,
        "BackupSizeBytes": int(row.size_bytes),
        "BackupStatus": status,
        "BackupType": "USER",
        "BackupCreationDateTime": row.created,
    }


def _throughput(tp: dict[str, Any] | None) -> dict[str, int]:
    tp = tp or {}
    return {
        "ReadCapacityUnits": int(tp.get("ReadCapacityUnits") or 0),
        "WriteCapacityUnits": int(tp.get("WriteCapacityUnits") or 0),
    }


def _description(row: Any, status: str = "AVAILABLE") -> dict[str, Any]:
    spec = json.loads(row.spec)
    source: dict[str, Any] = {
        "TableName": row.table_name,
        "TableId": spec["TableId"],
        "TableArn": spec["TableArn"],
        "TableSizeBytes": int(row.size_bytes),
        "KeySchema": spec["KeySchema"],
        "TableCreationDateTime": dt.datetime.fromisoformat(spec["Created"]),
        "ProvisionedThroughput": _throughput(spec.get("ProvisionedThroughput")),
        "ItemCount": int(row.item_count),
        "BillingMode": spec.get("BillingMode") or "PROVISIONED",
    }
    features: dict[str, Any] = {}
    if spec.get("LocalSecondaryIndexes"):
        features["LocalSecondaryIndexes"] = [
            {k: ix[k] for k in ("IndexName", "KeySchema", "Projection")}
            for ix in spec["LocalSecondaryIndexes"]
        ]
    if spec.get("GlobalSecondaryIndexes"):
        features["GlobalSecondaryIndexes"] = [
            {
                **{k: ix[k] for k in ("IndexName", "KeySchema", "Projection")},
                "ProvisionedThroughput": _throughput(ix.get("ProvisionedThroughput")),
            }
            for ix in spec["GlobalSecondaryIndexes"]
        ]
    stream = spec.get("StreamSpecification")
    if stream and stream.get("StreamEnabled"):
        features["StreamDescription"] = stream
    ttl = spec.get("TTL") or {}
    if ttl.get("Enabled"):
        features["TimeToLiveDescription"] = {
            "TimeToLiveStatus": "ENABLED",
            "AttributeName": ttl["AttributeName"],
        }
    return {
        "BackupDetails": _details(row, status),
        "SourceTableDetails": source,
        "SourceTableFeatureDetails": features,
    }


@handler("dynamodb", "CreateBackup")
def create_backup(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    info = find_table(ctx, params["TableName"])
    if info is None:
        raise missing_table(params["TableName"])
    created = ctx.now.replace(microsecond=ctx.now.microsecond // 1000 * 1000)
    arn = arn_of(ctx, info.name, "backup", stamped_id(ctx))
    session = ctx.session
    count, size = session.execute(
        select(func.count(), func.coalesce(func.sum(ITEMS.c.size), 0)).where(ITEMS.c.table_id == info.id)
    ).one()
    session.execute(
        insert(BACKUPS).values(
            arn=arn,
            name=params["BackupName"],
            table_name=info.name,
            spec=json.dumps(info.spec),
            created=created,
            size_bytes=int(size),
            item_count=int(count),
            account_id=ctx.account_id,
            region=ctx.region,
        )
    )
    copied = select(literal(arn), ITEMS.c.h, ITEMS.c.pk, ITEMS.c.sk, ITEMS.c.data, ITEMS.c.size)
    session.execute(
        insert(BACKUP_ITEMS).from_select(
            ["backup_arn", "h", "pk", "sk", "data", "size"], copied.where(ITEMS.c.table_id == info.id)
        )
    )
    return {"BackupDetails": _details(_row(ctx, arn), "CREATING")}


@handler("dynamodb", "DescribeBackup")
def describe_backup(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"BackupDescription": _description(_row(ctx, params["BackupArn"]))}


@handler("dynamodb", "DeleteBackup")
def delete_backup(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _row(ctx, params["BackupArn"])
    ctx.session.execute(delete(BACKUP_ITEMS).where(BACKUP_ITEMS.c.backup_arn == row.arn))
    ctx.session.execute(delete(BACKUPS).where(BACKUPS.c.arn == row.arn))
    return {"BackupDescription": _description(row, "DELETED")}


@handler("dynamodb", "ListBackups")
def list_backups(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = int(params.get("Limit") or MAX_PAGE)
    if params.get("BackupType") in ("SYSTEM", "AWS_BACKUP"):  # awsmock makes user backups only
        return {"BackupSummaries": []}
    query = select(BACKUPS).where(BACKUPS.c.account_id == ctx.account_id, BACKUPS.c.region == ctx.region)
    if params.get("TableName"):
        query = query.where(BACKUPS.c.table_name == table_name_of(params["TableName"]))
    if params.get("TimeRangeLowerBound") is not None:
        query = query.where(BACKUPS.c.created >= params["TimeRangeLowerBound"])
    if params.get("TimeRangeUpperBound") is not None:
        query = query.where(BACKUPS.c.created < params["TimeRangeUpperBound"])
    rows = ctx.session.execute(query.order_by(BACKUPS.c.created, BACKUPS.c.arn)).all()
    start = params.get("ExclusiveStartBackupArn")
    if start:
        arns = [r.arn for r in rows]
        if start not in arns:
            raise invalid(f"Invalid ExclusiveStartBackupArn: {start}")
        rows = rows[arns.index(start) + 1 :]
    page = rows[:limit]
    out: dict[str, Any] = {
        "BackupSummaries": [
            {
                "TableName": r.table_name,
                "TableId": json.loads(r.spec)["TableId"],
                "TableArn": json.loads(r.spec)["TableArn"],
                **_details(r),
            }
            for r in page
        ]
    }
    if len(rows) > limit:
        out["LastEvaluatedBackupArn"] = page[-1].arn
    return out


def _restored_params(spec: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """CreateTable's parameters for the table a backup's ``spec`` restores to, with the
    request's overrides (no stream, TTL or tags: AWS does not restore them)."""
    billing = params.get("BillingModeOverride") or spec.get("BillingMode") or "PROVISIONED"
    out: dict[str, Any] = {
        "TableName": params["TargetTableName"],
        "KeySchema": spec["KeySchema"],
        "AttributeDefinitions": spec["AttributeDefinitions"],
        "BillingMode": billing,
    }
    if billing == "PROVISIONED":
        out["ProvisionedThroughput"] = params.get("ProvisionedThroughputOverride") or _throughput(
            spec.get("ProvisionedThroughput")
        )
    lsis = params.get("LocalSecondaryIndexOverride", spec.get("LocalSecondaryIndexes"))
    if lsis:
        out["LocalSecondaryIndexes"] = [
            {k: ix[k] for k in ("IndexName", "KeySchema", "Projection")} for ix in lsis
        ]
    gsis = params.get("GlobalSecondaryIndexOverride", spec.get("GlobalSecondaryIndexes"))
    if gsis:
        out["GlobalSecondaryIndexes"] = [
            {
                **{k: ix[k] for k in ("IndexName", "KeySchema", "Projection")},
                **(
                    {"ProvisionedThroughput": ix.get("ProvisionedThroughput") or _throughput(None)}
                    if billing == "PROVISIONED"
                    else {}
                ),
            }
            for ix in gsis
        ]
    sse = params.get("SSESpecificationOverride", spec.get("SSESpecification"))
    if sse:
        out["SSESpecification"] = sse
    if spec.get("TableClass"):
        out["TableClass"] = spec["TableClass"]
    used = {k["AttributeName"] for k in out["KeySchema"]} | {
        k["AttributeName"]
        for key in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes")
        for ix in out.get(key) or []
        for k in ix["KeySchema"]
    }  # an index the overrides leave out takes its key's definition along
    out["AttributeDefinitions"] = [d for d in out["AttributeDefinitions"] if d["AttributeName"] in used]
    return out


def _restore(
    ctx: RequestContext, spec: dict[str, Any], params: dict[str, Any], rows: Any, summary: dict[str, Any]
) -> dict[str, Any]:
    """A new table ``TargetTableName`` made from ``spec`` with the request's overrides, holding
    the items ``rows`` selects (``h, pk, sk, data, size`` columns, in that order)."""
    target = params["TargetTableName"]
    if find_table(ctx, target) is not None:
        raise TableAlreadyExists(f"Table already exists: {target}")
    create_table(ctx, _restored_params(spec, params))
    info = find_table(ctx, target)
    assert info is not None
    session = ctx.session
    h, pk, sk, data, size = rows.selected_columns
    session.execute(
        insert(ITEMS).from_select(
            ["table_id", "h", "pk", "sk", "data", "size"],
            rows.with_only_columns(literal(info.id), h, pk, sk, data, size),
        )
    )
    if info.indexes:
        add_index_entries(ctx, info, session.execute(rows.with_only_columns(h, pk, sk, data)))
    summary = {**summary, "RestoreDateTime": ctx.now.isoformat(), "RestoreInProgress": False}
    return {"TableDescription": describe(ctx, save_spec(ctx, info, {**info.spec, "RestoreSummary": summary}))}


@handler("dynamodb", "RestoreTableFromBackup")
def restore_table_from_backup(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _row(ctx, params["BackupArn"])
    spec = json.loads(row.spec)
    stored = BACKUP_ITEMS.c
    rows = select(stored.h, stored.pk, stored.sk, stored.data, stored.size).where(
        stored.backup_arn == row.arn
    )
    return _restore(ctx, spec, params, rows, {"SourceBackupArn": row.arn, "SourceTableArn": spec["TableArn"]})


@handler("dynamodb", "RestoreTableToPointInTime")
def restore_table_to_point_in_time(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """The source table as it is now: awsmock keeps no history, so any time inside the
    recovery window restores the current items."""
    source = params.get("SourceTableArn") or params.get("SourceTableName")
    if not source:
        raise invalid("Either SourceTableArn or SourceTableName must be specified")
    info = find_table(ctx, source)
    if info is None:
        raise missing_table(source)
    earliest, latest = recovery_window(ctx, info)
    when = params.get("RestoreDateTime")
    if params.get("UseLatestRestorableTime") and when is not None:
        raise invalid("Only one of UseLatestRestorableTime or RestoreDateTime can be specified")
    if when is not None and not earliest <= when <= latest:
        raise InvalidRestoreTime(
            f"Restore time {when.isoformat()} is outside the restorable window "
            f"[{earliest.isoformat()}, {latest.isoformat()}]"
        )
    rows = select(ITEMS.c.h, ITEMS.c.pk, ITEMS.c.sk, ITEMS.c.data, ITEMS.c.size).where(
        ITEMS.c.table_id == info.id
    )
    return _restore(ctx, info.spec, params, rows, {"SourceTableArn": info.arn})
