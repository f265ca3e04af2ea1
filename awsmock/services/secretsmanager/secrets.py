"""A secret's life: CreateSecret, DescribeSecret, UpdateSecret, DeleteSecret (with a recovery
window, or at once), RestoreSecret, and its tags (TagResource, UntagResource)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from awsmock.engine import tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import replication, rotation, store, versions
from .errors import (
    InvalidParameterException,
    InvalidRequestException,
    ResourceExistsException,
    ResourceNotFoundException,
    marked_for_deletion,
    on_replica,
    token_required,
)
from .store import PENDING_DELETION, SECRETS, Secret
from .tags import TAG_RULES, from_request

#: DeleteSecret's recovery window: the default, and its bounds
DEFAULT_WINDOW, MIN_WINDOW, MAX_WINDOW = 30, 7, 30


def both_values(params: dict[str, Any]) -> None:
    if params.get("SecretString") is not None and params.get("SecretBinary") is not None:
        raise InvalidParameterException(
            "You can't specify both a binary secret value and a string secret value in the same secret."
        )


# -- what a secret looks like ----------------------------------------------------------------


def _common(ctx: RequestContext, secret: Secret, *, listing: bool) -> dict[str, Any]:
    doc = secret.doc
    out: dict[str, Any] = {"ARN": secret.arn, "Name": secret.name}
    if doc.get("Type"):
        out["Type"] = doc["Type"]
    if doc.get("Description") is not None:
        out["Description"] = doc["Description"]
    if doc.get("KmsKeyId"):
        out["KmsKeyId"] = doc["KmsKeyId"]
    out.update(rotation.describe(doc))
    out["LastChangedDate"] = store.when(doc.get("LastChangedDate")) or secret.row.created
    if doc.get("LastAccessedDate"):
        out["LastAccessedDate"] = store.when(doc["LastAccessedDate"])
    if secret.deleted and doc.get("DeletedDate"):
        out["DeletedDate"] = store.when(doc["DeletedDate"])
    if doc.get("Tagged"):
        out["Tags"] = [{"Key": k, "Value": v} for k, v in tagging.tags_of(ctx.session, secret.arn).items()]
    stages = versions.stages_map(doc)
    if stages:
        out["SecretVersionsToStages" if listing else "VersionIdsToStages"] = stages
    if doc.get("OwningService"):
        out["OwningService"] = doc["OwningService"]
    out["CreatedDate"] = secret.row.created
    out.update(replication.describe(secret))
    return out


def describe(ctx: RequestContext, secret: Secret) -> dict[str, Any]:
    return _common(ctx, secret, listing=False)


def list_entry(ctx: RequestContext, secret: Secret) -> dict[str, Any]:
    return _common(ctx, secret, listing=True)


# -- CreateSecret --------------------------------------------------------------------------


@handler("secretsmanager", "CreateSecret")
def create_secret(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["Name"]
    store.check_name(name)
    both_values(params)
    value = versions.encode(params)
    token = params.get("ClientRequestToken")
    if value is not None and not token:
        raise token_required()
    existing = store.stored_named(ctx, name)
    if existing is not None:
        if existing.expired(ctx.now):
            store.remove(ctx, existing.row)
        elif existing.deleted:
            raise InvalidRequestException(
                "You can't create this secret because a secret with this name is already scheduled for deletion."
            )
        elif existing.is_replica:
            raise ResourceExistsException(f"The operation failed because the secret {name} already exists.")
        else:
            return _create_again(ctx, existing, token, value)
    tags = from_request(params.get("Tags"))
    regions = params.get("AddReplicaRegions")
    if regions:
        replication.check_regions(ctx, regions)
    doc: dict[str, Any] = {"Versions": [], "LastChangedDate": store.stamp(ctx.now), "Tagged": bool(tags)}
    if params.get("Description") is not None:
        doc["Description"] = params["Description"]
    if params.get("KmsKeyId"):
        doc["KmsKeyId"] = params["KmsKeyId"]
    if params.get("Type"):
        doc["Type"] = params["Type"]
    arn = store.new_arn(ctx, name)
    row = SECRETS.create(ctx, rid=name, name=name, arn=arn, document=doc)
    secret = Secret(row)
    if tags:
        tagging.tag(ctx, store.SERVICE, arn, tags, TAG_RULES)
    out: dict[str, Any] = {"ARN": arn, "Name": name}
    if value is not None:
        assert token is not None
        doc = secret.edit()
        versions.add(ctx, secret, doc, token, value)
        secret.save(ctx, doc)
        out["VersionId"] = token
    if regions:
        out["ReplicationStatus"] = replication.replicate(
            ctx, secret, regions, bool(params.get("ForceOverwriteReplicaSecret"))
        )
    return out


def _create_again(
    ctx: RequestContext, existing: Secret, token: str | None, value: tuple[str, bytes] | None
) -> dict[str, Any]:
    """CreateSecret for a name that exists: a retry of the same request (same token, same value)
    answers as the first did; anything else is refused."""
    if token and value is not None and existing.version(token) is not None:
        if versions.same_value(ctx, existing, token, value):
            return {"ARN": existing.arn, "Name": existing.name, "VersionId": token}
        raise versions.token_in_use(token, existing.arn)
    raise ResourceExistsException(f"The operation failed because the secret {existing.name} already exists.")


# -- DescribeSecret ------------------------------------------------------------------------


@handler("secretsmanager", "DescribeSecret")
def describe_secret(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return describe(ctx, store.lookup(ctx, params["SecretId"], deleted_ok=True))


# -- UpdateSecret --------------------------------------------------------------------------


@handler("secretsmanager", "UpdateSecret")
def update_secret(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    secret = store.lookup(ctx, params["SecretId"], replica_ok=False)
    both_values(params)
    value = versions.encode(params)
    token = params.get("ClientRequestToken")
    if value is not None and not token:
        raise token_required()
    doc = secret.edit()
    if params.get("Description") is not None:
        doc["Description"] = params["Description"]
    if params.get("Type") is not None:
        doc["Type"] = params["Type"]
    if "KmsKeyId" in params and (params["KmsKeyId"] or None) != versions.key_of(doc):
        new_key = params["KmsKeyId"] or None
        versions.reseal(ctx, secret, doc, new_key)
        if new_key:
            doc["KmsKeyId"] = new_key
        else:
            doc.pop("KmsKeyId", None)
    out: dict[str, Any] = {"ARN": secret.arn, "Name": secret.name}
    if value is not None:
        assert token is not None
        if secret.version(token) is not None:
            raise versions.token_in_use(token, secret.arn)
        versions.add(ctx, secret, doc, token, value)
        rotation.updated_by_hand(ctx, secret, doc)
        out["VersionId"] = token
    secret.save(ctx, doc)
    replication.sync(ctx, secret)
    return out


# -- DeleteSecret and RestoreSecret ----------------------------------------------------------


@handler("secretsmanager", "DeleteSecret")
def delete_secret(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    window = params.get("RecoveryWindowInDays")
    force = bool(params.get("ForceDeleteWithoutRecovery"))
    if force and window is not None:
        raise InvalidParameterException(
            "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays."
        )
    if window is not None and not MIN_WINDOW <= window <= MAX_WINDOW:
        raise InvalidParameterException(
            "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."
        )
    secret_id = params["SecretId"]
    found = store.resolve(ctx, secret_id)
    if found is None:
        if force:  # AWS answers as if it had deleted the secret
            name = secret_id.rsplit(":", 1)[-1] if secret_id.startswith("arn:") else secret_id
            return {"ARN": store.request_arn(ctx, secret_id), "Name": name, "DeletionDate": ctx.now}
        raise ResourceNotFoundException()
    if found.is_replica:
        raise on_replica()
    replication.refuse_delete_while_replicated(found, secret_id)
    if force:
        store.remove(ctx, found.row)
        return {"ARN": found.arn, "Name": found.name, "DeletionDate": ctx.now}
    if found.deleted:
        raise marked_for_deletion()
    days = DEFAULT_WINDOW if window is None else window
    deletion = ctx.now + dt.timedelta(days=days)
    doc = found.edit()
    doc["DeletedDate"] = store.stamp(ctx.now)
    doc["DeletionDate"] = store.stamp(deletion)
    found.save(ctx, doc, changed=False, state=PENDING_DELETION)
    return {"ARN": found.arn, "Name": found.name, "DeletionDate": deletion}


@handler("secretsmanager", "RestoreSecret")
def restore_secret(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    secret = store.lookup(ctx, params["SecretId"], deleted_ok=True, replica_ok=False)
    if secret.deleted:
        doc = secret.edit()
        doc.pop("DeletedDate", None)
        doc.pop("DeletionDate", None)
        secret.save(ctx, doc, changed=False, state=None)
    return {"ARN": secret.arn, "Name": secret.name}


# -- tags ----------------------------------------------------------------------------------


@handler("secretsmanager", "TagResource")
def tag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    secret = store.lookup(ctx, params["SecretId"], replica_ok=False)
    tags = from_request(params["Tags"])
    tagging.tag(ctx, store.SERVICE, secret.arn, tags, TAG_RULES)
    doc = secret.edit()
    doc["Tagged"] = True
    secret.save(ctx, doc)
    replication.sync(ctx, secret)
    return {}


@handler("secretsmanager", "UntagResource")
def untag_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    secret = store.lookup(ctx, params["SecretId"], replica_ok=False)
    tagging.untag(ctx, secret.arn, params["TagKeys"])
    secret.save(ctx, secret.edit())
    replication.sync(ctx, secret)
    return {}
