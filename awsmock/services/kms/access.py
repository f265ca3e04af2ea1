"""KMS as access control sees it: the keys a request acts on, their key policies (with their
grants), and KMS's condition keys.

KMS requires the key policy to allow: it is declared as the key's resource policy, required. A
statement naming the account (the default key policy's "Enable IAM User Permissions") lets IAM
policies decide for the account's principals; one naming a principal itself (or a grant to it)
lets that principal in without them; a caller of another account needs both its IAM policies
and the key policy.
"""

from __future__ import annotations

from typing import Any

from awsmock.auth import policy
from awsmock.auth.resources import ResourcePolicy
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError

from . import grants, vault
from .lookup import Key, aliases_of, key_arn_of, resolve

_NO_KEY = frozenset(
    [
        "CreateKey",
        "ListKeys",
        "GenerateRandom",
        "ListRetirableGrants",
        "CreateCustomKeyStore",
        "ConnectCustomKeyStore",
        "DeleteCustomKeyStore",
        "DescribeCustomKeyStores",
        "DisconnectCustomKeyStore",
        "UpdateCustomKeyStore",
    ]
)


def _blob_key(ctx: RequestContext, blob: Any) -> str | None:
    if not isinstance(blob, (bytes, bytearray)):
        return None
    try:
        parsed = vault.parse_blob(bytes(blob))
    except AwsError:
        return None
    return key_arn_of(ctx, parsed.key_id, account=parsed.account)


def _identifier(ctx: RequestContext, operation: str, params: dict[str, Any]) -> str | None:
    if operation in _NO_KEY:
        return None
    if operation in ("CreateAlias", "UpdateAlias"):
        return params.get("TargetKeyId")
    if operation == "DeleteAlias":
        return params.get("AliasName")
    if operation == "Decrypt":
        return params.get("KeyId") or _blob_key(ctx, params.get("CiphertextBlob"))
    if operation == "ReEncrypt":
        return params.get("SourceKeyId") or _blob_key(ctx, params.get("CiphertextBlob"))
    if operation == "RetireGrant" and params.get("GrantToken"):
        try:
            return grants._read_token(params["GrantToken"])[1]
        except AwsError:
            return None
    value = params.get("KeyId")
    return value if isinstance(value, str) else None


def _key(ctx: RequestContext, operation: str, params: dict[str, Any]) -> Key | None:
    identifier = _identifier(ctx, operation, params)
    if not identifier:
        return None
    try:
        return resolve(ctx, identifier, cross_account=True)
    except AwsError:
        return None


def resource_arns(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    out: list[str] = []
    if operation in ("CreateAlias", "UpdateAlias", "DeleteAlias") and isinstance(
        params.get("AliasName"), str
    ):
        out.append(ctx.arn("kms", params["AliasName"]))
    key = _key(ctx, operation, params)
    if key is not None:
        out.append(key.arn)
    elif operation not in _NO_KEY:
        identifier = _identifier(ctx, operation, params)
        if identifier and identifier.startswith("arn:"):
            out.append(identifier)
        elif identifier and not identifier.startswith("alias/"):
            out.append(key_arn_of(ctx, identifier))
    return out or ["*"]


def key_policy(ctx: RequestContext, operation: str, params: dict[str, Any]) -> ResourcePolicy | None:
    """The key policy (and grants) of the key the request names; KMS requires it to allow."""
    if operation == "DeleteAlias":
        return None  # the alias' own permissions are IAM's; its key's policy is checked too
    key = _key(ctx, operation, params)
    if key is None:
        return None
    doc = dict(policy.load(key.doc["Policy"]))
    statements = policy.statements(doc) + grants.as_statements(ctx, key)
    doc["Statement"] = statements
    return ResourcePolicy(doc, key.account, required=True)


def condition_keys(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"kms:CallerAccount": ctx.account_id}
    context = params.get("EncryptionContext") or params.get("SourceEncryptionContext") or {}
    if isinstance(context, dict):
        for k, v in context.items():
            out[f"kms:EncryptionContext:{k}"] = str(v)
        out["kms:EncryptionContextKeys"] = [str(k) for k in context]
    simple = {
        "EncryptionAlgorithm": "kms:EncryptionAlgorithm",
        "SigningAlgorithm": "kms:SigningAlgorithm",
        "MacAlgorithm": "kms:MacAlgorithm",
        "MessageType": "kms:MessageType",
        "GranteePrincipal": "kms:GranteePrincipal",
        "RetiringPrincipal": "kms:RetiringPrincipal",
        "KeyAgreementAlgorithm": "kms:KeyAgreementAlgorithm",
        "KeyPairSpec": "kms:DataKeyPairSpec",
        "ReplicaRegion": "kms:ReplicaRegion",
        "WrappingAlgorithm": "kms:WrappingAlgorithm",
        "WrappingKeySpec": "kms:WrappingKeySpec",
        "ExpirationModel": "kms:ExpirationModel",
    }
    for member, name in simple.items():
        if isinstance(params.get(member), str):
            out[name] = params[member]
    if isinstance(params.get("Operations"), list):
        out["kms:GrantOperations"] = [str(op) for op in params["Operations"]]
    if "PendingWindowInDays" in params:
        out["kms:ScheduleKeyDeletionPendingWindowInDays"] = str(params["PendingWindowInDays"])
    if "RotationPeriodInDays" in params:
        out["kms:RotationPeriodInDays"] = str(params["RotationPeriodInDays"])
    if "BypassPolicyLockoutSafetyCheck" in params:
        out["kms:BypassPolicyLockoutSafetyCheck"] = (
            "true" if params["BypassPolicyLockoutSafetyCheck"] else "false"
        )
    if ctx.operation == "CreateKey":
        out["kms:KeySpec"] = (
            params.get("KeySpec") or params.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT"
        )
        out["kms:KeyUsage"] = params.get("KeyUsage") or "ENCRYPT_DECRYPT"
        out["kms:KeyOrigin"] = params.get("Origin") or "AWS_KMS"
        out["kms:MultiRegion"] = "true" if params.get("MultiRegion") else "false"
    key = _key(ctx, ctx.operation, params)
    if key is not None:
        out.setdefault("kms:KeySpec", key.doc["KeySpec"])
        out.setdefault("kms:KeyUsage", key.usage)
        out.setdefault("kms:KeyOrigin", key.doc["Origin"])
        out.setdefault("kms:MultiRegion", "true" if key.doc.get("MultiRegion") else "false")
        aliases = [r.rid for r in aliases_of(ctx, key)]
        if aliases:
            out["kms:ResourceAliases"] = aliases
        identifier = params.get("KeyId")
        if isinstance(identifier, str) and (identifier.startswith("alias/") or ":alias/" in identifier):
            out["kms:RequestAlias"] = (
                identifier
                if identifier.startswith("alias/")
                else "alias/" + identifier.split(":alias/", 1)[1]
            )
    return out
