"""The state's local certificate authority, and where ACM keeps private keys.

**Private keys are never stored in the clear.** As KMS seals key material (see
``awsmock/services/kms/vault.py``), ACM seals every private key it keeps (its CA's, each
certificate's) with AES-256-GCM under a master key of its own: one resource of the shared store
(service ``acm``, kind ``master-key``, one per state) made from ``os.urandom(32)`` the first time
it is needed, never derived from anything a client sends. The associated data binds each sealed
key to what it belongs to (a sealed key copied into another certificate's document does not open).

**The local CA** is a root (ECDSA P-384, "awsmock Root CA 1") and two intermediates that sign
leaves, one RSA ("awsmock RSA 2048 M01", for RSA keys) and one ECDSA ("awsmock ECDSA 256 M01",
for EC keys), as Amazon's own public CA is laid out. They are made on first use per state and
travel with it (snapshots restore them); their validity spans 2015-2049, so a clock moved by a
test still finds them valid. A certificate ACM issues is signed by the intermediate of its key's
family; GetCertificate's chain is that intermediate then the root, so a TLS client that trusts
the root (or the chain's last certificate) verifies the leaf.

The master key also derives the DNS validation records (:func:`derive`): the same account and
domain always get the same CNAME, as on AWS.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from sqlalchemy import select

from awsmock.engine.context import RequestContext
from awsmock.models.resources import Resource

from . import keyalgorithms

_NONCE = 12
ORGANIZATION = "awsmock"
_CA_FROM = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
_CA_UNTIL = dt.datetime(2049, 12, 31, 23, 59, 59, tzinfo=dt.UTC)

#: how long a certificate ACM issues is valid (AWS's public certificates: 395 days)
VALIDITY = dt.timedelta(days=395)


# -- the master key and sealing -------------------------------------------------------------


def _state_row(ctx: RequestContext, kind: str, rid: str) -> Resource | None:
    row: Resource | None = ctx.session.scalars(
        select(Resource).where(Resource.service == "acm", Resource.kind == kind, Resource.rid == rid)
    ).first()
    return row


def _new_state_row(ctx: RequestContext, kind: str, rid: str, document: dict[str, Any]) -> Resource:
    row = Resource(
        service="acm",
        kind=kind,
        account_id="",
        region="",
        rid=rid,
        arn=f"arn:awsmock:acm:::{kind}/{rid}",
        name=None,
        parent=None,
        state=None,
        created=ctx.now,
        updated=ctx.now,
        document=document,
    )
    ctx.session.add(row)
    ctx.session.flush()
    return row


def master_key(ctx: RequestContext) -> bytes:
    """The state's master key for ACM (made on first use)."""
    cached = ctx.__dict__.get("_acm_master")
    if cached is not None:
        return bytes(cached)
    row = _state_row(ctx, "master-key", "master")
    if row is None:
        row = _new_state_row(ctx, "master-key", "master", {"Key": base64.b64encode(os.urandom(32)).decode()})
    key = base64.b64decode(row.document["Key"])
    ctx.__dict__["_acm_master"] = key
    return key


def seal(ctx: RequestContext, owner: str, secret: bytes) -> str:
    """``secret`` sealed under the master key, bound to ``owner`` (base64 text)."""
    nonce = os.urandom(_NONCE)
    sealed = AESGCM(master_key(ctx)).encrypt(nonce, secret, owner.encode())
    return base64.b64encode(nonce + sealed).decode()


def unseal(ctx: RequestContext, owner: str, sealed: str) -> bytes:
    raw = base64.b64decode(sealed)
    try:
        return AESGCM(master_key(ctx)).decrypt(raw[:_NONCE], raw[_NONCE:], owner.encode())
    except InvalidTag:  # a document copied from another state: a fault of the state, not the caller
        raise RuntimeError(f"the sealed key of {owner} does not open in this state") from None


