"""Asymmetric and HMAC keys: Sign, Verify, GetPublicKey, GenerateMac, VerifyMac,
GenerateDataKeyPair(WithoutPlaintext), DeriveSharedSecret.

Signatures are what the algorithms' standards define, so they verify outside awsmock with the
DER public key GetPublicKey returns: RSASSA-PSS (salt as long as the digest) and PKCS #1 v1.5,
ECDSA (DER-encoded), Ed25519 (pure, and prehashed Ed25519ph as RFC 8032 defines it), ML-DSA
(FIPS 204, also over an external mu).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import constant_time, hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import ed25519ph, keyspecs, material
from .crypto import _key_for, _no_recipient, encrypt_with, require_symmetric, require_usage
from .errors import (
    InvalidKeyUsageException,
    KMSInvalidMacException,
    KMSInvalidSignatureException,
    UnsupportedOperationException,
    validation,
)
from .keys import note_use
from .lookup import Key, dry_run, require_usable

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "256": hashes.SHA256,
    "384": hashes.SHA384,
    "512": hashes.SHA512,
    "224": hashes.SHA224,
}


def _digest_of(algorithm: str) -> hashes.HashAlgorithm:
    return _HASHES[algorithm.rsplit("_", 1)[1]]()


def _message(key: Key, algorithm: str, message: bytes, message_type: str) -> tuple[bytes, bool]:
    """(what is signed, whether it is a digest already), after KMS's checks of the message type."""
    if message_type == "EXTERNAL_MU":
        if key.spec.family != "mldsa":
            raise validation("MessageType EXTERNAL_MU is only valid with ML-DSA keys.")
        if len(message) != 64:
            raise validation("Digest is invalid length for algorithm ML_DSA_SHAKE_256.")
        return message, True
    if message_type == "DIGEST":
        if key.spec.family == "mldsa" or algorithm == "ED25519_SHA_512":
            raise validation(f"MessageType DIGEST is not valid with signing algorithm {algorithm}.")
        size = (
            hashlib.sha512().digest_size
            if algorithm == "ED25519_PH_SHA_512"
            else _digest_of(algorithm).digest_size
        )
        if len(message) != size:
            raise validation(f"Digest is invalid length for algorithm {algorithm}.")
        return message, True
    return message, False


def _sign(key: Key, private: Any, algorithm: str, message: bytes, digest: bool) -> bytes:
    family = key.spec.family
    if family == "rsa":
        chosen = _digest_of(algorithm)
        pad: padding.AsymmetricPadding = (
            padding.PSS(padding.MGF1(_digest_of(algorithm)), chosen.digest_size)
            if "PSS" in algorithm
            else padding.PKCS1v15()
        )
        alg: Any = utils.Prehashed(chosen) if digest else chosen
        return bytes(private.sign(message, pad, alg))
    if family == "ec":
        chosen = _digest_of(algorithm)
        return bytes(private.sign(message, ec.ECDSA(utils.Prehashed(chosen) if digest else chosen)))
    if family == "ed25519":
        if algorithm == "ED25519_PH_SHA_512":
            return ed25519ph.sign(private, message if digest else hashlib.sha512(message).digest())
        return bytes(private.sign(message))
    return bytes(private.sign_mu(message) if digest else private.sign(message))


def _verify(key: Key, public: Any, algorithm: str, message: bytes, digest: bool, signature: bytes) -> bool:
    family = key.spec.family
    try:
        if family == "rsa":
            chosen = _digest_of(algorithm)
            pad: padding.AsymmetricPadding = (
                padding.PSS(padding.MGF1(_digest_of(algorithm)), chosen.digest_size)
                if "PSS" in algorithm
                else padding.PKCS1v15()
            )
            public.verify(signature, message, pad, utils.Prehashed(chosen) if digest else chosen)
        elif family == "ec":
            chosen = _digest_of(algorithm)
            public.verify(signature, message, ec.ECDSA(utils.Prehashed(chosen) if digest else chosen))
        elif family == "ed25519":
            if algorithm == "ED25519_PH_SHA_512":
                return ed25519ph.verify(
                    public, message if digest else hashlib.sha512(message).digest(), signature
                )
            public.verify(signature, message)
        elif digest:
            return _verify_mu(key, public, message, signature)
        else:
            public.verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def _verify_mu(key: Key, public: Any, mu: bytes, signature: bytes) -> bool:
    try:
        public.verify_mu(signature, mu)
    except (InvalidSignature, ValueError):
        return False
    return True


def _public(key: Key) -> Any:
    return serialization.load_der_public_key(base64.b64decode(key.doc["PublicKey"]))


def _signing_key(ctx: RequestContext, params: dict[str, Any]) -> tuple[Key, str, bytes, bool]:
    key = _key_for(ctx, params)
    require_usable(key)
    require_usage(key, keyspecs.SIGN_VERIFY, ctx.operation)
    algorithm = params["SigningAlgorithm"]
    if algorithm not in key.spec.usages[keyspecs.SIGN_VERIFY]:
        raise InvalidKeyUsageException(
            f"Algorithm {algorithm} is incompatible with key spec {key.doc['KeySpec']}."
        )
    message, digest = _message(key, algorithm, params["Message"], params.get("MessageType") or "RAW")
    return key, algorithm, message, digest


