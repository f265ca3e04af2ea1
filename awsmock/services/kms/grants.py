"""Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant, and grant
tokens. A grant is a row of kind ``grant`` (id: 64 hex digits; parent: its key's ARN).

Access control reads a key's grants as statements of its key policy (:func:`as_statements`):
the grantee principal may call the granted operations, under the grant's encryption context
constraints, without an IAM policy, as KMS allows.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from typing import Any

from sqlalchemy import select

from awsmock.engine import arns, pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource
from awsmock.state import jsontext

from . import keyspecs
from .errors import (
    InvalidGrantIdException,
    InvalidGrantTokenException,
    InvalidMarkerException,
    NotFoundException,
    validation,
)
from .lookup import GRANTS, Key, check_cross_account, dry_run, grants_of, require_manageable, resolve

_COMMON = ("DescribeKey", "CreateGrant", "RetireGrant")
_BY_USAGE = {
    ("symmetric", keyspecs.ENCRYPT_DECRYPT): (
        "Decrypt",
        "Encrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "ReEncryptFrom",
        "ReEncryptTo",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
    ),
    ("rsa", keyspecs.ENCRYPT_DECRYPT): ("Decrypt", "Encrypt", "ReEncryptFrom", "ReEncryptTo", "GetPublicKey"),
    ("asymmetric", keyspecs.SIGN_VERIFY): ("Sign", "Verify", "GetPublicKey"),
    ("asymmetric", keyspecs.KEY_AGREEMENT): ("DeriveSharedSecret", "GetPublicKey"),
    ("hmac", keyspecs.GENERATE_VERIFY_MAC): ("GenerateMac", "VerifyMac"),
}
#: operations whose requests carry an encryption context (constraints apply only to these)
_WITH_CONTEXT = frozenset(
    [
        "Decrypt",
        "Encrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
        "ReEncryptFrom",
        "ReEncryptTo",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
    ]
)


def allowed_operations(key: Key) -> tuple[str, ...]:
    family = key.spec.family
    if family not in ("symmetric", "hmac") and not (
        family == "rsa" and key.usage == keyspecs.ENCRYPT_DECRYPT
    ):
        family = "asymmetric"
    return _BY_USAGE.get((family, key.usage), ()) + _COMMON


# -- tokens ------------------------------------------------------------------------------------


def _token(grant_id: str, key_arn: str) -> str:
    raw = json.dumps({"g": grant_id, "k": key_arn, "n": os.urandom(8).hex()}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_token(token: str) -> tuple[str, str]:
    try:
        data = jsontext.guarded_loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        return str(data["g"]), str(data["k"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise InvalidGrantTokenException() from None


def check_tokens(ctx: RequestContext, params: dict[str, Any]) -> None:
    """Grant tokens a request carries must be tokens KMS issued."""
    for token in params.get("GrantTokens") or []:
        _read_token(token)


# -- as access control sees them ---------------------------------------------------------------


def as_statements(ctx: RequestContext, key: Key) -> list[dict[str, Any]]:
    out = []
    for row in grants_of(ctx, key):
        grant = row.document
        stmt: dict[str, Any] = {
            "Effect": "Allow",
            "Principal": {"AWS": grant["GranteePrincipal"]},
            "Action": [f"kms:{op}" for op in grant["Operations"]],
            "Resource": "*",
        }
        constraints = grant.get("Constraints") or {}
        pairs = constraints.get("EncryptionContextEquals") or constraints.get("EncryptionContextSubset")
        if pairs:
            condition: dict[str, Any] = {
                "StringEquals": {f"kms:EncryptionContext:{k}": v for k, v in pairs.items()}
            }
            if constraints.get("EncryptionContextEquals"):
                condition["ForAllValues:StringEquals"] = {"kms:EncryptionContextKeys": sorted(pairs)}
            stmt["Condition"] = condition
        out.append(stmt)
    return out


# -- the operations ----------------------------------------------------------------------------


def _entry(row: Resource) -> dict[str, Any]:
    grant = row.document
    out: dict[str, Any] = {
        "KeyId": grant["KeyArn"],
        "GrantId": row.rid,
        "CreationDate": row.created,
        "GranteePrincipal": grant["GranteePrincipal"],
        "IssuingAccount": grant["IssuingAccount"],
        "Operations": grant["Operations"],
    }
    for member in ("Name", "RetiringPrincipal", "Constraints"):
        if grant.get(member):
            out[member] = grant[member]
    return out


@handler("kms", "CreateGrant")
def create_grant(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"], cross_account=True)
    check_cross_account(ctx, key, "CreateGrant")
    check_tokens(ctx, params)
    require_manageable(key)
    operations = list(dict.fromkeys(params["Operations"]))
    if not operations:
        raise validation("Operations must not be empty.")
    allowed = allowed_operations(key)
    bad = [op for op in operations if op not in allowed]
    if bad:
        raise validation(
            f"Grant operations {bad} are not valid for a KMS key with key usage {key.usage} and key spec {key.doc['KeySpec']}."
        )
    constraints = params.get("Constraints") or {}
    if (
        constraints.get("EncryptionContextEquals") is not None
        and constraints.get("EncryptionContextSubset") is not None
    ):
        raise validation(
            "A grant can have an EncryptionContextEquals or an EncryptionContextSubset constraint, not both."
        )
    if constraints and not any(op in _WITH_CONTEXT for op in operations):
        raise validation(
            "Encryption context constraints apply only to grants for cryptographic operations that use an encryption context."
        )
    document = {
        "KeyArn": key.arn,
        "Name": params.get("Name"),
        "GranteePrincipal": params["GranteePrincipal"],
        "RetiringPrincipal": params.get("RetiringPrincipal"),
        "IssuingAccount": arns.account_root(ctx.account_id, arns.partition_of(ctx.region)),
        "Operations": operations,
        "Constraints": {k: v for k, v in constraints.items() if v is not None} or None,
    }
    dry_run(params)
    if document["Name"]:
        for row in grants_of(ctx, key):
            if row.document == document:  # the same grant again: CreateGrant is idempotent by name
                return {"GrantToken": _token(row.rid, key.arn), "GrantId": row.rid}
    grant_id = os.urandom(32).hex()
    GRANTS.create(
        ctx,
        rid=grant_id,
        arn=f"{key.arn}/grant/{grant_id}",
        parent=key.arn,
        document=document,
    )
    return {"GrantToken": _token(grant_id, key.arn), "GrantId": grant_id}


def _page(ctx: RequestContext, rows: list[Resource], params: dict[str, Any], scope: str) -> dict[str, Any]:
    page = pager.page_list(
        rows,
        key=lambda r: [r.created.isoformat(), r.rid],
        limit=params.get("Limit") or 50,
        token=params.get("Marker"),
        scope=scope,
        invalid=lambda _t: InvalidMarkerException(),
    )
    out: dict[str, Any] = {"Grants": [_entry(r) for r in page.rows], "Truncated": page.token is not None}
    if page.token:
        out["NextMarker"] = page.token
    return out


@handler("kms", "ListGrants")
def list_grants(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"], cross_account=True)
    check_cross_account(ctx, key, "ListGrants")
    rows = grants_of(ctx, key)
    if params.get("GrantId"):
        rows = [r for r in rows if r.rid == params["GrantId"]]
    if params.get("GranteePrincipal"):
        rows = [r for r in rows if r.document["GranteePrincipal"] == params["GranteePrincipal"]]
    return _page(ctx, rows, params, f"ListGrants:{key.arn}")


@handler("kms", "ListRetirableGrants")
def list_retirable_grants(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    principal = params["RetiringPrincipal"]
    rows = ctx.session.scalars(
        select(Resource).where(
            Resource.service == "kms",
            Resource.kind == "grant",
            Resource.account_id == ctx.account_id,
            Resource.region == ctx.region,
        )
    ).all()
    wanted = sorted(
        (r for r in rows if r.document.get("RetiringPrincipal") == principal),
        key=lambda r: (r.created, r.rid),
    )
    return _page(ctx, wanted, params, f"ListRetirableGrants:{principal}")


def _grant(ctx: RequestContext, key: Key, grant_id: str) -> Resource:
    if len(grant_id) != 64 or any(c not in "0123456789abcdef" for c in grant_id):
        raise InvalidGrantIdException("Invalid grant ID")
    for row in grants_of(ctx, key):
        if row.rid == grant_id:
            return row
    raise NotFoundException(f"Grant ID {grant_id} not found")


@handler("kms", "RetireGrant")
def retire_grant(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    token, key_id, grant_id = params.get("GrantToken"), params.get("KeyId"), params.get("GrantId")
    if token:
        grant_id, key_arn = _read_token(token)
        key = resolve(ctx, key_arn, cross_account=True)
    elif key_id and grant_id:
        key = resolve(ctx, key_id, cross_account=True)
    else:
        raise validation("Either a GrantToken or both a KeyId and a GrantId are required.")
    row = _grant(ctx, key, grant_id)
    dry_run(params)
    GRANTS.delete(ctx, row)
    return {}


@handler("kms", "RevokeGrant")
def revoke_grant(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"], cross_account=True)
    check_cross_account(ctx, key, "RevokeGrant")
    row = _grant(ctx, key, params["GrantId"])
    dry_run(params)
    GRANTS.delete(ctx, row)
    return {}
