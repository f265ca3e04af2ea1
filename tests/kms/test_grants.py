"""Grants: create (with constraints and names), list, retire by token or id, revoke."""

from __future__ import annotations

from typing import Any

from tests.kms.conftest import error_of

GRANTEE = "arn:aws:iam::123456789012:role/worker"
RETIRER = "arn:aws:iam::123456789012:role/admin"


def test_grant_lifecycle(kms: Any, new_key: Any) -> None:
    key = new_key()
    made = kms.create_grant(
        KeyId=key["KeyId"],
        GranteePrincipal=GRANTEE,
        RetiringPrincipal=RETIRER,
        Operations=["Encrypt", "Decrypt"],
        Constraints={"EncryptionContextSubset": {"tenant": "a"}},
        Name="worker",
    )
    assert len(made["GrantId"]) == 64 and made["GrantToken"]
    again = kms.create_grant(
        KeyId=key["KeyId"],
        GranteePrincipal=GRANTEE,
        RetiringPrincipal=RETIRER,
        Operations=["Encrypt", "Decrypt"],
        Constraints={"EncryptionContextSubset": {"tenant": "a"}},
        Name="worker",
    )
    assert again["GrantId"] == made["GrantId"]  # idempotent by name
    [grant] = kms.list_grants(KeyId=key["KeyId"])["Grants"]
    assert {
        k: grant[k]
        for k in ("KeyId", "GrantId", "Name", "GranteePrincipal", "RetiringPrincipal", "Operations")
    } == {
        "KeyId": key["Arn"],
        "GrantId": made["GrantId"],
        "Name": "worker",
        "GranteePrincipal": GRANTEE,
        "RetiringPrincipal": RETIRER,
        "Operations": ["Encrypt", "Decrypt"],
    }
    assert grant["Constraints"] == {"EncryptionContextSubset": {"tenant": "a"}}
    assert grant["IssuingAccount"] == "arn:aws:iam::123456789012:root"
    assert [g["GrantId"] for g in kms.list_retirable_grants(RetiringPrincipal=RETIRER)["Grants"]] == [
        made["GrantId"]
    ]
    # grant tokens are accepted at once; made-up ones are refused
    kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", GrantTokens=[made["GrantToken"]])
    assert (
        error_of(lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", GrantTokens=["!!"]))[0]
        == "InvalidGrantTokenException"
    )
    kms.retire_grant(GrantToken=made["GrantToken"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []
    other = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=GRANTEE, Operations=["GenerateDataKey"])
    kms.revoke_grant(KeyId=key["KeyId"], GrantId=other["GrantId"])
    assert (
        error_of(lambda: kms.revoke_grant(KeyId=key["KeyId"], GrantId=other["GrantId"]))[0]
        == "NotFoundException"
    )
    assert (
        error_of(lambda: kms.revoke_grant(KeyId=key["KeyId"], GrantId="nope"))[0] == "InvalidGrantIdException"
    )


def test_grant_refusals(kms: Any, new_key: Any) -> None:
    signer = new_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    assert error_of(
        lambda: kms.create_grant(KeyId=signer["KeyId"], GranteePrincipal=GRANTEE, Operations=["Encrypt"])
    )[0] == ("ValidationException")
    key = new_key()
    both = {"EncryptionContextSubset": {"a": "1"}, "EncryptionContextEquals": {"a": "1"}}
    assert (
        error_of(
            lambda: kms.create_grant(
                KeyId=key["KeyId"], GranteePrincipal=GRANTEE, Operations=["Decrypt"], Constraints=both
            )
        )[0]
        == "ValidationException"
    )
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []
