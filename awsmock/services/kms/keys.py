"""KMS keys' lifecycle: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey,
ScheduleKeyDeletion, CancelKeyDeletion, UpdateKeyDescription, GetKeyLastUsage; AWS managed keys
(made on first use by the services they protect); the key metadata KMS answers with."""

from __future__ import annotations

import base64
import datetime as dt
import os
import uuid
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from awsmock.engine.context import RequestContext
from awsmock.engine.errors import constraint_message
from awsmock.engine.registry import handler
from awsmock.models.kms import KeyUsage
from awsmock.models.resources import Resource

from . import keyspecs, material, policies, tags
from .errors import (
    CustomKeyStoreNotFoundException,
    InvalidMarkerException,
    UnsupportedOperationException,
    validation,
)
from .lookup import (
    ALIASES,
    DISABLED,
    ENABLED,
    KEYS,
    PENDING_DELETION,
    PENDING_IMPORT,
    Key,
    invalid_state,
    iso,
    key_arn_of,
    purge,
    require_customer_managed,
    require_manageable,
    resolve,
    save,
    when,
)

#: the deprecated CustomerMasterKeySpec's values (KeyMetadata carries it for these)
_CMK_SPECS = frozenset(
    [
        "RSA_2048",
        "RSA_3072",
        "RSA_4096",
        "ECC_NIST_P256",
        "ECC_NIST_P384",
        "ECC_NIST_P521",
        "ECC_SECG_P256K1",
        "SYMMETRIC_DEFAULT",
        "HMAC_224",
        "HMAC_256",
        "HMAC_384",
        "HMAC_512",
        "SM2",
    ]
)
_ALGORITHM_MEMBERS = {
    keyspecs.ENCRYPT_DECRYPT: "EncryptionAlgorithms",
    keyspecs.SIGN_VERIFY: "SigningAlgorithms",
    keyspecs.GENERATE_VERIFY_MAC: "MacAlgorithms",
    keyspecs.KEY_AGREEMENT: "KeyAgreementAlgorithms",
}


# -- the metadata ------------------------------------------------------------------------------


def related(ctx: RequestContext, key: Key) -> list[Resource]:
    """The keys of a multi-Region key's set (the key itself included), by region."""
    rows = ctx.session.scalars(
        select(Resource).where(
            Resource.service == "kms",
            Resource.kind == "key",
            Resource.account_id == key.account,
            Resource.rid == key.id,
        )
    ).all()
    return sorted((r for r in rows if not Key(r, ctx.now).deleted), key=lambda r: r.region)


def metadata(ctx: RequestContext, key: Key) -> dict[str, Any]:
    doc = key.doc
    state = key.state
    spec = doc["KeySpec"]
    out: dict[str, Any] = {
        "AWSAccountId": key.account,
        "KeyId": key.id,
        "Arn": key.arn,
        "CreationDate": key.row.created,
        "Enabled": state == ENABLED,
        "Description": doc.get("Description", ""),
        "KeyUsage": doc["KeyUsage"],
        "KeyState": state,
        "Origin": doc["Origin"],
        "KeyManager": doc["KeyManager"],
        "KeySpec": spec,
        "MultiRegion": bool(doc.get("MultiRegion")),
    }
    if spec in _CMK_SPECS:
        out["CustomerMasterKeySpec"] = spec
    if state == PENDING_DELETION:
        out["DeletionDate"] = when(doc["DeletionDate"])
        out["PendingDeletionWindowInDays"] = doc["PendingWindowInDays"]
    out[_ALGORITHM_MEMBERS[key.usage]] = list(key.spec.usages[key.usage])
    if doc["Origin"] == "EXTERNAL" and doc.get("ExpirationModel"):
        out["ExpirationModel"] = doc["ExpirationModel"]
        if doc.get("ValidTo"):
            out["ValidTo"] = when(doc["ValidTo"])
    if doc.get("MultiRegion"):
        rows = related(ctx, key)
        primary = next((r for r in rows if r.region == doc["PrimaryRegion"]), None)
        out["MultiRegionConfiguration"] = {
            "MultiRegionKeyType": "PRIMARY" if key.region == doc["PrimaryRegion"] else "REPLICA",
            "PrimaryKey": {
                "Arn": primary.arn
                if primary
                else key_arn_of(ctx, key.id, account=key.account, region=doc["PrimaryRegion"]),
                "Region": doc["PrimaryRegion"],
            },
            "ReplicaKeys": [
                {"Arn": r.arn, "Region": r.region} for r in rows if r.region != doc["PrimaryRegion"]
            ],
        }
    if key.spec.family == "symmetric" and state != PENDING_IMPORT:
        entry = material.current_entry(ctx, key)
        if entry is not None:
            out["CurrentKeyMaterialId"] = entry["Id"]
    return out


