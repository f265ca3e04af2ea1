"""Key policies that access control enforces: the default key policy delegates to IAM, a key
policy's Deny wins over IAM, a statement or a grant naming a user lets it in without IAM."""

from __future__ import annotations

import json
from typing import Any

from tests.auth.test_access_control import allow, policy, user_with_key
from tests.kms.conftest import error_of

ROOT = "arn:aws:iam::123456789012:root"


def test_key_policies_and_grants_decide_with_iam(clients: Any) -> None:
    iam, kms = clients("iam"), clients("kms")
    plain = kms.create_key()["KeyMetadata"]
    strict = kms.create_key(
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "admins",
                        "Effect": "Allow",
                        "Principal": {"AWS": ROOT},
                        "Action": "kms:*",
                        "Resource": "*",
                    },
                    {
                        "Sid": "no decrypt for the app",
                        "Effect": "Deny",
                        "Principal": {"AWS": "arn:aws:iam::123456789012:user/app"},
                        "Action": "kms:Decrypt",
                        "Resource": "*",
                    },
                    {
                        "Sid": "the reader needs no IAM policy",
                        "Effect": "Allow",
                        "Principal": {"AWS": "arn:aws:iam::123456789012:user/reader"},
                        "Action": "kms:DescribeKey",
                        "Resource": "*",
                    },
                ],
            }
        )
    )["KeyMetadata"]
    app = user_with_key(iam, "app", policy(allow("kms:*")))
    nobody = user_with_key(iam, "nobody")
    reader = user_with_key(iam, "reader")
    grant = kms.create_grant(
        KeyId=plain["KeyId"], GranteePrincipal="arn:aws:iam::123456789012:user/nobody", Operations=["Encrypt"]
    )
    assert grant["GrantId"]
    blob = kms.encrypt(KeyId=strict["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    clients.on()
    as_app, as_nobody, as_reader = clients("kms", app), clients("kms", nobody), clients("kms", reader)
    # the default key policy lets the account's IAM policies decide
    as_app.encrypt(KeyId=plain["KeyId"], Plaintext=b"x")
    code, message = error_of(lambda: as_nobody.describe_key(KeyId=plain["KeyId"]))
    assert code == "AccessDeniedException" and "kms:DescribeKey" in message
    # a grant lets its grantee in without an IAM policy, for the granted operations only
    as_nobody.encrypt(KeyId=plain["KeyId"], Plaintext=b"x")
    assert (
        error_of(lambda: as_nobody.generate_data_key(KeyId=plain["KeyId"], KeySpec="AES_256"))[0]
        == "AccessDeniedException"
    )
    # the key policy's Deny wins over the IAM Allow
    as_app.encrypt(KeyId=strict["KeyId"], Plaintext=b"y")
    code, message = error_of(lambda: as_app.decrypt(CiphertextBlob=blob))
    assert code == "AccessDeniedException"
    assert message == (
        "User: arn:aws:iam::123456789012:user/app is not authorized to perform: kms:Decrypt on resource: "
        f"{strict['Arn']} with an explicit deny in a resource-based policy"
    )
    # a statement naming the user itself lets it in without IAM
    assert as_reader.describe_key(KeyId=strict["KeyId"])["KeyMetadata"]["KeyId"] == strict["KeyId"]
    assert error_of(lambda: as_reader.describe_key(KeyId=plain["KeyId"]))[0] == "AccessDeniedException"
