"""Encryption with KMS keys: Encrypt, Decrypt, ReEncrypt, GenerateDataKey,
GenerateDataKeyWithoutPlaintext, GenerateRandom.

Symmetric keys encrypt with AES-256-GCM into blobs that name their key and material version
(:mod:`.vault`), bound to the encryption context. RSA keys encrypt with RSAES-OAEP (SHA-1 or
SHA-256) under their public key; their ciphertexts name no key, so Decrypt needs the KeyId.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import grants, keyspecs, material, vault
from .errors import (
    CustomKeyStoreNotFoundException,
    IncorrectKeyException,
    InvalidCiphertextException,
    InvalidKeyUsageException,
    access_denied,
    validation,
)
from .keys import note_use
from .lookup import Key, check_cross_account, dry_run, key_arn_of, key_by_arn, require_usable, resolve

SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT"
_OAEP = {"RSAES_OAEP_SHA_1": hashes.SHA1, "RSAES_OAEP_SHA_256": hashes.SHA256}
_GONE = (
    "The ciphertext refers to a customer master key that does not exist, does not exist in this region, "
    "or you are not allowed to access."
)


def usage_error(key: Key, operation: str) -> InvalidKeyUsageException:
    return InvalidKeyUsageException(f"{key.arn} key usage is {key.usage} which is not valid for {operation}.")


def require_usage(key: Key, usage: str, operation: str) -> None:
    if key.usage != usage:
        raise usage_error(key, operation)


def _algorithm(key: Key, algorithm: str | None, operation: str) -> str:
    algorithm = algorithm or SYMMETRIC_DEFAULT
    if algorithm not in key.spec.usages.get(key.usage, ()):
        raise InvalidKeyUsageException(
            f"Algorithm {algorithm} is incompatible with key spec {key.doc['KeySpec']}."
        )
    return algorithm


def _no_recipient(params: dict[str, Any]) -> None:
    if params.get("Recipient"):
        # AWS verifies the attestation document against the AWS Nitro Enclaves root; none made
        # outside an enclave passes
        raise validation("The attestation document in the Recipient parameter is not valid.")


def _rsa_public(key: Key) -> Any:
    return serialization.load_der_public_key(base64.b64decode(key.doc["PublicKey"]))


def _oaep(algorithm: str) -> padding.OAEP:
    digest = _OAEP[algorithm]
    return padding.OAEP(mgf=padding.MGF1(digest()), algorithm=digest(), label=None)


# -- the operations' cores (the handlers' and other services' through internal.py) ------------


@dataclass
class Sealed:
    blob: bytes
    key: Key
    algorithm: str
    material_id: str | None


def encrypt_with(
    ctx: RequestContext,
    key: Key,
    plaintext: bytes,
    context: Mapping[str, str] | None,
    algorithm: str | None = None,
    operation: str = "Encrypt",
) -> Sealed:
    require_usable(key)
    require_usage(key, keyspecs.ENCRYPT_DECRYPT, operation)
    algorithm = _algorithm(key, algorithm, operation)
    if key.spec.family == "symmetric":
        mid, secret = material.current(ctx, key)
        blob = vault.seal_blob(key.account, key.id, mid, secret, plaintext, context)
        return Sealed(blob, key, algorithm, mid)
    if context:
        raise validation("EncryptionContext is not supported with asymmetric KMS keys.")
    try:
        blob = _rsa_public(key).encrypt(plaintext, _oaep(algorithm))
    except ValueError:
        raise validation(
            f"Plaintext is too long for {algorithm} with key spec {key.doc['KeySpec']}."
        ) from None
    return Sealed(blob, key, algorithm, None)


@dataclass
class Opened:
    plaintext: bytes
    key: Key
    algorithm: str
    material_id: str | None


def decrypt_blob(
    ctx: RequestContext,
    blob: bytes,
    context: Mapping[str, str] | None,
    key_id: str | None = None,
    algorithm: str | None = None,
    operation: str = "Decrypt",
    action: str = "Decrypt",
) -> Opened:
    named = resolve(ctx, key_id, cross_account=True) if key_id else None
    if named is not None and named.spec.family != "symmetric":
        check_cross_account(ctx, named, action)
        require_usable(named)
        require_usage(named, keyspecs.ENCRYPT_DECRYPT, operation)
        algorithm = _algorithm(named, algorithm, operation)
        if context:
            raise validation("EncryptionContext is not supported with asymmetric KMS keys.")
        try:
            plain = material.private(ctx, named).decrypt(blob, _oaep(algorithm))
        except ValueError:
            raise InvalidCiphertextException() from None
        return Opened(plain, named, algorithm, None)
    if algorithm not in (None, SYMMETRIC_DEFAULT):
        if named is not None:
            _algorithm(named, algorithm, operation)
        raise InvalidCiphertextException()
    parsed = vault.parse_blob(blob)
    arn = key_arn_of(ctx, parsed.key_id, account=parsed.account)
    if named is not None and named.arn != arn:
        raise IncorrectKeyException()
    key = named or key_by_arn(ctx, arn)
    if key is None:
        raise access_denied(_GONE)
    check_cross_account(ctx, key, action)
    require_usable(key)
    require_usage(key, keyspecs.ENCRYPT_DECRYPT, operation)
    secret = material.by_id(ctx, key, parsed.material_id)
    if secret is None:
        raise InvalidCiphertextException()
    return Opened(vault.open_blob(parsed, secret, context), key, SYMMETRIC_DEFAULT, parsed.material_id)


def data_key_length(params: dict[str, Any]) -> int:
    spec, count = params.get("KeySpec"), params.get("NumberOfBytes")
    if (spec is None) == (count is None):
        raise validation("Please specify either number of bytes or key spec.")
    if spec is not None:
        return 16 if spec == "AES_128" else 32
    return int(count or 0)


def require_symmetric(key: Key, operation: str) -> None:
    require_usage(key, keyspecs.ENCRYPT_DECRYPT, operation)
    if key.spec.family != "symmetric":
        raise InvalidKeyUsageException(
            f"{key.arn} key spec is {key.doc['KeySpec']} which is not valid for {operation}."
        )


# -- the handlers ------------------------------------------------------------------------------


def _key_for(ctx: RequestContext, params: dict[str, Any], member: str = "KeyId") -> Key:
    key = resolve(ctx, params[member], cross_account=True)
    grants.check_tokens(ctx, params)
    check_cross_account(ctx, key, ctx.operation)
    return key


@handler("kms", "Encrypt")
def encrypt(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _key_for(ctx, params)
    sealed = encrypt_with(
        ctx, key, params["Plaintext"], params.get("EncryptionContext"), params.get("EncryptionAlgorithm")
    )
    dry_run(params)
    note_use(ctx, key)
    return {"CiphertextBlob": sealed.blob, "KeyId": key.arn, "EncryptionAlgorithm": sealed.algorithm}


def _ciphertext(params: dict[str, Any]) -> bytes:
    """The request's ``CiphertextBlob`` (optional in the model, for the enclave forms; required
    by KMS)."""
    blob = params.get("CiphertextBlob")
    if blob is None:
        raise validation(
            "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: "
            "Member must not be null"
        )
    return bytes(blob)


@handler("kms", "Decrypt")
def decrypt(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _no_recipient(params)
    grants.check_tokens(ctx, params)
    opened = decrypt_blob(
        ctx,
        _ciphertext(params),
        params.get("EncryptionContext"),
        params.get("KeyId"),
        params.get("EncryptionAlgorithm"),
    )
    dry_run(params)
    note_use(ctx, opened.key)
    out: dict[str, Any] = {
        "KeyId": opened.key.arn,
        "Plaintext": opened.plaintext,
        "EncryptionAlgorithm": opened.algorithm,
    }
    if opened.material_id:
        out["KeyMaterialId"] = opened.material_id
    return out


@handler("kms", "ReEncrypt")
def re_encrypt(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    grants.check_tokens(ctx, params)
    opened = decrypt_blob(
        ctx,
        _ciphertext(params),
        params.get("SourceEncryptionContext"),
        params.get("SourceKeyId"),
        params.get("SourceEncryptionAlgorithm"),
        action="ReEncryptFrom",
    )
    dest = resolve(ctx, params["DestinationKeyId"], cross_account=True)
    check_cross_account(ctx, dest, "ReEncryptTo")
    sealed = encrypt_with(
        ctx,
        dest,
        opened.plaintext,
        params.get("DestinationEncryptionContext"),
        params.get("DestinationEncryptionAlgorithm"),
        operation="ReEncrypt",
    )
    dry_run(params)
    note_use(ctx, opened.key)
    if dest.arn != opened.key.arn:
        note_use(ctx, dest)
    out: dict[str, Any] = {
        "CiphertextBlob": sealed.blob,
        "SourceKeyId": opened.key.arn,
        "KeyId": dest.arn,
        "SourceEncryptionAlgorithm": opened.algorithm,
        "DestinationEncryptionAlgorithm": sealed.algorithm,
    }
    if opened.material_id:
        out["SourceKeyMaterialId"] = opened.material_id
    if sealed.material_id:
        out["DestinationKeyMaterialId"] = sealed.material_id
    return out


def _generate_data_key(ctx: RequestContext, params: dict[str, Any]) -> tuple[bytes, Sealed]:
    key = _key_for(ctx, params)
    length = data_key_length(params)
    require_usable(key)
    require_symmetric(key, ctx.operation)
    plaintext = os.urandom(length)
    sealed = encrypt_with(ctx, key, plaintext, params.get("EncryptionContext"), operation=ctx.operation)
    dry_run(params)
    note_use(ctx, key)
    return plaintext, sealed


@handler("kms", "GenerateDataKey")
def generate_data_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _no_recipient(params)
    plaintext, sealed = _generate_data_key(ctx, params)
    out: dict[str, Any] = {"CiphertextBlob": sealed.blob, "Plaintext": plaintext, "KeyId": sealed.key.arn}
    if sealed.material_id:
        out["KeyMaterialId"] = sealed.material_id
    return out


@handler("kms", "GenerateDataKeyWithoutPlaintext")
def generate_data_key_without_plaintext(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _plaintext, sealed = _generate_data_key(ctx, params)
    out: dict[str, Any] = {"CiphertextBlob": sealed.blob, "KeyId": sealed.key.arn}
    if sealed.material_id:
        out["KeyMaterialId"] = sealed.material_id
    return out


@handler("kms", "GenerateRandom", write=False)
def generate_random(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _no_recipient(params)
    if params.get("CustomKeyStoreId"):
        raise CustomKeyStoreNotFoundException(f"Custom key store {params['CustomKeyStoreId']} does not exist")
    count = params.get("NumberOfBytes")
    if count is None:
        raise validation("Please specify number of bytes.")
    return {"Plaintext": os.urandom(count)}