# -- creating ----------------------------------------------------------------------------------


def new_key_id(multi_region: bool) -> str:
    return f"mrk-{uuid.uuid4().hex}" if multi_region else str(uuid.uuid4())


def make_key(
    ctx: RequestContext,
    *,
    spec_name: str,
    usage: str,
    origin: str = "AWS_KMS",
    description: str = "",
    policy_text: str | None = None,
    manager: str = "CUSTOMER",
    multi_region: bool = False,
    rotation_days: int | None = None,
) -> Key:
    """A new key of the caller's account and region, with its first material."""
    spec = keyspecs.SPECS[spec_name]
    key_id = new_key_id(multi_region)
    doc: dict[str, Any] = {
        "Description": description,
        "KeyUsage": usage,
        "KeySpec": spec_name,
        "Origin": origin,
        "KeyManager": manager,
        "MultiRegion": multi_region,
        "Policy": policy_text or policies.default_policy(ctx, ctx.account_id),
        "Materials": [],
    }
    if multi_region:
        doc["PrimaryRegion"] = ctx.region
        doc["MultiRegionKeyType"] = "PRIMARY"
    if spec.family == "symmetric":
        material.ensure_seed(ctx, doc, ctx.account_id, key_id)
    if origin == "AWS_KMS":
        secret = keyspecs.generate(spec)
        material.add(ctx, doc, ctx.account_id, key_id, secret)
        if spec.asymmetric:
            doc["PublicKey"] = _b64(keyspecs.public_der(secret))
    if rotation_days:
        doc["Rotation"] = {
            "Enabled": True,
            "PeriodInDays": rotation_days,
            "Since": iso(ctx.now),
            "Epoch": material.new_id()[:16],
        }
    row = KEYS.create(ctx, rid=key_id, document=doc, state=ENABLED if origin == "AWS_KMS" else PENDING_IMPORT)
    return Key(row, ctx.now)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _spec_and_usage(params: dict[str, Any]) -> tuple[str, str]:
    if params.get("KeySpec") and params.get("CustomerMasterKeySpec"):
        raise validation(
            "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated."
        )
    spec_name = params.get("KeySpec") or params.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT"
    if spec_name not in keyspecs.SPECS:  # SM2: the China Regions' only
        raise UnsupportedOperationException(f"KeySpec {spec_name} is not supported in this region.")
    spec = keyspecs.SPECS[spec_name]
    usage = params.get("KeyUsage") or keyspecs.ENCRYPT_DECRYPT
    if usage not in spec.usages:
        raise validation(f"KeyUsage {usage} is not compatible with KeySpec {spec_name}")
    return spec_name, usage


@handler("kms", "CreateKey")
def create_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    spec_name, usage = _spec_and_usage(params)
    origin = params.get("Origin") or "AWS_KMS"
    if params.get("CustomKeyStoreId"):
        raise CustomKeyStoreNotFoundException(f"Custom key store {params['CustomKeyStoreId']} does not exist")
    if origin in ("AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"):
        raise validation(f"A CustomKeyStoreId is required when the Origin is {origin}.")
    if params.get("XksKeyId"):
        raise validation(
            "XksKeyId is only valid for keys in an external key store (Origin EXTERNAL_KEY_STORE)."
        )
    multi = bool(params.get("MultiRegion"))
    policy_text = params.get("Policy")
    if policy_text is not None:
        policies.check(ctx, policy_text, bypass=bool(params.get("BypassPolicyLockoutSafetyCheck")))
    wanted_tags = tags.read(params.get("Tags"))
    purge(ctx)
    key = make_key(
        ctx,
        spec_name=spec_name,
        usage=usage,
        origin=origin,
        description=params.get("Description", ""),
        policy_text=policy_text,
        multi_region=multi,
    )
    tags.apply(ctx, key, wanted_tags)
    return {"KeyMetadata": metadata(ctx, key)}


