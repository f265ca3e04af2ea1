"""Encryption with symmetric keys through boto3: blobs that name their key and are bound to their
encryption context, data keys usable with ``cryptography``, ReEncrypt, GenerateRandom."""

from __future__ import annotations

import os
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tests.kms.conftest import error_of

CONTEXT = {"purpose": "test", "tenant": "a"}


def test_encrypt_decrypt_without_key_id(kms: Any, new_key: Any) -> None:
    key = new_key()
    out = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"hello", EncryptionContext=CONTEXT)
    assert (out["KeyId"], out["EncryptionAlgorithm"]) == (key["Arn"], "SYMMETRIC_DEFAULT")
    back = kms.decrypt(
        CiphertextBlob=out["CiphertextBlob"], EncryptionContext=dict(reversed(CONTEXT.items()))
    )
    assert (back["Plaintext"], back["KeyId"], back["EncryptionAlgorithm"]) == (
        b"hello",
        key["Arn"],
        "SYMMETRIC_DEFAULT",
    )
    assert (
        back["KeyMaterialId"] == kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"]
    )
    # the same plaintext encrypts differently every time
    assert kms.encrypt(KeyId=key["KeyId"], Plaintext=b"hello")["CiphertextBlob"] != out["CiphertextBlob"]


@pytest.mark.parametrize(
    "context",
    [None, {"purpose": "test"}, {"purpose": "test", "tenant": "b"}, {**CONTEXT, "extra": "1"}],
)
def test_the_ciphertext_is_bound_to_its_encryption_context(kms: Any, new_key: Any, context: Any) -> None:
    key = new_key()
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"hello", EncryptionContext=CONTEXT)["CiphertextBlob"]
    args = (
        {"CiphertextBlob": blob}
        if context is None
        else {"CiphertextBlob": blob, "EncryptionContext": context}
    )
    assert error_of(lambda: kms.decrypt(**args)) == ("InvalidCiphertextException", "")


def test_tampered_and_foreign_blobs(kms: Any, new_key: Any) -> None:
    key, other = new_key(), new_key()
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"hello")["CiphertextBlob"]
    for i in (0, 60, len(blob) - 1):
        bad = blob[:i] + bytes([blob[i] ^ 0x01]) + blob[i + 1 :]
        assert error_of(lambda bad=bad: kms.decrypt(CiphertextBlob=bad))[0] in ("InvalidCiphertextException",)
    assert error_of(lambda: kms.decrypt(CiphertextBlob=os.urandom(200))) == ("InvalidCiphertextException", "")
    assert error_of(lambda: kms.decrypt(CiphertextBlob=blob, KeyId=other["KeyId"])) == (
        "IncorrectKeyException",
        "The key ID in the request does not identify a KMS key that can perform this operation.",
    )
    assert kms.decrypt(CiphertextBlob=blob, KeyId=key["Arn"])["Plaintext"] == b"hello"


def test_a_blob_of_another_account_does_not_open(aws_client: Any) -> None:
    mine = aws_client("kms")
    theirs = aws_client("kms", aws_access_key_id="111122223333", aws_secret_access_key="x")
    key = theirs.create_key()["KeyMetadata"]
    assert key["AWSAccountId"] == "111122223333"
    blob = theirs.encrypt(KeyId=key["KeyId"], Plaintext=b"theirs")["CiphertextBlob"]
    # their key policy (the default one) lets only their account in
    code, message = error_of(lambda: mine.decrypt(CiphertextBlob=blob))
    assert code == "AccessDeniedException" and "kms:Decrypt" in message and key["Arn"] in message
    assert theirs.decrypt(CiphertextBlob=blob)["Plaintext"] == b"theirs"


def test_a_blob_of_a_deleted_or_other_region_key(kms: Any, aws_client: Any, new_key: Any) -> None:
    key = new_key()
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    west = aws_client("kms", region="us-west-2")
    assert error_of(lambda: west.decrypt(CiphertextBlob=blob)) == (
        "AccessDeniedException",
        "The ciphertext refers to a customer master key that does not exist, does not exist in this region, "
        "or you are not allowed to access.",
    )


