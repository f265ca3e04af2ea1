"""Versions and staging labels: PutSecretValue, GetSecretValue by id or label,
ListSecretVersionIds and UpdateSecretVersionStage, as AWS moves the labels."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import time_machine

from tests.secretsmanager.helpers import error_of


def _stages(sm: Any, name: str, deprecated: bool = False) -> dict[str, list[str]]:
    """Every version's labels, through every page."""
    out: dict[str, list[str]] = {}
    args: dict[str, Any] = {"SecretId": name, "IncludeDeprecated": deprecated}
    while True:
        page = sm.list_secret_version_ids(**args)
        out.update({v["VersionId"]: v.get("VersionStages", []) for v in page["Versions"]})
        if "NextToken" not in page:
            return out
        args["NextToken"] = page["NextToken"]


def test_put_moves_current_and_previous_and_keeps_custom_labels_sorted(sm: Any) -> None:
    v1 = sm.create_secret(Name="s", SecretString="one")["VersionId"]
    v2 = sm.put_secret_value(SecretId="s", SecretString="two", VersionStages=["zeta", "alpha", "zeta"])
    assert v2["VersionStages"] == ["alpha", "zeta"]
    assert sm.get_secret_value(SecretId="s")["SecretString"] == "one"  # AWSCURRENT did not move
    assert sm.get_secret_value(SecretId="s", VersionStage="alpha")["SecretString"] == "two"
    v3 = sm.put_secret_value(SecretId="s", SecretString="three", VersionStages=["alpha", "AWSCURRENT"])
    assert _stages(sm, "s") == {
        v1: ["AWSPREVIOUS"],
        v2["VersionId"]: ["zeta"],
        v3["VersionId"]: ["AWSCURRENT", "alpha"],
    }
    v4 = sm.put_secret_value(SecretId="s", SecretString="four")["VersionId"]
    assert _stages(sm, "s") == {
        v2["VersionId"]: ["zeta"],
        v3["VersionId"]: ["AWSPREVIOUS", "alpha"],
        v4: ["AWSCURRENT"],
    }
    listed = _stages(sm, "s", deprecated=True)
    assert listed[v1] == []  # deprecated: no labels, listed only on request
    assert list(listed) == [v1, v2["VersionId"], v3["VersionId"], v4]  # oldest first


def test_a_put_with_a_used_token_is_idempotent_only_for_the_same_value(sm: Any) -> None:
    sm.create_secret(Name="idem", SecretString="one")
    token = str(uuid.uuid4())
    first = sm.put_secret_value(SecretId="idem", SecretString="two", ClientRequestToken=token)
    again = sm.put_secret_value(SecretId="idem", SecretString="two", ClientRequestToken=token)
    assert (again["VersionId"], again["VersionStages"]) == (token, first["VersionStages"])
    code, message = error_of(
        lambda: sm.put_secret_value(SecretId="idem", SecretBinary=b"two", ClientRequestToken=token)
    )
    assert code == "ResourceExistsException" and token in message
    assert len(_stages(sm, "idem", deprecated=True)) == 2


def test_get_secret_value_errors(sm: Any) -> None:
    made = sm.create_secret(Name="g", SecretString="one")
    missing = str(uuid.uuid4())
    assert error_of(lambda: sm.get_secret_value(SecretId="g", VersionId=missing)) == (
        "ResourceNotFoundException",
        f"Secrets Manager can't find the specified secret value for VersionId: {missing}",
    )
    assert error_of(lambda: sm.get_secret_value(SecretId="g", VersionStage="AWSPREVIOUS")) == (
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
    )
    assert error_of(
        lambda: sm.get_secret_value(SecretId="g", VersionId=made["VersionId"], VersionStage="AWSPENDING")
    ) == (
        "InvalidRequestException",
        "You provided a VersionStage that is not associated to the provided VersionId.",
    )
    both = sm.get_secret_value(SecretId="g", VersionId=made["VersionId"], VersionStage="AWSCURRENT")
    assert both["SecretString"] == "one"


