"""Table operations: Create/Describe/Update/Delete/ListTables, TTL, tags, limits, endpoints,
continuous backups.

A table's tags are kept by the one tagging implementation (:mod:`awsmock.engine.tagging`, the
shared tag table), by the table's ARN, under DynamoDB's rules (:func:`_tag_rules`); the table's
definition (``spec``) holds none."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from sqlalchemy import delete, func, insert, select

from awsmock.engine import arns, pager, tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.dynamodb import DynamoIndexEntry, DynamoItem

from . import globaltables, replication, storage
from .errors import (
    DynamoValidation,
    PointInTimeRecoveryUnavailable,
    ResourceInUse,
    ResourceNotFound,
    TableNotFound,
    invalid,
)
from .policies import attach
from .schema import (
    TABLES,
    TableInfo,
    arn_of,
    find_table,
    forget_table,
    info_from_spec,
    save_spec,
    table_name_of,
    table_of_arn,
)
from .streams import VIEW_TYPES, create_stream, disable_stream

ITEMS = DynamoItem.__table__
ENTRIES = DynamoIndexEntry.__table__
MAX_GSI = 20
MAX_LSI = 5
#: ListTagsOfResource: tags per page
TAGS_PAGE = 100
#: the service a table's rows of the shared tag table belong to
SERVICE = "dynamodb"
#: tags a table may have (the Tag shape: "You can add up to 50 tags to a single DynamoDB table"),
#: and the longest a tag's key and value may be (its members' lengths in the model)
MAX_TAGS, MAX_TAG_KEY, MAX_TAG_VALUE = 50, 128, 256


def _not_found(name: str) -> ResourceNotFound:
    return ResourceNotFound(f"Requested resource not found: Table: {name} not found")


def missing_table(name: str) -> TableNotFound:
    """TableNotFoundException, as the backup operations answer for a table that is not there."""
    return TableNotFound(f"Table not found: {table_name_of(name)}")


def _load(ctx: RequestContext, name: str) -> TableInfo:
    info = find_table(ctx, name)
    if info is None:
        raise _not_found(table_name_of(name))
    return info


# -- validation of definitions -----------------------------------------------------------------


def _check_key_schema(schema: list[dict[str, str]], what: str = "") -> None:
    if not schema or len(schema) > 2:
        raise DynamoValidation(
            f"1 validation error detected: Value '{schema}' at 'keySchema' failed to satisfy constraint: "
            "Member must have length less than or equal to 2"
        )
    if schema[0].get("KeyType") != "HASH":
        raise DynamoValidation(f"Invalid KeySchema: The first KeySchemaElement is not a HASH key type{what}")
    if len(schema) == 2:
        if schema[1].get("KeyType") != "RANGE":
            raise DynamoValidation(
                f"Invalid KeySchema: The second KeySchemaElement is not a RANGE key type{what}"
            )
        if schema[0]["AttributeName"] == schema[1]["AttributeName"]:
            raise invalid("Both the Hash Key and the Range Key element in the KeySchema have the same name")


#: a global secondary index's key: up to this many partition key and sort key attributes each
MAX_INDEX_KEYS = 4


def _check_gsi_key_schema(schema: list[dict[str, str]]) -> None:
    """A global secondary index's KeySchema: one to four HASH attributes, then up to four RANGE
    attributes (a multi-attribute key), each named once."""
    if len(schema) <= 2:
        _check_key_schema(schema)
        return
    kinds = [k.get("KeyType") for k in schema]
    if kinds[0] != "HASH":
        raise DynamoValidation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if "RANGE" in kinds and "HASH" in kinds[kinds.index("RANGE") :]:
        raise invalid("All HASH key attributes must precede RANGE key attributes in the KeySchema")
    for kind in ("HASH", "RANGE"):
        if kinds.count(kind) > MAX_INDEX_KEYS:
            raise invalid(f"The KeySchema exceeds the maximum allowed number of {kind} key attributes")
    names = _key_names(schema)
    if len(set(names)) != len(names):
        raise DynamoValidation("The KeySchema contains multiple key attributes with the same name")


def _check_projection(index: dict[str, Any]) -> dict[str, Any]:
    proj = dict(index.get("Projection") or {})
    ptype = proj.get("ProjectionType")
    if ptype is None:
        raise invalid("Unknown ProjectionType: null")
    nka = proj.get("NonKeyAttributes")
    if ptype != "INCLUDE" and nka:
        raise invalid(f"ProjectionType is {ptype}, but NonKeyAttributes is specified")
    if ptype == "INCLUDE" and not nka:
        raise invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
    seen: set[str] = set()
    for name in nka or ():
        if name in seen:
            raise invalid(f"Duplicate element in NonKeyAttributes: {name}")
        seen.add(name)
    proj["ProjectionType"] = ptype
    return proj


def _check_throughput(
    tp: dict[str, Any] | None, billing: str, index: str | None = None
) -> dict[str, Any] | None:
    if billing == "PAY_PER_REQUEST":
        if tp and (tp.get("ReadCapacityUnits") or tp.get("WriteCapacityUnits")):
            raise invalid(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode "
                "is PAY_PER_REQUEST"
            )
        return None
    if not tp:
        if index:
            raise invalid(f"ProvisionedThroughput must be specified for index: {index}")
        raise invalid(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
        )
    for k in ("ReadCapacityUnits", "WriteCapacityUnits"):
        if int(tp.get(k) or 0) < 1:
            raise DynamoValidation(
                f"1 validation error detected: Value '{tp.get(k)}' at 'provisionedThroughput.{k[0].lower() + k[1:]}' "
                "failed to satisfy constraint: Member must have value greater than or equal to 1"
            )
    return {
        "ReadCapacityUnits": int(tp["ReadCapacityUnits"]),
        "WriteCapacityUnits": int(tp["WriteCapacityUnits"]),
    }


def _check_stream_spec(spec: dict[str, Any] | None) -> dict[str, Any] | None:
    if not spec:
        return None
    if spec.get("StreamEnabled"):
        if spec.get("StreamViewType") not in VIEW_TYPES:
            raise invalid("You must specify a StreamViewType when enabling streams")
        return {"StreamEnabled": True, "StreamViewType": spec["StreamViewType"]}
    if spec.get("StreamViewType"):
        raise invalid("You cannot modify the StreamViewType when disabling streams")
    return {"StreamEnabled": False}


def _check_definitions(params: dict[str, Any]) -> dict[str, str]:
    defs = params.get("AttributeDefinitions") or []
    types: dict[str, str] = {}
    for d in defs:
        name, typ = d["AttributeName"], d["AttributeType"]
        if typ not in ("S", "N", "B"):
            raise DynamoValidation(
                f"1 validation error detected: Value '{typ}' at 'attributeDefinitions.member.attributeType' "
                "failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]"
            )
        if name in types:
            raise DynamoValidation(f"Attribute Name is duplicated: {name}")
        types[name] = typ
    return types


def _key_names(schema: list[dict[str, str]]) -> list[str]:
    return [k["AttributeName"] for k in schema]


def _check_index_keys(used: list[str], types: dict[str, str], defs: list[dict[str, str]]) -> None:
    missing = [n for n in used if n not in types]
    if missing:
        shown_defs = ", ".join(d["AttributeName"] for d in defs)
        raise invalid(
            "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(missing)}], AttributeDefinitions: [{shown_defs}]"
        )


def _index_name(ix: dict[str, Any], names: set[str]) -> str:
    """The name of a new table's index, which no other index of the table may have."""
    iname: str = ix["IndexName"]
    if iname in names:
        raise invalid(f"Duplicate index name: {iname}")
    names.add(iname)
    return iname


