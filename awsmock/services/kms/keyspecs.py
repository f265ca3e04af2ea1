"""What each key spec is: the key usages it allows, its algorithms, and how its material is made
and read (with ``cryptography``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa, rsa

ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT"
SIGN_VERIFY = "SIGN_VERIFY"
GENERATE_VERIFY_MAC = "GENERATE_VERIFY_MAC"
KEY_AGREEMENT = "KEY_AGREEMENT"

RSA_ENCRYPTION = ("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256")
RSA_SIGNING = (
    "RSASSA_PSS_SHA_256",
    "RSASSA_PSS_SHA_384",
    "RSASSA_PSS_SHA_512",
    "RSASSA_PKCS1_V1_5_SHA_256",
    "RSASSA_PKCS1_V1_5_SHA_384",
    "RSASSA_PKCS1_V1_5_SHA_512",
)


@dataclass(frozen=True)
class Spec:
    name: str
    #: key usage -> the algorithms of that usage
    usages: dict[str, tuple[str, ...]]
    family: str  # symmetric, hmac, rsa, ec, ed25519, mldsa
    size: int = 0  # bits (RSA), bytes (HMAC)
    curve: Any = None

    @property
    def asymmetric(self) -> bool:
        return self.family in ("rsa", "ec", "ed25519", "mldsa")


_EC_CURVES = {
    "ECC_NIST_P256": (ec.SECP256R1, "ECDSA_SHA_256"),
    "ECC_NIST_P384": (ec.SECP384R1, "ECDSA_SHA_384"),
    "ECC_NIST_P521": (ec.SECP521R1, "ECDSA_SHA_512"),
    "ECC_SECG_P256K1": (ec.SECP256K1, "ECDSA_SHA_256"),
}

SPECS: dict[str, Spec] = {
    "SYMMETRIC_DEFAULT": Spec("SYMMETRIC_DEFAULT", {ENCRYPT_DECRYPT: ("SYMMETRIC_DEFAULT",)}, "symmetric", 32)
}
for _bits in (2048, 3072, 4096):
    SPECS[f"RSA_{_bits}"] = Spec(
        f"RSA_{_bits}", {ENCRYPT_DECRYPT: RSA_ENCRYPTION, SIGN_VERIFY: RSA_SIGNING}, "rsa", _bits
    )
for _name, (_curve, _alg) in _EC_CURVES.items():
    usages: dict[str, tuple[str, ...]] = {SIGN_VERIFY: (_alg,)}
    if _name.startswith("ECC_NIST"):
        usages[KEY_AGREEMENT] = ("ECDH",)
    SPECS[_name] = Spec(_name, usages, "ec", curve=_curve)
SPECS["ECC_NIST_EDWARDS25519"] = Spec(
    "ECC_NIST_EDWARDS25519", {SIGN_VERIFY: ("ED25519_SHA_512", "ED25519_PH_SHA_512")}, "ed25519"
)
for _level in (44, 65, 87):
    SPECS[f"ML_DSA_{_level}"] = Spec(
        f"ML_DSA_{_level}", {SIGN_VERIFY: ("ML_DSA_SHAKE_256",)}, "mldsa", _level
    )
for _bits in (224, 256, 384, 512):
    SPECS[f"HMAC_{_bits}"] = Spec(
        f"HMAC_{_bits}", {GENERATE_VERIFY_MAC: (f"HMAC_SHA_{_bits}",)}, "hmac", _bits // 8
    )

#: the key specs a data key pair may have (GenerateDataKeyPair)
PAIR_SPECS = tuple(n for n in SPECS if SPECS[n].family in ("rsa", "ec", "ed25519"))

_MLDSA: dict[int, Any] = {
    44: mldsa.MLDSA44PrivateKey,
    65: mldsa.MLDSA65PrivateKey,
    87: mldsa.MLDSA87PrivateKey,
}


def generate(spec: Spec) -> bytes:
    """New key material: raw bytes (symmetric, HMAC) or a PKCS #8 DER private key."""
    if spec.family in ("symmetric", "hmac"):
        return os.urandom(spec.size)
    key: Any
    if spec.family == "rsa":
        key = rsa.generate_private_key(65537, spec.size)
    elif spec.family == "ec":
        key = ec.generate_private_key(spec.curve())
    elif spec.family == "ed25519":
        key = ed25519.Ed25519PrivateKey.generate()
    else:
        key = _MLDSA[spec.size].generate()
    return bytes(
        key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )


def private_key(material: bytes, *, checked: bool = True) -> Any:
    """A private key from its PKCS #8 DER. ``checked``: the material is the key's own (made or
    imported and checked before), so RSA's costly consistency checks are skipped."""
    return serialization.load_der_private_key(material, None, unsafe_skip_rsa_key_validation=checked)


def public_der(material: bytes) -> bytes:
    """The DER SubjectPublicKeyInfo of a private key's material."""
    return bytes(
        private_key(material)
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def matches(spec: Spec, key: Any) -> bool:
    """Whether a private key (imported material) is of ``spec``."""
    if spec.family == "rsa":
        return isinstance(key, rsa.RSAPrivateKey) and key.key_size == spec.size
    if spec.family == "ec":
        return isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, spec.curve)
    if spec.family == "ed25519":
        return isinstance(key, ed25519.Ed25519PrivateKey)
    if spec.family == "mldsa":
        return isinstance(key, _MLDSA[spec.size])
    return False
