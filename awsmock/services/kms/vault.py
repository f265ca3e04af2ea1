"""Where KMS keeps secrets, and the ciphertext blobs it hands out.

**Key material is never stored in the clear.** Each key's material (and each rotated or imported
version's) is kept in the key's document sealed with AES-256-GCM under the state's *master key*,
with the key's account, id and material id as associated data (a sealed value copied into
another key's document does not open). The master key is one resource of the shared store
(service ``kms``, kind ``master-key``, one per state) made from ``os.urandom(32)`` the first time
a key is created; it is never derived from anything a client sends. It travels with the state:
snapshots and exports hold it, so a restored state decrypts what it encrypted, and a blob from
another state (another master key) does not decrypt here. This is how KMS itself is built (key
material wrapped by a domain key that never leaves the HSM fleet): a reader of the database or
of a snapshot's metadata sees only sealed material; the master key sits beside it exactly as a
database-level key would, which is what a mock that keeps its whole state in one file can offer.

**Ciphertext blobs** of symmetric keys name their key, so ``Decrypt`` needs no KeyId::

    version (1) | account (12, ASCII) | key id (36, ASCII) | key material id (32) | nonce (12) | AES-GCM ciphertext and tag

The header and the encryption context (canonical JSON of its sorted pairs) are the AES-GCM
associated data: a tampered blob, another key's blob or another context does not authenticate
(``InvalidCiphertextException``).
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select

from awsmock.engine.context import RequestContext
from awsmock.models.resources import Resource

from .errors import InvalidCiphertextException

VERSION = 1
_ACCOUNT, _KEY, _MATERIAL, _NONCE, _TAG = 12, 36, 32, 12, 16
HEADER = 1 + _ACCOUNT + _KEY + _MATERIAL
OVERHEAD = HEADER + _NONCE + _TAG


# -- the master key ---------------------------------------------------------------------------


def _master_row(ctx: RequestContext) -> Resource | None:
    row: Resource | None = ctx.session.scalars(
        select(Resource).where(Resource.service == "kms", Resource.kind == "master-key")
    ).first()
    return row


def master_key(ctx: RequestContext, *, create: bool = False) -> bytes | None:
    """The state's master key (made on first use when ``create``; None when there is none yet)."""
    cache = ctx.__dict__.get("_kms_master")
    if cache is not None:
        return bytes(cache)
    row = _master_row(ctx)
    if row is None:
        if not create:
            return None
        secret = os.urandom(32)
        row = Resource(
            service="kms",
            kind="master-key",
            account_id="",
            region="",
            rid="master",
            arn="arn:awsmock:kms:::master-key",
            name=None,
            parent=None,
            state=None,
            created=ctx.now,
            updated=ctx.now,
            document={"Key": base64.b64encode(secret).decode()},
        )
        ctx.session.add(row)
        ctx.session.flush()
    key = base64.b64decode(row.document["Key"])
    ctx.__dict__["_kms_master"] = key
    return key


def _aad(account: str, key_id: str, material_id: str) -> bytes:
    return f"{account}|{key_id}|{material_id}".encode()


def seal(ctx: RequestContext, account: str, key_id: str, material_id: str, secret: bytes) -> str:
    """``secret`` sealed under the master key, bound to its key and material (base64 text)."""
    master = master_key(ctx, create=True)
    assert master is not None
    nonce = os.urandom(_NONCE)
    sealed = AESGCM(master).encrypt(nonce, secret, _aad(account, key_id, material_id))
    return base64.b64encode(nonce + sealed).decode()


def unseal(ctx: RequestContext, account: str, key_id: str, material_id: str, sealed: str) -> bytes:
    master = master_key(ctx)
    if master is None:
        raise InvalidCiphertextException()
    raw = base64.b64decode(sealed)
    try:
        return AESGCM(master).decrypt(raw[:_NONCE], raw[_NONCE:], _aad(account, key_id, material_id))
    except InvalidTag:  # a document copied from another state
        raise InvalidCiphertextException() from None


def derive(secret: bytes, info: str, length: int = 32) -> bytes:
    """Key material derived from a key's sealed seed (automatic rotations)."""
    return HKDF(hashes.SHA256(), length, salt=None, info=info.encode()).derive(secret)


def derived_id(secret: bytes, info: str) -> str:
    mac = hmac.HMAC(secret, hashes.SHA256())
    mac.update(b"id|" + info.encode())
    return mac.finalize().hex()


# -- ciphertext blobs -------------------------------------------------------------------------


def canonical_context(context: Mapping[str, str] | None) -> bytes:
    return json.dumps(sorted((context or {}).items()), separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Blob:
    account: str
    key_id: str
    material_id: str
    header: bytes
    nonce: bytes
    body: bytes


def parse_blob(blob: bytes) -> Blob:
    """The parts of a symmetric ciphertext blob (InvalidCiphertextException if it is not one)."""
    if len(blob) < OVERHEAD or blob[0] != VERSION:
        raise InvalidCiphertextException()
    try:
        account = blob[1 : 1 + _ACCOUNT].decode("ascii")
        key_id = blob[1 + _ACCOUNT : 1 + _ACCOUNT + _KEY].decode("ascii").rstrip("\0")
    except UnicodeDecodeError:
        raise InvalidCiphertextException() from None
    material_id = blob[1 + _ACCOUNT + _KEY : HEADER].hex()
    if not account.isdigit():
        raise InvalidCiphertextException()
    return Blob(
        account, key_id, material_id, blob[:HEADER], blob[HEADER : HEADER + _NONCE], blob[HEADER + _NONCE :]
    )


def seal_blob(
    account: str,
    key_id: str,
    material_id: str,
    material: bytes,
    plaintext: bytes,
    context: Mapping[str, str] | None,
) -> bytes:
    header = (
        bytes([VERSION])
        + account.encode("ascii")
        + key_id.encode("ascii").ljust(_KEY, b"\0")
        + bytes.fromhex(material_id)
    )
    nonce = os.urandom(_NONCE)
    return header + nonce + AESGCM(material).encrypt(nonce, plaintext, header + canonical_context(context))


def open_blob(blob: Blob, material: bytes, context: Mapping[str, str] | None) -> bytes:
    try:
        return AESGCM(material).decrypt(blob.nonce, blob.body, blob.header + canonical_context(context))
    except InvalidTag:
        raise InvalidCiphertextException() from None
