"""Asymmetric and HMAC keys through boto3, checked outside awsmock with ``cryptography``: every
signing algorithm of every key spec, public keys in DER, RSA-OAEP encryption, data key pairs,
MACs, ECDH."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa, padding, rsa, utils

from awsmock.services.kms import ed25519ph
from tests.kms.conftest import error_of

_HASH = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}


def _verify_outside(
    public: Any, algorithm: str, message: bytes, signature: bytes, digest: bool = False
) -> None:
    """Verify a KMS signature with ``cryptography`` alone (raises InvalidSignature)."""
    chosen = _HASH.get(algorithm.rsplit("_", 1)[1], hashes.SHA512)()
    alg: Any = utils.Prehashed(chosen) if digest else chosen
    if algorithm.startswith("RSASSA_PSS"):
        public.verify(signature, message, padding.PSS(padding.MGF1(chosen), chosen.digest_size), alg)
    elif algorithm.startswith("RSASSA_PKCS1"):
        public.verify(signature, message, padding.PKCS1v15(), alg)
    elif algorithm.startswith("ECDSA"):
        public.verify(signature, message, ec.ECDSA(alg))
    elif algorithm == "ED25519_SHA_512":
        public.verify(signature, message)
    elif algorithm == "ED25519_PH_SHA_512":
        assert ed25519ph.verify(public, message if digest else hashlib.sha512(message).digest(), signature)
    else:
        public.verify(signature, message)


CASES = [
    (
        "RSA_2048",
        rsa.RSAPublicKey,
        [
            "RSASSA_PSS_SHA_256",
            "RSASSA_PSS_SHA_384",
            "RSASSA_PSS_SHA_512",
            "RSASSA_PKCS1_V1_5_SHA_256",
            "RSASSA_PKCS1_V1_5_SHA_384",
            "RSASSA_PKCS1_V1_5_SHA_512",
        ],
    ),
    ("ECC_NIST_P256", ec.EllipticCurvePublicKey, ["ECDSA_SHA_256"]),
    ("ECC_NIST_P384", ec.EllipticCurvePublicKey, ["ECDSA_SHA_384"]),
    ("ECC_NIST_P521", ec.EllipticCurvePublicKey, ["ECDSA_SHA_512"]),
    ("ECC_SECG_P256K1", ec.EllipticCurvePublicKey, ["ECDSA_SHA_256"]),
    ("ECC_NIST_EDWARDS25519", ed25519.Ed25519PublicKey, ["ED25519_SHA_512", "ED25519_PH_SHA_512"]),
    ("ML_DSA_44", mldsa.MLDSA44PublicKey, ["ML_DSA_SHAKE_256"]),
    ("ML_DSA_65", mldsa.MLDSA65PublicKey, ["ML_DSA_SHAKE_256"]),
    ("ML_DSA_87", mldsa.MLDSA87PublicKey, ["ML_DSA_SHAKE_256"]),
]


@pytest.mark.parametrize(("spec", "public_type", "algorithms"), CASES, ids=[c[0] for c in CASES])
def test_every_signing_algorithm_verifies_outside_awsmock(
    kms: Any, new_key: Any, spec: str, public_type: type, algorithms: list[str]
) -> None:
    key = new_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")
    assert key["SigningAlgorithms"] == algorithms and "EncryptionAlgorithms" not in key
    got = kms.get_public_key(KeyId=key["KeyId"])
    assert (got["KeyId"], got["KeySpec"], got["KeyUsage"], got["SigningAlgorithms"]) == (
        key["Arn"],
        spec,
        "SIGN_VERIFY",
        algorithms,
    )
    public = serialization.load_der_public_key(got["PublicKey"])
    assert isinstance(public, public_type)
    message = b"the message to sign"
    for algorithm in algorithms:
        out = kms.sign(KeyId=key["KeyId"], Message=message, SigningAlgorithm=algorithm)
        assert (out["KeyId"], out["SigningAlgorithm"]) == (key["Arn"], algorithm)
        _verify_outside(public, algorithm, message, out["Signature"])
        assert (
            kms.verify(
                KeyId=key["KeyId"], Message=message, Signature=out["Signature"], SigningAlgorithm=algorithm
            )["SignatureValid"]
            is True
        )
        assert error_of(
            lambda a=algorithm, s=out["Signature"]: kms.verify(
                KeyId=key["KeyId"], Message=b"other", Signature=s, SigningAlgorithm=a
            )
        ) == ("KMSInvalidSignatureException", "")
        if spec.startswith(("RSA", "ECC_NIST_P", "ECC_SECG")):  # a digest the caller made
            digest = hashlib.new("sha" + algorithm.rsplit("_", 1)[1], message).digest()
            signed = kms.sign(
                KeyId=key["KeyId"], Message=digest, MessageType="DIGEST", SigningAlgorithm=algorithm
            )
            _verify_outside(public, algorithm, digest, signed["Signature"], digest=True)
            assert error_of(
                lambda a=algorithm: kms.sign(
                    KeyId=key["KeyId"], Message=b"short", MessageType="DIGEST", SigningAlgorithm=a
                )
            ) == ("ValidationException", f"Digest is invalid length for algorithm {algorithm}.")


def test_larger_rsa_keys_and_external_mu(kms: Any, new_key: Any) -> None:
    for spec in ("RSA_3072", "RSA_4096"):
        key = new_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")
        public = serialization.load_der_public_key(kms.get_public_key(KeyId=key["KeyId"])["PublicKey"])
        assert public.key_size == int(spec.split("_")[1])  # type: ignore[union-attr]
        signature = kms.sign(KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_512")[
            "Signature"
        ]
        _verify_outside(public, "RSASSA_PSS_SHA_512", b"m", signature)
    key = new_key(KeySpec="ML_DSA_44", KeyUsage="SIGN_VERIFY")
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key["KeyId"])["PublicKey"])
    mu = bytes(range(64))
    signature = kms.sign(
        KeyId=key["KeyId"], Message=mu, MessageType="EXTERNAL_MU", SigningAlgorithm="ML_DSA_SHAKE_256"
    )
    public.verify_mu(signature["Signature"], mu)  # type: ignore[union-attr]


def test_signing_refuses_what_the_key_cannot_do(kms: Any, new_key: Any) -> None:
    key = new_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    assert error_of(lambda: kms.sign(KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_384")) == (
        "InvalidKeyUsageException",
        "Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256.",
    )
    symmetric = new_key()
    assert error_of(
        lambda: kms.sign(KeyId=symmetric["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")
    ) == (
        "InvalidKeyUsageException",
        f"{symmetric['Arn']} key usage is ENCRYPT_DECRYPT which is not valid for Sign.",
    )
    assert (
        error_of(lambda: kms.get_public_key(KeyId=symmetric["KeyId"]))[0] == "UnsupportedOperationException"
    )


def test_rsa_encryption_with_oaep(kms: Any, new_key: Any) -> None:
    key = new_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
    assert key["EncryptionAlgorithms"] == ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key["KeyId"])["PublicKey"])
    for algorithm, digest in (("RSAES_OAEP_SHA_1", hashes.SHA1), ("RSAES_OAEP_SHA_256", hashes.SHA256)):
        out = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"secret", EncryptionAlgorithm=algorithm)
        assert out["EncryptionAlgorithm"] == algorithm
        back = kms.decrypt(
            KeyId=key["KeyId"], CiphertextBlob=out["CiphertextBlob"], EncryptionAlgorithm=algorithm
        )
        assert (back["Plaintext"], back["EncryptionAlgorithm"]) == (b"secret", algorithm)
        # encrypted outside awsmock with the public key, decrypted by KMS
        outside = public.encrypt(b"from outside", padding.OAEP(padding.MGF1(digest()), digest(), None))  # type: ignore[union-attr]
        assert kms.decrypt(KeyId=key["Arn"], CiphertextBlob=outside, EncryptionAlgorithm=algorithm)[
            "Plaintext"
        ] == (b"from outside")
    assert error_of(lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x"))[0] == "InvalidKeyUsageException"
    assert error_of(
        lambda: kms.decrypt(
            KeyId=key["KeyId"], CiphertextBlob=b"\x01" * 256, EncryptionAlgorithm="RSAES_OAEP_SHA_256"
        )
    ) == ("InvalidCiphertextException", "")


def test_data_key_pairs(kms: Any, new_key: Any) -> None:
    key = new_key()
    out = kms.generate_data_key_pair(
        KeyId=key["KeyId"], KeyPairSpec="ECC_NIST_P256", EncryptionContext={"a": "b"}
    )
    private: Any = serialization.load_der_private_key(out["PrivateKeyPlaintext"], None)
    public: Any = serialization.load_der_public_key(out["PublicKey"])
    signature = private.sign(b"m", ec.ECDSA(hashes.SHA256()))
    public.verify(signature, b"m", ec.ECDSA(hashes.SHA256()))
    opened = kms.decrypt(CiphertextBlob=out["PrivateKeyCiphertextBlob"], EncryptionContext={"a": "b"})[
        "Plaintext"
    ]
    assert opened == out["PrivateKeyPlaintext"]
    quiet = kms.generate_data_key_pair_without_plaintext(KeyId=key["KeyId"], KeyPairSpec="RSA_2048")
    assert "PrivateKeyPlaintext" not in quiet and quiet["KeyPairSpec"] == "RSA_2048"
    rsa_private = serialization.load_der_private_key(
        kms.decrypt(CiphertextBlob=quiet["PrivateKeyCiphertextBlob"])["Plaintext"], None
    )
    assert (
        rsa_private.public_key().public_bytes(  # type: ignore[union-attr]
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        == quiet["PublicKey"]
    )


def test_hmac_keys(kms: Any, new_key: Any) -> None:
    for bits in (224, 256, 384, 512):
        key = new_key(KeySpec=f"HMAC_{bits}", KeyUsage="GENERATE_VERIFY_MAC")
        assert key["MacAlgorithms"] == [f"HMAC_SHA_{bits}"]
        mac = kms.generate_mac(KeyId=key["KeyId"], Message=b"msg", MacAlgorithm=f"HMAC_SHA_{bits}")["Mac"]
        assert len(mac) == bits // 8
        assert kms.verify_mac(KeyId=key["KeyId"], Message=b"msg", Mac=mac, MacAlgorithm=f"HMAC_SHA_{bits}")[
            "MacValid"
        ]
    assert error_of(
        lambda: kms.verify_mac(KeyId=key["KeyId"], Message=b"other", Mac=mac, MacAlgorithm="HMAC_SHA_512")
    ) == (
        "KMSInvalidMacException",
        "",
    )
    assert error_of(lambda: kms.generate_mac(KeyId=key["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256"))[
        0
    ] == ("InvalidKeyUsageException")
    assert mac != hmac.new(b"", b"msg", hashlib.sha512).digest()


def test_ecdh_shared_secret(kms: Any, new_key: Any) -> None:
    key = new_key(KeySpec="ECC_NIST_P384", KeyUsage="KEY_AGREEMENT")
    assert key["KeyAgreementAlgorithms"] == ["ECDH"]
    mine = ec.generate_private_key(ec.SECP384R1())
    der = mine.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    out = kms.derive_shared_secret(KeyId=key["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=der)
    theirs = serialization.load_der_public_key(kms.get_public_key(KeyId=key["KeyId"])["PublicKey"])
    assert out["SharedSecret"] == mine.exchange(ec.ECDH(), theirs)  # type: ignore[arg-type]
    assert out["KeyOrigin"] == "AWS_KMS"
    wrong = ec.generate_private_key(ec.SECP256R1()).public_key()
    wrong_der = wrong.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert error_of(
        lambda: kms.derive_shared_secret(
            KeyId=key["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=wrong_der
        )
    )[0] == ("ValidationException")