# -- reading -----------------------------------------------------------------------------------


@handler("kms", "DescribeKey")
def describe_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"], cross_account=True)
    return {"KeyMetadata": metadata(ctx, key)}


@handler("kms", "ListKeys")
def list_keys(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    page = KEYS.page(
        ctx,
        limit=params.get("Limit") or 1000,
        token=params.get("Marker"),
        invalid=lambda _t: InvalidMarkerException(),
    )
    rows = [r for r in page.rows if not Key(r, ctx.now).deleted]
    out: dict[str, Any] = {
        "Keys": [{"KeyId": r.rid, "KeyArn": r.arn} for r in rows],
        "Truncated": page.token is not None,
    }
    if page.token:
        out["NextMarker"] = page.token
    return out


@handler("kms", "GetKeyLastUsage")
def get_key_last_usage(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"])
    out: dict[str, Any] = {
        "KeyId": key.id,
        "TrackingStartDate": key.row.created,
        "KeyCreationDate": key.row.created,
        "KeyLastUsage": {},
    }
    found = ctx.tx.execute(_LAST_USE, {"b_arn": key.arn}).fetchone()
    if found is not None:
        operation, at, event_id, request_id = found
    elif last := key.doc.get("LastUsage"):  # recorded in the document by earlier builds
        operation, at, event_id, request_id = (
            last["Operation"],
            last["Timestamp"],
            last["EventId"],
            last["RequestId"],
        )
    else:
        return out
    out["KeyLastUsage"] = {
        "Operation": operation,
        "Timestamp": when(at),
        "CloudTrailEventId": event_id,
        "KmsRequestId": request_id,
    }
    return out


_LAST_USE = select(KeyUsage.operation, KeyUsage.at, KeyUsage.event_id, KeyUsage.request_id).where(
    KeyUsage.key_arn == bindparam("b_arn")
)
#: one statement per use: an upsert of the key's row (SQLite and PostgreSQL share its syntax)
_USE_VALUES: dict[str, Any] = {
    "key_arn": bindparam("b_arn"),
    "account_id": bindparam("b_account"),
    "operation": bindparam("b_operation"),
    "at": bindparam("b_at"),
    "event_id": bindparam("b_event"),
    "request_id": bindparam("b_request"),
}
_UPSERTS = {
    dialect: stmt.on_conflict_do_update(
        index_elements=[KeyUsage.key_arn],
        set_={c: getattr(stmt.excluded, c) for c in ("operation", "at", "event_id", "request_id")},
    )
    for dialect, stmt in (
        ("sqlite", sqlite_insert(KeyUsage).values(_USE_VALUES)),
        ("postgresql", postgresql_insert(KeyUsage).values(_USE_VALUES)),
    )
}


def note_use(ctx: RequestContext, key: Key) -> None:
    """Record a successful cryptographic operation (GetKeyLastUsage): one statement on the key's
    row of ``kms_key_usage``, never a rewrite of the key's document."""
    ctx.tx.execute(
        _UPSERTS[ctx.tx.dialect.name],
        {
            "b_arn": key.arn,
            "b_account": key.account,
            "b_operation": ctx.operation,
            "b_at": iso(ctx.now),
            "b_event": _event_id(),
            "b_request": ctx.request_id,
        },
    )


def _event_id() -> str:
    """A CloudTrail event id: a random (version 4) UUID."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


# -- state changes -----------------------------------------------------------------------------


@handler("kms", "EnableKey")
def enable_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"])
    require_customer_managed(ctx, key)
    require_manageable(key, pending_import=False)
    save(ctx, key, state=ENABLED)
    return {}


@handler("kms", "DisableKey")
def disable_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"])
    require_customer_managed(ctx, key)
    require_manageable(key, pending_import=False)
    save(ctx, key, state=DISABLED)
    return {}


@handler("kms", "UpdateKeyDescription")
def update_key_description(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"])
    require_customer_managed(ctx, key)
    require_manageable(key)
    doc = key.edit()
    doc["Description"] = params["Description"]
    save(ctx, key, doc)
    return {}


@handler("kms", "ScheduleKeyDeletion")
def schedule_key_deletion(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"])
    days = params.get("PendingWindowInDays", 30)
    if days < 7:
        raise validation(
            constraint_message(
                days, "pendingWindowInDays", "Member must have value greater than or equal to 7"
            )
        )
    if days > 30:
        raise validation(
            constraint_message(days, "pendingWindowInDays", "Member must have value less than or equal to 30")
        )
    require_customer_managed(ctx, key)
    require_manageable(key)
    doc = key.edit()
    if (
        doc.get("MultiRegion")
        and key.region == doc.get("PrimaryRegion")
        and any(r.region != key.region for r in related(ctx, key))
    ):
        raise UnsupportedOperationException(
            f"{key.arn} is a multi-Region primary key with replica keys. Delete its replica keys first."
        )
    deletion = ctx.now + dt.timedelta(days=days)
    doc["DeletionDate"] = iso(deletion)
    doc["PendingWindowInDays"] = days
    save(ctx, key, doc, state=PENDING_DELETION)
    return {
        "KeyId": key.arn,
        "DeletionDate": deletion,
        "KeyState": PENDING_DELETION,
        "PendingWindowInDays": days,
    }


@handler("kms", "CancelKeyDeletion")
def cancel_key_deletion(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"])
    require_customer_managed(ctx, key)
    if key.state != PENDING_DELETION:
        raise invalid_state(key, words="not pending deletion")
    doc = key.edit()
    doc.pop("DeletionDate", None)
    doc.pop("PendingWindowInDays", None)
    save(ctx, key, doc, state=DISABLED)  # AWS leaves a key whose deletion is canceled disabled
    return {"KeyId": key.arn}


# -- AWS managed keys --------------------------------------------------------------------------

#: service -> (its name in key policies and descriptions, what its default key protects)
_MANAGED = {
    "secretsmanager": ("AWS Secrets Manager", "Secrets Manager secrets"),
    "ssm": ("AWS Systems Manager", "SSM parameters"),
    "s3": ("Amazon S3", "S3 objects"),
    "ebs": ("Amazon EBS", "EBS volumes"),
    "lambda": ("AWS Lambda", "Lambda functions"),
    "rds": ("Amazon RDS", "RDS database volumes"),
    "dynamodb": ("Amazon DynamoDB", "DynamoDB data"),
    "sns": ("Amazon SNS", "SNS data"),
    "sqs": ("Amazon SQS", "SQS messages"),
    "logs": ("Amazon CloudWatch Logs", "CloudWatch Logs"),
}


def aws_managed_key(ctx: RequestContext, alias_name: str) -> Key:
    """The AWS managed key ``alias/aws/<service>`` of the caller's account and region, made
    (with its alias) the first time a service needs it, as AWS does."""
    found = ALIASES.find(ctx, alias_name)
    if found is not None:
        key = KEYS.find(ctx, found.document["TargetKeyId"])
        if key is not None:
            return Key(key, ctx.now)
        ALIASES.delete(ctx, found)
    service = alias_name.removeprefix("alias/aws/")
    title, protects = _MANAGED.get(service, (service, f"{service} resources"))
    key = make_key(
        ctx,
        spec_name="SYMMETRIC_DEFAULT",
        usage=keyspecs.ENCRYPT_DECRYPT,
        description=f"Default key that protects my {protects} when no other key is defined",
        policy_text=policies.aws_managed_policy(ctx, service, title),
        manager="AWS",
        rotation_days=365,
    )
    ALIASES.create(ctx, rid=alias_name, name=alias_name, parent=key.arn, document={"TargetKeyId": key.id})
    return key
