"""Multi-Region secrets: ReplicateSecretToRegions, RemoveRegionsFromReplication,
StopReplicationToReplica.

A replica is a secret of its own in the other Region: same name, same ARN but for the Region,
readable there (GetSecretValue, DescribeSecret, ListSecretVersionIds...) and changed only through
its primary. Its values are encrypted again in its Region, under the KMS key named for it (the
AWS managed key there by default). Every change to the primary (values, labels, description,
tags, resource policy) reaches its replicas in the same transaction, so a replica is always in
sync. A replica refuses changes ("Operation not permitted on a replica secret..."); promoting it
(StopReplicationToReplica, called in its Region) makes it a standalone secret.
"""

from __future__ import annotations

import re
from typing import Any

from awsmock.engine import arns, tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import constraint_message
from awsmock.engine.registry import handler

from . import store, versions
from .errors import InvalidParameterException, InvalidRequestException, missing, validation
from .store import SECRETS, VALUES, Secret
from .tags import TAG_RULES

IN_SYNC, FAILED = "InSync", "Failed"
_REGION = re.compile(r"([a-z]+-)+\d+")

#: what a replica copies from its primary (its KMS key and dates are its own)
_COPIED = (
    "Description",
    "Type",
    "ResourcePolicy",
    "Tagged",
    "OwningService",
    "LastChangedDate",
    "RotationEnabled",
    "RotationLambdaARN",
    "RotationRules",
    "LastRotatedDate",
    "NextRotationDate",
)


def _replica_arn(primary_arn: str, region: str) -> str:
    parsed = arns.parse(primary_arn)
    assert parsed is not None
    return str(arns.Arn(arns.partition_of(region), parsed.service, region, parsed.account, parsed.resource))


def describe(secret: Secret) -> dict[str, Any]:
    """PrimaryRegion and ReplicationStatus, for a secret that takes part in replication."""
    doc = secret.doc
    out: dict[str, Any] = {}
    if doc.get("PrimaryRegion"):
        out["PrimaryRegion"] = doc["PrimaryRegion"]
    if doc.get("Replicas"):
        out["ReplicationStatus"] = status(doc)
    return out


