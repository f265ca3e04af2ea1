"""The internal API other services call inside their own request (Secrets Manager, SSM...)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from awsmock.engine.context import RequestContext
from awsmock.engine.errors import ModeledError
from awsmock.services.kms import internal
from awsmock.state.store import Store

SECRETS = "alias/aws/secretsmanager"


@contextmanager
def request(
    store: Store, account: str = "123456789012", region: str = "us-east-1"
) -> Iterator[RequestContext]:
    """Another service's request (a write transaction), as its handler sees it."""
    with store.transaction() as tx:
        yield RequestContext("secretsmanager", "CreateSecret", tx, store, account_id=account, region=region)


def code_of(fn: Callable[[], Any]) -> tuple[str, str]:
    with pytest.raises(ModeledError) as caught:
        fn()
    return caught.value.code, caught.value.message


def test_the_aws_managed_key_is_made_on_first_use_and_then_reused(
    store: Store, inprocess_client: Any
) -> None:
    with request(store) as ctx:
        blob, arn = internal.encrypt(ctx, None, b"secret", {"SecretARN": "s"}, default_alias=SECRETS)
    with request(store) as ctx:
        blob2, arn2 = internal.encrypt(ctx, None, b"other", default_alias=SECRETS)
        assert internal.decrypt(ctx, blob, {"SecretARN": "s"}) == (b"secret", arn)
        assert internal.decrypt(ctx, blob2) == (b"other", arn)
        assert internal.key_arn(ctx, SECRETS) == arn
    assert arn2 == arn
    kms = inprocess_client("kms")
    meta = kms.describe_key(KeyId=SECRETS)["KeyMetadata"]
    assert (meta["Arn"], meta["KeyManager"], meta["KeyState"]) == (arn, "AWS", "Enabled")
    assert (
        meta["Description"]
        == "Default key that protects my Secrets Manager secrets when no other key is defined"
    )
    assert kms.get_key_rotation_status(KeyId=arn)["KeyRotationEnabled"] is True
    # its blob is an ordinary KMS ciphertext: the Decrypt API opens it too
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"SecretARN": "s"})["Plaintext"] == b"secret"
    # AWS managed keys are managed by AWS
    assert kms.list_aliases(KeyId=arn)["Aliases"][0]["AliasName"] == SECRETS


def test_each_account_and_region_has_its_own_managed_key(store: Store) -> None:
    with request(store) as ctx:
        _blob, east = internal.encrypt(ctx, None, b"x", default_alias=SECRETS)
    with request(store, region="eu-west-1") as ctx:
        _blob, west = internal.encrypt(ctx, None, b"x", default_alias=SECRETS)
    with request(store, account="111122223333") as ctx:
        _blob, other = internal.encrypt(ctx, None, b"x", default_alias=SECRETS)
    assert len({east, west, other}) == 3
    assert ":eu-west-1:" in west and ":111122223333:" in other


def test_customer_keys_by_id_arn_and_alias(store: Store, inprocess_client: Any) -> None:
    kms = inprocess_client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    with request(store) as ctx:
        for name in (key["KeyId"], key["Arn"], "alias/app", "arn:aws:kms:us-east-1:123456789012:alias/app"):
            blob, arn = internal.encrypt(ctx, name, b"data", {"a": "1"}, default_alias=SECRETS)
            assert arn == key["Arn"]
            assert internal.decrypt(ctx, blob, {"a": "1"}) == (b"data", key["Arn"])
            assert internal.key_arn(ctx, name) == key["Arn"]
        plain, blob, arn = internal.generate_data_key(
            ctx, "alias/app", {"a": "1"}, default_alias=SECRETS, length=16
        )
        assert len(plain) == 16 and arn == key["Arn"]
        assert internal.decrypt(ctx, blob, {"a": "1"})[0] == plain
        assert code_of(lambda: internal.decrypt(ctx, blob, {"a": "2"})) == ("InvalidCiphertextException", "")
        assert code_of(lambda: internal.decrypt(ctx, blob[:-1] + bytes([blob[-1] ^ 1]), {"a": "1"}))[0] == (
            "InvalidCiphertextException"
        )


def test_kms_errors_reach_the_caller(store: Store, inprocess_client: Any) -> None:
    kms = inprocess_client("kms")
    key = kms.create_key()["KeyMetadata"]
    signer = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    with request(store) as ctx:
        blob, _arn = internal.encrypt(ctx, key["KeyId"], b"x", default_alias=SECRETS)
    kms.disable_key(KeyId=key["KeyId"])
    with request(store) as ctx:
        missing = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
        assert code_of(lambda: internal.key_arn(ctx, missing)) == (
            "NotFoundException",
            f"Key '{missing}' does not exist",
        )
        assert code_of(lambda: internal.encrypt(ctx, "alias/none", b"x", default_alias=SECRETS)) == (
            "NotFoundException",
            "Alias arn:aws:kms:us-east-1:123456789012:alias/none is not found.",
        )
        assert code_of(lambda: internal.decrypt(ctx, blob)) == (
            "DisabledException",
            f"{key['Arn']} is disabled.",
        )
        assert code_of(lambda: internal.generate_data_key(ctx, signer["KeyId"], default_alias=SECRETS)) == (
            "InvalidKeyUsageException",
            f"{signer['Arn']} key usage is SIGN_VERIFY which is not valid for GenerateDataKey.",
        )
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    with request(store) as ctx:
        assert code_of(lambda: internal.encrypt(ctx, key["Arn"], b"x", default_alias=SECRETS)) == (
            "KMSInvalidStateException",
            f"{key['Arn']} is pending deletion.",
        )
