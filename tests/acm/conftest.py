"""ACM fixtures: ``acm`` (a boto3 client in this run's mode), ``issued`` (a requested
certificate once its validation moment has passed), and helpers to make certificates to import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ACCOUNT = "123456789012"


@pytest.fixture
def acm(aws_client: Callable[..., Any]) -> Any:
    return aws_client("acm")


def error_of(call: Callable[[], Any]) -> tuple[str, str]:
    """(code, message) of the error a call raises."""
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as caught:
        call()
    err = caught.value.response["Error"]
    return err["Code"], err.get("Message", "")


def pem_of(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(key: Any) -> bytes:
    return bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )


def make_cert(
    common_name: str,
    *,
    sans: tuple[str, ...] = (),
    key: Any = None,
    issuer: tuple[x509.Certificate, Any] | None = None,
    ca: bool = False,
    days: int = 30,
    start: dt.datetime | None = None,
) -> tuple[x509.Certificate, Any]:
    """A certificate (self-signed unless ``issuer`` = (cert, key)) and its key (EC P-256)."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Org"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    start = start or dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer[0].subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]), False)
    if not ca:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
    return builder.sign(issuer[1] if issuer else key, hashes.SHA256()), key
