"""Message signatures: one RSA key per state (made on first use, kept in the shared store), its
self-signed certificate served at ``SigningCertURL``, and AWS's documented string to sign
(SignatureVersion 1: SHA1withRSA; 2: SHA256withRSA)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from sqlalchemy import select
from sqlalchemy.orm import Session

from awsmock.engine.context import RequestContext
from awsmock.models.resources import Resource
from awsmock.state.rawvalues import conversions

#: (certificate id, the stored document's text, or the key's PEM where the driver parses JSON)
#: -> (key, certificate id): a key is deserialized once per process, and what another process
#: stores (a new key after a reset) is another entry, never a stale one
_LOADED: dict[tuple[str, str], tuple[rsa.RSAPrivateKey, str]] = {}
_R = Resource.__table__
#: the state's key (the first made, should two processes make one at once), run raw: every
#: signed message reads it
_KEY = (
    select(_R.c.rid, _R.c.document)
    .where(_R.c.service == "sns", _R.c.kind == "signing-key")
    .order_by(_R.c.pk)
    .limit(1)
)
PATH_PREFIX = "/_awsmock/public/sns/"

#: the fields each message type signs, in AWS's order (absent optional ones are left out)
SIGNED_FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
    "UnsubscribeConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}


def _new_key(ctx: RequestContext) -> Resource:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    cert_id = hashlib.sha256(cert_pem.encode()).hexdigest()[:32]
    row = Resource(
        service="sns",
        kind="signing-key",
        account_id=ctx.account_id,
        region="",
        rid=cert_id,
        arn=f"awsmock:sns:signing-key:{cert_id}",
        name=None,
        parent=None,
        state=None,
        created=ctx.now,
        updated=ctx.now,
        document={"Key": key_pem, "Certificate": cert_pem},
    )
    ctx.session.add(row)
    ctx.session.flush()
    return row


def _key(ctx: RequestContext) -> tuple[rsa.RSAPrivateKey, str]:
    found = ctx.tx.execute(_KEY).fetchone()
    if found is None:
        row = _new_key(ctx)  # (flushed: the next read finds it)
        rid, stored = row.rid, row.document
    else:
        rid, stored = str(found[0]), found[1]
    # keyed by what is stored (SQLite gives the document's text, PostgreSQL's driver a dict)
    cache_key = (rid, stored if isinstance(stored, str) else str(stored["Key"]))
    loaded = _LOADED.get(cache_key)
    if loaded is None:
        document = conversions(ctx.tx).json_out(stored) if isinstance(stored, str) else stored
        if len(_LOADED) >= 64:  # (one per state: a test run makes many)
            _LOADED.clear()
        key = serialization.load_pem_private_key(str(document["Key"]).encode(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        loaded = _LOADED[cache_key] = (key, rid)
    return loaded


def cert_url(ctx: RequestContext, cert_id: str) -> str:
    return f"{ctx.endpoint.rstrip('/')}{PATH_PREFIX}SimpleNotificationService-{cert_id}.pem"


def string_to_sign(message: dict[str, Any]) -> str:
    """AWS's string to sign: ``name\\nvalue\\n`` for each signed field present, in order."""
    out = []
    for name in SIGNED_FIELDS.get(str(message.get("Type")), SIGNED_FIELDS["Notification"]):
        if message.get(name) is not None:
            out.append(f"{name}\n{message[name]}\n")
    return "".join(out)


def sign(ctx: RequestContext, message: dict[str, Any], version: str) -> tuple[str, str]:
    """(base64 signature, SigningCertURL) of a message (its fields as sent)."""
    key, cert_id = _key(ctx)
    digest = hashes.SHA256() if version == "2" else hashes.SHA1()
    signature = key.sign(string_to_sign(message).encode("utf-8"), padding.PKCS1v15(), digest)
    return base64.b64encode(signature).decode("ascii"), cert_url(ctx, cert_id)


def certificate(session: Session, name: str) -> bytes | None:
    """The PEM certificate a SigningCertURL's last part names (None for any other name)."""
    if not (name.startswith("SimpleNotificationService-") and name.endswith(".pem")):
        return None
    cert_id = name[len("SimpleNotificationService-") : -len(".pem")]
    row = session.scalars(
        select(Resource).where(
            Resource.service == "sns", Resource.kind == "signing-key", Resource.rid == cert_id
        )
    ).first()
    if row is None:
        return None
    return str(row.document["Certificate"]).encode()


def public_file(session: Session, name: str) -> tuple[bytes, str] | None:
    """SNS's public files: the certificate at SigningCertURL."""
    pem = certificate(session, name)
    return (pem, "application/x-x509-ca-cert") if pem is not None else None