def _new_gsi(
    ix: dict[str, Any], types: dict[str, str], defs: list[dict[str, str]], billing: str
) -> dict[str, Any]:
    """A global secondary index as the table spec keeps it, its keys and settings checked."""
    iname = ix["IndexName"]
    _check_gsi_key_schema(ix["KeySchema"])
    _check_index_keys(_key_names(ix["KeySchema"]), types, defs)
    g: dict[str, Any] = {
        "IndexName": iname,
        "KeySchema": ix["KeySchema"],
        "Projection": _check_projection(ix),
    }
    warm = _warm_wanted(ix.get("WarmThroughput"), None, f"index {iname}")
    if warm:
        g["WarmThroughput"] = warm
    gtp = _check_throughput(ix.get("ProvisionedThroughput"), billing, iname)
    if gtp:
        g["ProvisionedThroughput"] = gtp
    return g


# -- descriptions -------------------------------------------------------------------------------

#: the warm throughput of a new table or global secondary index (AWS's documented starting
#: values: 12,000 read units and 4,000 write units per second)
WARM_READ, WARM_WRITE = 12000, 4000


def _warm(part: dict[str, Any]) -> dict[str, int]:
    """The warm throughput of a table or index (its spec): the starting values, raised by what
    was asked for (WarmThroughput) and by its provisioned capacity."""
    asked = part.get("WarmThroughput") or {}
    tp = part.get("ProvisionedThroughput") or {}
    return {
        "ReadUnitsPerSecond": max(
            WARM_READ, int(asked.get("ReadUnitsPerSecond") or 0), int(tp.get("ReadCapacityUnits") or 0)
        ),
        "WriteUnitsPerSecond": max(
            WARM_WRITE, int(asked.get("WriteUnitsPerSecond") or 0), int(tp.get("WriteCapacityUnits") or 0)
        ),
    }


def _warm_wanted(
    asked: dict[str, Any] | None, current: dict[str, Any] | None, what: str
) -> dict[str, int] | None:
    """A WarmThroughput parameter as kept (None: none given); lower than the current warm
    throughput (``current``, None on creation) is refused, as AWS refuses decreases."""
    if not asked:
        return None
    out: dict[str, int] = {}
    for member in ("ReadUnitsPerSecond", "WriteUnitsPerSecond"):
        if asked.get(member) is None:
            continue
        value = int(asked[member])
        if current is not None and value < current[member]:
            raise invalid(
                f"Requested {member} for WarmThroughput for {what} is lower than current WarmThroughput, "
                "decreasing WarmThroughput is not supported"
            )
        out[member] = value
    return out


def _throughput_out(tp: dict[str, Any] | None) -> dict[str, Any]:
    tp = tp or {}
    return {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": int(tp.get("ReadCapacityUnits") or 0),
        "WriteCapacityUnits": int(tp.get("WriteCapacityUnits") or 0),
    }


