"""A secret's life through boto3: create, find (name, ARN, partial ARN), describe, update, tag,
delete and restore, with Secrets Manager's errors word for word."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest

from tests.secretsmanager.helpers import MARKED, NOT_FOUND, error_of

INVALID_NAME = (
    "ValidationException",
    "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!",
)


def test_a_secret_is_found_by_name_arn_and_partial_arn(sm: Any) -> None:
    made = sm.create_secret(Name="prod/db-password", SecretString="hunter2", Description="the db")
    assert re.fullmatch(
        r"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-password-[A-Za-z0-9]{6}", made["ARN"]
    )
    assert made["Name"] == "prod/db-password"
    for secret_id in ("prod/db-password", made["ARN"], made["ARN"][:-7]):
        got = sm.get_secret_value(SecretId=secret_id)
        assert (got["ARN"], got["SecretString"], got["VersionId"]) == (
            made["ARN"],
            "hunter2",
            made["VersionId"],
        )
        assert got["VersionStages"] == ["AWSCURRENT"]
    assert error_of(lambda: sm.get_secret_value(SecretId=made["ARN"][:-1] + "x")) == NOT_FOUND
    assert error_of(lambda: sm.describe_secret(SecretId="prod/db-pass")) == NOT_FOUND


def test_describe_reports_dates_labels_and_omits_what_is_unset(sm: Any) -> None:
    made = sm.create_secret(Name="described", SecretString="v")
    first = sm.describe_secret(SecretId="described")
    assert first["VersionIdsToStages"] == {made["VersionId"]: ["AWSCURRENT"]}
    for absent in (
        "LastAccessedDate",
        "Description",
        "KmsKeyId",
        "Tags",
        "DeletedDate",
        "RotationEnabled",
        "PrimaryRegion",
        "ReplicationStatus",
    ):
        assert absent not in first, absent
    assert first["CreatedDate"] <= first["LastChangedDate"]
    sm.get_secret_value(SecretId="described")
    accessed = sm.describe_secret(SecretId="described")["LastAccessedDate"]
    assert accessed.astimezone(dt.UTC).time() == dt.time(0, 0)  # kept to the day, as AWS keeps it


def test_a_secret_without_a_value_has_no_current_version(sm: Any) -> None:
    made = sm.create_secret(Name="empty")
    assert "VersionId" not in made
    assert "VersionIdsToStages" not in sm.describe_secret(SecretId="empty")
    assert error_of(lambda: sm.get_secret_value(SecretId="empty")) == (
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    )
    put = sm.put_secret_value(SecretId="empty", SecretString="now", VersionStages=["AWSPENDING"])
    assert put["VersionStages"] == ["AWSCURRENT", "AWSPENDING"]  # a first version is current


def test_binary_values_round_trip(sm: Any) -> None:
    blob = bytes(range(256))
    sm.create_secret(Name="binary", SecretBinary=blob)
    got = sm.get_secret_value(SecretId="binary")
    assert got["SecretBinary"] == blob and "SecretString" not in got
    code, message = error_of(lambda: sm.create_secret(Name="both", SecretString="a", SecretBinary=b"b"))
    assert (code, message) == (
        "InvalidParameterException",
        "You can't specify both a binary secret value and a string secret value in the same secret.",
    )


@pytest.mark.parametrize("name", ["Inv Name", " Inv*Name? ", "tab\tname"])
def test_names_outside_the_allowed_characters_are_refused(sm: Any, name: str) -> None:
    assert error_of(lambda: sm.create_secret(Name=name, SecretString="x")) == INVALID_NAME
    assert error_of(lambda: sm.describe_secret(SecretId=name)) == INVALID_NAME
    assert error_of(lambda: sm.get_secret_value(SecretId=name)) == INVALID_NAME
    assert sm.list_secrets()["SecretList"] == []


def test_a_name_ending_like_a_suffix_is_taken_as_a_complete_arn(sm: Any) -> None:
    made = sm.create_secret(Name="app-a1b2c3", SecretString="x")
    assert sm.get_secret_value(SecretId=made["ARN"])["SecretString"] == "x"
    assert error_of(lambda: sm.get_secret_value(SecretId=made["ARN"][:-7])) == NOT_FOUND


def test_create_is_refused_for_an_existing_name_but_a_retry_is_answered(sm: Any) -> None:
    token = str(uuid.uuid4())
    made = sm.create_secret(Name="dup", SecretString="v1", ClientRequestToken=token)
    again = sm.create_secret(Name="dup", SecretString="v1", ClientRequestToken=token)
    assert (again["ARN"], again["VersionId"]) == (made["ARN"], token)
    assert error_of(lambda: sm.create_secret(Name="dup", SecretString="v1")) == (
        "ResourceExistsException",
        "The operation failed because the secret dup already exists.",
    )
    assert error_of(lambda: sm.create_secret(Name="dup", SecretString="v2", ClientRequestToken=token)) == (
        "ResourceExistsException",
        f"You can't use ClientRequestToken {token} because that value is already in use for a version "
        f"of secret {made['ARN']}.",
    )
    assert len(sm.list_secret_version_ids(SecretId="dup")["Versions"]) == 1


def test_update_secret_changes_metadata_and_makes_a_new_current_version(sm: Any) -> None:
    made = sm.create_secret(Name="upd", SecretString="v1")
    only_description = sm.update_secret(SecretId="upd", Description="new words")
    assert "VersionId" not in only_description
    assert sm.describe_secret(SecretId="upd")["Description"] == "new words"
    new = sm.update_secret(SecretId=made["ARN"], SecretString="v2")
    stages = sm.describe_secret(SecretId="upd")["VersionIdsToStages"]
    assert stages == {made["VersionId"]: ["AWSPREVIOUS"], new["VersionId"]: ["AWSCURRENT"]}
    assert sm.get_secret_value(SecretId="upd")["SecretString"] == "v2"
    code, _ = error_of(
        lambda: sm.update_secret(SecretId="upd", SecretString="v3", ClientRequestToken=new["VersionId"])
    )
    assert code == "ResourceExistsException"
    assert error_of(lambda: sm.update_secret(SecretId="missing", Description="x")) == NOT_FOUND


def test_tags_are_added_listed_and_removed(sm: Any) -> None:
    sm.create_secret(Name="tagged", SecretString="v", Tags=[{"Key": "team", "Value": "a"}])
    sm.tag_resource(SecretId="tagged", Tags=[{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "b"}])
    assert sm.describe_secret(SecretId="tagged")["Tags"] == [
        {"Key": "env", "Value": "prod"},
        {"Key": "team", "Value": "b"},
    ]
    sm.untag_resource(SecretId="tagged", TagKeys=["env", "team", "absent"])
    assert sm.describe_secret(SecretId="tagged")["Tags"] == []  # once tagged, an empty list
    code, _ = error_of(lambda: sm.tag_resource(SecretId="tagged", Tags=[{"Key": "aws:own", "Value": "x"}]))
    assert code == "InvalidParameterException"
    many = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    assert error_of(lambda: sm.tag_resource(SecretId="tagged", Tags=many))[0] == "InvalidParameterException"
    assert sm.describe_secret(SecretId="tagged")["Tags"] == []
    assert error_of(lambda: sm.tag_resource(SecretId="nope", Tags=[{"Key": "a", "Value": "b"}])) == NOT_FOUND


def test_delete_validates_its_window_and_a_scheduled_secret_refuses_changes(sm: Any) -> None:
    sm.create_secret(Name="doomed", SecretString="v")
    assert error_of(
        lambda: sm.delete_secret(SecretId="doomed", RecoveryWindowInDays=7, ForceDeleteWithoutRecovery=True)
    ) == (
        "InvalidParameterException",
        "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    )
    for days in (6, 31):
        assert error_of(lambda d=days: sm.delete_secret(SecretId="doomed", RecoveryWindowInDays=d)) == (
            "InvalidParameterException",
            "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).",
        )
    deleted = sm.delete_secret(SecretId="doomed")
    assert deleted["DeletionDate"] - sm.describe_secret(SecretId="doomed")["DeletedDate"] == dt.timedelta(
        days=30
    )
    for call in (
        lambda: sm.get_secret_value(SecretId="doomed"),
        lambda: sm.put_secret_value(SecretId="doomed", SecretString="x"),
        lambda: sm.update_secret(SecretId="doomed", Description="x"),
        lambda: sm.tag_resource(SecretId="doomed", Tags=[{"Key": "a", "Value": "b"}]),
        lambda: sm.get_resource_policy(SecretId="doomed"),
        lambda: sm.delete_secret(SecretId="doomed"),
    ):
        assert error_of(call) == MARKED
    assert error_of(lambda: sm.create_secret(Name="doomed", SecretString="v")) == (
        "InvalidRequestException",
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
    )
    assert sm.list_secret_version_ids(SecretId="doomed")["Versions"]  # still listed while recoverable
    assert sm.restore_secret(SecretId="doomed")["Name"] == "doomed"
    assert "DeletedDate" not in sm.describe_secret(SecretId="doomed")
    assert sm.get_secret_value(SecretId="doomed")["SecretString"] == "v"


def test_force_delete_is_immediate_and_answers_for_any_name(sm: Any) -> None:
    first = sm.create_secret(Name="gone", SecretString="v")
    sm.delete_secret(SecretId="gone", RecoveryWindowInDays=7)
    forced = sm.delete_secret(SecretId="gone", ForceDeleteWithoutRecovery=True)  # a scheduled one too
    assert forced["ARN"] == first["ARN"]
    assert error_of(lambda: sm.describe_secret(SecretId="gone")) == NOT_FOUND
    again = sm.create_secret(Name="gone", SecretString="v2")
    assert again["ARN"] != first["ARN"]  # a new suffix: the old secret's permissions do not carry over
    ghost = sm.delete_secret(SecretId="never-was", ForceDeleteWithoutRecovery=True)
    assert ghost["Name"] == "never-was" and "DeletionDate" in ghost
    assert error_of(lambda: sm.delete_secret(SecretId="never-was")) == NOT_FOUND
    assert error_of(lambda: sm.restore_secret(SecretId="never-was")) == NOT_FOUND
