"""Global tables' replica sets: which Regions' tables are one global table (kept in each
member table's spec as ``"Global": {"Version": ..., "Regions": [...every member's Region...]}``,
so each member knows where its writes go), creating and dropping replicas, the settings their
members share, and DescribeTable's ``Replicas``. What each write passes on to the replicas is
:mod:`.fanout`'s.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select

from awsmock.engine.context import RequestContext

from . import storage
from .fanout import CURRENT, LEGACY, in_region
from .schema import TABLES, TableInfo, find_table, info_from_spec, save_spec
from .streams import create_stream

__all__ = ["CURRENT", "LEGACY", "in_region"]


# -- the replica set -----------------------------------------------------------------------------


def regions_of(info: TableInfo) -> list[str]:
    """Every Region of the table's global table (its own first), or just its own."""
    own = own_region(info)
    return [own, *info.replicas]


def own_region(info: TableInfo) -> str:
    return info.arn.split(":")[3]


def set_group(
    ctx: RequestContext,
    name: str,
    regions: list[str],
    version: str | None,
    *,
    overrides: dict[str, Any] | None = None,
) -> None:
    """Make the tables ``name`` of ``regions`` one global table of ``version`` (None, or a
    2019.11.21 table left alone: each a regional table again), with the replicas' own settings
    (``overrides``, by Region; None: as they were)."""
    for region in regions:
        rctx = in_region(ctx, region)
        info = find_table(rctx, name)
        if info is None:
            continue
        spec = json.loads(json.dumps(info.spec))
        if version is None or (len(regions) < 2 and version == CURRENT):
            spec.pop("Global", None)
        else:
            kept = overrides if overrides is not None else (info.spec.get("Global") or {}).get("Overrides")
            spec["Global"] = {
                **(info.spec.get("Global") or {}),
                "Version": version,
                "Regions": sorted(regions),
                "Overrides": {r: o for r, o in (kept or {}).items() if r in regions},
            }
        save_spec(rctx, info, spec)


def create_replica(ctx: RequestContext, source: TableInfo, region: str) -> TableInfo:
    """A new table ``source.name`` in ``region``: the source's definition and every item of it."""
    rctx = in_region(ctx, region)
    spec = json.loads(json.dumps(source.spec))
    for dropped in ("Global", "KinesisDestinations", "RestoreSummary", "PITR"):
        spec.pop(dropped, None)
    spec["TableArn"] = rctx.arn("dynamodb", f"table/{source.name}")
    spec["TableId"] = str(uuid.uuid4())
    spec["Created"] = ctx.now.isoformat()
    arn, label = create_stream(rctx, source.name, spec["KeySchema"], "NEW_AND_OLD_IMAGES")
    spec["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    spec["LatestStreamArn"], spec["LatestStreamLabel"] = arn, label
    result = ctx.session.execute(
        insert(TABLES).values(
            account_id=ctx.account_id,
            region=region,
            name=source.name,
            spec=json.dumps(spec),
            created=ctx.now,
        )
    )
    replica = info_from_spec(result.inserted_primary_key[0], spec)  # type: ignore[attr-defined]
    items = storage.ITEMS
    rows = ctx.session.execute(
        select(items.c.h, items.c.pk, items.c.sk, items.c.data, items.c.size, items.c.expires).where(
            items.c.table_id == source.id
        )
    ).all()
    if rows:
        ctx.session.execute(
            insert(items),
            [
                {
                    "table_id": replica.id,
                    "h": h,
                    "pk": pk,
                    "sk": sk,
                    "data": data,
                    "size": size,
                    "expires": exp,
                }
                for h, pk, sk, data, size, exp in rows
            ],
        )
        if replica.indexes:
            storage.add_index_entries(rctx, replica, ((h, pk, sk, data) for h, pk, sk, data, _, _ in rows))
    return replica


#: the settings the replicas of a 2019.11.21 global table share: a change in one Region is
#: made in every Region (billing, capacity, secondary indexes, TTL)
SHARED_SETTINGS = (
    "BillingMode",
    "BillingModeUpdated",
    "ProvisionedThroughput",
    "AttributeDefinitions",
    "GlobalSecondaryIndexes",
    "TTL",
)


def share_settings(
    ctx: RequestContext,
    info: TableInfo,
    *,
    created: Sequence[str] = (),
    dropped: Sequence[str] = (),
    ttl: bool = False,
) -> None:
    """Make every other replica's shared settings those of ``info`` (just changed), with the
    secondary indexes ``created`` and ``dropped`` built or removed there too."""
    if info.global_version != CURRENT:
        return
    for region in info.replicas:
        rctx = in_region(ctx, region)
        replica = find_table(rctx, info.name)
        if replica is None:
            continue
        spec = json.loads(json.dumps(replica.spec))
        for key in SHARED_SETTINGS:
            if key in info.spec:
                spec[key] = json.loads(json.dumps(info.spec[key]))
            else:
                spec.pop(key, None)
        replica = save_spec(rctx, replica, spec)
        for name in dropped:
            storage.drop_index(rctx, replica, name)
        for name in created:
            storage.rebuild_index(rctx, replica, name)
        if ttl:
            storage.refresh_expiry(rctx, replica)


def ensure_stream(ctx: RequestContext, info: TableInfo) -> TableInfo:
    """The table with a stream of new and old images (global tables replicate through one)."""
    if info.stream_arn is not None:
        return info
    spec = json.loads(json.dumps(info.spec))
    arn, label = create_stream(ctx, info.name, spec["KeySchema"], "NEW_AND_OLD_IMAGES")
    spec["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    spec["LatestStreamArn"], spec["LatestStreamLabel"] = arn, label
    return save_spec(ctx, info, spec)


def replica_descriptions(ctx: RequestContext, info: TableInfo) -> list[dict[str, Any]]:
    """DescribeTable's ``Replicas``: every other Region of the table's global table."""
    overrides = (info.spec.get("Global") or {}).get("Overrides") or {}
    out = []
    for region in info.replicas:
        desc: dict[str, Any] = {"RegionName": region, "ReplicaStatus": "ACTIVE"}
        desc.update(overrides.get(region) or {})
        out.append(desc)
    return out
