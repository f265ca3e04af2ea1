"""ListSecrets' filters, order and pages, and BatchGetSecretValue."""

from __future__ import annotations

from typing import Any

import pytest

from tests.secretsmanager.helpers import error_of


@pytest.fixture
def several(sm: Any) -> Any:
    sm.create_secret(
        Name="prod/Database",
        SecretString="1",
        Description="Conducts rotation for MySQL",
        Tags=[{"Key": "Environment", "Value": "Production"}],
    )
    sm.create_secret(
        Name="prod/cache",
        SecretString="2",
        Description="redis password",
        Tags=[{"Key": "env", "Value": "prod"}],
    )
    sm.create_secret(
        Name="dev/database",
        SecretString="3",
        Description="My basic description",
        Tags=[{"Key": "Environment", "Value": "dev"}],
    )
    sm.create_secret(Name="Datastore", SecretString="4")
    return sm


def _names(sm: Any, **kw: Any) -> list[str]:
    return [s["Name"] for s in sm.list_secrets(**kw)["SecretList"]]


def _filtered(sm: Any, *filters: tuple[str, list[str]]) -> set[str]:
    return set(_names(sm, Filters=[{"Key": k, "Values": v} for k, v in filters]))


def test_filters_match_as_documented(several: Any) -> None:
    sm = several
    assert _filtered(sm, ("name", ["prod/"])) == {"prod/Database", "prod/cache"}
    assert _filtered(sm, ("name", ["Data"])) == {"Datastore"}  # prefix, case-sensitive
    assert _filtered(sm, ("name", ["!prod"])) == {"dev/database", "Datastore"}
    assert _filtered(sm, ("description", ["conducts"])) == {"prod/Database"}  # not case-sensitive
    assert _filtered(sm, ("description", ["Description my"])) == {"dev/database"}  # its words, any order
    assert _filtered(sm, ("tag-key", ["Env"])) == {"prod/Database", "dev/database"}
    assert _filtered(sm, ("tag-value", ["Prod"])) == {"prod/Database"}
    assert _filtered(sm, ("tag-value", ["Prod", "prod"])) == {"prod/Database", "prod/cache"}  # alternatives
    assert _filtered(sm, ("tag-key", ["Environment"]), ("name", ["dev"])) == {"dev/database"}  # all apply
    assert _filtered(sm, ("all", ["REDIS"])) == {"prod/cache"}
    assert _filtered(sm, ("all", ["myDatabase"])) == {"prod/Database", "dev/database"}  # words my / database
    assert _filtered(sm, ("primary-region", ["us-"])) == set()  # none is replicated
    code, _ = error_of(lambda: sm.list_secrets(Filters=[{"Key": "name", "Values": ["bad*value"]}]))
    assert code == "ValidationException"


def test_sorted_and_paged(several: Any) -> None:
    sm = several
    assert _names(sm) == ["prod/Database", "prod/cache", "dev/database", "Datastore"]  # by creation
    assert _names(sm, SortBy="name", SortOrder="desc") == [
        "prod/cache",
        "prod/Database",
        "dev/database",
        "Datastore",
    ]
    seen: list[str] = []
    args: dict[str, Any] = {"MaxResults": 3, "SortBy": "name"}
    while True:
        page = sm.list_secrets(**args)
        seen += [s["Name"] for s in page["SecretList"]]
        if "NextToken" not in page:
            break
        sm.create_secret(Name="AAA-late", SecretString="x")  # added meanwhile: neither repeats nor shifts
        args["NextToken"] = page["NextToken"]
    assert seen == ["Datastore", "dev/database", "prod/Database", "prod/cache"]
    token = sm.list_secrets(MaxResults=1)["NextToken"]
    assert error_of(lambda: sm.list_secrets(MaxResults=1, NextToken=token, SortBy="name"))[0] == (
        "InvalidNextTokenException"
    )


def test_list_entries_describe_the_secret(several: Any) -> None:
    entry = several.list_secrets(Filters=[{"Key": "name", "Values": ["prod/cache"]}])["SecretList"][0]
    assert entry["Description"] == "redis password"
    assert entry["Tags"] == [{"Key": "env", "Value": "prod"}]
    assert list(entry["SecretVersionsToStages"].values()) == [["AWSCURRENT"]]
    assert "SecretString" not in entry and "VersionIdsToStages" not in entry


def test_batch_get_secret_value_by_ids_reports_each_failure(several: Any) -> None:
    sm = several
    sm.delete_secret(SecretId="Datastore")
    sm.create_secret(Name="novalue")
    out = sm.batch_get_secret_value(
        SecretIdList=["prod/cache", "missing", "Datastore", "novalue", "prod/Database"]
    )
    assert [(v["Name"], v["SecretString"]) for v in out["SecretValues"]] == [
        ("prod/cache", "2"),
        ("prod/Database", "1"),
    ]
    assert [(e["SecretId"], e["ErrorCode"]) for e in out["Errors"]] == [
        ("missing", "ResourceNotFoundException"),
        ("Datastore", "InvalidRequestException"),
        ("novalue", "ResourceNotFoundException"),
    ]


def test_batch_get_secret_value_by_filters_pages(several: Any) -> None:
    sm = several
    got: list[str] = []
    args: dict[str, Any] = {"Filters": [{"Key": "name", "Values": ["prod/", "dev/"]}], "MaxResults": 2}
    while True:
        page = sm.batch_get_secret_value(**args)
        got += [v["SecretString"] for v in page["SecretValues"]]
        if "NextToken" not in page:
            break
        args["NextToken"] = page["NextToken"]
    assert got == ["1", "2", "3"]
    assert error_of(lambda: sm.batch_get_secret_value()) == (
        "InvalidParameterException",
        "Either 'SecretIdList' or 'Filters' must be provided, but not both.",
    )
    assert error_of(lambda: sm.batch_get_secret_value(SecretIdList=["a"], MaxResults=2)) == (
        "InvalidParameterException",
        "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.",
    )