def status(doc: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for replica in doc.get("Replicas") or []:
        entry: dict[str, Any] = {"Region": replica["Region"]}
        if replica.get("KmsKeyId"):
            entry["KmsKeyId"] = replica["KmsKeyId"]
        entry["Status"] = replica["Status"]
        entry["StatusMessage"] = replica["StatusMessage"]
        out.append(entry)
    return out


def _copy_to(ctx: RequestContext, primary: Secret, replica: Secret, key_id: str | None) -> None:
    """Make ``replica`` (in its own Region) hold what ``primary`` holds."""
    rctx = store.in_region(ctx, replica.row.region)
    doc = replica.edit()
    for field in _COPIED:
        if field in primary.doc:
            doc[field] = primary.doc[field]
        else:
            doc.pop(field, None)
    wanted = {v["VersionId"]: v for v in primary.versions if not v.get("Empty")}
    have = {v["VersionId"] for v in replica.versions if not v.get("Empty")}
    for version_id in have - set(wanted):
        row = VALUES.find(rctx, store.value_rid(replica.arn, version_id))
        if row is not None:
            ctx.session.delete(row)
    for version_id in wanted:
        if version_id not in have:
            kind, payload = versions.read_value(ctx, primary, version_id)
            versions.write_value(rctx, replica.arn, version_id, kind, payload, key_id)
    doc["Versions"] = [{**v, "KmsKeyId": key_id} for v in primary.versions]
    if key_id:
        doc["KmsKeyId"] = key_id
    else:
        doc.pop("KmsKeyId", None)
    before = store.current_id(replica.doc)
    SECRETS.update(rctx, replica.row, document=doc)
    if store.current_id(doc) != before:
        store.mark_current(rctx, replica.arn, doc)
    tagging.replace(rctx, store.SERVICE, replica.arn, tagging.tags_of(ctx.session, primary.arn), TAG_RULES)


def _make_replica(
    ctx: RequestContext, primary: Secret, region: str, key_id: str | None, force: bool
) -> dict[str, Any]:
    rctx = store.in_region(ctx, region)
    entry: dict[str, Any] = {"Region": region, "Status": IN_SYNC, "StatusMessage": "Replication succeeded"}
    if key_id:
        entry["KmsKeyId"] = key_id
    existing = store.stored_named(rctx, primary.name)
    if existing is not None:
        if existing.doc.get("ReplicaOf") == primary.arn:
            _copy_to(ctx, primary, existing, key_id)
            return entry
        if not force and not existing.expired(ctx.now):
            return {
                **entry,
                "Status": FAILED,
                "StatusMessage": f"Replication failed: Secret name {primary.name} already exists in region {region}.",
            }
        store.remove(rctx, existing.row)
    doc: dict[str, Any] = {"Versions": [], "ReplicaOf": primary.arn, "PrimaryRegion": ctx.region}
    row = SECRETS.create(
        rctx, rid=primary.name, name=primary.name, arn=_replica_arn(primary.arn, region), document=doc
    )
    _copy_to(ctx, primary, Secret(row), key_id)
    return entry


def check_regions(ctx: RequestContext, regions: list[dict[str, Any]]) -> None:
    """Each replica Region a request names must be a Region of this partition other than the
    caller's (AWS's validation error, or ``Invalid replica region.``)."""
    for i, wanted in enumerate(regions):
        region = wanted.get("Region")
        if region is None:
            raise missing(f"addReplicaRegions.{i + 1}.member.region")
        if not _REGION.fullmatch(region):
            raise validation(
                constraint_message(
                    region,
                    f"addReplicaRegions.{i + 1}.member.region",
                    "Member must satisfy regular expression pattern: ^([a-z]+-)+\\d+$",
                )
            )
        if region == ctx.region or arns.partition_of(region) != arns.partition_of(ctx.region):
            raise InvalidParameterException("Invalid replica region.")


def replicate(
    ctx: RequestContext, primary: Secret, regions: list[dict[str, Any]], force: bool
) -> list[dict[str, Any]]:
    """Add replicas of ``primary`` in ``regions``; its replication status after."""
    check_regions(ctx, regions)
    doc = primary.edit()
    replicas = {r["Region"]: r for r in doc.get("Replicas") or []}
    for wanted in regions:
        region = wanted["Region"]
        replicas[region] = _make_replica(ctx, primary, region, wanted.get("KmsKeyId") or None, force)
    doc["Replicas"] = list(replicas.values())
    doc["PrimaryRegion"] = ctx.region
    primary.save(ctx, doc, changed=False)
    return status(doc)


def sync(ctx: RequestContext, primary: Secret) -> None:
    """Carry the primary's state to its replicas (after every change to it)."""
    for entry in primary.doc.get("Replicas") or []:
        if entry["Status"] != IN_SYNC:
            continue
        replica = store.stored_named(store.in_region(ctx, entry["Region"]), primary.name)
        if replica is not None and replica.doc.get("ReplicaOf") == primary.arn:
            _copy_to(ctx, primary, replica, entry.get("KmsKeyId") or None)


def refuse_delete_while_replicated(secret: Secret, secret_id: str) -> None:
    replicas = [r["Region"] for r in secret.doc.get("Replicas") or [] if r["Status"] == IN_SYNC]
    if replicas:
        raise InvalidParameterException(
            f"You can't delete secret {secret_id} that still has replica regions [{', '.join(replicas)}]"
        )


@handler("secretsmanager", "ReplicateSecretToRegions")
def replicate_secret_to_regions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    primary = store.lookup(ctx, params["SecretId"], replica_ok=False)
    replication = replicate(
        ctx, primary, params["AddReplicaRegions"], bool(params.get("ForceOverwriteReplicaSecret"))
    )
    return {"ARN": primary.arn, "ReplicationStatus": replication}


@handler("secretsmanager", "RemoveRegionsFromReplication")
def remove_regions_from_replication(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    primary = store.lookup(ctx, params["SecretId"], replica_ok=False)
    doc = primary.edit()
    gone = set(params["RemoveReplicaRegions"])
    kept = []
    for entry in doc.get("Replicas") or []:
        if entry["Region"] not in gone:
            kept.append(entry)
            continue
        replica = store.stored_named(store.in_region(ctx, entry["Region"]), primary.name)
        if replica is not None and replica.doc.get("ReplicaOf") == primary.arn:
            store.remove(store.in_region(ctx, entry["Region"]), replica.row)
    doc["Replicas"] = kept
    if not kept:
        doc.pop("Replicas", None)
        doc.pop("PrimaryRegion", None)
    primary.save(ctx, doc, changed=False)
    return {"ARN": primary.arn, "ReplicationStatus": status(doc)}


@handler("secretsmanager", "StopReplicationToReplica")
def stop_replication_to_replica(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    replica = store.lookup(ctx, params["SecretId"])
    if not replica.is_replica:
        raise InvalidRequestException("This secret isn't a replica secret.")
    primary_arn = replica.doc["ReplicaOf"]
    parsed = arns.parse(primary_arn)
    assert parsed is not None
    doc = replica.edit()
    doc.pop("ReplicaOf", None)
    doc.pop("PrimaryRegion", None)
    replica.save(ctx, doc, changed=False)
    primary_ctx = store.in_region(ctx, parsed.region)
    primary = store.stored_named(primary_ctx, replica.name)
    if primary is not None and primary.arn == primary_arn:
        pdoc = primary.edit()
        pdoc["Replicas"] = [r for r in pdoc.get("Replicas") or [] if r["Region"] != ctx.region]
        if not pdoc["Replicas"]:
            pdoc.pop("Replicas", None)
            pdoc.pop("PrimaryRegion", None)
        SECRETS.update(primary_ctx, primary.row, document=pdoc)
    return {"ARN": replica.arn}
