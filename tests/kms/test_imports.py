"""Imported key material: wrapping parameters, import with RSAES-OAEP and RSA-AES key wrap,
expiry on a frozen clock, deletion and reimport."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import time_machine
from cryptography.hazmat.primitives import hashes, keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding

from tests.kms.conftest import error_of

START = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def _wrap(params: dict[str, Any], material: bytes, algorithm: str) -> bytes:
    public = serialization.load_der_public_key(params["PublicKey"])
    oaep = padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None)
    if algorithm == "RSA_AES_KEY_WRAP_SHA_256":
        aes = os.urandom(32)
        return public.encrypt(aes, oaep) + keywrap.aes_key_wrap_with_padding(aes, material)  # type: ignore[union-attr]
    return public.encrypt(material, oaep)  # type: ignore[union-attr]


def test_import_symmetric_material_that_expires(kms: Any, new_key: Any) -> None:
    with time_machine.travel(START, tick=False) as clock:
        key = new_key(Origin="EXTERNAL")
        assert (key["KeyState"], key["Origin"], key["Enabled"]) == ("PendingImport", "EXTERNAL", False)
        assert error_of(lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")) == (
            "KMSInvalidStateException",
            f"{key['Arn']} is pending import.",
        )
        params = kms.get_parameters_for_import(
            KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
        )
        assert params["ParametersValidTo"] == START + dt.timedelta(hours=24)
        material = os.urandom(32)
        out = kms.import_key_material(
            KeyId=key["KeyId"],
            ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=_wrap(params, material, "RSAES_OAEP_SHA_256"),
            ValidTo=START + dt.timedelta(days=10),
        )
        assert out["KeyId"] == key["Arn"] and len(out["KeyMaterialId"]) == 64
        meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        assert (meta["KeyState"], meta["ExpirationModel"], meta["ValidTo"]) == (
            "Enabled",
            "KEY_MATERIAL_EXPIRES",
            START + dt.timedelta(days=10),
        )
        blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"imported")["CiphertextBlob"]
        clock.move_to(START + dt.timedelta(days=10))
        assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"
        assert error_of(lambda: kms.decrypt(CiphertextBlob=blob))[0] == "KMSInvalidStateException"
        # the same material again brings the key back; other material is refused
        params = kms.get_parameters_for_import(
            KeyId=key["KeyId"], WrappingAlgorithm="RSA_AES_KEY_WRAP_SHA_256", WrappingKeySpec="RSA_3072"
        )
        assert (
            error_of(
                lambda: kms.import_key_material(
                    KeyId=key["KeyId"],
                    ImportToken=params["ImportToken"],
                    EncryptedKeyMaterial=_wrap(params, os.urandom(32), "RSA_AES_KEY_WRAP_SHA_256"),
                    ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
                )
            )[0]
            == "IncorrectKeyMaterialException"
        )
        kms.import_key_material(
            KeyId=key["KeyId"],
            ImportToken=params["ImportToken"],
            EncryptedKeyMaterial=_wrap(params, material, "RSA_AES_KEY_WRAP_SHA_256"),
            ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
        )
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"imported"
        kms.delete_imported_key_material(KeyId=key["KeyId"])
        assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingImport"


def test_import_tokens_expire_and_belong_to_their_key(kms: Any, new_key: Any) -> None:
    with time_machine.travel(START, tick=False) as clock:
        key, other = new_key(Origin="EXTERNAL"), new_key(Origin="EXTERNAL")
        params = kms.get_parameters_for_import(
            KeyId=key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
        )
        wrapped = _wrap(params, os.urandom(32), "RSAES_OAEP_SHA_256")
        args = {
            "ImportToken": params["ImportToken"],
            "EncryptedKeyMaterial": wrapped,
            "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE",
        }
        assert (
            error_of(lambda: kms.import_key_material(KeyId=other["KeyId"], **args))[0]
            == "InvalidImportTokenException"
        )
        clock.move_to(START + dt.timedelta(hours=24))
        assert (
            error_of(lambda: kms.import_key_material(KeyId=key["KeyId"], **args))[0]
            == "ExpiredImportTokenException"
        )
    plain = new_key()
    assert error_of(
        lambda: kms.get_parameters_for_import(
            KeyId=plain["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048"
        )
    ) == (
        "UnsupportedOperationException",
        f"{plain['Arn']} origin is AWS_KMS which is not valid for this operation.",
    )


def test_import_an_asymmetric_private_key(kms: Any, new_key: Any) -> None:
    key = new_key(Origin="EXTERNAL", KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    params = kms.get_parameters_for_import(
        KeyId=key["KeyId"], WrappingAlgorithm="RSA_AES_KEY_WRAP_SHA_256", WrappingKeySpec="RSA_2048"
    )
    private = ec.generate_private_key(ec.SECP256R1())
    der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    kms.import_key_material(
        KeyId=key["KeyId"],
        ImportToken=params["ImportToken"],
        EncryptedKeyMaterial=_wrap(params, der, "RSA_AES_KEY_WRAP_SHA_256"),
        ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE",
    )
    signature = kms.sign(KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    private.public_key().verify(signature, b"m", ec.ECDSA(hashes.SHA256()))
