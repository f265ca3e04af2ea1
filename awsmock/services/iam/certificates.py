"""Server certificates and users' signing certificates (X.509, parsed with ``cryptography``)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy import func, select

from awsmock.context import RequestContext
from awsmock.models.iam import IamServerCertificate, IamSigningCertificate, IamUser
from awsmock.registry import handler

from .common import (
    caller_user,
    check_new_tags,
    check_path,
    find,
    iam_arn,
    merge_tags,
    new_id,
    paginate,
    remove_tags,
    tag_page,
)
from .errors import (
    DuplicateCertificate,
    EntityAlreadyExists,
    IamValidationError,
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
    row = find(ctx.session, IamServerCertificate, ctx.account_id, name)
    if row is None:
        raise NoSuchEntity(f"The Server Certificate with name {name} cannot be found.")
    return row


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
    if find(ctx.session, IamServerCertificate, ctx.account_id, name) is not None:
        raise EntityAlreadyExists(f"The Server Certificate with name {name} already exists.")
    row = IamServerCertificate(
        account_id=ctx.account_id,
        name=name,
        name_lower=name.lower(),
        path=path,
        arn=iam_arn(ctx.account_id, "server-certificate", path, name),
        unique_id=new_id("ASCA"),
        create_date=ctx.now,
        tags=check_new_tags(params.get("Tags")),
        body=params["CertificateBody"],
        chain=chain,
        expiration=_expiration(cert),
    )
    ctx.session.add(row)
    out: dict[str, Any] = {"ServerCertificateMetadata": _metadata(row)}
    if row.tags:
        out["Tags"] = list(row.tags)
    return out


@handler("iam", "GetServerCertificate")
def get_server_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _server_cert(ctx, params["ServerCertificateName"])
    out: dict[str, Any] = {"ServerCertificateMetadata": _metadata(row), "CertificateBody": row.body}
    if row.chain:
        out["CertificateChain"] = row.chain
    if row.tags:
        out["Tags"] = list(row.tags)
    return {"ServerCertificate": out}


@handler("iam", "ListServerCertificates")
def list_server_certificates(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    q = select(IamServerCertificate).where(
        IamServerCertificate.account_id == ctx.account_id,
        IamServerCertificate.path.startswith(params.get("PathPrefix") or "/"),
    )
    page, meta = paginate(list(ctx.session.scalars(q.order_by(IamServerCertificate.name_lower))), params)
    return {"ServerCertificateMetadataList": [_metadata(r) for r in page], **meta}


@handler("iam", "UpdateServerCertificate")
def update_server_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _server_cert(ctx, params["ServerCertificateName"])
    new_name = params.get("NewServerCertificateName")
    if (
        new_name
        and new_name.lower() != row.name_lower
        and find(ctx.session, IamServerCertificate, ctx.account_id, new_name) is not None
    ):
        raise EntityAlreadyExists(f"The Server Certificate with name {new_name} already exists.")
    if new_name:
        row.name, row.name_lower = new_name, new_name.lower()
    if params.get("NewPath"):
        row.path = check_path(params["NewPath"])
    row.arn = iam_arn(ctx.account_id, "server-certificate", row.path, row.name)
    return {}


@handler("iam", "DeleteServerCertificate")
def delete_server_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ctx.session.delete(_server_cert(ctx, params["ServerCertificateName"]))
    return {}


@handler("iam", "TagServerCertificate")
def tag_server_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _server_cert(ctx, params["ServerCertificateName"])
    row.tags = merge_tags(row.tags, params.get("Tags"))
    return {}


@handler("iam", "UntagServerCertificate")
def untag_server_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _server_cert(ctx, params["ServerCertificateName"])
    row.tags = remove_tags(row.tags, params.get("TagKeys"))
    return {}


@handler("iam", "ListServerCertificateTags")
def list_server_certificate_tags(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return tag_page(_server_cert(ctx, params["ServerCertificateName"]).tags, params)


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
    row = ctx.session.get(IamSigningCertificate, cert_id)
    if row is None or row.user_pk != user.pk:
        raise NoSuchEntity(f"The Certificate with id {cert_id} cannot be found.")
    return row


@handler("iam", "UploadSigningCertificate")
def upload_signing_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = caller_user(ctx, params.get("UserName"))
    cert = parse_certificate(params["CertificateBody"])
    cert_id = hashlib.sha1(cert.public_bytes(serialization.Encoding.DER)).hexdigest().upper()[:32]
    if ctx.session.get(IamSigningCertificate, cert_id) is not None:
        raise DuplicateCertificate(f"The Certificate with id {cert_id} already exists.")
    count = (
        ctx.session.scalar(
            select(func.count())
            .select_from(IamSigningCertificate)
            .where(IamSigningCertificate.user_pk == user.pk)
        )
        or 0
    )
    if count >= CERTIFICATES_PER_USER:
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
    rows = list(
        ctx.session.scalars(
            select(IamSigningCertificate)
            .where(IamSigningCertificate.user_pk == user.pk)
            .order_by(IamSigningCertificate.upload_date)
        )
    )
    page, meta = paginate(rows, params)
    return {"Certificates": [_signing_out(user, r) for r in page], **meta}


@handler("iam", "UpdateSigningCertificate")
def update_signing_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = caller_user(ctx, params.get("UserName"))
    if params["Status"] not in ("Active", "Inactive"):
        raise IamValidationError(
            f"1 validation error detected: Value '{params['Status']}' at 'status' failed to satisfy constraint: "
            "Member must satisfy enum value set: [Active, Inactive]"
        )
    _signing(ctx, user, params["CertificateId"]).status = params["Status"]
    return {}


@handler("iam", "DeleteSigningCertificate")
def delete_signing_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = caller_user(ctx, params.get("UserName"))
    ctx.session.delete(_signing(ctx, user, params["CertificateId"]))
    return {}
