"""A key's material versions: the first, on-demand and automatic rotations, imported material.

The document keeps ``Materials``, a list of versions (``Id``, 64 hex digits; ``Created``;
``Type``: None for the first, ``AUTOMATIC`` or ``ON_DEMAND``; and either ``Sealed``, the material
sealed by :mod:`.vault`, or ``Derived``, the label an automatic rotation's material is derived
with from the key's sealed ``Seed``). While automatic rotation is on (``Rotation``: ``Since``,
``PeriodInDays``, ``Epoch``), the rotations that fell due since exist without being written:
they are computed when read, from the stored times, and written down by the next write that
changes rotation. The current version is the newest. A multi-Region replica uses its primary's
versions (related keys share their material).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from awsmock.engine.context import RequestContext

from . import keyspecs, vault
from .lookup import KEYS, Key, iso, key_arn_of, when

#: automatic rotations at most computed per key (a period is at least 90 days)
_MAX_ROTATIONS = 2000


def new_id() -> str:
    return os.urandom(32).hex()


def source(ctx: RequestContext, key: Key) -> dict[str, Any]:
    """The document holding the key's material: its own, or its primary's for a replica."""
    doc = key.doc
    if doc.get("MultiRegionKeyType") == "REPLICA":
        primary = KEYS.by_arn(ctx, key_arn_of(ctx, key.id, account=key.account, region=doc["PrimaryRegion"]))
        if primary is not None:
            return primary.document
    return doc


def add(
    ctx: RequestContext,
    doc: dict[str, Any],
    account: str,
    key_id: str,
    secret: bytes,
    *,
    kind: str | None = None,
    material_id: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Seal ``secret`` as a new version of the key's material (in ``doc``, not yet saved)."""
    mid = material_id or new_id()
    entry = {
        "Id": mid,
        "Created": iso(ctx.now),
        "Type": kind,
        "Sealed": vault.seal(ctx, account, key_id, mid, secret),
    }
    entry.update(extra)
    doc.setdefault("Materials", []).append(entry)
    return entry


def ensure_seed(ctx: RequestContext, doc: dict[str, Any], account: str, key_id: str) -> None:
    if "Seed" not in doc:
        doc["Seed"] = vault.seal(ctx, account, key_id, "seed", os.urandom(32))


def _seed(ctx: RequestContext, key: Key, doc: dict[str, Any]) -> bytes:
    return vault.unseal(ctx, key.account, key.id, "seed", doc["Seed"])


def schedule(doc: dict[str, Any], now: dt.datetime) -> list[tuple[int, dt.datetime]]:
    """The automatic rotations due by ``now`` under the document's rotation settings."""
    rotation = doc.get("Rotation") or {}
    if not rotation.get("Enabled"):
        return []
    since = when(rotation["Since"])
    assert since is not None
    period = dt.timedelta(days=int(rotation["PeriodInDays"]))
    due = []
    for k in range(1, _MAX_ROTATIONS):
        at = since + k * period
        if at > now:
            break
        due.append((k, at))
    return due


def next_rotation(doc: dict[str, Any], now: dt.datetime) -> dt.datetime | None:
    rotation = doc.get("Rotation") or {}
    if not rotation.get("Enabled"):
        return None
    since = when(rotation["Since"])
    assert since is not None
    period = dt.timedelta(days=int(rotation["PeriodInDays"]))
    return since + (len(schedule(doc, now)) + 1) * period


def versions(ctx: RequestContext, key: Key, doc: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every version of the key's material, oldest first, with the automatic rotations due."""
    doc = source(ctx, key) if doc is None else doc
    out = list(doc.get("Materials") or [])
    due = schedule(doc, key.now)
    if due:
        seed = _seed(ctx, key, doc)
        epoch = doc["Rotation"]["Epoch"]
        for k, at in due:
            label = f"auto|{epoch}|{k}"
            out.append(
                {
                    "Id": vault.derived_id(seed, label),
                    "Created": iso(at),
                    "Type": "AUTOMATIC",
                    "Derived": label,
                }
            )
    out.sort(key=lambda e: e["Created"])
    return out


def secret(ctx: RequestContext, key: Key, entry: dict[str, Any], doc: dict[str, Any] | None = None) -> bytes:
    if entry.get("Derived"):
        return vault.derive(_seed(ctx, key, source(ctx, key) if doc is None else doc), entry["Derived"])
    return vault.unseal(ctx, key.account, key.id, entry["Id"], entry["Sealed"])


def usable(entry: dict[str, Any]) -> bool:
    """Whether a version has material (imported material may be deleted, or wait for rotation)."""
    return bool(entry.get("Sealed") or entry.get("Derived")) and not entry.get("Pending")


def current_entry(ctx: RequestContext, key: Key) -> dict[str, Any] | None:
    found = [e for e in versions(ctx, key) if usable(e)]
    return found[-1] if found else None


def current(ctx: RequestContext, key: Key) -> tuple[str, bytes]:
    """The id and material of the key's current version."""
    entry = current_entry(ctx, key)
    assert entry is not None  # a usable key has one
    return entry["Id"], secret(ctx, key, entry)


def private(ctx: RequestContext, key: Key) -> Any:
    """The current private key of an asymmetric key."""
    return keyspecs.private_key(current(ctx, key)[1])


def by_id(ctx: RequestContext, key: Key, material_id: str) -> bytes | None:
    for entry in versions(ctx, key):
        if entry["Id"] == material_id and (entry.get("Sealed") or entry.get("Derived")):
            return secret(ctx, key, entry)
    return None


def write_down(ctx: RequestContext, key: Key, doc: dict[str, Any]) -> None:
    """Record the automatic rotations that fell due (before rotation settings change)."""
    due = schedule(doc, ctx.now)
    if not due:
        return
    for entry in versions(ctx, key, doc):
        if entry.get("Derived") and entry["Id"] not in {e["Id"] for e in doc.get("Materials") or []}:
            doc.setdefault("Materials", []).append(entry)
    doc["Rotation"]["Since"] = iso(due[-1][1])
    doc["Rotation"]["Epoch"] = os.urandom(8).hex()
