"""Versions and aliases: PublishVersion (preconditions, nothing new when nothing changed),
ListVersionsByFunction, aliases with routing weights, qualified ARNs."""

from __future__ import annotations

from typing import Any

from .conftest import error_of, zip_of


def test_publish_and_list_versions(lam: Any, new_function: Any) -> None:
    name = new_function()
    latest = lam.get_function_configuration(FunctionName=name)
    assert (
        error_of(lambda: lam.publish_version(FunctionName=name, CodeSha256="abc"))[0]
        == "InvalidParameterValueException"
    )
    assert (
        error_of(lambda: lam.publish_version(FunctionName=name, RevisionId="nope"))[0]
        == "PreconditionFailedException"
    )
    one = lam.publish_version(FunctionName=name, Description="first", CodeSha256=latest["CodeSha256"])
    assert (one["Version"], one["Description"]) == ("1", "first")
    assert one["FunctionArn"].endswith(f":{name}:1")
    again = lam.publish_version(FunctionName=name)
    assert again["Version"] == "1"  # nothing changed since
    lam.update_function_configuration(FunctionName=name, Timeout=9)
    assert lam.publish_version(FunctionName=name)["Version"] == "2"
    versions = lam.list_versions_by_function(FunctionName=name)["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1", "2"]
    assert versions[0]["FunctionArn"].endswith(":$LATEST")
    assert [v["Timeout"] for v in versions] == [9, 3, 9]
    page = lam.list_versions_by_function(FunctionName=name, MaxItems=2)
    assert [v["Version"] for v in page["Versions"]] == ["$LATEST", "1"]
    rest = lam.list_versions_by_function(FunctionName=name, Marker=page["NextMarker"])
    assert [v["Version"] for v in rest["Versions"]] == ["2"]
    assert lam.get_function(FunctionName=name, Qualifier="1")["Configuration"]["Timeout"] == 3


def test_aliases(lam: Any, new_function: Any) -> None:
    name = new_function(Publish=True)
    lam.update_function_code(
        FunctionName=name, ZipFile=zip_of({"index.py": "def handler(e, c):\n    return 2\n"})
    )
    lam.publish_version(FunctionName=name)
    alias = lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1", Description="d")
    assert alias["AliasArn"].endswith(f":{name}:live")
    assert error_of(lambda: lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")) == (
        "ResourceConflictException",
        f"Alias already exists: {alias['AliasArn']}",
    )
    assert error_of(lambda: lam.create_alias(FunctionName=name, Name="x", FunctionVersion="9"))[0] == (
        "ResourceNotFoundException"
    )
    assert error_of(lambda: lam.get_alias(FunctionName=name, Name="nope")) == (
        "ResourceNotFoundException",
        f"Cannot find alias arn: arn:aws:lambda:us-east-1:123456789012:function:{name}:nope",
    )
    assert (
        error_of(
            lambda: lam.create_alias(
                FunctionName=name,
                Name="w",
                FunctionVersion="$LATEST",
                RoutingConfig={"AdditionalVersionWeights": {"1": 0.5}},
            )
        )[0]
        == "InvalidParameterValueException"
    )
    updated = lam.update_alias(
        FunctionName=name,
        Name="live",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.25}},
        RevisionId=alias["RevisionId"],
    )
    assert updated["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.25}}
    assert error_of(lambda: lam.update_alias(FunctionName=name, Name="live", RevisionId=alias["RevisionId"]))[
        0
    ] == ("PreconditionFailedException")
    assert error_of(lambda: lam.delete_function(FunctionName=name, Qualifier="2")) == (
        "ResourceConflictException",
        "Unable to delete version because the following aliases reference it: [live]",
    )
    lam.create_alias(FunctionName=name, Name="beta", FunctionVersion="2")
    assert [a["Name"] for a in lam.list_aliases(FunctionName=name)["Aliases"]] == ["beta", "live"]
    assert [a["Name"] for a in lam.list_aliases(FunctionName=name, FunctionVersion="2")["Aliases"]] == [
        "beta"
    ]
    by_alias = lam.get_function_configuration(FunctionName=name, Qualifier="beta")
    assert by_alias["Version"] == "2"
    lam.delete_alias(FunctionName=name, Name="beta")
    lam.delete_alias(FunctionName=name, Name="beta")
    assert [a["Name"] for a in lam.list_aliases(FunctionName=name)["Aliases"]] == ["live"]