def derive(ctx: RequestContext, info: str) -> bytes:
    """32 bytes derived from the master key (stable per state)."""
    mac = hmac.HMAC(master_key(ctx), hashes.SHA256())
    mac.update(info.encode())
    return mac.finalize()


def key_pem(key: Any) -> bytes:
    return bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )


def seal_key(ctx: RequestContext, owner: str, key: Any) -> str:
    return seal(ctx, owner, key_pem(key))


def unseal_key(ctx: RequestContext, owner: str, sealed: str) -> Any:
    return serialization.load_pem_private_key(unseal(ctx, owner, sealed), password=None)


def pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


# -- the local CA ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Issuer:
    cert: x509.Certificate
    key: Any
    #: the chain a leaf it signs is served with: this intermediate, then the root (PEM)
    chain: str


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _ca_cert(
    subject: x509.Name, key: Any, issuer: x509.Name, signer: Any, path_length: int
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_CA_FROM)
        .not_valid_after(_CA_UNTIL)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if signer is not key:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False
        )
    return builder.sign(
        signer, hashes.SHA384() if isinstance(signer, ec.EllipticCurvePrivateKey) else hashes.SHA256()
    )


def _load(ctx: RequestContext, rid: str) -> tuple[x509.Certificate, Any] | None:
    row = _state_row(ctx, "authority", rid)
    if row is None:
        return None
    cert = x509.load_pem_x509_certificate(row.document["Certificate"].encode())
    return cert, unseal_key(ctx, f"authority|{rid}", row.document["Key"])


def _store(ctx: RequestContext, rid: str, cert: x509.Certificate, key: Any) -> None:
    _new_state_row(
        ctx,
        "authority",
        rid,
        {"Certificate": pem(cert), "Key": seal_key(ctx, f"authority|{rid}", key)},
    )


def _root(ctx: RequestContext) -> tuple[x509.Certificate, Any]:
    found = _load(ctx, "root")
    if found is not None:
        return found
    key = ec.generate_private_key(ec.SECP384R1())
    name = _name("awsmock Root CA 1")
    cert = _ca_cert(name, key, name, key, 1)
    _store(ctx, "root", cert, key)
    return cert, key


def issuer_for(ctx: RequestContext, algorithm: str) -> Issuer:
    """The intermediate that signs leaves whose key is ``algorithm`` (made on first use)."""
    rid = "rsa" if keyalgorithms.is_rsa(algorithm) else "ec"
    cache: dict[str, Issuer] = ctx.__dict__.setdefault("_acm_issuers", {})
    if rid in cache:
        return cache[rid]
    root_cert, root_key = _root(ctx)
    found = _load(ctx, rid)
    if found is None:
        if rid == "rsa":
            key: Any = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            common = "awsmock RSA 2048 M01"
        else:
            key = ec.generate_private_key(ec.SECP256R1())
            common = "awsmock ECDSA 256 M01"
        cert = _ca_cert(_name(common), key, root_cert.subject, root_key, 0)
        _store(ctx, rid, cert, key)
        found = (cert, key)
    issuer = Issuer(found[0], found[1], pem(found[0]) + pem(root_cert))
    cache[rid] = issuer
    return issuer


def issue(
    ctx: RequestContext,
    key: Any,
    algorithm: str,
    domains: list[str],
    not_before: dt.datetime,
) -> tuple[x509.Certificate, str]:
    """A certificate for ``domains`` (the first is the subject's CN; all are DNS SANs) with
    ``key``'s public key, signed by the local CA: (the certificate, its chain as PEM)."""
    issuer = issuer_for(ctx, algorithm)
    rsa_key = keyalgorithms.is_rsa(algorithm)
    not_before = not_before.replace(microsecond=0)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domains[0])]))
        .issuer_name(issuer.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_before + VALIDITY - dt.timedelta(seconds=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(d) for d in domains]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=rsa_key,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
        .sign(issuer.key, hashes.SHA256())
    )
    return cert, issuer.chain
