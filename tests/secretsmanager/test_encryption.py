"""Values encrypted through KMS: the AWS managed key made on first use, a customer key whose
state decides whether a value can be read or written, nothing in the store in the clear, and the
dashboard listing secrets without their values. Reading a value records the day it was read, once
a day, after the read has answered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import falcon.testing
import time_machine
from sqlalchemy import select

from awsmock.api.app import AwsmockApp
from awsmock.models.resources import Resource
from awsmock.state.store import Store
from tests.secretsmanager.helpers import error_of

DECRYPTION = (
    "DecryptionFailure",
    "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
)
ENCRYPTION = (
    "EncryptionFailure",
    "Secrets Manager can't encrypt the protected secret text using the provided KMS key. "
    "Check that the KMS key is available, enabled, and not in an invalid state.",
)


def test_a_disabled_customer_key_stops_reads_and_writes_until_enabled(
    inprocess_client: Callable[..., Any],
) -> None:
    sm, kms = inprocess_client("secretsmanager"), inprocess_client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=key["KeyId"])
    made = sm.create_secret(Name="cmk", SecretString="s3cret", KmsKeyId="alias/app")
    assert sm.describe_secret(SecretId="cmk")["KmsKeyId"] == "alias/app"
    [version] = sm.list_secret_version_ids(SecretId="cmk")["Versions"]
    assert version["KmsKeyIds"] == ["alias/app"]
    kms.disable_key(KeyId=key["KeyId"])
    assert error_of(lambda: sm.get_secret_value(SecretId="cmk")) == DECRYPTION
    assert (
        error_of(lambda: sm.get_secret_value(SecretId=made["ARN"], VersionId=made["VersionId"])) == DECRYPTION
    )
    assert error_of(lambda: sm.put_secret_value(SecretId="cmk", SecretString="new")) == ENCRYPTION
    assert len(sm.list_secret_version_ids(SecretId="cmk")["Versions"]) == 1  # the refused put made nothing
    kms.enable_key(KeyId=key["KeyId"])
    assert sm.get_secret_value(SecretId="cmk")["SecretString"] == "s3cret"
    assert error_of(lambda: sm.create_secret(Name="nokey", SecretString="v", KmsKeyId="alias/none"))[0] == (
        "ResourceNotFoundException"
    )


def test_the_managed_key_is_made_on_first_use_and_values_are_never_stored_in_the_clear(
    store: Store, inprocess_client: Callable[..., Any]
) -> None:
    sm, kms = inprocess_client("secretsmanager"), inprocess_client("kms")
    sm.create_secret(Name="plain", SecretString="very-distinctive-value")
    sm.put_secret_value(SecretId="plain", SecretBinary=b"binary-distinctive-value")
    aliases = {a["AliasName"] for a in kms.list_aliases()["Aliases"] if "TargetKeyId" in a}
    assert "alias/aws/secretsmanager" in aliases
    with store.transaction() as tx:
        documents = [str(r.document) for r in tx.session.scalars(select(Resource))]
    assert documents and not any("distinctive-value" in d for d in documents)
    assert sm.get_secret_value(SecretId="plain")["SecretBinary"] == b"binary-distinctive-value"


def test_the_dashboard_lists_secrets_and_never_their_values(
    app: AwsmockApp, inprocess_client: Callable[..., Any]
) -> None:
    sm = inprocess_client("secretsmanager")
    sm.create_secret(Name="shown", SecretString="hidden-value-123", Tags=[{"Key": "team", "Value": "a"}])
    web = falcon.testing.TestClient(app)
    answer = web.simulate_get("/_awsmock/dashboard/secretsmanager/resources", params={"region": "us-east-1"})
    assert answer.status_code == 200
    [secrets] = [g for g in answer.json["groups"] if g["kind"] == "secrets"]
    assert [(r["name"], r["tags"]) for r in secrets["items"]] == [("shown", {"team": "a"})]
    assert "hidden-value-123" not in answer.text
    assert [g["kind"] for g in answer.json["groups"]] == ["secrets"]  # the sealed values are not a listing


def _updated(store: Store, name: str) -> dt.datetime:
    with store.transaction() as tx:
        row = tx.session.scalars(
            select(Resource).where(Resource.kind == "secret", Resource.rid == name)
        ).one()
        return row.updated


def test_a_read_records_its_day_once(store: Store, inprocess_client: Callable[..., Any]) -> None:
    sm = inprocess_client("secretsmanager")
    start = dt.datetime(2031, 5, 2, 9, 30, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        made = sm.create_secret(Name="read", SecretString="v")
        assert "LastAccessedDate" not in sm.describe_secret(SecretId="read")
        sm.get_secret_value(SecretId="read")
        first = sm.describe_secret(SecretId="read")
        assert first["LastAccessedDate"] == dt.datetime(2031, 5, 2, tzinfo=dt.UTC)
        [version] = sm.list_secret_version_ids(SecretId="read")["Versions"]
        assert version["LastAccessedDate"] == dt.datetime(2031, 5, 2, tzinfo=dt.UTC)
    with time_machine.travel(start + dt.timedelta(hours=10), tick=False):
        written = _updated(store, "read")
        sm.get_secret_value(SecretId=made["ARN"])
        sm.get_secret_value(SecretId="read", VersionStage="AWSCURRENT")
        assert _updated(store, "read") == written  # the day was recorded already: nothing written
        assert sm.describe_secret(SecretId="read")["LastAccessedDate"] == first["LastAccessedDate"]
    with time_machine.travel(start + dt.timedelta(days=1), tick=False):
        sm.batch_get_secret_value(SecretIdList=["read"])
        assert sm.describe_secret(SecretId="read")["LastAccessedDate"] == dt.datetime(
            2031, 5, 3, tzinfo=dt.UTC
        )
