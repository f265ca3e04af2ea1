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
A process decodes each state's master key once (:class:`Master`, by its stored text, which the
key read returns with every key: a reset or a restored snapshot brings another text, so nothing
is ever stale), with the material it has unsealed.

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
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select

from awsmock.engine.context import RequestContext
from awsmock.models.resources import Resource

from .errors import InvalidCiphertextException

VERSION = 1
MASTER_KIND, MASTER_ID = "master-key", "master"
_ACCOUNT, _KEY, _MATERIAL, _NONCE, _TAG = 12, 36, 32, 12, 16
HEADER = 1 + _ACCOUNT + _KEY + _MATERIAL
OVERHEAD = HEADER + _NONCE + _TAG


# -- the master key ---------------------------------------------------------------------------


_MASTER_DOC = select(Resource.document).where(Resource.service == "kms", Resource.kind == MASTER_KIND)


class Master:
    """A state's master key as this process uses it: the key, its AES-GCM, and the material it
    has unsealed (by what was sealed and its associated data: the same inputs always open to the
    same secret, so nothing here can go stale)."""

    __slots__ = ("aead", "key", "opened")

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.aead = AESGCM(key)
        self.opened: dict[tuple[bytes, str], bytes] = {}


#: the master keys this process has decoded, by their stored document (text on SQLite) or key
#: text: one per state; a reset or a restored snapshot brings another, so another entry
_MASTERS: dict[Any, Master] = {}


def _decoded(stored: Any) -> Master:
    """The master key of a stored document (its JSON text, or the parsed document)."""
    if isinstance(stored, dict):
        stored = stored["Key"]
    found = _MASTERS.get(stored)
    if found is None:
        text = json.loads(stored)["Key"] if stored.startswith("{") else stored
        if len(_MASTERS) >= 64:  # states come and go (tests): keep the recent few
            _MASTERS.clear()
        found = _MASTERS[stored] = Master(base64.b64decode(text))
    return found


def remember_master(ctx: RequestContext, stored: Any) -> None:
    """The master key's document as a raw statement read it with a key (``lookup.key_by_arn``)."""
    ctx.__dict__["_kms_master"] = _decoded(stored)


def _master(ctx: RequestContext, *, create: bool = False) -> Master | None:
    cached: Master | None = ctx.__dict__.get("_kms_master")
    if cached is not None:
        return cached
    ctx.tx.flush()
    found = ctx.tx.execute(_MASTER_DOC).fetchone()
    if found is not None:
        stored = found[0]
    elif not create:
        return None
    else:
        stored = base64.b64encode(os.urandom(32)).decode()
        ctx.session.add(
            Resource(
                service="kms",
                kind=MASTER_KIND,
                account_id="",
                region="",
                rid=MASTER_ID,
                arn="arn:awsmock:kms:::master-key",
                name=None,
                parent=None,
                state=None,
                created=ctx.now,
                updated=ctx.now,
                document={"Key": stored},
            )
        )
        ctx.session.flush()
    cached = ctx.__dict__["_kms_master"] = _decoded(stored)
    return cached


def master_key(ctx: RequestContext, *, create: bool = False) -> bytes | None:
    """The state's master key (made on first use when ``create``; None when there is none yet)."""
    found = _master(ctx, create=create)
    return None if found is None else found.key


def _aad(account: str, key_id: str, material_id: str) -> bytes:
    return f"{account}|{key_id}|{material_id}".encode()


def seal(ctx: RequestContext, account: str, key_id: str, material_id: str, secret: bytes) -> str:
    """``secret`` sealed under the master key, bound to its key and material (base64 text)."""
    master = _master(ctx, create=True)
    assert master is not None
    nonce = os.urandom(_NONCE)
    sealed = master.aead.encrypt(nonce, secret, _aad(account, key_id, material_id))
    return base64.b64encode(nonce + sealed).decode()


def unseal(ctx: RequestContext, account: str, key_id: str, material_id: str, sealed: str) -> bytes:
    master = _master(ctx)
    if master is None:
        raise InvalidCiphertextException()
    aad = _aad(account, key_id, material_id)
    opened = master.opened.get((aad, sealed))
    if opened is None:
        raw = base64.b64decode(sealed)
        try:
            opened = master.aead.decrypt(raw[:_NONCE], raw[_NONCE:], aad)
        except InvalidTag:  # a document copied from another state
            raise InvalidCiphertextException() from None
        if len(master.opened) >= 4096:
            master.opened.clear()
        master.opened[(aad, sealed)] = opened
    return opened


def derive(secret: bytes, info: str, length: int = 32) -> bytes:
    """Key material derived from a key's sealed seed (automatic rotations)."""
    return HKDF(hashes.SHA256(), length, salt=None, info=info.encode()).derive(secret)


def derived_id(secret: bytes, info: str) -> str:
    mac = hmac.HMAC(secret, hashes.SHA256())
    mac.update(b"id|" + info.encode())
    return mac.finalize().hex()


# -- ciphertext blobs -------------------------------------------------------------------------


#: the AES-GCM of each key material in use (by the material itself)
_AEADS: dict[bytes, AESGCM] = {}


def _aead(material: bytes) -> AESGCM:
    found = _AEADS.get(material)
    if found is None:
        if len(_AEADS) >= 4096:
            _AEADS.clear()
        found = _AEADS[material] = AESGCM(material)
    return found


def canonical_context(context: Mapping[str, str] | None) -> bytes:
    if not context:
        return b"[]"
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
    return header + nonce + _aead(material).encrypt(nonce, plaintext, header + canonical_context(context))


#: plaintexts already opened, by everything that opens them (the blob, the material, the
#: context): the same inputs always open to the same plaintext, so a repeated Decrypt of one
#: ciphertext skips the AES-GCM and the context's canonical text. The key's checks (state,
#: usage, policy) run before every lookup. Bounded by the bytes it holds.
_OPENED: dict[tuple[Blob, bytes, tuple[tuple[str, str], ...]], bytes] = {}
_OPENED_BYTES = 0
_OPENED_LIMIT = 8 << 20


def open_blob(blob: Blob, material: bytes, context: Mapping[str, str] | None) -> bytes:
    global _OPENED_BYTES
    memo = (blob, material, tuple(sorted(context.items())) if context else ())
    plain = _OPENED.get(memo)
    if plain is not None:
        return plain
    try:
        plain = _aead(material).decrypt(blob.nonce, blob.body, blob.header + canonical_context(context))
    except InvalidTag:
        raise InvalidCiphertextException() from None
    if _OPENED_BYTES + len(blob.body) > _OPENED_LIMIT:
        _OPENED.clear()
        _OPENED_BYTES = 0
    _OPENED[memo] = plain
    _OPENED_BYTES += len(blob.body)
    return plain
