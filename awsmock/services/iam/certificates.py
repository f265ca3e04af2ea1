"""Server certificates and users' signing certificates (X.509, parsed with ``cryptography``)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.iam import IamServerCertificate, IamSigningCertificate, IamUser

from . import tags
from .common import (
    caller_user,
    check_path,
    check_status,
    count,
    entity_fields,
    list_by_path,
    named,
    owned,
    page_query,
    register_tagging,
    rename,
)
from .errors import (
    DuplicateCertificate,
    EntityAlreadyExists,
    KeyPairMismatch,
    LimitExceeded,
    MalformedCertificate,
    NoSuchEntity,
)

CERTIFICATES_PER_USER = 2


def parse_certificate(body: str) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(body.strip().encode())
    except ValueError as exc:
        raise MalformedCertificate("Certificate body is invalid") from exc


def _public_bytes(key: Any) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _check_key(cert: x509.Certificate, private_key: str) -> None:
    try:
        key = serialization.load_pem_private_key(private_key.strip().encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise MalformedCertificate("Private key is invalid") from exc
    if _public_bytes(key.public_key()) != _public_bytes(cert.public_key()):
        raise KeyPairMismatch("Public key certificate and private key doesn't match")


def _expiration(cert: x509.Certificate) -> dt.datetime:
    return cert.not_valid_after_utc


# -- server certificates ----------------------------------------------------------------------


def _server_cert(ctx: RequestContext, name: str) -> IamServerCertificate:
    missing = NoSuchEntity(f"The Server Certificate with name {name} cannot be found.")
    return named(ctx, IamServerCertificate, name, missing)


def _server_cert_taken(name: str) -> EntityAlreadyExists:
    return EntityAlreadyExists(f"The Server Certificate with name {name} already exists.")


def _metadata(row: IamServerCertificate) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Path": row.path,
        "ServerCertificateName": row.name,
        "ServerCertificateId": row.unique_id,
        "Arn": row.arn,
        "UploadDate": row.create_date,
    }
    if row.expiration is not None:
        out["Expiration"] = row.expiration
    return out


@handler("iam", "UploadServerCertificate")
def upload_server_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["ServerCertificateName"]
    path = check_path(params.get("Path"))
    cert = parse_certificate(params["CertificateBody"])
    _check_key(cert, params["PrivateKey"])
    chain = params.get("CertificateChain")
    if chain:
        parse_certificate(chain.split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----")
    fields = entity_fields(
        ctx,
        IamServerCertificate,
        name,
        path,
        kind="server-certificate",
        id_prefix="ASCA",
        taken=_server_cert_taken(name),
    )
    new_tags = tags.checked(params.get("Tags"))
    row = IamServerCertificate(
        **fields, body=params["CertificateBody"], chain=chain, expiration=_expiration(cert)
    )
    ctx.session.add(row)
    tags.created(ctx, row.arn, new_tags, params.get("Tags"))
    return tags.tagged(ctx.session, {"ServerCertificateMetadata": _metadata(row)}, row.arn)


@handler("iam", "GetServerCertificate")
def get_server_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _server_cert(ctx, params["ServerCertificateName"])
    out: dict[str, Any] = {"ServerCertificateMetadata": _metadata(row), "CertificateBody": row.body}
    if row.chain:
        out["CertificateChain"] = row.chain
    return {"ServerCertificate": tags.tagged(ctx.session, out, row.arn)}


@handler("iam", "ListServerCertificates")
def list_server_certificates(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    page, meta = list_by_path(ctx, IamServerCertificate, params)
    return {"ServerCertificateMetadataList": [_metadata(r) for r in page], **meta}


@handler("iam", "UpdateServerCertificate")
def update_server_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _server_cert(ctx, params["ServerCertificateName"])
    rename(ctx, row, params, "NewServerCertificateName", kind="server-certificate", taken=_server_cert_taken)
    return {}


@handler("iam", "DeleteServerCertificate")
def delete_server_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _server_cert(ctx, params["ServerCertificateName"])
    ctx.session.delete(row)
    tags.drop(ctx, row.arn)
    return {}


register_tagging("ServerCertificate", lambda ctx, params: _server_cert(ctx, params["ServerCertificateName"]))


# -- signing certificates ---------------------------------------------------------------------


def _signing_out(user: IamUser, row: IamSigningCertificate) -> dict[str, Any]:
    return {
        "UserName": user.name,
        "CertificateId": row.certificate_id,
        "CertificateBody": row.body,
        "Status": row.status,
        "UploadDate": row.upload_date,
    }


def _signing(ctx: RequestContext, user: IamUser, cert_id: str) -> IamSigningCertificate:
    missing = NoSuchEntity(f"The Certificate with id {cert_id} cannot be found.")
    return owned(ctx.session, IamSigningCertificate, cert_id, missing, user_pk=user.pk)


@handler("iam", "UploadSigningCertificate")
def upload_signing_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = caller_user(ctx, params.get("UserName"))
    cert = parse_certificate(params["CertificateBody"])
    cert_id = hashlib.sha1(cert.public_bytes(serialization.Encoding.DER)).hexdigest().upper()[:32]
    if ctx.session.get(IamSigningCertificate, cert_id) is not None:
        raise DuplicateCertificate(f"The Certificate with id {cert_id} already exists.")
    if (
        count(ctx.session, IamSigningCertificate, IamSigningCertificate.user_pk == user.pk)
        >= CERTIFICATES_PER_USER
    ):
        raise LimitExceeded(f"Cannot exceed quota for CertificatesPerUser: {CERTIFICATES_PER_USER}")
    row = IamSigningCertificate(
        certificate_id=cert_id,
        account_id=ctx.account_id,
        user_pk=user.pk,
        body=params["CertificateBody"],
        status="Active",
        upload_date=ctx.now,
    )
    ctx.session.add(row)
    return {"Certificate": _signing_out(user, row)}


@handler("iam", "ListSigningCertificates")
def list_signing_certificates(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = caller_user(ctx, params.get("UserName"))
    q = select(IamSigningCertificate).where(IamSigningCertificate.user_pk == user.pk)
    keys = (IamSigningCertificate.upload_date, IamSigningCertificate.certificate_id)
    page, meta = page_query(ctx, q, params, keys=keys, owner=user)
    return {"Certificates": [_signing_out(user, r) for r in page], **meta}


@handler("iam", "UpdateSigningCertificate")
def update_signing_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = caller_user(ctx, params.get("UserName"))
    status = check_status(params["Status"])
    _signing(ctx, user, params["CertificateId"]).status = status
    return {}


@handler("iam", "DeleteSigningCertificate")
def delete_signing_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = caller_user(ctx, params.get("UserName"))
    ctx.session.delete(_signing(ctx, user, params["CertificateId"]))
    return {}
