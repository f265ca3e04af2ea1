"""SSH public keys (CodeCommit) and service-specific credentials of IAM users."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from typing import Any

from sqlalchemy import select

from awsmock.auth.keys import unique_id
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.iam import IamServiceCredential, IamSshPublicKey, IamUser

from .common import caller_user, check_status, get_user, owned, page_query
from .errors import DuplicateSSHPublicKey, IamValidationError, InvalidPublicKey, LimitExceeded, NoSuchEntity

KEYS_PER_USER = 5
CREDENTIALS_PER_SERVICE = 2


def _fingerprint(body: str) -> str:
    parts = body.strip().split()
    if len(parts) < 2 or not parts[0].startswith(("ssh-", "ecdsa-")):
        raise InvalidPublicKey("Key is not in valid OpenSSH public key format")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except (ValueError, binascii.Error) as exc:
        raise InvalidPublicKey("Key is not in valid OpenSSH public key format") from exc
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, 32, 2))


def _key(ctx: RequestContext, user: IamUser, key_id: str) -> IamSshPublicKey:
    missing = NoSuchEntity(f"The Public Key with id {key_id} cannot be found.")
    return owned(ctx.session, IamSshPublicKey, key_id, missing, user_pk=user.pk)


def _key_out(user: IamUser, row: IamSshPublicKey, *, body: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "UserName": user.name,
        "SSHPublicKeyId": row.key_id,
        "Status": row.status,
        "UploadDate": row.upload_date,
    }
    if body:
        out.update(Fingerprint=row.fingerprint, SSHPublicKeyBody=row.body)
    return out


@handler("iam", "UploadSSHPublicKey")
def upload_ssh_public_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = get_user(ctx, params["UserName"])
    fingerprint = _fingerprint(params["SSHPublicKeyBody"])
    rows = list(ctx.session.scalars(select(IamSshPublicKey).where(IamSshPublicKey.user_pk == user.pk)))
    if any(r.fingerprint == fingerprint for r in rows):
        raise DuplicateSSHPublicKey("Public key already exists")
    if len(rows) >= KEYS_PER_USER:
        raise LimitExceeded(f"Cannot exceed quota for KeyPairsPerUser: {KEYS_PER_USER}")
    row = IamSshPublicKey(
        key_id=unique_id("APKA"),
        account_id=ctx.account_id,
        user_pk=user.pk,
        body=params["SSHPublicKeyBody"].strip(),
        fingerprint=fingerprint,
        status="Active",
        upload_date=ctx.now,
    )
    ctx.session.add(row)
    return {"SSHPublicKey": _key_out(user, row)}


@handler("iam", "GetSSHPublicKey")
def get_ssh_public_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = get_user(ctx, params["UserName"])
    return {"SSHPublicKey": _key_out(user, _key(ctx, user, params["SSHPublicKeyId"]))}


@handler("iam", "ListSSHPublicKeys")
def list_ssh_public_keys(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = get_user(ctx, params["UserName"]) if params.get("UserName") else None
    q = select(IamSshPublicKey).where(IamSshPublicKey.account_id == ctx.account_id)
    if user is not None:
        q = q.where(IamSshPublicKey.user_pk == user.pk)
    keys = (IamSshPublicKey.upload_date, IamSshPublicKey.key_id)
    page, meta = page_query(ctx, q, params, keys=keys, owner=user)
    out = []
    for r in page:
        owner = user or ctx.session.get(IamUser, r.user_pk)
        if owner is not None:
            out.append(_key_out(owner, r, body=False))
    return {"SSHPublicKeys": out, **meta}


@handler("iam", "UpdateSSHPublicKey")
def update_ssh_public_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = get_user(ctx, params["UserName"])
    _key(ctx, user, params["SSHPublicKeyId"]).status = check_status(params["Status"])
    return {}


@handler("iam", "DeleteSSHPublicKey")
def delete_ssh_public_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = get_user(ctx, params["UserName"])
    ctx.session.delete(_key(ctx, user, params["SSHPublicKeyId"]))
    return {}


# -- service-specific credentials -------------------------------------------------------------


def _credential(ctx: RequestContext, user: IamUser, cred_id: str) -> IamServiceCredential:
    missing = NoSuchEntity(f"No such credential {cred_id} exists")
    return owned(ctx.session, IamServiceCredential, cred_id, missing, user_pk=user.pk)


def _credential_out(user: IamUser, row: IamServiceCredential, *, password: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "UserName": user.name,
        "Status": row.status,
        "ServiceUserName": row.service_user_name,
        "CreateDate": row.create_date,
        "ServiceSpecificCredentialId": row.credential_id,
        "ServiceName": row.service_name,
    }
    if password:
        out["ServicePassword"] = row.password
    return out


def _password() -> str:
    return base64.b64encode(secrets.token_bytes(30)).decode("ascii")


@handler("iam", "CreateServiceSpecificCredential")
def create_service_specific_credential(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = get_user(ctx, params["UserName"])
    service = params["ServiceName"]
    existing = list(
        ctx.session.scalars(
            select(IamServiceCredential).where(
                IamServiceCredential.user_pk == user.pk, IamServiceCredential.service_name == service
            )
        )
    )
    if len(existing) >= CREDENTIALS_PER_SERVICE:
        raise LimitExceeded(
            f"Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: {CREDENTIALS_PER_SERVICE}"
        )
    row = IamServiceCredential(
        credential_id=unique_id("ACCA"),
        account_id=ctx.account_id,
        user_pk=user.pk,
        service_name=service,
        service_user_name=f"{user.name}-at-{ctx.account_id}",
        password=_password(),
        status="Active",
        create_date=ctx.now,
    )
    ctx.session.add(row)
    return {"ServiceSpecificCredential": _credential_out(user, row, password=True)}


@handler("iam", "ListServiceSpecificCredentials")
def list_service_specific_credentials(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("AllUsers"):
        if params.get("UserName"):
            raise IamValidationError("UserName and AllUsers cannot be specified together.")
        user = None
    else:
        user = caller_user(ctx, params.get("UserName"))
    q = select(IamServiceCredential).where(IamServiceCredential.account_id == ctx.account_id)
    if user is not None:
        q = q.where(IamServiceCredential.user_pk == user.pk)
    if params.get("ServiceName"):
        q = q.where(IamServiceCredential.service_name == params["ServiceName"])
    keys = (IamServiceCredential.create_date, IamServiceCredential.credential_id)
    page, meta = page_query(ctx, q, params, keys=keys, owner=user)
    out = []
    for row in page:
        owner = user or ctx.session.get(IamUser, row.user_pk)
        if owner is not None:
            out.append(_credential_out(owner, row, password=False))
    return {"ServiceSpecificCredentials": out, **meta}


@handler("iam", "ResetServiceSpecificCredential")
def reset_service_specific_credential(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = caller_user(ctx, params.get("UserName"))
    row = _credential(ctx, user, params["ServiceSpecificCredentialId"])
    row.password = _password()
    return {"ServiceSpecificCredential": _credential_out(user, row, password=True)}


@handler("iam", "UpdateServiceSpecificCredential")
def update_service_specific_credential(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = caller_user(ctx, params.get("UserName"))
    _credential(ctx, user, params["ServiceSpecificCredentialId"]).status = check_status(params["Status"])
    return {}


@handler("iam", "DeleteServiceSpecificCredential")
def delete_service_specific_credential(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = caller_user(ctx, params.get("UserName"))
    ctx.session.delete(_credential(ctx, user, params["ServiceSpecificCredentialId"]))
    return {}
