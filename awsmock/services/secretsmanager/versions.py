"""Versions of a secret and their staging labels, and the values they hold.

A version is created by CreateSecret, PutSecretValue or UpdateSecret with a value; its id is
the request's ``ClientRequestToken``. Staging labels follow AWS's rules:

* a label is attached to one version at a time: attaching it to a version takes it from the
  version that had it;
* when ``AWSCURRENT`` moves, ``AWSPREVIOUS`` moves to the version it left;
* the first version of a secret gets ``AWSCURRENT`` whatever labels were asked for;
* a version without labels is deprecated: it is listed only on request, and Secrets Manager
  removes deprecated versions once a secret has more than 100 versions, sparing those created in
  the last 24 hours.

Labels are kept, and answered, in sorted order, as Secrets Manager answers them.

RotateSecret makes a version without a value (``Empty`` in its entry), labelled AWSPENDING, for
the rotation function's createSecret step to fill: GetSecretValue of it answers that the value
cannot be found, and PutSecretValue with its id gives it its value (:func:`fill`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from awsmock.engine.context import RequestContext

from . import sealing, store
from .errors import ResourceExistsException, ResourceNotFoundException
from .store import CURRENT, PREVIOUS, VALUES, Secret

#: versions a secret keeps before deprecated ones are removed
MAX_VERSIONS = 100
#: deprecated versions younger than this are kept whatever the count
KEEP_YOUNG = dt.timedelta(hours=24)
#: the labels whose versions are re-encrypted when the secret's KMS key changes
LIVE_STAGES = (store.CURRENT, store.PENDING, store.PREVIOUS)


def encode(params: dict[str, Any]) -> tuple[str, bytes] | None:
    """The value a request carries: ("string" | "binary", its bytes), or None."""
    if params.get("SecretString") is not None:
        return "string", params["SecretString"].encode("utf-8")
    if params.get("SecretBinary") is not None:
        return "binary", bytes(params["SecretBinary"])
    return None


def key_of(doc: dict[str, Any]) -> str | None:
    """The secret's KMS key as its owner named it (None: the AWS managed key)."""
    return doc.get("KmsKeyId") or None


# -- values --------------------------------------------------------------------------------


def _value_row(ctx: RequestContext, secret: Secret, version_id: str) -> Any:
    return VALUES.find(ctx, store.value_rid(secret.arn, version_id))


def write_value(
    ctx: RequestContext, secret_arn: str, version_id: str, kind: str, payload: bytes, key_id: str | None
) -> None:
    sealed = sealing.seal(ctx, key_id, secret_arn, version_id, payload)
    rid = store.value_rid(secret_arn, version_id)
    existing = VALUES.find(ctx, rid)
    document = {"VersionId": version_id, "Kind": kind, **sealed}
    if existing is not None:
        VALUES.update(ctx, existing, document=document)
    else:
        VALUES.create(ctx, rid=rid, parent=secret_arn, document=document)


def read_value(ctx: RequestContext, secret: Secret, version_id: str) -> tuple[str, bytes]:
    """The (kind, bytes) of a version's value, decrypted through KMS."""
    row = _value_row(ctx, secret, version_id)
    if row is None:
        raise ResourceNotFoundException(
            f"Secrets Manager can't find the specified secret value for VersionId: {version_id}"
        )
    doc = row.document
    return doc["Kind"], sealing.unseal(ctx, doc, secret.arn, version_id)


def value_fields(kind: str, payload: bytes) -> dict[str, Any]:
    if kind == "string":
        return {"SecretString": payload.decode("utf-8")}
    return {"SecretBinary": payload}


def reseal(ctx: RequestContext, secret: Secret, doc: dict[str, Any], key_id: str | None) -> None:
    """Encrypt the live versions (AWSCURRENT, AWSPENDING, AWSPREVIOUS) again under ``key_id``."""
    for version in doc.get("Versions") or []:
        if not set(version["Stages"]) & set(LIVE_STAGES) or version.get("Empty"):
            continue
        kind, payload = read_value(ctx, secret, version["VersionId"])
        write_value(ctx, secret.arn, version["VersionId"], kind, payload, key_id)
        version["KmsKeyId"] = key_id


# -- labels --------------------------------------------------------------------------------


def _without(version: dict[str, Any], stage: str) -> None:
    version["Stages"] = [s for s in version["Stages"] if s != stage]


def _with(version: dict[str, Any], stage: str) -> None:
    version["Stages"] = sorted({*version["Stages"], stage})


def attach(doc: dict[str, Any], version_id: str, stage: str) -> None:
    """Attach ``stage`` to a version, taking it from whichever version has it (and moving
    AWSPREVIOUS behind a moving AWSCURRENT)."""
    versions = doc["Versions"]
    target = next(v for v in versions if v["VersionId"] == version_id)
    holder = next((v for v in versions if stage in v["Stages"] and v is not target), None)
    if holder is not None:
        _without(holder, stage)
    _with(target, stage)
    if stage == CURRENT and holder is not None:
        for v in versions:
            _without(v, PREVIOUS)
        _with(holder, PREVIOUS)


