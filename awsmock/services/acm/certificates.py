"""A certificate's life after its request or import: DescribeCertificate, GetCertificate,
ExportCertificate (certificates requested with ``Options.Export=ENABLED``, and private ones: the
private key as encrypted PKCS #8 under the caller's passphrase), RenewCertificate (eligible
ones: a new certificate for the same domains and key, valid from now), RevokeCertificate
(exportable ones), UpdateCertificateOptions and DeleteCertificate (not while in use)."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives import serialization

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import authority, store, views
from .errors import (
    InvalidStateException,
    RequestInProgressException,
    ResourceInUseException,
    ValidationException,
)

#: characters ExportCertificate's passphrase may not hold (AWS: any ASCII character but these)
_PASSPHRASE_FORBIDDEN = set("#$%")


def _not_issued(cert: store.Cert) -> RequestInProgressException:
    return RequestInProgressException(f"Certificate {cert.arn} is not yet issued.")


def _require_issued(cert: store.Cert) -> None:
    if not cert.issued:
        raise _not_issued(cert)


@handler("acm", "DescribeCertificate")
def describe_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    cert = store.get(ctx, params["CertificateArn"])
    return {"Certificate": views.detail(ctx, cert)}


@handler("acm", "GetCertificate")
def get_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    cert = store.get(ctx, params["CertificateArn"])
    _require_issued(cert)
    out: dict[str, Any] = {"Certificate": cert.doc["Certificate"]}
    if cert.doc.get("CertificateChain"):
        out["CertificateChain"] = cert.doc["CertificateChain"]
    return out


def _passphrase(value: Any) -> bytes:
    raw = value.encode() if isinstance(value, str) else bytes(value or b"")
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        text = None
    if text is None or any(ch in _PASSPHRASE_FORBIDDEN for ch in text):
        raise ValidationException("The passphrase can contain any ASCII character except #, $, or %.")
    return raw


@handler("acm", "ExportCertificate")
def export_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    cert = store.get(ctx, params["CertificateArn"])
    if not cert.exportable:
        raise ValidationException(f"Certificate ARN: {cert.arn} is not a private certificate")
    _require_issued(cert)
    passphrase = _passphrase(params["Passphrase"])
    key = cert.private_key(ctx)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    ).decode()
    document = cert.edit()
    document["Exported"] = True
    store.save(ctx, cert, document)
    out: dict[str, Any] = {"Certificate": cert.doc["Certificate"], "PrivateKey": encrypted}
    if cert.doc.get("CertificateChain"):
        out["CertificateChain"] = cert.doc["CertificateChain"]
    return out


@handler("acm", "DeleteCertificate")
def delete_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    cert = store.get(ctx, params["CertificateArn"])
    if cert.in_use_by:
        raise ResourceInUseException(
            f"Certificate {cert.arn} is in use by {', '.join(cert.in_use_by)} and cannot be deleted."
        )
    store.CERTS.delete(ctx, cert.row)
    return {}


@handler("acm", "RenewCertificate")
def renew_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    cert = store.get(ctx, params["CertificateArn"])
    if cert.pending:
        raise _not_issued(cert)
    if cert.renewal_eligibility != "ELIGIBLE" or not cert.issued:
        raise ValidationException(f"Certificate {cert.arn} is not eligible for renewal.")
    key = cert.private_key(ctx)
    algorithm = views.key_algorithm(cert)
    renewed, chain = authority.issue(ctx, key, algorithm, list(cert.doc["SubjectAlternativeNames"]), ctx.now)
    document = cert.edit()
    document["Certificate"] = authority.pem(renewed)
    document["CertificateChain"] = chain
    document["IssuedAt"] = store.iso(ctx.now)
    document["RenewalSummary"] = {"RenewalStatus": "SUCCESS", "UpdatedAt": store.iso(ctx.now)}
    store.save(ctx, cert, document)
    return {}


@handler("acm", "RevokeCertificate")
def revoke_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    cert = store.get(ctx, params["CertificateArn"])
    if not cert.exportable or cert.type == store.IMPORTED:
        raise ValidationException(
            f"Certificate {cert.arn} cannot be revoked: only certificates that can be exported can be revoked."
        )
    if cert.pending:
        raise _not_issued(cert)
    if cert.in_use_by:
        raise ResourceInUseException(f"Certificate {cert.arn} is in use by {', '.join(cert.in_use_by)}.")
    if cert.status != store.ISSUED:
        raise ValidationException(f"Certificate {cert.arn} cannot be revoked in status {cert.status}.")
    document = cert.edit()
    document["RevokedAt"] = store.iso(ctx.now)
    document["RevocationReason"] = params["RevocationReason"]
    store.save(ctx, cert, document, state=store.REVOKED)
    return {"CertificateArn": cert.arn}


@handler("acm", "UpdateCertificateOptions")
def update_certificate_options(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    cert = store.get(ctx, params["CertificateArn"])
    if cert.type == store.IMPORTED:
        raise InvalidStateException(f"Certificate {cert.arn} is imported: its options cannot be updated.")
    if cert.status in (store.REVOKED, store.FAILED):
        raise InvalidStateException(
            f"Certificate {cert.arn} is {cert.status}: its options cannot be updated."
        )
    given = params.get("Options") or {}
    document = cert.edit()
    options = dict(document.get("Options") or {})
    for member in ("CertificateTransparencyLoggingPreference", "Export"):
        if isinstance(given.get(member), str):
            options[member] = given[member]
    document["Options"] = options
    store.save(ctx, cert, document)
    return {}
