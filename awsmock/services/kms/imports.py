"""Imported key material: GetParametersForImport, ImportKeyMaterial, DeleteImportedKeyMaterial.

A key created with ``Origin=EXTERNAL`` waits in ``PendingImport``. GetParametersForImport makes an
RSA wrapping key (its private half sealed in the key's document) and an import token valid for
24 hours; ImportKeyMaterial unwraps the material (RSAES-OAEP, or RSA-AES key wrap: an AES key
under RSAES-OAEP followed by the material under AES key wrap with padding, RFC 5649), checks it
fits the key spec, and enables the key. Material that expires (``ValidTo``) leaves the key
``PendingImport`` when that time comes, computed when read.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
from typing import Any

from cryptography.hazmat.primitives import hashes, keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import keyspecs, material, vault
from .errors import (
    ExpiredImportTokenException,
    IncorrectKeyMaterialException,
    InvalidCiphertextException,
    InvalidImportTokenException,
    UnsupportedOperationException,
    validation,
)
from .lookup import ENABLED, PENDING_IMPORT, Key, iso, require_manageable, resolve, save, when

TOKEN_LIFETIME = dt.timedelta(hours=24)
_HASH = {"SHA_1": hashes.SHA1, "SHA_256": hashes.SHA256}
_KEEP = 10  # import parameters kept per key


def _external(key: Key, operation: str) -> None:
    if key.doc["Origin"] != "EXTERNAL":
        raise UnsupportedOperationException(
            f"{key.arn} origin is {key.doc['Origin']} which is not valid for this operation."
        )


def _oaep(name: str) -> padding.OAEP:
    digest = _HASH[name.rsplit("_", 2)[-2] + "_" + name.rsplit("_", 1)[-1]]
    return padding.OAEP(mgf=padding.MGF1(digest()), algorithm=digest(), label=None)


@handler("kms", "GetParametersForImport", write=True)
def get_parameters_for_import(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"])
    _external(key, "GetParametersForImport")
    require_manageable(key)
    algorithm, spec = params["WrappingAlgorithm"], params["WrappingKeySpec"]
    if algorithm == "SM2PKE" or spec == "SM2":
        raise UnsupportedOperationException("SM2 wrapping is available only in the China Regions.")
    if algorithm == "RSAES_PKCS1_V1_5":
        raise validation("The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported.")
    if key.spec.asymmetric and not algorithm.startswith("RSA_AES_KEY_WRAP"):
        raise validation(
            f"Key material of key spec {key.doc['KeySpec']} can be wrapped only with RSA_AES_KEY_WRAP_SHA_1 or RSA_AES_KEY_WRAP_SHA_256."
        )
    wrapping = rsa.generate_private_key(65537, int(spec.split("_")[1]))
    token_id = os.urandom(16).hex()
    valid_to = ctx.now + TOKEN_LIFETIME
    private_der = wrapping.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    doc = key.edit()
    pending = [p for p in doc.get("ImportParameters") or [] if when(p["ValidTo"]) > ctx.now][-(_KEEP - 1) :]  # type: ignore[operator]
    pending.append(
        {
            "Token": token_id,
            "Algorithm": algorithm,
            "ValidTo": iso(valid_to),
            "Sealed": vault.seal(ctx, key.account, key.id, f"import-{token_id}", private_der),
        }
    )
    doc["ImportParameters"] = pending
    save(ctx, key, doc)
    token = b"awsmock-kms-import|" + key.id.encode() + b"|" + token_id.encode()
    public = wrapping.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {"KeyId": key.arn, "ImportToken": token, "PublicKey": public, "ParametersValidTo": valid_to}


def _unwrap(private: Any, algorithm: str, wrapped: bytes) -> bytes:
    try:
        if algorithm.startswith("RSA_AES_KEY_WRAP"):
            size = private.key_size // 8
            digest = _HASH["SHA_1" if algorithm.endswith("SHA_1") else "SHA_256"]
            aes = private.decrypt(
                wrapped[:size], padding.OAEP(mgf=padding.MGF1(digest()), algorithm=digest(), label=None)
            )
            return bytes(keywrap.aes_key_unwrap_with_padding(aes, wrapped[size:]))
        return bytes(private.decrypt(wrapped, _oaep(algorithm)))
    except (ValueError, keywrap.InvalidUnwrap):
        raise InvalidCiphertextException() from None


def _check_material(key: Key, secret: bytes) -> None:
    spec = key.spec
    if spec.family == "symmetric":
        ok = len(secret) == 32
    elif spec.family == "hmac":
        ok = spec.size <= len(secret) <= 64 if spec.size <= 32 else spec.size <= len(secret) <= 128
    else:
        try:
            ok = keyspecs.matches(spec, keyspecs.private_key(secret, checked=False))
        except (ValueError, TypeError):
            ok = False
    if not ok:
        raise IncorrectKeyMaterialException(
            f"The key material is not valid for a KMS key with key spec {key.doc['KeySpec']}."
        )


def _material_id(key: Key, secret: bytes) -> str:
    return hashlib.sha256(b"awsmock-kms-material|" + key.id.encode() + b"|" + secret).hexdigest()


@handler("kms", "ImportKeyMaterial")
def import_key_material(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"])
    _external(key, "ImportKeyMaterial")
    require_manageable(key)
    token = params["ImportToken"]
    prefix = b"awsmock-kms-import|" + key.id.encode() + b"|"
    if not token.startswith(prefix):
        raise InvalidImportTokenException("The import token is not valid for this KMS key.")
    token_id = token[len(prefix) :].decode("ascii", "replace")
    doc = key.edit()
    found = next((p for p in doc.get("ImportParameters") or [] if p["Token"] == token_id), None)
    if found is None:
        raise InvalidImportTokenException("The import token is not valid for this KMS key.")
    if when(found["ValidTo"]) <= ctx.now:  # type: ignore[operator]
        raise ExpiredImportTokenException("The import token has expired.")
    model = params.get("ExpirationModel") or "KEY_MATERIAL_EXPIRES"
    valid_to = params.get("ValidTo")
    if model == "KEY_MATERIAL_EXPIRES" and valid_to is None:
        raise validation("A ValidTo date is required when the ExpirationModel is KEY_MATERIAL_EXPIRES.")
    if model == "KEY_MATERIAL_DOES_NOT_EXPIRE" and valid_to is not None:
        raise validation(
            "A ValidTo date is not valid when the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE."
        )
    if valid_to is not None:
        valid_to = valid_to if valid_to.tzinfo else valid_to.replace(tzinfo=dt.UTC)
        if valid_to <= ctx.now or valid_to > ctx.now + dt.timedelta(days=365):
            raise validation("ValidTo must be a date in the next 365 days.")
    private = serialization.load_der_private_key(
        vault.unseal(ctx, key.account, key.id, f"import-{token_id}", found["Sealed"]), None
    )
    secret = _unwrap(private, found["Algorithm"], params["EncryptedKeyMaterial"])
    _check_material(key, secret)
    mid = _material_id(key, secret)
    if params.get("KeyMaterialId") and params["KeyMaterialId"] != mid:
        raise IncorrectKeyMaterialException(
            "The key material does not match the KeyMaterialId in the request."
        )
    entries = doc.setdefault("Materials", [])
    known = next((e for e in entries if e["Id"] == mid), None)
    extra = {"ExpirationModel": model, "ValidTo": iso(valid_to) if valid_to else None}
    if params.get("KeyMaterialDescription"):
        extra["KeyMaterialDescription"] = params["KeyMaterialDescription"]
    import_type = params.get("ImportType") or (
        "EXISTING_KEY_MATERIAL" if known or entries else "NEW_KEY_MATERIAL"
    )
    if import_type == "EXISTING_KEY_MATERIAL":
        if not entries:
            raise IncorrectKeyMaterialException(
                "The key has no key material to reimport; use ImportType NEW_KEY_MATERIAL."
            )
        if known is None:
            raise IncorrectKeyMaterialException(
                "The key material is not the same key material that was previously imported into this KMS key."
            )
        known["Sealed"] = vault.seal(ctx, key.account, key.id, mid, secret)
        known.update(extra)
    else:
        if known is not None:
            raise IncorrectKeyMaterialException("This key material was already imported into this KMS key.")
        if entries and key.spec.family != "symmetric":
            raise UnsupportedOperationException(
                "Only symmetric encryption KMS keys can have more than one imported key material."
            )
        material.add(ctx, doc, key.account, key.id, secret, material_id=mid, Pending=bool(entries), **extra)
    if key.spec.asymmetric:
        doc["PublicKey"] = base64.b64encode(keyspecs.public_der(secret)).decode()
    current = next((e for e in reversed(entries) if e.get("Sealed") and not e.get("Pending")), None)
    if current is not None:
        doc["ExpirationModel"] = current.get("ExpirationModel")
        doc["ValidTo"] = current.get("ValidTo")
    doc["ImportParameters"] = [p for p in doc["ImportParameters"] if p["Token"] != token_id]
    state = ENABLED if key.row.state == PENDING_IMPORT or key.state == PENDING_IMPORT else None
    save(ctx, key, doc, state=state)
    return {"KeyId": key.arn, "KeyMaterialId": mid}


@handler("kms", "DeleteImportedKeyMaterial")
def delete_imported_key_material(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = resolve(ctx, params["KeyId"])
    _external(key, "DeleteImportedKeyMaterial")
    require_manageable(key)
    doc = key.edit()
    entries = doc.get("Materials") or []
    wanted = params.get("KeyMaterialId")
    if wanted is not None and all(e["Id"] != wanted for e in entries):
        raise validation(f"Key material {wanted} is not associated with {key.arn}.")
    deleted = None
    for entry in entries:
        if wanted is None or entry["Id"] == wanted:
            entry.pop("Sealed", None)
            entry.pop("ValidTo", None)
            deleted = entry["Id"]
    doc.pop("ValidTo", None)
    doc.pop("ExpirationModel", None)
    save(ctx, key, doc, state=PENDING_IMPORT)
    out: dict[str, Any] = {"KeyId": key.arn}
    if deleted:
        out["KeyMaterialId"] = wanted or deleted
    return out


def rotate_imported(ctx: RequestContext, key: Key) -> None:
    """RotateKeyOnDemand of a key with imported material: the material imported for rotation
    (``ImportType=NEW_KEY_MATERIAL``) becomes current."""
    doc = key.edit()
    pending = next((e for e in doc.get("Materials") or [] if e.get("Pending")), None)
    if pending is None:
        raise UnsupportedOperationException(
            f"{key.arn} has no key material pending rotation. Import new key material first (ImportType NEW_KEY_MATERIAL)."
        )
    pending.pop("Pending")
    pending["Created"] = iso(ctx.now)
    pending["Type"] = "ON_DEMAND"
    doc["ExpirationModel"] = pending.get("ExpirationModel")
    doc["ValidTo"] = pending.get("ValidTo")
    save(ctx, key, doc)