def describe(ctx: RequestContext, info: TableInfo, status: str = "ACTIVE") -> dict[str, Any]:
    spec = info.spec
    session = ctx.session
    count, size = session.execute(
        select(func.count(), func.coalesce(func.sum(ITEMS.c.size), 0)).where(ITEMS.c.table_id == info.id)
    ).one()
    index_counts: dict[str, tuple[int, int]] = {}
    if info.indexes:
        rows = session.execute(
            select(ENTRIES.c.index_name, func.count(), func.coalesce(func.sum(ITEMS.c.size), 0))
            .select_from(
                ENTRIES.join(
                    ITEMS,
                    (ITEMS.c.table_id == ENTRIES.c.table_id)
                    & (ITEMS.c.h == ENTRIES.c.h)
                    & (ITEMS.c.pk == ENTRIES.c.pk)
                    & (ITEMS.c.sk == ENTRIES.c.sk),
                )
            )
            .where(ENTRIES.c.table_id == info.id)
            .group_by(ENTRIES.c.index_name)
        ).all()
        index_counts = {name: (c, s) for name, c, s in rows}
    created = dt.datetime.fromisoformat(spec["Created"])
    out: dict[str, Any] = {
        "AttributeDefinitions": spec["AttributeDefinitions"],
        "TableName": info.name,
        "KeySchema": spec["KeySchema"],
        "TableStatus": status,
        "CreationDateTime": created,
        "ProvisionedThroughput": _throughput_out(spec.get("ProvisionedThroughput")),
        "TableSizeBytes": int(size),
        "ItemCount": int(count),
        "TableArn": info.arn,
        "TableId": spec["TableId"],
        "DeletionProtectionEnabled": bool(spec.get("DeletionProtectionEnabled")),
        "WarmThroughput": {**_warm(spec), "Status": status},
    }
    if spec.get("BillingMode") == "PAY_PER_REQUEST" or spec.get("BillingModeUpdated"):
        summary: dict[str, Any] = {"BillingMode": spec.get("BillingMode", "PROVISIONED")}
        if spec.get("BillingMode") == "PAY_PER_REQUEST":
            summary["LastUpdateToPayPerRequestDateTime"] = dt.datetime.fromisoformat(
                spec.get("BillingModeUpdated") or spec["Created"]
            )
        out["BillingModeSummary"] = summary
    for key in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
        described = []
        for ix in spec.get(key) or []:
            c, s = index_counts.get(ix["IndexName"], (0, 0))
            d: dict[str, Any] = {
                "IndexName": ix["IndexName"],
                "KeySchema": ix["KeySchema"],
                "Projection": ix["Projection"],
                "IndexSizeBytes": int(s),
                "ItemCount": int(c),
                "IndexArn": arn_of(ctx, info.name, "index", ix["IndexName"]),
            }
            if key == "GlobalSecondaryIndexes":
                d["IndexStatus"] = "ACTIVE"
                d["ProvisionedThroughput"] = _throughput_out(ix.get("ProvisionedThroughput"))
                d["WarmThroughput"] = {**_warm(ix), "Status": "ACTIVE"}
            described.append(d)
        if described:
            out[key] = described
    stream = spec.get("StreamSpecification")
    if stream:
        out["StreamSpecification"] = stream
    if spec.get("LatestStreamArn"):
        out["LatestStreamArn"] = spec["LatestStreamArn"]
        out["LatestStreamLabel"] = spec["LatestStreamLabel"]
    sse = spec.get("SSESpecification")
    if sse and sse.get("Enabled"):
        key_arn = sse.get("KMSMasterKeyId") or ctx.arn("kms", "key/" + spec["TableId"])
        if arns.parse(key_arn) is None:
            key_arn = ctx.arn("kms", "key/" + key_arn)
        out["SSEDescription"] = {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": key_arn}
    if spec.get("TableClass"):
        out["TableClassSummary"] = {"TableClass": spec["TableClass"]}
    if spec.get("GlobalTableSettingsReplicationMode"):
        out["GlobalTableSettingsReplicationMode"] = spec["GlobalTableSettingsReplicationMode"]
    if info.global_version == replication.CURRENT and info.replicas:
        out["GlobalTableVersion"] = replication.CURRENT
        out["Replicas"] = replication.replica_descriptions(ctx, info)
        out["GlobalTableSettingsReplicationMode"] = "ENABLED_WITH_OVERRIDES"
    restore = spec.get("RestoreSummary")
    if restore:
        out["RestoreSummary"] = {
            **restore,
            "RestoreDateTime": dt.datetime.fromisoformat(restore["RestoreDateTime"]),
        }
    return out


# -- handlers -----------------------------------------------------------------------------------


@handler("dynamodb", "CreateTable")
def create_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["TableName"]
    schema = params.get("KeySchema")
    if schema is None:  # optional in botocore's model, but a table has no key without it
        raise DynamoValidation(
            "1 validation error detected: Value null at 'keySchema' failed to satisfy constraint: "
            "Member must not be null"
        )
    _check_key_schema(schema)
    types = _check_definitions(params)
    defs = params.get("AttributeDefinitions") or []
    billing = params.get("BillingMode") or "PROVISIONED"
    used = list(_key_names(schema))
    _check_index_keys(_key_names(schema), types, defs)
    spec: dict[str, Any] = {
        "TableName": name,
        "KeySchema": schema,
        "AttributeDefinitions": defs,
        "BillingMode": billing,
        "TableArn": arn_of(ctx, name),
        "TableId": str(uuid.uuid4()),
        "Created": ctx.now.isoformat(),
    }
    names: set[str] = set()
    for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if params.get(key) == []:
            raise invalid(f"List of {key} is empty")
    lsis = params.get("LocalSecondaryIndexes") or []
    if lsis:
        if len(schema) < 2:
            raise invalid(
                "Table KeySchema does not have a range key, which is required when specifying a "
                "LocalSecondaryIndex"
            )
        if len(lsis) > MAX_LSI:
            raise invalid("Number of LocalSecondaryIndexes exceeds per-table limit of 5")
    gsis = params.get("GlobalSecondaryIndexes") or []
    if len(gsis) > MAX_GSI:
        raise invalid(f"GlobalSecondaryIndex count exceeds the per-table limit of {MAX_GSI}")
    out_lsis = []
    for ix in lsis:
        iname = _index_name(ix, names)
        _check_key_schema(ix["KeySchema"])
        if len(ix["KeySchema"]) != 2:
            raise invalid(f"Index KeySchema does not have a range key for index: {iname}")
        if ix["KeySchema"][0]["AttributeName"] != schema[0]["AttributeName"]:
            raise invalid(
                f"Index KeySchema does not have the same leading hash key as table KeySchema for index: {iname}. "
                f"index hash key: {ix['KeySchema'][0]['AttributeName']}, table hash key: "
                f"{schema[0]['AttributeName']}"
            )
        _check_index_keys(_key_names(ix["KeySchema"]), types, defs)
        used += _key_names(ix["KeySchema"])
        out_lsis.append(
            {"IndexName": iname, "KeySchema": ix["KeySchema"], "Projection": _check_projection(ix)}
        )
    out_gsis = []
    for ix in gsis:
        _index_name(ix, names)
        out_gsis.append(_new_gsi(ix, types, defs, billing))
        used += _key_names(ix["KeySchema"])
    unused = [d["AttributeName"] for d in defs if d["AttributeName"] not in used]
    if unused:
        raise invalid(
            "Number of attributes in KeySchema does not exactly match number of attributes defined "
            "in AttributeDefinitions"
        )
    tp = _check_throughput(params.get("ProvisionedThroughput"), billing)
    if tp:
        spec["ProvisionedThroughput"] = tp
    if out_lsis:
        spec["LocalSecondaryIndexes"] = out_lsis
    if out_gsis:
        spec["GlobalSecondaryIndexes"] = out_gsis
    warm = _warm_wanted(params.get("WarmThroughput"), None, "table")
    if warm:
        spec["WarmThroughput"] = warm
    sse = params.get("SSESpecification")
    if sse:
        spec["SSESpecification"] = sse
    if params.get("TableClass"):
        spec["TableClass"] = params["TableClass"]
    spec["DeletionProtectionEnabled"] = bool(params.get("DeletionProtectionEnabled"))
    if find_table(ctx, name) is not None:
        raise ResourceInUse(f"Table already exists: {name}")
    if params.get("Tags"):
        tagging.replace(ctx, SERVICE, spec["TableArn"], _tags_in(params["Tags"]), _tag_rules(params["Tags"]))
    stream = _check_stream_spec(params.get("StreamSpecification"))
    if stream and stream["StreamEnabled"]:
        arn, label = create_stream(ctx, name, schema, stream["StreamViewType"])
        spec["StreamSpecification"] = stream
        spec["LatestStreamArn"], spec["LatestStreamLabel"] = arn, label
    result = ctx.session.execute(
        insert(TABLES).values(
            account_id=ctx.account_id, region=ctx.region, name=name, spec=json.dumps(spec), created=ctx.now
        )
    )
    table_id = result.inserted_primary_key[0]  # type: ignore[attr-defined]
    info = info_from_spec(table_id, spec)
    if params.get("ResourcePolicy") is not None:
        info = attach(ctx, info, spec["TableArn"], params["ResourcePolicy"])
    desc = describe(ctx, info, "ACTIVE")
    return {"TableDescription": desc}


@handler("dynamodb", "DescribeTable")
def describe_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"Table": describe(ctx, _load(ctx, params["TableName"]))}