def test_data_keys_work_with_aesgcm(kms: Any, new_key: Any) -> None:
    key = new_key()
    kms.create_alias(AliasName="alias/data", TargetKeyId=key["KeyId"])
    for args, size in (
        ({"KeySpec": "AES_256"}, 32),
        ({"KeySpec": "AES_128"}, 16),
        ({"NumberOfBytes": 64}, 64),
    ):
        out = kms.generate_data_key(KeyId="alias/data", EncryptionContext=CONTEXT, **args)
        assert len(out["Plaintext"]) == size and out["KeyId"] == key["Arn"]
        assert (
            kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext=CONTEXT)["Plaintext"]
            == out["Plaintext"]
        )
    data_key = kms.generate_data_key(KeyId="alias/data", KeySpec="AES_256")
    sealed = AESGCM(data_key["Plaintext"]).encrypt(b"0" * 12, b"payload", None)
    unwrapped = kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"]
    assert AESGCM(unwrapped).decrypt(b"0" * 12, sealed, None) == b"payload"
    quiet = kms.generate_data_key_without_plaintext(KeyId=key["KeyId"], KeySpec="AES_256")
    assert (
        "Plaintext" not in quiet
        and len(kms.decrypt(CiphertextBlob=quiet["CiphertextBlob"])["Plaintext"]) == 32
    )
    message = "Please specify either number of bytes or key spec."
    assert error_of(lambda: kms.generate_data_key(KeyId=key["KeyId"])) == ("ValidationException", message)
    assert error_of(
        lambda: kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256", NumberOfBytes=32)
    ) == (
        "ValidationException",
        message,
    )


def test_re_encrypt_moves_a_ciphertext_to_another_key_and_context(kms: Any, new_key: Any) -> None:
    source, dest = new_key(), new_key()
    blob = kms.encrypt(KeyId=source["KeyId"], Plaintext=b"moving", EncryptionContext={"a": "1"})[
        "CiphertextBlob"
    ]
    out = kms.re_encrypt(
        CiphertextBlob=blob,
        SourceEncryptionContext={"a": "1"},
        DestinationKeyId=dest["KeyId"],
        DestinationEncryptionContext={"b": "2"},
    )
    assert (out["SourceKeyId"], out["KeyId"]) == (source["Arn"], dest["Arn"])
    assert out["SourceEncryptionAlgorithm"] == out["DestinationEncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    back = kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"b": "2"})
    assert (back["Plaintext"], back["KeyId"]) == (b"moving", dest["Arn"])
    assert error_of(lambda: kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=dest["KeyId"]))[0] == (
        "InvalidCiphertextException"
    )


def test_key_usage_is_enforced(kms: Any, new_key: Any) -> None:
    signer = new_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    assert error_of(lambda: kms.encrypt(KeyId=signer["KeyId"], Plaintext=b"x")) == (
        "InvalidKeyUsageException",
        f"{signer['Arn']} key usage is SIGN_VERIFY which is not valid for Encrypt.",
    )
    key = new_key()
    assert error_of(
        lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_256")
    )[0] == ("InvalidKeyUsageException")


def test_generate_random(kms: Any) -> None:
    one, two = (kms.generate_random(NumberOfBytes=32)["Plaintext"] for _ in range(2))
    assert len(one) == 32 and one != two
    assert error_of(lambda: kms.generate_random(NumberOfBytes=1025))[0] == "ValidationException"


@pytest.mark.parametrize("operation", ["decrypt", "re_encrypt"])
def test_a_missing_ciphertext_is_a_validation_error(kms: Any, new_key: Any, operation: str) -> None:
    key = new_key()
    extra = {"DestinationKeyId": key["KeyId"]} if operation == "re_encrypt" else {}
    assert error_of(lambda: getattr(kms, operation)(**extra)) == (
        "ValidationException",
        "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: "
        "Member must not be null",
    )
