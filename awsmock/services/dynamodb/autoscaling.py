"""Replica auto scaling of global tables (version 2019.11.21): DescribeTableReplicaAutoScaling,
UpdateTableReplicaAutoScaling.

The settings are records kept with the global table (in each replica's spec, under
``Global.AutoScaling``): the write capacity's (table-wide, and per secondary index) and each
replica's read capacity's (and its indexes'). awsmock runs no scaling of its own, but what a
setting forces at once it does: a minimum above the current capacity raises it, a maximum below
lowers it, in every replica it applies to, as Application Auto Scaling's first action does.
"""

from __future__ import annotations

import json
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import replication
from .errors import DynamoValidation, ResourceNotFound
from .schema import TableInfo, find_table, save_spec, table_name_of

#: the keys of ``Global.AutoScaling``: ``write`` (the table's write capacity), ``index-write``
#: (by index), ``read`` (by Region), ``index-read`` (by Region, then index)
_ROLE = "role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"


def _load(ctx: RequestContext, name: str) -> TableInfo:
    info = find_table(ctx, name)
    if info is None:
        raise ResourceNotFound(f"Requested resource not found: Table: {table_name_of(name)} not found")
    if info.global_version != replication.CURRENT or not info.replicas:
        raise ResourceNotFound(f"Global table with name: {info.name} does not exist.")
    return info


def _stored(info: TableInfo) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(json.dumps((info.spec.get("Global") or {}).get("AutoScaling") or {}))
    return found


def _settings(found: dict[str, Any] | None) -> dict[str, Any]:
    return dict(found) if found else {"AutoScalingDisabled": True}


def _description(ctx: RequestContext, info: TableInfo, status: str = "ACTIVE") -> dict[str, Any]:
    scaling = _stored(info)
    replicas = []
    for region in replication.regions_of(info):
        member = find_table(replication.in_region(ctx, region), info.name)
        if member is None:
            continue
        desc: dict[str, Any] = {"RegionName": region, "ReplicaStatus": "ACTIVE"}
        provisioned = member.spec.get("BillingMode", "PROVISIONED") == "PROVISIONED"
        if provisioned:
            desc["ReplicaProvisionedReadCapacityAutoScalingSettings"] = _settings(
                (scaling.get("read") or {}).get(region)
            )
            desc["ReplicaProvisionedWriteCapacityAutoScalingSettings"] = _settings(scaling.get("write"))
        indexes = []
        for ix in member.spec.get("GlobalSecondaryIndexes") or []:
            entry: dict[str, Any] = {"IndexName": ix["IndexName"], "IndexStatus": "ACTIVE"}
            if provisioned:
                reads = ((scaling.get("index-read") or {}).get(region) or {}).get(ix["IndexName"])
                entry["ProvisionedReadCapacityAutoScalingSettings"] = _settings(reads)
                entry["ProvisionedWriteCapacityAutoScalingSettings"] = _settings(
                    (scaling.get("index-write") or {}).get(ix["IndexName"])
                )
            indexes.append(entry)
        if indexes:
            desc["GlobalSecondaryIndexes"] = indexes
        replicas.append(desc)
    return {"TableName": info.name, "TableStatus": status, "Replicas": replicas}


@handler("dynamodb", "DescribeTableReplicaAutoScaling")
def describe_table_replica_auto_scaling(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"TableAutoScalingDescription": _description(ctx, _load(ctx, params["TableName"]))}


def _failed(name: str, detail: str) -> DynamoValidation:
    return DynamoValidation(
        f"Failed to update settings for global table with name: \u2018{name}\u2019{detail}"
    )


def _setting(
    ctx: RequestContext, name: str, update: dict[str, Any], member: str, what: str, resource: str
) -> dict[str, Any] | None:
    """The stored form of one AutoScalingSettingsUpdate (None: auto scaling disabled)."""
    if update.get("AutoScalingDisabled"):
        given = [
            k for k in ("MinimumUnits", "MaximumUnits", "ScalingPolicyUpdate") if update.get(k) is not None
        ]
        if given:
            raise _failed(
                name, f": Parameters '{', '.join(given)}' must be left blank when disabling auto scaling."
            )
        return None
    missing = [k for k in ("MinimumUnits", "MaximumUnits", "ScalingPolicyUpdate") if update.get(k) is None]
    if missing:
        raise _failed(
            name, f": Parameters '{', '.join(missing)}' are required unless auto scaling is being disabled."
        )
    policy = update["ScalingPolicyUpdate"]
    low, high = int(update["MinimumUnits"]), int(update["MaximumUnits"])
    if low > high:
        raise _failed(name, f": {member}: Minimum capacity cannot be greater than maximum capacity.")
    config = {k: v for k, v in policy["TargetTrackingScalingPolicyConfiguration"].items() if v is not None}
    config["TargetValue"] = float(config["TargetValue"])
    return {
        "MinimumUnits": low,
        "MaximumUnits": high,
        "AutoScalingDisabled": False,
        "AutoScalingRoleArn": update.get("AutoScalingRoleArn") or ctx.arn("iam", _ROLE, region=""),
        "ScalingPolicies": [
            {
                "PolicyName": policy.get("PolicyName") or f"DynamoDB{what}CapacityUtilization:{resource}",
                "TargetTrackingScalingPolicyConfiguration": config,
            }
        ],
    }


def _bounded(value: int, setting: dict[str, Any] | None) -> int:
    if not setting:
        return value
    return max(setting["MinimumUnits"], min(setting["MaximumUnits"], value))


