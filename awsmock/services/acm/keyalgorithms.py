"""Key algorithms as ACM names them (RequestCertificate's ``KeyAlgorithm``): making a key pair of
each, and naming the key of a certificate."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, rsa

#: name -> ("rsa", bits) or ("ec", curve)
ALGORITHMS: dict[str, tuple[str, Any]] = {
    "RSA_1024": ("rsa", 1024),
    "RSA_2048": ("rsa", 2048),
    "RSA_3072": ("rsa", 3072),
    "RSA_4096": ("rsa", 4096),
    "EC_prime256v1": ("ec", ec.SECP256R1),
    "EC_secp384r1": ("ec", ec.SECP384R1),
    "EC_secp521r1": ("ec", ec.SECP521R1),
}
_CURVES = {"secp256r1": "EC_prime256v1", "secp384r1": "EC_secp384r1", "secp521r1": "EC_secp521r1"}

DEFAULT = "RSA_2048"


def generate(name: str) -> Any:
    """A new private key of the algorithm ``name``."""
    family, size = ALGORITHMS[name]
    if family == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=size)
    return ec.generate_private_key(size())


def name_of(public_key: Any) -> str | None:
    """ACM's name of a public (or private) key's algorithm, None for one ACM does not support."""
    if isinstance(public_key, (rsa.RSAPublicKey, rsa.RSAPrivateKey)):
        name = f"RSA_{public_key.key_size}"
        return name if name in ALGORITHMS else None
    if isinstance(public_key, (ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey)):
        return _CURVES.get(public_key.curve.name)
    return None


def described(name: str) -> str:
    """The algorithm as DescribeCertificate spells it (``RSA-2048``, ``EC-prime256v1``), where
    ListCertificates and the request use the enum's underscore."""
    return name.replace("_", "-", 1)


def is_rsa(name: str) -> bool:
    return ALGORITHMS[name][0] == "rsa"
