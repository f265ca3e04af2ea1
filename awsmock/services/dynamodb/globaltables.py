"""Global tables version 2017.11.29: CreateGlobalTable, DescribeGlobalTable, ListGlobalTables,
UpdateGlobalTable, DescribeGlobalTableSettings, UpdateGlobalTableSettings.

A global table of this version is a resource of its own (the shared resource store, kind
``global-table``, one per account: its ARN has no Region) over tables the user made in each
Region: same name, same keys, streams of new and old images, empty when they join. Its members
replicate each other's writes (:mod:`.replication`); their settings are the members' own
(billing, capacity), changed together by UpdateGlobalTableSettings.
"""

from __future__ import annotations

import json
from typing import Any

from awsmock.engine import resources
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import replication, storage
from .errors import (
    DynamoValidation,
    GlobalTableAlreadyExists,
    GlobalTableNotFound,
    IndexNotFound,
    ReplicaAlreadyExists,
    ReplicaNotFound,
    TableNotFound,
    invalid,
)
from .schema import TableInfo, find_table, save_spec

GLOBAL_TABLES = resources.Kind(
    "dynamodb",
    "global-table",
    arn=lambda ctx, name: ctx.arn("dynamodb", f"global-table/{name}", region=""),
    not_found=lambda name: GlobalTableNotFound(
        f"Global table not found: Global table with name: '{name}' does not exist."
    ),
    exists=lambda name: GlobalTableAlreadyExists(f"Global table already exists: {name}"),
    regional=False,
    title="Global tables (2017.11.29)",
)
#: ListGlobalTables: a page's size when no Limit is given
MAX_LIST = 100


def _settings_not_found(name: str) -> GlobalTableNotFound:
    return GlobalTableNotFound(f"Global table with name: '{name}' does not exist.")


def _member(ctx: RequestContext, name: str, region: str) -> TableInfo:
    """The table that is to be the replica of ``region``: there, and fit to join."""
    info = find_table(replication.in_region(ctx, region), name)
    if info is None:
        raise TableNotFound(f"Table not found: Table: '{name}' not found in region: '{region}'.")
    return info


def _check_joining(ctx: RequestContext, tables: list[TableInfo], name: str, joining: set[str]) -> None:
    """AWS's conditions for tables of one global table: same keys and indexes, streams of new
    and old images; those ``joining`` it must have no items and be in no other global table."""
    first = tables[0]
    for info in tables:
        region = replication.own_region(info)
        if region in joining and info.global_version is not None:
            raise invalid(f"Table: {name} in region: {region} is already a replica of a global table")
        if info.stream_view != "NEW_AND_OLD_IMAGES":
            raise invalid(
                f"Table: {name} in region: {region} must have DynamoDB Streams enabled with "
                "StreamViewType NEW_AND_OLD_IMAGES"
            )
        if info.spec["KeySchema"] != first.spec["KeySchema"] or _index_keys(info) != _index_keys(first):
            raise invalid(
                f"Table: {name} in region: {region} does not have the same key schema and secondary "
                "indexes as the other replicas"
            )
        if region in joining and storage.has_items(replication.in_region(ctx, region), info):
            raise invalid(f"Table: {name} in region: {region} is not empty")


def _index_keys(info: TableInfo) -> dict[str, list[Any]]:
    return {name: ix.key_names for name, ix in info.indexes.items()}


def _description(row: resources.Resource) -> dict[str, Any]:
    return {
        "ReplicationGroup": [{"RegionName": r, "ReplicaStatus": "ACTIVE"} for r in row.document["Regions"]],
        "GlobalTableArn": row.arn,
        "CreationDateTime": row.created,
        "GlobalTableStatus": row.state or "ACTIVE",
        "GlobalTableName": row.rid,
    }


def _regions_in(group: list[dict[str, Any]]) -> list[str]:
    regions = [r["RegionName"] for r in group]
    if len(set(regions)) != len(regions):
        raise invalid("Duplicate RegionName in ReplicationGroup")
    return regions


@handler("dynamodb", "CreateGlobalTable")
def create_global_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["GlobalTableName"]
    regions = _regions_in(params["ReplicationGroup"])
    if GLOBAL_TABLES.find(ctx, name) is not None:
        raise GLOBAL_TABLES.exists(name)  # type: ignore[misc]
    tables = [_member(ctx, name, region) for region in regions]
    if tables:
        _check_joining(ctx, tables, name, set(regions))
    replication.set_group(ctx, name, regions, replication.LEGACY)
    row = GLOBAL_TABLES.create(
        ctx, rid=name, name=name, state="ACTIVE", document={"Regions": sorted(regions)}
    )
    out = _description(row)
    out["GlobalTableStatus"] = "CREATING"
    return {"GlobalTableDescription": out}


@handler("dynamodb", "DescribeGlobalTable")
def describe_global_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"GlobalTableDescription": _description(GLOBAL_TABLES.get(ctx, params["GlobalTableName"]))}


