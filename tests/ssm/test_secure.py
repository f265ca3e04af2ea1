"""SecureString through KMS: the AWS managed key alias/aws/ssm, customer keys, and what a
disabled key does to reads."""

from __future__ import annotations

import base64
from typing import Any

from tests.ssm.conftest import error_of


def test_default_key_and_decryption(ssm: Any, kms: Any) -> None:
    ssm.put_parameter(Name="/s", Value="hunter2", Type="SecureString")
    shown = ssm.get_parameter(Name="/s")["Parameter"]["Value"]
    assert shown != "hunter2"
    blob = base64.b64decode(shown)
    arn = "arn:aws:ssm:us-east-1:123456789012:parameter/s"
    plain = kms.decrypt(CiphertextBlob=blob, EncryptionContext={"PARAMETER_ARN": arn})["Plaintext"]
    assert plain == b"hunter2"
    aliases = {a["AliasName"] for a in kms.list_aliases()["Aliases"]}
    assert "alias/aws/ssm" in aliases
    assert ssm.get_parameter(Name="/s", WithDecryption=True)["Parameter"]["Value"] == "hunter2"
    got = ssm.get_parameters(Names=["/s"], WithDecryption=True)["Parameters"]
    assert got[0]["Value"] == "hunter2"


def test_customer_key_by_alias_and_disabled_key(ssm: Any, kms: Any) -> None:
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    ssm.put_parameter(Name="/k", Value="v", Type="SecureString", KeyId="alias/app")
    meta = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": ["/k"]}])["Parameters"][0]
    assert meta["KeyId"] == "alias/app"
    assert ssm.get_parameter(Name="/k", WithDecryption=True)["Parameter"]["Value"] == "v"
    kms.disable_key(KeyId=key["KeyId"])
    assert error_of(lambda: ssm.get_parameter(Name="/k", WithDecryption=True))[0] == "InvalidKeyId"
    assert ssm.get_parameter(Name="/k")["Parameter"]["Value"] != "v"
    assert error_of(lambda: ssm.put_parameter(Name="/k2", Value="v", Type="SecureString", KeyId=key["Arn"]))[0] == (
        "InvalidKeyId"
    )
    assert error_of(lambda: ssm.put_parameter(Name="/k3", Value="v", Type="SecureString", KeyId="alias/none"))[
        0
    ] == "InvalidKeyId"
    assert error_of(lambda: ssm.put_parameter(Name="/k4", Value="v", Type="String", KeyId="alias/app"))[0] == (
        "ValidationException"
    )
