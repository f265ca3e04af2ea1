"""Rotation: on demand and automatic (on a frozen clock); ciphertexts made before a rotation still
decrypt."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from tests.kms.conftest import error_of

START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_on_demand_rotation_keeps_old_ciphertexts(kms: Any, new_key: Any) -> None:
    key = new_key()
    before = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"old")["CiphertextBlob"]
    first = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"]
    assert kms.rotate_key_on_demand(KeyId=key["Arn"])["KeyId"] == key["KeyId"]
    second = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"]
    assert second != first
    after = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"new")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=before)["KeyMaterialId"] == first
    assert kms.decrypt(CiphertextBlob=after)["KeyMaterialId"] == second
    [rotation] = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert (rotation["KeyMaterialId"], rotation["RotationType"], rotation["KeyMaterialState"]) == (
        second,
        "ON_DEMAND",
        "CURRENT",
    )
    every = kms.list_key_rotations(KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
    assert [(r["KeyMaterialId"], r["KeyMaterialState"]) for r in every] == [
        (first, "NON_CURRENT"),
        (second, "CURRENT"),
    ]


def test_automatic_rotation_falls_due_on_its_period(kms: Any, new_key: Any) -> None:
    with time_machine.travel(START, tick=False) as clock:
        key = new_key()
        blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"year zero")["CiphertextBlob"]
        status = kms.get_key_rotation_status(KeyId=key["KeyId"])
        assert (status["KeyRotationEnabled"], status["KeyId"]) == (False, key["Arn"])
        assert "NextRotationDate" not in status
        kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
        status = kms.get_key_rotation_status(KeyId=key["KeyId"])
        assert (status["KeyRotationEnabled"], status["RotationPeriodInDays"]) == (True, 90)
        assert status["NextRotationDate"] == START + dt.timedelta(days=90)
        clock.move_to(START + dt.timedelta(days=89))
        assert kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"] == []
        clock.move_to(START + dt.timedelta(days=181))
        rotations = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
        assert [(r["RotationDate"], r["RotationType"]) for r in rotations] == [
            (START + dt.timedelta(days=90), "AUTOMATIC"),
            (START + dt.timedelta(days=180), "AUTOMATIC"),
        ]
        assert kms.get_key_rotation_status(KeyId=key["KeyId"])["NextRotationDate"] == START + dt.timedelta(
            days=270
        )
        current = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["CurrentKeyMaterialId"]
        assert current == rotations[-1]["KeyMaterialId"]
        fresh = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"day 181")["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=fresh)["KeyMaterialId"] == current
        assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"year zero"
        kms.disable_key_rotation(KeyId=key["KeyId"])
        clock.move_to(START + dt.timedelta(days=400))
        assert len(kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]) == 2
        assert kms.decrypt(CiphertextBlob=fresh)["Plaintext"] == b"day 181"


def test_rotation_refusals(kms: Any, new_key: Any) -> None:
    signer = new_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    assert (
        error_of(lambda: kms.enable_key_rotation(KeyId=signer["KeyId"]))[0] == "UnsupportedOperationException"
    )
    key = new_key()
    kms.disable_key(KeyId=key["KeyId"])
    assert error_of(lambda: kms.rotate_key_on_demand(KeyId=key["KeyId"])) == (
        "DisabledException",
        f"{key['Arn']} is disabled.",
    )
    kms.enable_key(KeyId=key["KeyId"])
    for _ in range(10):
        kms.rotate_key_on_demand(KeyId=key["KeyId"])
    assert error_of(lambda: kms.rotate_key_on_demand(KeyId=key["KeyId"]))[0] == "LimitExceededException"
