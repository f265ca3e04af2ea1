"""Multi-Region keys: ReplicateKey and UpdatePrimaryRegion. Related keys share their key id and
key material (a ciphertext of one decrypts with another in its own Region); each has its own
ARN, state, policy, description, aliases, grants and tags."""

from __future__ import annotations

import copy
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import policies, tags
from .errors import AlreadyExistsException, NotFoundException, UnsupportedOperationException, validation
from .keys import metadata, related
from .lookup import KEYS, Key, key_arn_of, require_customer_managed, require_manageable, resolve, save

#: what a replica takes from its primary (the rest is its own)
_SHARED = (
    "KeyUsage",
    "KeySpec",
    "Origin",
    "KeyManager",
    "MultiRegion",
    "Materials",
    "Seed",
    "PublicKey",
    "Rotation",
    "ExpirationModel",
    "ValidTo",
)


def _primary(ctx: RequestContext, params: dict[str, Any]) -> Key:
    key = resolve(ctx, params["KeyId"])
    require_customer_managed(ctx, key)
    if not key.doc.get("MultiRegion"):
        raise UnsupportedOperationException(f"{key.arn} is not a multi-Region key.")
    if key.doc.get("PrimaryRegion") != key.region:
        raise UnsupportedOperationException(f"{key.arn} is not a multi-Region primary key.")
    require_manageable(key)
    return key


def _in(ctx: RequestContext, region: str) -> RequestContext:
    other = copy.copy(ctx)
    other.region = region
    return other


@handler("kms", "ReplicateKey")
def replicate_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _primary(ctx, params)
    region = params["ReplicaRegion"]
    if region == key.region:
        raise validation(f"The replica Region {region} must differ from the primary key's Region.")
    there = _in(ctx, region)
    if KEYS.find(there, key.id) is not None:
        raise AlreadyExistsException(f"{key_arn_of(ctx, key.id, region=region)} already exists")
    policy_text = params.get("Policy")
    if policy_text is not None:
        policies.check(ctx, policy_text, bypass=bool(params.get("BypassPolicyLockoutSafetyCheck")))
    wanted_tags = tags.read(params.get("Tags"))
    doc = {k: copy.deepcopy(v) for k, v in key.doc.items() if k in _SHARED}
    doc.update(
        {
            "Description": params.get("Description", ""),
            "Policy": policy_text or policies.default_policy(there, key.account),
            "PrimaryRegion": key.region,
            "MultiRegionKeyType": "REPLICA",
        }
    )
    row = KEYS.create(
        there, rid=key.id, document=doc, state=key.state if key.state == "PendingImport" else "Enabled"
    )
    replica = Key(row, ctx.now)
    tags.apply(there, replica, wanted_tags)
    return {
        "ReplicaKeyMetadata": metadata(there, replica),
        "ReplicaPolicy": doc["Policy"],
        "ReplicaTags": tags.write(wanted_tags),
    }


@handler("kms", "UpdatePrimaryRegion")
def update_primary_region(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _primary(ctx, params)
    region = params["PrimaryRegion"]
    rows = related(ctx, key)
    target = next((r for r in rows if r.region == region), None)
    if target is None:
        raise NotFoundException(f"Key '{key_arn_of(ctx, key.id, region=region)}' does not exist")
    if region == key.region:
        return {}
    shared = {k: copy.deepcopy(v) for k, v in key.doc.items() if k in _SHARED}
    for row in rows:
        doc = copy.deepcopy(row.document)
        if row.region == region:
            doc.update(shared)
        doc["PrimaryRegion"] = region
        doc["MultiRegionKeyType"] = "PRIMARY" if row.region == region else "REPLICA"
        save(_in(ctx, row.region), Key(row, ctx.now), doc)
    return {}