@handler("dynamodb", "DeleteTable")
def delete_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    info = _load(ctx, params["TableName"])
    if info.spec.get("DeletionProtectionEnabled"):
        raise DynamoValidation(
            "Resource cannot be deleted as it is currently protected against deletion. "
            "Disable deletion protection first."
        )
    desc = describe(ctx, info, "DELETING")
    if info.replicas:  # the replica leaves its global table; the others stay one
        remaining = [r for r in replication.regions_of(info) if r != ctx.region]
        replication.set_group(ctx, info.name, remaining, info.global_version)
        if info.global_version == replication.LEGACY:
            globaltables.forget_region(ctx, info.name, ctx.region)
    drop_table(ctx, info)
    return {"TableDescription": desc}


def drop_table(ctx: RequestContext, info: TableInfo) -> None:
    """Remove a table (of the context's Region), its items, index entries and tags."""
    if info.stream_arn:
        disable_stream(ctx, info.stream_arn)
    session = ctx.session
    session.execute(delete(ENTRIES).where(ENTRIES.c.table_id == info.id))
    session.execute(delete(ITEMS).where(ITEMS.c.table_id == info.id))
    session.execute(delete(TABLES).where(TABLES.c.id == info.id))
    tagging.drop(session, info.arn)
    forget_table(ctx, info.name)