@handler("kms", "Sign")
def sign(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key, algorithm, message, digest = _signing_key(ctx, params)
    signature = _sign(key, material.private(ctx, key), algorithm, message, digest)
    dry_run(params)
    note_use(ctx, key)
    return {"KeyId": key.arn, "Signature": signature, "SigningAlgorithm": algorithm}


@handler("kms", "Verify")
def verify(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key, algorithm, message, digest = _signing_key(ctx, params)
    valid = _verify(key, _public(key), algorithm, message, digest, params["Signature"])
    dry_run(params)
    if not valid:
        raise KMSInvalidSignatureException()
    note_use(ctx, key)
    return {"KeyId": key.arn, "SignatureValid": True, "SigningAlgorithm": algorithm}


@handler("kms", "GetPublicKey")
def get_public_key(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _key_for(ctx, params)
    if not key.spec.asymmetric:
        raise UnsupportedOperationException(
            f"{key.arn} key spec is {key.doc['KeySpec']} which is not valid for GetPublicKey."
        )
    require_usable(key)
    out: dict[str, Any] = {
        "KeyId": key.arn,
        "PublicKey": base64.b64decode(key.doc["PublicKey"]),
        "KeySpec": key.doc["KeySpec"],
        "KeyUsage": key.usage,
    }
    if key.doc["KeySpec"].startswith(("RSA", "ECC_NIST_P", "ECC_SECG")):
        out["CustomerMasterKeySpec"] = key.doc["KeySpec"]
    member = {
        keyspecs.ENCRYPT_DECRYPT: "EncryptionAlgorithms",
        keyspecs.SIGN_VERIFY: "SigningAlgorithms",
        keyspecs.KEY_AGREEMENT: "KeyAgreementAlgorithms",
    }[key.usage]
    out[member] = list(key.spec.usages[key.usage])
    return out


# -- HMAC --------------------------------------------------------------------------------------


def _mac(ctx: RequestContext, params: dict[str, Any]) -> tuple[Key, str, bytes]:
    key = _key_for(ctx, params)
    require_usable(key)
    require_usage(key, keyspecs.GENERATE_VERIFY_MAC, ctx.operation)
    algorithm = params["MacAlgorithm"]
    if algorithm not in key.spec.usages[keyspecs.GENERATE_VERIFY_MAC]:
        raise InvalidKeyUsageException(
            f"Algorithm {algorithm} is incompatible with key spec {key.doc['KeySpec']}."
        )
    mac = hmac.HMAC(material.current(ctx, key)[1], _digest_of(algorithm))
    mac.update(params["Message"])
    return key, algorithm, mac.finalize()


@handler("kms", "GenerateMac")
def generate_mac(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key, algorithm, mac = _mac(ctx, params)
    dry_run(params)
    note_use(ctx, key)
    return {"Mac": mac, "MacAlgorithm": algorithm, "KeyId": key.arn}


@handler("kms", "VerifyMac")
def verify_mac(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key, algorithm, mac = _mac(ctx, params)
    dry_run(params)
    if not constant_time.bytes_eq(mac, params["Mac"]):
        raise KMSInvalidMacException()
    note_use(ctx, key)
    return {"KeyId": key.arn, "MacValid": True, "MacAlgorithm": algorithm}


# -- data key pairs ----------------------------------------------------------------------------


def _data_key_pair(ctx: RequestContext, params: dict[str, Any]) -> tuple[Key, bytes, bytes, Any]:
    key = _key_for(ctx, params)
    spec_name = params["KeyPairSpec"]
    if spec_name not in keyspecs.PAIR_SPECS:
        raise UnsupportedOperationException(f"KeyPairSpec {spec_name} is not supported in this region.")
    require_usable(key)
    require_symmetric(key, ctx.operation)
    private_der = keyspecs.generate(keyspecs.SPECS[spec_name])
    sealed = encrypt_with(ctx, key, private_der, params.get("EncryptionContext"), operation=ctx.operation)
    dry_run(params)
    note_use(ctx, key)
    return key, private_der, keyspecs.public_der(private_der), sealed


@handler("kms", "GenerateDataKeyPair")
def generate_data_key_pair(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _no_recipient(params)
    key, private_der, public, sealed = _data_key_pair(ctx, params)
    out: dict[str, Any] = {
        "PrivateKeyCiphertextBlob": sealed.blob,
        "PrivateKeyPlaintext": private_der,
        "PublicKey": public,
        "KeyId": key.arn,
        "KeyPairSpec": params["KeyPairSpec"],
    }
    if sealed.material_id:
        out["KeyMaterialId"] = sealed.material_id
    return out


@handler("kms", "GenerateDataKeyPairWithoutPlaintext")
def generate_data_key_pair_without_plaintext(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key, _private, public, sealed = _data_key_pair(ctx, params)
    out: dict[str, Any] = {
        "PrivateKeyCiphertextBlob": sealed.blob,
        "PublicKey": public,
        "KeyId": key.arn,
        "KeyPairSpec": params["KeyPairSpec"],
    }
    if sealed.material_id:
        out["KeyMaterialId"] = sealed.material_id
    return out


# -- key agreement -----------------------------------------------------------------------------


@handler("kms", "DeriveSharedSecret")
def derive_shared_secret(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _no_recipient(params)
    key = _key_for(ctx, params)
    require_usable(key)
    require_usage(key, keyspecs.KEY_AGREEMENT, "DeriveSharedSecret")
    try:
        peer = serialization.load_der_public_key(params["PublicKey"])
    except ValueError:
        raise validation("PublicKey is not a valid DER-encoded X.509 SubjectPublicKeyInfo.") from None
    if not isinstance(peer, ec.EllipticCurvePublicKey) or not isinstance(peer.curve, key.spec.curve):
        raise validation(f"The public key's curve does not match the key spec {key.doc['KeySpec']}.")
    secret = material.private(ctx, key).exchange(ec.ECDH(), peer)
    dry_run(params)
    note_use(ctx, key)
    return {
        "KeyId": key.arn,
        "SharedSecret": secret,
        "KeyAgreementAlgorithm": params["KeyAgreementAlgorithm"],
        "KeyOrigin": key.doc["Origin"],
    }