@handler("dynamodb", "ListGlobalTables")
def list_global_tables(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    size = int(params.get("Limit") or MAX_LIST)
    after = params.get("ExclusiveStartGlobalTableName")
    region = params.get("RegionName")
    rows = GLOBAL_TABLES.page(
        ctx,
        limit=1_000_000,
        token=None,
        invalid=lambda _: invalid("Invalid ExclusiveStartGlobalTableName"),
        where=(resources.Resource.rid > after,) if after else (),
    ).rows
    if region:
        rows = [r for r in rows if region in r.document["Regions"]]
    out: dict[str, Any] = {
        "GlobalTables": [
            {"GlobalTableName": r.rid, "ReplicationGroup": [{"RegionName": g} for g in r.document["Regions"]]}
            for r in rows[:size]
        ]
    }
    if len(rows) > size:
        out["LastEvaluatedGlobalTableName"] = rows[size - 1].rid
    return out


@handler("dynamodb", "UpdateGlobalTable")
def update_global_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["GlobalTableName"]
    updates = params["ReplicaUpdates"]
    if not updates:
        raise DynamoValidation("One or more parameter values were invalid")
    row = GLOBAL_TABLES.get(ctx, name)
    regions = list(row.document["Regions"])
    for update in updates:
        if update.get("Create"):
            region = update["Create"]["RegionName"]
            if region in regions:
                raise ReplicaAlreadyExists(f"Replica already exists in region: {region}")
            joining = _member(ctx, name, region)
            present = [t for t in (find_table(replication.in_region(ctx, r), name) for r in regions) if t]
            _check_joining(ctx, [*present, joining], name, {region})
            regions.append(region)
        elif update.get("Delete"):
            region = update["Delete"]["RegionName"]
            if region not in regions:
                raise ReplicaNotFound(f"Replica not found in region: {region}")
            replication.set_group(ctx, name, [region], None)
            regions.remove(region)
        else:
            raise invalid("One of ReplicaUpdate.Create, ReplicaUpdate.Delete must not be null")
    replication.set_group(ctx, name, regions, replication.LEGACY)
    row = GLOBAL_TABLES.update(ctx, row, document={"Regions": sorted(regions)})
    out = _description(row)
    out["GlobalTableStatus"] = "UPDATING"
    return {"GlobalTableDescription": out}


def forget_region(ctx: RequestContext, name: str, region: str) -> None:
    """A member table was deleted: its Region leaves the global table ``name``."""
    row = GLOBAL_TABLES.find(ctx, name)
    if row is not None:
        regions = [r for r in row.document["Regions"] if r != region]
        GLOBAL_TABLES.update(ctx, row, document={"Regions": regions})


# -- settings ------------------------------------------------------------------------------------


def _members(ctx: RequestContext, row: resources.Resource) -> list[tuple[str, TableInfo]]:
    found = []
    for region in row.document["Regions"]:
        info = find_table(replication.in_region(ctx, region), row.rid)
        if info is not None:
            found.append((region, info))
    return found


def _replica_settings(region: str, info: TableInfo) -> dict[str, Any]:
    spec = info.spec
    billing = spec.get("BillingMode") or "PROVISIONED"
    tp = spec.get("ProvisionedThroughput") or {}
    out: dict[str, Any] = {
        "RegionName": region,
        "ReplicaStatus": "ACTIVE",
        "ReplicaBillingModeSummary": {"BillingMode": billing},
        "ReplicaProvisionedReadCapacityUnits": int(tp.get("ReadCapacityUnits") or 0),
        "ReplicaProvisionedWriteCapacityUnits": int(tp.get("WriteCapacityUnits") or 0),
    }
    scaling = (spec.get("Global") or {}).get("WriteAutoScaling")
    if scaling:
        out["ReplicaProvisionedWriteCapacityAutoScalingSettings"] = scaling
    indexes = []
    for ix in spec.get("GlobalSecondaryIndexes") or []:
        itp = ix.get("ProvisionedThroughput") or {}
        indexes.append(
            {
                "IndexName": ix["IndexName"],
                "IndexStatus": "ACTIVE",
                "ProvisionedReadCapacityUnits": int(itp.get("ReadCapacityUnits") or 0),
                "ProvisionedWriteCapacityUnits": int(itp.get("WriteCapacityUnits") or 0),
            }
        )
    if indexes:
        out["ReplicaGlobalSecondaryIndexSettings"] = indexes
    if spec.get("TableClass"):
        out["ReplicaTableClassSummary"] = {"TableClass": spec["TableClass"]}
    return out


def _settings(ctx: RequestContext, row: resources.Resource) -> dict[str, Any]:
    return {
        "GlobalTableName": row.rid,
        "ReplicaSettings": [_replica_settings(region, info) for region, info in _members(ctx, row)],
    }


@handler("dynamodb", "DescribeGlobalTableSettings")
def describe_global_table_settings(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["GlobalTableName"]
    row = GLOBAL_TABLES.find(ctx, name)
    if row is None:
        raise _settings_not_found(name)
    return _settings(ctx, row)


def _positive(value: Any, what: str) -> int:
    if int(value) < 1:
        raise DynamoValidation(
            f"1 validation error detected: Value '{value}' at '{what}' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1"
        )
    return int(value)


@handler("dynamodb", "UpdateGlobalTableSettings")
def update_global_table_settings(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["GlobalTableName"]
    row = GLOBAL_TABLES.find(ctx, name)
    if row is None:
        raise _settings_not_found(name)
    members = dict(_members(ctx, row))
    specs = {region: json.loads(json.dumps(info.spec)) for region, info in members.items()}
    billing = params.get("GlobalTableBillingMode")
    write = params.get("GlobalTableProvisionedWriteCapacityUnits")
    if write is not None:
        write = _positive(write, "globalTableProvisionedWriteCapacityUnits")
    scaling = params.get("GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate")
    index_writes = {
        u["IndexName"]: u for u in params.get("GlobalTableGlobalSecondaryIndexSettingsUpdate") or []
    }
    for replica in params.get("ReplicaSettingsUpdate") or []:
        if replica["RegionName"] not in specs:
            raise ReplicaNotFound(f"Replica not found in region: {replica['RegionName']}")
    for spec in specs.values():
        names = {ix["IndexName"] for ix in spec.get("GlobalSecondaryIndexes") or []}
        for iname in index_writes:
            if iname not in names:
                raise IndexNotFound(f"Requested resource not found: Index: {iname} not found")
        if billing and billing != spec.get("BillingMode", "PROVISIONED"):
            spec["BillingMode"] = billing
            spec["BillingModeUpdated"] = ctx.now.isoformat()
            if billing == "PAY_PER_REQUEST":
                spec.pop("ProvisionedThroughput", None)
                for ix in spec.get("GlobalSecondaryIndexes") or []:
                    ix.pop("ProvisionedThroughput", None)
        provisioned = spec.get("BillingMode", "PROVISIONED") == "PROVISIONED"
        if (write is not None or index_writes) and not provisioned:
            raise invalid("ProvisionedThroughput cannot be specified when BillingMode is PAY_PER_REQUEST")
        if write is not None:
            tp = spec.setdefault("ProvisionedThroughput", {"ReadCapacityUnits": write})
            tp["WriteCapacityUnits"] = write
        for ix in spec.get("GlobalSecondaryIndexes") or []:
            wanted = index_writes.get(ix["IndexName"])
            if wanted and wanted.get("ProvisionedWriteCapacityUnits") is not None:
                itp = ix.setdefault("ProvisionedThroughput", {"ReadCapacityUnits": 1})
                itp["WriteCapacityUnits"] = _positive(
                    wanted["ProvisionedWriteCapacityUnits"], "provisionedWriteCapacityUnits"
                )
        if scaling:
            spec.setdefault("Global", {})["WriteAutoScaling"] = {
                "MinimumUnits": scaling.get("MinimumUnits"),
                "MaximumUnits": scaling.get("MaximumUnits"),
                "AutoScalingDisabled": bool(scaling.get("AutoScalingDisabled")),
                "AutoScalingRoleArn": scaling.get("AutoScalingRoleArn"),
            }
            spec["Global"]["WriteAutoScaling"] = {
                k: v for k, v in spec["Global"]["WriteAutoScaling"].items() if v is not None
            }
    for replica in params.get("ReplicaSettingsUpdate") or []:
        spec = specs[replica["RegionName"]]
        if replica.get("ReplicaProvisionedReadCapacityUnits") is not None:
            if spec.get("BillingMode", "PROVISIONED") != "PROVISIONED":
                raise invalid("ProvisionedThroughput cannot be specified when BillingMode is PAY_PER_REQUEST")
            tp = spec.setdefault("ProvisionedThroughput", {"WriteCapacityUnits": 1})
            tp["ReadCapacityUnits"] = _positive(
                replica["ReplicaProvisionedReadCapacityUnits"], "replicaProvisionedReadCapacityUnits"
            )
        gsis = {ix["IndexName"]: ix for ix in spec.get("GlobalSecondaryIndexes") or []}
        for u in replica.get("ReplicaGlobalSecondaryIndexSettingsUpdate") or []:
            ix = gsis.get(u["IndexName"])
            if ix is None:
                raise IndexNotFound(f"Requested resource not found: Index: {u['IndexName']} not found")
            if u.get("ProvisionedReadCapacityUnits") is not None:
                itp = ix.setdefault("ProvisionedThroughput", {"WriteCapacityUnits": 1})
                itp["ReadCapacityUnits"] = _positive(
                    u["ProvisionedReadCapacityUnits"], "provisionedReadCapacityUnits"
                )
        if replica.get("ReplicaTableClass"):
            spec["TableClass"] = replica["ReplicaTableClass"]
    for region, spec in specs.items():
        save_spec(replication.in_region(ctx, region), members[region], spec)
    return _settings(ctx, row)
