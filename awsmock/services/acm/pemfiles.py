"""Certificates and keys as PEM text: reading what a client imports, and the facts of an X.509
certificate that ACM reports (subject, SANs, serial, validity, key and signature algorithms, key
usages)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from . import keyalgorithms

_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.S)

_EKU_NAMES = {
    ExtendedKeyUsageOID.SERVER_AUTH.dotted_string: "TLS_WEB_SERVER_AUTHENTICATION",
    ExtendedKeyUsageOID.CLIENT_AUTH.dotted_string: "TLS_WEB_CLIENT_AUTHENTICATION",
    ExtendedKeyUsageOID.CODE_SIGNING.dotted_string: "CODE_SIGNING",
    ExtendedKeyUsageOID.EMAIL_PROTECTION.dotted_string: "EMAIL_PROTECTION",
    ExtendedKeyUsageOID.TIME_STAMPING.dotted_string: "TIME_STAMPING",
    ExtendedKeyUsageOID.OCSP_SIGNING.dotted_string: "OCSP_SIGNING",
    "1.3.6.1.5.5.7.3.5": "IPSEC_END_SYSTEM",
    "1.3.6.1.5.5.7.3.6": "IPSEC_TUNNEL",
    "1.3.6.1.5.5.7.3.7": "IPSEC_USER",
    ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE.dotted_string: "ANY",
}
_KEY_USAGE_NAMES = (
    ("digital_signature", "DIGITAL_SIGNATURE"),
    ("content_commitment", "NON_REPUDIATION"),
    ("key_encipherment", "KEY_ENCIPHERMENT"),
    ("data_encipherment", "DATA_ENCIPHERMENT"),
    ("key_agreement", "KEY_AGREEMENT"),
    ("key_cert_sign", "CERTIFICATE_SIGNING"),
    ("crl_sign", "CRL_SIGNING"),
)


def blocks(data: bytes, label: str) -> list[bytes]:
    """The PEM blocks labelled ``label`` in ``data``, each as PEM text."""
    return [m.group(0) for m in _BLOCK.finditer(data) if m.group(1).decode() == label]


def all_blocks(data: bytes) -> list[tuple[str, bytes]]:
    return [(m.group(1).decode(), m.group(0)) for m in _BLOCK.finditer(data)]


def load_cert(block: bytes) -> x509.Certificate | None:
    try:
        return x509.load_pem_x509_certificate(block)
    except ValueError:
        return None


def load_key(data: bytes) -> Any | None:
    """An unencrypted private key in PEM (PKCS #8, PKCS #1 or SEC 1), None if it is not one."""
    try:
        return serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        return None


def same_public_key(cert: x509.Certificate, key: Any) -> bool:
    fmt = serialization.PublicFormat.SubjectPublicKeyInfo
    mine = cert.public_key().public_bytes(serialization.Encoding.DER, fmt)
    return bool(mine == key.public_key().public_bytes(serialization.Encoding.DER, fmt))


def signed_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether ``issuer`` issued ``cert`` (names match and its key verifies the signature)."""
    if cert.issuer != issuer.subject:
        return False
    public = issuer.public_key()
    hash_algorithm = cert.signature_hash_algorithm
    try:
        if isinstance(public, rsa.RSAPublicKey) and hash_algorithm is not None:
            public.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), hash_algorithm)
        elif isinstance(public, ec.EllipticCurvePublicKey) and hash_algorithm is not None:
            public.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(hash_algorithm))
        else:
            cert.verify_directly_issued_by(issuer)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


# -- what ACM reports about a certificate -----------------------------------------------------


def _ext(cert: x509.Certificate, kind: Any) -> Any:
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None


def serial_text(serial: int) -> str:
    raw = serial.to_bytes(max(1, (serial.bit_length() + 7) // 8), "big")
    return ":".join(f"{b:02x}" for b in raw)


def _common_name(name: x509.Name) -> str | None:
    found = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(found[0].value) if found else None


def issuer_text(cert: x509.Certificate) -> str:
    """The issuer as ACM summarizes it: its organization, else its common name."""
    org = cert.issuer.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    if org:
        return str(org[0].value)
    return _common_name(cert.issuer) or cert.issuer.rfc4514_string()


def _signature_algorithm(cert: x509.Certificate) -> str:
    hashed = cert.signature_hash_algorithm
    digest = hashed.name.upper().replace("-", "") if isinstance(hashed, hashes.HashAlgorithm) else ""
    public_oid = cert.signature_algorithm_oid._name.upper()  # e.g. "SHA256WITHRSAENCRYPTION"
    if "ECDSA" in public_oid:
        return f"{digest}WITHECDSA"
    if "PSS" in public_oid:
        return f"{digest}WITHRSAANDMGF1" if digest else "RSASSAPSS"
    if "RSA" in public_oid:
        return f"{digest}WITHRSA"
    return public_oid


@dataclass(frozen=True)
class CertFacts:
    domain_name: str
    sans: list[str]
    serial: str
    subject: str
    issuer: str
    not_before: dt.datetime
    not_after: dt.datetime
    key_algorithm: str | None
    signature_algorithm: str
    key_usages: list[str]
    extended_key_usages: list[tuple[str, str]]  # (name, OID)


def facts(cert: x509.Certificate) -> CertFacts:
    sans_ext = _ext(cert, x509.SubjectAlternativeName)
    dns_names: list[str] = list(sans_ext.get_values_for_type(x509.DNSName)) if sans_ext is not None else []
    common = _common_name(cert.subject)
    domain = common or (dns_names[0] if dns_names else "")
    sans = [domain] + [d for d in dns_names if d != domain] if domain else dns_names
    usage = _ext(cert, x509.KeyUsage)
    usages: list[str] = []
    if usage is not None:
        usages = [name for attr, name in _KEY_USAGE_NAMES if getattr(usage, attr)]
        if usage.key_agreement:
            if usage.encipher_only:
                usages.append("ENCIPHER_ONLY")
            if usage.decipher_only:
                usages.append("DECIPHER_ONLY")
    eku_ext = _ext(cert, x509.ExtendedKeyUsage)
    ekus: list[tuple[str, str]] = []
    for oid in eku_ext or []:
        ekus.append((_EKU_NAMES.get(oid.dotted_string, "CUSTOM"), oid.dotted_string))
    return CertFacts(
        domain_name=domain,
        sans=sans,
        serial=serial_text(cert.serial_number),
        subject=cert.subject.rfc4514_string(),
        issuer=issuer_text(cert),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        key_algorithm=keyalgorithms.name_of(cert.public_key()),
        signature_algorithm=_signature_algorithm(cert),
        key_usages=usages,
        extended_key_usages=ekus,
    )