@handler("dynamodb", "UpdateTableReplicaAutoScaling")
def update_table_replica_auto_scaling(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    info = _load(ctx, params["TableName"])
    name = info.name
    regions = replication.regions_of(info)
    members = {r: find_table(replication.in_region(ctx, r), name) for r in regions}
    write = params.get("ProvisionedWriteCapacityAutoScalingUpdate")
    index_updates = params.get("GlobalSecondaryIndexUpdates") or []
    replica_updates = params.get("ReplicaUpdates") or []
    if write is None and not index_updates and not replica_updates:
        raise _failed(name, " because at least one update parameter must be specified.")
    named = [u["RegionName"] for u in replica_updates]
    twice = sorted({r for r in named if named.count(r) > 1})
    if twice:
        raise _failed(
            name, f" because the regions: \u2018[{', '.join(twice)}]\u2019 were specified more than once."
        )
    unknown = [r for r in named if r not in regions]
    if unknown:
        raise ResourceNotFound(f"Requested resource not found: Replica: {unknown[0]} not found")
    enabling = [
        member
        for member, update in (
            ("ProvisionedWriteCapacityAutoScalingUpdate", write),
            *(
                ("GlobalSecondaryIndexUpdates", u.get("ProvisionedWriteCapacityAutoScalingUpdate"))
                for u in index_updates
            ),
            *(
                ("ReplicaUpdates", u.get("ReplicaProvisionedReadCapacityAutoScalingUpdate"))
                for u in replica_updates
            ),
        )
        if update is not None and not update.get("AutoScalingDisabled")
    ]
    on_demand = [
        r for r, m in members.items() if m is not None and m.spec.get("BillingMode") == "PAY_PER_REQUEST"
    ]
    if enabling and on_demand:
        shown = ", ".join(f"'{r}'" for r in on_demand)
        raise DynamoValidation(
            f"Failed to update global table with name \u2018{name}\u2018. Replicas {shown} BillingMode is "
            "PayPerRequest. You must convert table's BillingMode to PROVISIONED to set parameters: "
            f"'{', '.join(dict.fromkeys(enabling))}'."
        )
    index_names = {ix["IndexName"] for ix in info.spec.get("GlobalSecondaryIndexes") or []}
    for u in index_updates:
        if u.get("IndexName") not in index_names:
            raise ResourceNotFound(f"Requested resource not found: Index: {u.get('IndexName')} not found")
    for u in replica_updates:
        for iu in u.get("ReplicaGlobalSecondaryIndexUpdates") or []:
            if iu.get("IndexName") not in index_names:
                raise ResourceNotFound(
                    f"Requested resource not found: Index: {iu.get('IndexName')} not found"
                )

    scaling = _stored(info)
    resource = f"table/{name}"
    if write is not None:
        scaling["write"] = _setting(
            ctx, name, write, "ProvisionedWriteCapacityAutoScalingUpdate", "Write", resource
        )
    for u in index_updates:
        if u.get("ProvisionedWriteCapacityAutoScalingUpdate") is not None:
            scaling.setdefault("index-write", {})[u["IndexName"]] = _setting(
                ctx,
                name,
                u["ProvisionedWriteCapacityAutoScalingUpdate"],
                "GlobalSecondaryIndexUpdates",
                "Write",
                f"{resource}/index/{u['IndexName']}",
            )
    for u in replica_updates:
        region = u["RegionName"]
        if u.get("ReplicaProvisionedReadCapacityAutoScalingUpdate") is not None:
            scaling.setdefault("read", {})[region] = _setting(
                ctx,
                name,
                u["ReplicaProvisionedReadCapacityAutoScalingUpdate"],
                "ReplicaUpdates",
                "Read",
                resource,
            )
        for iu in u.get("ReplicaGlobalSecondaryIndexUpdates") or []:
            if iu.get("ProvisionedReadCapacityAutoScalingUpdate") is not None:
                scaling.setdefault("index-read", {}).setdefault(region, {})[iu["IndexName"]] = _setting(
                    ctx,
                    name,
                    iu["ProvisionedReadCapacityAutoScalingUpdate"],
                    "ReplicaGlobalSecondaryIndexUpdates",
                    "Read",
                    f"{resource}/index/{iu['IndexName']}",
                )
    for region, member in members.items():
        if member is None:
            continue
        spec = json.loads(json.dumps(member.spec))
        spec.setdefault("Global", {})["AutoScaling"] = scaling
        tp = spec.get("ProvisionedThroughput")
        if tp:
            tp["WriteCapacityUnits"] = _bounded(int(tp["WriteCapacityUnits"]), scaling.get("write"))
            tp["ReadCapacityUnits"] = _bounded(
                int(tp["ReadCapacityUnits"]), (scaling.get("read") or {}).get(region)
            )
        for ix in spec.get("GlobalSecondaryIndexes") or []:
            itp = ix.get("ProvisionedThroughput")
            if itp:
                iname = ix["IndexName"]
                itp["WriteCapacityUnits"] = _bounded(
                    int(itp["WriteCapacityUnits"]), (scaling.get("index-write") or {}).get(iname)
                )
                itp["ReadCapacityUnits"] = _bounded(
                    int(itp["ReadCapacityUnits"]),
                    ((scaling.get("index-read") or {}).get(region) or {}).get(iname),
                )
        save_spec(replication.in_region(ctx, region), member, spec)
    fresh = find_table(ctx, name)
    assert fresh is not None
    return {"TableAutoScalingDescription": _description(ctx, fresh, "UPDATING")}