@handler("dynamodb", "ListTables")
def list_tables(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = int(params.get("Limit") or 100)
    stmt = (
        select(TABLES.c.name)
        .where(TABLES.c.account_id == ctx.account_id, TABLES.c.region == ctx.region)
        .order_by(TABLES.c.name)
    )
    if params.get("ExclusiveStartTableName"):
        stmt = stmt.where(TABLES.c.name > params["ExclusiveStartTableName"])
    names = list(ctx.session.execute(stmt.limit(limit + 1)).scalars())
    out: dict[str, Any] = {"TableNames": names[:limit]}
    if len(names) > limit:
        out["LastEvaluatedTableName"] = names[limit - 1]
    return out


@handler("dynamodb", "UpdateTable")
def update_table(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    info = _load(ctx, params["TableName"])
    if not any(params.get(member) is not None for member in _UPDATES):
        named = [
            n
            for n in _UPDATES_NAMED
            if n != "MultiRegionConsistency" or "MultiRegionConsistency" not in params
        ]
        raise DynamoValidation(f"At least one of {', '.join(named[:-1])} or {named[-1]} is required")
    if params.get("ReplicaUpdates") is not None:
        return _update_replicas(ctx, info, params)
    spec = json.loads(json.dumps(info.spec))
    mode = params.get("GlobalTableSettingsReplicationMode")
    if mode is not None:
        if mode not in ("ENABLED", "DISABLED") and not info.replicas:
            raise DynamoValidation(
                f"Value '{mode}' at 'GlobalTableSettingsReplicationMode' failed to satisfy constraint: "
                "Only ENABLED and DISABLED settings replication are supported for a Regional Table."
            )
        spec["GlobalTableSettingsReplicationMode"] = mode
    if params.get("WarmThroughput") is not None:
        others = [m for m in _NOT_WITH_REPLICAS if m != "WarmThroughput" and params.get(m) is not None]
        if others:
            raise invalid("WarmThroughput must be the only operation in the request")
        spec["WarmThroughput"] = {
            **(spec.get("WarmThroughput") or {}),
            **(_warm_wanted(params["WarmThroughput"], _warm(spec), "table") or {}),
        }
    billing = params.get("BillingMode") or spec.get("BillingMode", "PROVISIONED")
    if params.get("BillingMode") and params["BillingMode"] != spec.get("BillingMode"):
        spec["BillingMode"] = billing
        spec["BillingModeUpdated"] = ctx.now.isoformat()
        if billing == "PAY_PER_REQUEST":
            spec.pop("ProvisionedThroughput", None)
            for g in spec.get("GlobalSecondaryIndexes") or []:
                g.pop("ProvisionedThroughput", None)
        elif not params.get("ProvisionedThroughput"):
            raise invalid(
                "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is "
                "PROVISIONED"
            )
    if params.get("ProvisionedThroughput"):
        spec["ProvisionedThroughput"] = _check_throughput(params["ProvisionedThroughput"], billing)
    if params.get("AttributeDefinitions"):
        merged = {d["AttributeName"]: d for d in spec["AttributeDefinitions"]}
        for d in params["AttributeDefinitions"]:
            merged[d["AttributeName"]] = d
        spec["AttributeDefinitions"] = list(merged.values())
    types = {d["AttributeName"]: d["AttributeType"] for d in spec["AttributeDefinitions"]}
    created_indexes: list[str] = []
    dropped_indexes: list[str] = []
    if params.get("GlobalSecondaryIndexUpdates") == []:
        raise invalid("List of GlobalSecondaryIndexUpdates is empty")
    for change in params.get("GlobalSecondaryIndexUpdates") or []:
        gsis = spec.setdefault("GlobalSecondaryIndexes", [])
        if "Create" in change:
            ix = change["Create"]
            iname = ix["IndexName"]
            if iname in info.indexes or any(g["IndexName"] == iname for g in gsis):
                raise invalid(f"Attempting to create an index which already exists: {iname}")
            gsis.append(_new_gsi(ix, types, spec["AttributeDefinitions"], billing))
            created_indexes.append(iname)
        elif "Delete" in change:
            iname = change["Delete"]["IndexName"]
            if not any(g["IndexName"] == iname for g in gsis):
                raise ResourceNotFound(
                    f"Requested resource not found: Index: {iname} not found"
                )  # AWS wording
            spec["GlobalSecondaryIndexes"] = [g for g in gsis if g["IndexName"] != iname]
            dropped_indexes.append(iname)
        elif "Update" in change:
            iname = change["Update"]["IndexName"]
            for g in gsis:
                if g["IndexName"] == iname:
                    if change["Update"].get("WarmThroughput") is not None:
                        g["WarmThroughput"] = {
                            **(g.get("WarmThroughput") or {}),
                            **(
                                _warm_wanted(change["Update"]["WarmThroughput"], _warm(g), f"index {iname}")
                                or {}
                            ),
                        }
                    wanted = change["Update"]
                    if (
                        wanted.get("ProvisionedThroughput") is not None
                        or wanted.get("WarmThroughput") is None
                    ):
                        g["ProvisionedThroughput"] = _check_throughput(
                            wanted.get("ProvisionedThroughput"), billing, iname
                        )
                    break
            else:
                raise ResourceNotFound(f"Requested resource not found: Index: {iname} not found")
        if not spec.get("GlobalSecondaryIndexes"):
            spec.pop("GlobalSecondaryIndexes", None)
    used = set(_key_names(spec["KeySchema"]))
    for key in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
        for ix in spec.get(key) or []:
            used.update(_key_names(ix["KeySchema"]))
    spec["AttributeDefinitions"] = [d for d in spec["AttributeDefinitions"] if d["AttributeName"] in used]
    if "StreamSpecification" in params:
        stream = _check_stream_spec(params["StreamSpecification"])
        current = spec.get("StreamSpecification") or {}
        if stream and stream["StreamEnabled"]:
            if current.get("StreamEnabled"):
                raise DynamoValidation(f"Table already has an enabled stream: {spec.get('LatestStreamArn')}")
            arn, label = create_stream(ctx, info.name, spec["KeySchema"], stream["StreamViewType"])
            spec["StreamSpecification"] = stream
            spec["LatestStreamArn"], spec["LatestStreamLabel"] = arn, label
        elif stream is not None:
            if info.replicas:
                raise invalid("Disabling Stream is not allowed for a Global Table replica.")
            if not current.get("StreamEnabled"):
                raise DynamoValidation("Table already has no enabled stream")  # pragma: no cover
            if spec.get("LatestStreamArn"):
                disable_stream(ctx, spec["LatestStreamArn"])
            spec["StreamSpecification"] = {"StreamEnabled": False}
    if "SSESpecification" in params:
        spec["SSESpecification"] = params["SSESpecification"]
    if params.get("TableClass"):
        spec["TableClass"] = params["TableClass"]
    if "DeletionProtectionEnabled" in params:
        spec["DeletionProtectionEnabled"] = bool(params["DeletionProtectionEnabled"])
    new_info = save_spec(ctx, info, spec)
    for iname in dropped_indexes:
        storage.drop_index(ctx, new_info, iname)
    for iname in created_indexes:
        storage.rebuild_index(ctx, new_info, iname)
    if new_info.replicas:
        replication.share_settings(ctx, new_info, created=created_indexes, dropped=dropped_indexes)
    return {"TableDescription": describe(ctx, new_info)}


# -- replicas (global tables version 2019.11.21) --------------------------------------------------

#: UpdateTable members that change a table, which a change of its replicas may not come with
_NOT_WITH_REPLICAS = (
    "BillingMode",
    "ProvisionedThroughput",
    "GlobalSecondaryIndexUpdates",
    "StreamSpecification",
    "SSESpecification",
    "TableClass",
    "DeletionProtectionEnabled",
    "OnDemandThroughput",
    "WarmThroughput",
)
#: the UpdateTable members of which a request must have one (AWS's message names them as
#: ``_UPDATES_NAMED`` does)
_UPDATES = (
    "ProvisionedThroughput",
    "BillingMode",
    "StreamSpecification",
    "GlobalSecondaryIndexUpdates",
    "SSESpecification",
    "ReplicaUpdates",
    "DeletionProtectionEnabled",
    "OnDemandThroughput",
    "WarmThroughput",
    "TableClass",
    "GlobalTableSettingsReplicationMode",
)
_UPDATES_NAMED = (
    "ProvisionedThroughput",
    "BillingMode",
    "UpdateStreamEnabled",
    "GlobalSecondaryIndexUpdates",
    "SSESpecification",
    "ReplicaUpdates",
    "MultiAccountReplicaReady",
    "ReplicaTransitRoleArn",
    "MultiRegionConsistency",
    "DeletionProtectionEnabled",
    "OnDemandThroughput",
    "WarmThroughput",
    "TableClass",
)
#: a replica's settings of its own (UpdateReplicationGroupMemberAction) as DescribeTable shows them
_OVERRIDES = (
    "KMSMasterKeyId",
    "ProvisionedThroughputOverride",
    "OnDemandThroughputOverride",
    "GlobalSecondaryIndexes",
)


def _update_replicas(ctx: RequestContext, info: TableInfo, params: dict[str, Any]) -> dict[str, Any]:
    """UpdateTable with ReplicaUpdates: one replica created or deleted (or replicas' own settings
    changed) per request, as AWS allows."""
    if any(params.get(member) is not None for member in _NOT_WITH_REPLICAS):
        raise invalid("Replica modification must be the only operation in the request")
    if info.global_version == replication.LEGACY:
        raise invalid(
            "Cannot perform ReplicaUpdates on a global table of version 2017.11.29: use UpdateGlobalTable"
        )
    updates = params["ReplicaUpdates"]
    actions: list[tuple[str, dict[str, Any]]] = []
    for update in updates:
        found = [(kind, body) for kind, body in update.items() if body is not None]
        if not found:
            raise DynamoValidation(
                "There are no actions specified in the Replica Update Action of the request."
            )
        actions.extend(found)
    if not actions:
        raise DynamoValidation("There are no actions specified in the Replica Update Action of the request.")
    structural = [a for a in actions if a[0] in ("Create", "Delete")]
    if len(structural) > 1:
        raise DynamoValidation(
            "Update table operation with more than one create or delete replica actions not allowed"
        )
    if len({kind for kind, _ in actions}) > 1:
        raise DynamoValidation(
            "Update table operation with more than one type of replica actions not allowed."
        )
    targets = [body["RegionName"] for _, body in actions]
    if len(set(targets)) != len(targets):
        raise DynamoValidation("Cannot target multiple regions with the same action")
    if ctx.region in targets:
        raise DynamoValidation(
            "Cannot add, delete, or update the local region through ReplicaUpdates. "
            "Use CreateTable, DeleteTable, or UpdateTable as required."
        )
    regions = replication.regions_of(info)
    kind = actions[0][0]
    statuses: dict[str, str] = {}
    if kind == "Create":
        region = targets[0]
        if region in regions:
            raise ResourceInUse(
                f"Global table with name: {info.name} already exists with replicas in regions: "
                f"{', '.join(sorted(regions))}."
            )
        if find_table(replication.in_region(ctx, region), info.name) is not None:
            raise DynamoValidation(
                f"Failed to create a the new replica of table with name: \u2018{info.name}\u2019 because one or "
                "more replicas already existed as tables."
            )
        info = replication.ensure_stream(ctx, info)
        replication.create_replica(ctx, info, region)
        replication.set_group(ctx, info.name, [*regions, region], replication.CURRENT)
        statuses[region] = "CREATING"
    else:
        missing = [r for r in targets if r not in regions]
        if missing:
            raise DynamoValidation(
                "Update global table operation failed because one or more replicas were not part of the "
                f"global table. Please retry the request without these replicas: [{', '.join(missing)}]."
            )
        if kind == "Delete":
            region = targets[0]
            rctx = replication.in_region(ctx, region)
            replica = find_table(rctx, info.name)
            if replica is not None and replica.spec.get("DeletionProtectionEnabled"):
                raise DynamoValidation(
                    f"Cannot delete table {info.name} in region {region} because it has deletion protection "
                    "enabled. Disable deletion protection first."
                )
            replication.set_group(ctx, info.name, [r for r in regions if r != region], replication.CURRENT)
            if replica is not None:
                drop_table(rctx, replica)
            statuses[region] = "DELETING"
        else:
            overrides = dict((info.spec.get("Global") or {}).get("Overrides") or {})
            for _, body in actions:
                mine = dict(overrides.get(body["RegionName"]) or {})
                for member in _OVERRIDES:
                    if body.get(member) is not None:
                        mine[member] = body[member]
                if body.get("TableClassOverride"):
                    mine["ReplicaTableClassSummary"] = {"TableClass": body["TableClassOverride"]}
                overrides[body["RegionName"]] = mine
                statuses[body["RegionName"]] = "UPDATING"
            replication.set_group(ctx, info.name, regions, replication.CURRENT, overrides=overrides)
    new_info = find_table(ctx, info.name)
    assert new_info is not None
    desc = describe(ctx, new_info, "UPDATING")
    by_region = {r["RegionName"]: r for r in desc.get("Replicas") or []}
    for region, status in statuses.items():
        by_region[region] = {**by_region.get(region, {"RegionName": region}), "ReplicaStatus": status}
    desc["GlobalTableVersion"] = replication.CURRENT
    desc["Replicas"] = list(by_region.values())
    return {"TableDescription": desc}


# -- TTL ----------------------------------------------------------------------------------------


@handler("dynamodb", "DescribeTimeToLive")
def describe_ttl(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    info = _load(ctx, params["TableName"])
    ttl = info.spec.get("TTL") or {}
    if not ttl.get("Enabled"):
        return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}
    return {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": ttl["AttributeName"]}}


@handler("dynamodb", "UpdateTimeToLive")
def update_ttl(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    info = _load(ctx, params["TableName"])
    wanted = params["TimeToLiveSpecification"]
    enabled, attr = bool(wanted["Enabled"]), wanted["AttributeName"]
    current = info.spec.get("TTL") or {}
    if enabled and current.get("Enabled"):
        raise DynamoValidation("TimeToLive is already enabled")
    if not enabled and not current.get("Enabled"):
        raise DynamoValidation("TimeToLive is already disabled")
    if not enabled and current.get("AttributeName") != attr:
        raise DynamoValidation(
            "TimeToLive is active on a different AttributeName: current AttributeName is "
            f"{current.get('AttributeName')}"
        )
    spec = dict(info.spec)
    spec["TTL"] = {"Enabled": enabled, "AttributeName": attr}
    new_info = save_spec(ctx, info, spec)
    storage.refresh_expiry(ctx, new_info)
    if new_info.replicas:
        replication.share_settings(ctx, new_info, ttl=True)
    return {"TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": attr}}


# -- tags ---------------------------------------------------------------------------------------


def _by_arn(ctx: RequestContext, arn: str) -> TableInfo:
    info = table_of_arn(ctx, arn)
    if info is None:
        raise ResourceNotFound(f"Requested resource not found: ResourcArn: {arn} not found")
    return info


def _tags_in(wire: list[dict[str, str]]) -> dict[str, str]:
    """A request's Tags as ``{key: value}`` (a key given twice takes its last value)."""
    return {t["Key"]: t["Value"] for t in wire}


def _tag_rules(wire: list[dict[str, str]]) -> tagging.TagRules:
    """DynamoDB's rules for the tags of a request (``wire``, its Tags as given: a refusal names
    the tag by its place there, as AWS's validation does)."""

    def place(key: str) -> int:
        return max(i for i, t in enumerate(wire) if t["Key"] == key) + 1

    def error(rule: str, detail: dict[str, Any]) -> DynamoValidation:
        if rule == tagging.TOO_MANY:
            return invalid(f"The number of tags exceeds the limit of {MAX_TAGS}")
        if rule == tagging.RESERVED:
            return invalid(f"Tag keys starting with 'aws:' are reserved for AWS use: {detail['key']}")
        key = detail["key"]
        shown, at = (detail["value"], "value") if rule == tagging.VALUE_TOO_LONG else (key, "key")
        if rule == tagging.EMPTY_KEY:
            bound = "greater than or equal to 1"
        else:
            bound = f"less than or equal to {detail['limit']}"
        return DynamoValidation(
            f"1 validation error detected: Value '{shown}' at 'tags.{place(key)}.member.{at}' "
            f"failed to satisfy constraint: Member must have length {bound}"
        )

    return tagging.TagRules(
        error=error, max_tags=MAX_TAGS, max_key=MAX_TAG_KEY, max_value=MAX_TAG_VALUE, reserved_prefix="aws:"
    )


@handler("dynamodb", "TagResource")
def tag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    info = _by_arn(ctx, params["ResourceArn"])
    tagging.tag(ctx, SERVICE, info.arn, _tags_in(params["Tags"]), _tag_rules(params["Tags"]))
    return {}


@handler("dynamodb", "UntagResource")
def untag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    info = _by_arn(ctx, params["ResourceArn"])
    tagging.untag(ctx, info.arn, params["TagKeys"])
    return {}


@handler("dynamodb", "ListTagsOfResource")
def list_tags(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    info = _by_arn(ctx, params["ResourceArn"])
    token = params.get("NextToken")
    found = pager.page_list(
        # by key (code points, whatever the database's collation): AWS documents no order, and
        # the shared tag table keeps none of when each tag came
        sorted(tagging.tags_of(ctx.session, info.arn).items()),
        key=lambda tag: tag[0],
        limit=TAGS_PAGE,
        token=token,
        scope=f"ListTagsOfResource {info.arn}",
        invalid=lambda _: invalid(f"Invalid NextToken: {token}"),
    )
    out: dict[str, Any] = {"Tags": [{"Key": k, "Value": v} for k, v in found.rows]}
    if found.token:
        out["NextToken"] = found.token
    return out


# -- account-level descriptions -------------------------------------------------------------------


@handler("dynamodb", "DescribeLimits")
def describe_limits(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "AccountMaxReadCapacityUnits": 80000,
        "AccountMaxWriteCapacityUnits": 80000,
        "TableMaxReadCapacityUnits": 40000,
        "TableMaxWriteCapacityUnits": 40000,
    }


@handler("dynamodb", "DescribeEndpoints")
def describe_endpoints(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "Endpoints": [
            {"Address": f"dynamodb.{ctx.region}.{arns.dns_suffix(ctx.region)}", "CachePeriodInMinutes": 1440}
        ]
    }


def _backups(ctx: RequestContext, info: TableInfo) -> dict[str, Any]:
    pitr = info.spec.get("PITR") or {}
    desc: dict[str, Any] = {"PointInTimeRecoveryStatus": "ENABLED" if pitr.get("Enabled") else "DISABLED"}
    if pitr.get("Enabled"):
        desc["EarliestRestorableDateTime"] = dt.datetime.fromisoformat(pitr["Since"])
        desc["LatestRestorableDateTime"] = ctx.now
        desc["RecoveryPeriodInDays"] = int(pitr.get("Days") or 35)
    return {"ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": desc}


def recovery_window(ctx: RequestContext, info: TableInfo) -> tuple[dt.datetime, dt.datetime]:
    """The earliest and latest restorable times of a table with point-in-time recovery on
    (PointInTimeRecoveryUnavailableException otherwise)."""
    pitr = info.spec.get("PITR") or {}
    if not pitr.get("Enabled"):
        raise PointInTimeRecoveryUnavailable(f"Point in time recovery is not enabled for table '{info.name}'")
    return dt.datetime.fromisoformat(pitr["Since"]).replace(microsecond=0), ctx.now


@handler("dynamodb", "DescribeContinuousBackups")
def describe_continuous_backups(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    info = find_table(ctx, params["TableName"])
    if info is None:
        raise missing_table(params["TableName"])
    return {"ContinuousBackupsDescription": _backups(ctx, info)}


@handler("dynamodb", "UpdateContinuousBackups")
def update_continuous_backups(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    info = find_table(ctx, params["TableName"])
    if info is None:
        raise missing_table(params["TableName"])
    want = params["PointInTimeRecoverySpecification"]
    pitr: dict[str, Any] = {"Enabled": bool(want["PointInTimeRecoveryEnabled"])}
    if pitr["Enabled"]:
        pitr["Since"] = ctx.now.isoformat()
        pitr["Days"] = int(want.get("RecoveryPeriodInDays") or 35)
    info = save_spec(ctx, info, {**info.spec, "PITR": pitr})
    return {"ContinuousBackupsDescription": _backups(ctx, info)}