def detach(doc: dict[str, Any], version_id: str, stage: str) -> None:
    for v in doc["Versions"]:
        if v["VersionId"] == version_id:
            _without(v, stage)


def _prune(ctx: RequestContext, secret: Secret, doc: dict[str, Any]) -> None:
    """Remove the oldest deprecated versions beyond :data:`MAX_VERSIONS` (not the young ones)."""
    versions = doc["Versions"]
    excess = len(versions) - MAX_VERSIONS
    if excess <= 0:
        return
    keep: list[dict[str, Any]] = []
    for v in versions:
        created = store.when(v["Created"])
        old = created is not None and ctx.now - created > KEEP_YOUNG
        if excess > 0 and not v["Stages"] and old:
            excess -= 1
            row = _value_row(ctx, secret, v["VersionId"])
            if row is not None:
                ctx.session.delete(row)
            continue
        keep.append(v)
    doc["Versions"] = keep


# -- a new version -------------------------------------------------------------------------


def token_in_use(version_id: str, secret_arn: str) -> ResourceExistsException:
    return ResourceExistsException(
        f"You can't use ClientRequestToken {version_id} because that value is already in use "
        f"for a version of secret {secret_arn}."
    )


def same_value(ctx: RequestContext, secret: Secret, version_id: str, value: tuple[str, bytes]) -> bool:
    """Whether the existing version ``version_id`` holds exactly ``value``."""
    return read_value(ctx, secret, version_id) == value


def add(
    ctx: RequestContext,
    secret: Secret,
    doc: dict[str, Any],
    version_id: str,
    value: tuple[str, bytes],
    stages: list[str] | None = None,
) -> dict[str, Any]:
    """A new version holding ``value`` in ``doc`` (stored encrypted), labelled ``stages``
    (AWSCURRENT when None). Returns the version's entry."""
    key_id = key_of(doc)
    write_value(ctx, secret.arn, version_id, value[0], value[1], key_id)
    doc.setdefault("Versions", []).append(_entry(ctx, version_id, key_id))
    wanted = sorted(set(stages)) if stages is not None else [CURRENT]
    if not any(CURRENT in v["Stages"] for v in doc["Versions"]) and CURRENT not in wanted:
        wanted = sorted({*wanted, CURRENT})  # a secret's first version is its current one
    for stage in wanted:
        attach(doc, version_id, stage)
    _prune(ctx, secret, doc)
    return next(v for v in doc["Versions"] if v["VersionId"] == version_id)


def add_empty(ctx: RequestContext, doc: dict[str, Any], version_id: str, stage: str) -> None:
    """A new version without a value (``Empty``), labelled ``stage``: what RotateSecret makes
    for the rotation function's createSecret step to fill (PutSecretValue with its token)."""
    doc.setdefault("Versions", []).append({**_entry(ctx, version_id, key_of(doc)), "Empty": True})
    attach(doc, version_id, stage)


def _entry(ctx: RequestContext, version_id: str, key_id: str | None) -> dict[str, Any]:
    """A new version's entry in the secret's document, with no labels yet."""
    return {
        "VersionId": version_id,
        "Stages": [],
        "Created": store.stamp(ctx.now),
        "LastAccessed": None,
        "KmsKeyId": key_id,
    }


def fill(
    ctx: RequestContext,
    secret: Secret,
    doc: dict[str, Any],
    version_id: str,
    value: tuple[str, bytes],
    stages: list[str] | None,
) -> dict[str, Any]:
    """Give the empty version ``version_id`` its value (stored encrypted), and attach ``stages``
    (AWSCURRENT when None) besides the labels it has. Returns the version's entry."""
    entry = next(v for v in doc["Versions"] if v["VersionId"] == version_id)
    key_id = key_of(doc)
    write_value(ctx, secret.arn, version_id, value[0], value[1], key_id)
    entry.pop("Empty", None)
    entry["KmsKeyId"] = key_id
    for stage in sorted(set(stages)) if stages is not None else [CURRENT]:
        attach(doc, version_id, stage)
    return next(v for v in doc["Versions"] if v["VersionId"] == version_id)


def version_listing(version: dict[str, Any]) -> dict[str, Any]:
    """A version as ListSecretVersionIds answers it."""
    out: dict[str, Any] = {"VersionId": version["VersionId"]}
    if version["Stages"]:
        out["VersionStages"] = list(version["Stages"])
    if version.get("LastAccessed"):
        out["LastAccessedDate"] = store.when(version["LastAccessed"])
    out["CreatedDate"] = store.when(version["Created"])
    out["KmsKeyIds"] = [version.get("KmsKeyId") or sealing.DEFAULT_KEY_NAME]
    return out


def stages_map(doc: dict[str, Any]) -> dict[str, list[str]]:
    """Version id -> labels, for the versions that have any."""
    return {v["VersionId"]: list(v["Stages"]) for v in doc.get("Versions") or [] if v["Stages"]}