def test_update_secret_version_stage_moves_labels_as_aws_does(sm: Any) -> None:
    v1 = sm.create_secret(Name="r", SecretString="old")["VersionId"]
    v2 = sm.put_secret_value(SecretId="r", SecretString="new", VersionStages=["AWSPENDING"])["VersionId"]
    assert error_of(
        lambda: sm.update_secret_version_stage(SecretId="r", VersionStage="AWSCURRENT", MoveToVersionId=v2)
    ) == (
        "InvalidParameterException",
        "The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to "
        f"version {v1}, so you must explicitly reference that version in RemoveFromVersionId.",
    )
    out = sm.update_secret_version_stage(
        SecretId="r", VersionStage="AWSCURRENT", MoveToVersionId=v2, RemoveFromVersionId=v1
    )
    assert set(out) - {"ResponseMetadata"} == {"ARN", "Name"}
    assert _stages(sm, "r") == {v1: ["AWSPREVIOUS"], v2: ["AWSCURRENT", "AWSPENDING"]}
    assert sm.get_secret_value(SecretId="r")["SecretString"] == "new"
    sm.update_secret_version_stage(SecretId="r", VersionStage="AWSPENDING", RemoveFromVersionId=v2)
    assert _stages(sm, "r") == {v1: ["AWSPREVIOUS"], v2: ["AWSCURRENT"]}
    assert error_of(
        lambda: sm.update_secret_version_stage(
            SecretId="r", VersionStage="AWSCURRENT", RemoveFromVersionId=v2
        )
    ) == (
        "InvalidParameterException",
        "You can only move staging label AWSCURRENT to a different secret version. It can't be completely removed.",
    )
    sm.update_secret_version_stage(SecretId="r", VersionStage="blue", MoveToVersionId=v1)
    assert error_of(
        lambda: sm.update_secret_version_stage(SecretId="r", VersionStage="blue", RemoveFromVersionId=v2)
    )[0] == ("InvalidParameterException")
    unknown = str(uuid.uuid4())
    assert error_of(
        lambda: sm.update_secret_version_stage(SecretId="r", VersionStage="x", MoveToVersionId=unknown)
    )[0] == ("InvalidParameterException")
    assert _stages(sm, "r") == {v1: ["AWSPREVIOUS", "blue"], v2: ["AWSCURRENT"]}


def test_list_secret_version_ids_pages(sm: Any) -> None:
    sm.create_secret(Name="p", SecretString="0")
    made = [
        sm.put_secret_value(SecretId="p", SecretString=str(i), VersionStages=[f"l{i}"])["VersionId"]
        for i in range(4)
    ]
    seen: list[str] = []
    args: dict[str, Any] = {"SecretId": "p", "MaxResults": 2}
    while True:
        page = sm.list_secret_version_ids(**args)
        assert len(page["Versions"]) <= 2 and page["Name"] == "p"
        seen += [v["VersionId"] for v in page["Versions"]]
        if "NextToken" not in page:
            break
        args["NextToken"] = page["NextToken"]
    assert seen[1:] == made and len(seen) == 5
    code, _ = error_of(lambda: sm.list_secret_version_ids(SecretId="p", NextToken="not-a-token"))
    assert code == "InvalidNextTokenException"


def test_deprecated_versions_beyond_a_hundred_are_removed_once_a_day_old(sm: Any) -> None:
    start = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        first = sm.create_secret(Name="many", SecretString="0")["VersionId"]
        for i in range(1, 100):
            sm.put_secret_value(SecretId="many", SecretString=str(i))
    with time_machine.travel(start + dt.timedelta(hours=1), tick=False):
        sm.put_secret_value(SecretId="many", SecretString="100")  # young: all 101 are kept
        assert len(_stages(sm, "many", deprecated=True)) == 101
    with time_machine.travel(start + dt.timedelta(days=2), tick=False):
        sm.put_secret_value(SecretId="many", SecretString="101")
        kept = _stages(sm, "many", deprecated=True)
    assert len(kept) == 100 and first not in kept
    assert sum(1 for s in kept.values() if s) == 2  # AWSCURRENT and AWSPREVIOUS survive
