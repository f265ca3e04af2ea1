"""ImportCertificate: a certificate, its private key and chain from elsewhere, parsed with
``cryptography``; its subject, SANs, serial, validity and key are what ACM reports of it.
Reimporting onto an imported certificate's ARN keeps the ARN, its tags and its uses."""

from __future__ import annotations

import uuid
from typing import Any

from cryptography import x509

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import authority, keyalgorithms, pemfiles, store, tags
from .errors import InvalidParameterException, ValidationException

BAD_CERTIFICATE = "Unable to parse certificate. Please ensure the certificate is in PEM format."
BAD_CHAIN = "Unable to parse certificate chain. Please ensure the chain is in PEM format."
MANY_CERTIFICATES = "The certificate field contains more than one certificate. You can specify only one certificate in this field."
BAD_KEY = "Unable to parse private key. Please ensure the private key is in PEM format."
UNSUPPORTED_KEY = "The private key is not supported."
KEY_MISMATCH = "The private key does not match the public key in the certificate."
CHAIN_ORDER = (
    "Unable to validate certificate chain. The certificate chain must start with the immediate signing "
    "certificate, followed by any intermediaries in order. The index within the chain of the invalid "
    "certificate is: {index}"
)


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, str):
        return value.encode()
    return bytes(value or b"")


def _certificate(data: bytes) -> x509.Certificate:
    found = pemfiles.blocks(data, "CERTIFICATE")
    if len(found) > 1:
        raise ValidationException(MANY_CERTIFICATES)
    cert = pemfiles.load_cert(found[0]) if found else None
    if cert is None:
        raise ValidationException(BAD_CERTIFICATE)
    return cert


def _key(data: bytes, cert: x509.Certificate) -> Any:
    labels = [label for label, _block in pemfiles.all_blocks(data)]
    if len(labels) != 1 or not labels[0].endswith("PRIVATE KEY"):
        raise ValidationException(BAD_KEY)
    if labels[0] == "ENCRYPTED PRIVATE KEY":
        raise ValidationException(UNSUPPORTED_KEY)
    key = pemfiles.load_key(pemfiles.all_blocks(data)[0][1])
    if key is None:
        raise ValidationException(BAD_KEY)
    if keyalgorithms.name_of(key) is None:
        raise ValidationException(UNSUPPORTED_KEY)
    if not pemfiles.same_public_key(cert, key):
        raise ValidationException(KEY_MISMATCH)
    return key


def _chain(data: bytes, cert: x509.Certificate) -> list[x509.Certificate]:
    found = pemfiles.blocks(data, "CERTIFICATE")
    if not found:
        raise ValidationException(BAD_CHAIN)
    chain: list[x509.Certificate] = []
    for block in found:
        loaded = pemfiles.load_cert(block)
        if loaded is None:
            raise ValidationException(BAD_CHAIN)
        chain.append(loaded)
    previous = cert
    for index, link in enumerate(chain):
        if not pemfiles.signed_by(previous, link):
            raise ValidationException(CHAIN_ORDER.format(index=index))
        previous = link
    return chain


def _check_validity(ctx: RequestContext, cert: x509.Certificate) -> None:
    if ctx.now < cert.not_valid_before_utc:
        raise ValidationException("The certificate is not valid yet: its validity period has not begun.")
    if ctx.now > cert.not_valid_after_utc:
        raise ValidationException("The certificate has expired.")


@handler("acm", "ImportCertificate")
def import_certificate(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = params.get("CertificateArn")
    existing: store.Cert | None = None
    if arn:
        existing = store.get(ctx, arn, message=f"Could not find certificate {arn}.")
        if existing.type != store.IMPORTED:
            raise ValidationException(
                f"Certificate {arn} was issued by ACM: only an imported certificate can be reimported."
            )
        if params.get("Tags"):
            raise InvalidParameterException("Tags cannot be specified when reimporting a certificate.")
    cert = _certificate(_as_bytes(params["Certificate"]))
    facts = pemfiles.facts(cert)
    if facts.key_algorithm is None:
        raise ValidationException(UNSUPPORTED_KEY)
    key = _key(_as_bytes(params["PrivateKey"]), cert)
    chain_data = params.get("CertificateChain")
    chain = _chain(_as_bytes(chain_data), cert) if chain_data else []
    _check_validity(ctx, cert)
    new_tags = tags.read(params.get("Tags"))
    tags.check(new_tags)
    rid = existing.id if existing is not None else str(uuid.uuid4())
    document: dict[str, Any] = {
        "Type": store.IMPORTED,
        "DomainName": facts.domain_name,
        "SubjectAlternativeNames": facts.sans or [facts.domain_name],
        "KeyAlgorithm": facts.key_algorithm,
        "Options": {"CertificateTransparencyLoggingPreference": "ENABLED", "Export": "DISABLED"},
        "InUseBy": existing.in_use_by if existing is not None else [],
        "Exported": False,
        "ImportedAt": store.iso(ctx.now),
        "Certificate": authority.pem(cert),
        "CertificateChain": "".join(authority.pem(c) for c in chain) or None,
        "PrivateKey": authority.seal_key(ctx, f"certificate|{ctx.account_id}|{rid}", key),
    }
    if existing is not None:
        store.CERTS.update(ctx, existing.row, document=document, state=store.ISSUED, name=facts.domain_name)
        return {"CertificateArn": existing.arn}
    row = store.CERTS.create(ctx, rid=rid, name=facts.domain_name, document=document, state=store.ISSUED)
    tags.apply(ctx, row.arn, new_tags)
    return {"CertificateArn": row.arn}
