"""Key rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand,
ListKeyRotations. Rotating adds a material version and makes it current; older versions stay,
so ciphertexts made before a rotation still decrypt (their blob names the version). Automatic
rotations fall due every ``RotationPeriodInDays`` after rotation was enabled and are computed
from the stored times (:mod:`.material`)."""

from __future__ import annotations

import os
from typing import Any

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import imports, keyspecs, material
from .errors import InvalidMarkerException, LimitExceededException, UnsupportedOperationException
from .lookup import (
    DISABLED,
    PENDING_DELETION,
    PENDING_IMPORT,
    Key,
    iso,
    require_customer_managed,
    require_manageable,
    resolve,
    save,
    when,
)

#: on-demand rotations a key may have (AWS's quota)
MAX_ON_DEMAND = 10


def _not_replica(key: Key) -> None:
    if key.doc.get("MultiRegionKeyType") == "REPLICA":
        raise UnsupportedOperationException(
            f"{key.arn} is a multi-Region replica key. Rotation of a multi-Region key is managed by its primary key."
        )


def _ready(ctx: RequestContext, params: dict[str, Any], *, imported: bool = False) -> Key:
    key = resolve(ctx, params["KeyId"])
    require_customer_managed(ctx, key)
    origins = ("AWS_KMS", "EXTERNAL") if imported else ("AWS_KMS",)
    if key.spec.family != "symmetric" or key.doc["Origin"] not in origins:
        raise UnsupportedOperationException(
            f"{key.arn} key spec is {key.doc['KeySpec']} and origin is {key.doc['Origin']}, which are not valid for {ctx.operation}."
        )
    _not_replica(key)
    require_manageable(key, pending_import=False, disabled=False)
    return key


@handler("kms", "EnableKeyRotation")
def enable_key_rotation(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _ready(ctx, params)
    period = params.get("RotationPeriodInDays", 365)
    doc = key.edit()
    material.write_down(ctx, key, doc)
    rotation = doc.get("Rotation") or {}
    if rotation.get("Enabled"):
        rotation["PeriodInDays"] = period
    else:
        rotation = {
            "Enabled": True,
            "PeriodInDays": period,
            "Since": iso(ctx.now),
            "Epoch": os.urandom(8).hex(),
        }
    doc["Rotation"] = rotation
    save(ctx, key, doc)
    return {}


@handler("kms", "DisableKeyRotation")
def disable_key_rotation(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _ready(ctx, params)
    doc = key.edit()
    material.write_down(ctx, key, doc)
    doc["Rotation"] = {"Enabled": False}
    save(ctx, key, doc)
    return {}


@handler("kms", "GetKeyRotationStatus")
def get_key_rotation_status(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"])
    if key.spec.family != "symmetric":
        raise UnsupportedOperationException(
            f"{key.arn} key spec is {key.doc['KeySpec']} which is not valid for GetKeyRotationStatus."
        )
    doc = material.source(ctx, key)
    enabled = bool((doc.get("Rotation") or {}).get("Enabled")) and key.state not in (
        PENDING_DELETION,
        DISABLED,
    )
    out: dict[str, Any] = {"KeyRotationEnabled": enabled, "KeyId": key.arn}
    if (doc.get("Rotation") or {}).get("Enabled"):
        out["RotationPeriodInDays"] = doc["Rotation"]["PeriodInDays"]
        if enabled:
            out["NextRotationDate"] = material.next_rotation(doc, ctx.now)
    return out


@handler("kms", "RotateKeyOnDemand")
def rotate_key_on_demand(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _ready(ctx, params, imported=True)
    if key.doc["Origin"] == "EXTERNAL":
        imports.rotate_imported(ctx, key)
        return {"KeyId": key.id}
    doc = key.edit()
    if sum(1 for e in doc.get("Materials") or [] if e.get("Type") == "ON_DEMAND") >= MAX_ON_DEMAND:
        raise LimitExceededException(
            f"{key.arn} has reached the maximum of {MAX_ON_DEMAND} on-demand rotations."
        )
    material.write_down(ctx, key, doc)
    material.add(ctx, doc, key.account, key.id, keyspecs.generate(key.spec), kind="ON_DEMAND")
    save(ctx, key, doc)
    return {"KeyId": key.id}


@handler("kms", "ListKeyRotations")
def list_key_rotations(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"])
    if key.spec.family != "symmetric":
        raise UnsupportedOperationException(
            f"{key.arn} key spec is {key.doc['KeySpec']} which is not valid for ListKeyRotations."
        )
    versions = material.versions(ctx, key)
    current = material.current_entry(ctx, key)
    current_id = current["Id"] if current is not None and key.state != PENDING_IMPORT else None
    everything = params.get("IncludeKeyMaterial") == "ALL_KEY_MATERIAL"
    rows = [e for e in versions if everything or e.get("Type")]
    page = pager.page_list(
        rows,
        key=lambda e: [e["Created"], e["Id"]],
        limit=params.get("Limit") or 100,
        token=params.get("Marker"),
        scope=f"ListKeyRotations:{key.arn}:{everything}",
        invalid=lambda _t: InvalidMarkerException(),
    )
    entries = []
    for e in page.rows:
        entry: dict[str, Any] = {
            "KeyId": key.id,
            "KeyMaterialId": e["Id"],
            "KeyMaterialState": "CURRENT"
            if e["Id"] == current_id
            else ("PENDING_ROTATION" if e.get("Pending") else "NON_CURRENT"),
            "RotationDate": when(e["Created"]),
        }
        if e.get("Type"):
            entry["RotationType"] = e["Type"]
        if key.doc["Origin"] == "EXTERNAL":
            entry["ImportState"] = "IMPORTED" if e.get("Sealed") else "PENDING_IMPORT"
            for member in ("ExpirationModel", "KeyMaterialDescription"):
                if e.get(member):
                    entry[member] = e[member]
            if e.get("ValidTo"):
                entry["ValidTo"] = when(e["ValidTo"])
        entries.append(entry)
    out: dict[str, Any] = {"Rotations": entries, "Truncated": page.token is not None}
    if page.token:
        out["NextMarker"] = page.token
    return out
