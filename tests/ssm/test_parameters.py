"""PutParameter's rules, GetParameter(s) with selectors and ARNs, deletes, tiers, versions."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from tests.ssm.conftest import error_of


def test_put_get_overwrite_and_versions(ssm: Any) -> None:
    assert ssm.put_parameter(Name="/app/url", Value="v1", Type="String")["Version"] == 1
    code, message = error_of(lambda: ssm.put_parameter(Name="/app/url", Value="v2", Type="String"))
    assert code == "ParameterAlreadyExists"
    assert "set the overwrite option in the request to true" in message
    out = ssm.put_parameter(Name="/app/url", Value="v2", Overwrite=True)  # the type is kept
    assert (out["Version"], out["Tier"]) == (2, "Standard")
    p = ssm.get_parameter(Name="/app/url")["Parameter"]
    assert (p["Value"], p["Version"], p["Type"], p["DataType"]) == ("v2", 2, "String", "text")
    assert p["ARN"] == "arn:aws:ssm:us-east-1:123456789012:parameter/app/url"
    old = ssm.get_parameter(Name="/app/url:1")["Parameter"]
    assert (old["Value"], old["Version"], old["Selector"], old["Name"]) == ("v1", 1, ":1", "/app/url")
    by_arn = ssm.get_parameter(Name=p["ARN"])["Parameter"]
    assert by_arn["Value"] == "v2"
    ssm.put_parameter(Name="flat", Value="x", Type="StringList")
    flat = ssm.get_parameter(Name="flat")["Parameter"]
    assert flat["ARN"].endswith(":parameter/flat")
    assert ssm.get_parameter(Name=flat["ARN"])["Parameter"]["Name"] == "flat"


def test_missing_and_wrong_versions(ssm: Any) -> None:
    assert error_of(lambda: ssm.get_parameter(Name="/nope"))[0] == "ParameterNotFound"
    ssm.put_parameter(Name="/a", Value="1", Type="String")
    code, message = error_of(lambda: ssm.get_parameter(Name="/a:7"))
    assert code == "ParameterVersionNotFound"
    assert "could not find version 7 of /a" in message
    assert error_of(lambda: ssm.get_parameter(Name="/a:nolabel"))[0] == "ParameterVersionNotFound"
    got = ssm.get_parameters(Names=["/a", "/b", "/a:3", "/a:1"])
    assert [p["Name"] for p in got["Parameters"]] == ["/a", "/a"]
    assert got["InvalidParameters"] == ["/b", "/a:3"]


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("/aws/mine", 'prefixed with "aws" or "ssm"'),
        ("SSM-thing", 'prefixed with "aws" or "ssm"'),
        ("/a/b c", "can't contain spaces"),
        ("/a/b$", "the following 3 symbols .-_"),
        ("a/b", "fully qualified"),
    ],
)
def test_names_that_are_refused(ssm: Any, name: str, fragment: str) -> None:
    code, message = error_of(lambda: ssm.put_parameter(Name=name, Value="v", Type="String"))
    assert code == "ValidationException"
    assert fragment in message


def test_hierarchy_depth_and_spaces_around_names(ssm: Any) -> None:
    deep = "".join(f"/l{i}" for i in range(16))
    assert error_of(lambda: ssm.put_parameter(Name=deep, Value="v", Type="String"))[0] == (
        "HierarchyLevelLimitExceededException"
    )
    ssm.put_parameter(Name="".join(f"/l{i}" for i in range(15)), Value="v", Type="String")
    ssm.put_parameter(Name="  /trimmed  ", Value="v", Type="String")
    assert ssm.get_parameter(Name="/trimmed")["Parameter"]["Value"] == "v"


def test_type_is_required_to_create_and_tags_refuse_overwrite(ssm: Any) -> None:
    code, message = error_of(lambda: ssm.put_parameter(Name="/t", Value="v"))
    assert (code, message) == ("ValidationException", "A parameter type is required when you create a parameter.")
    ssm.put_parameter(Name="/t", Value="v", Type="String", Tags=[{"Key": "team", "Value": "a"}])
    code, message = error_of(
        lambda: ssm.put_parameter(Name="/t", Value="w", Overwrite=True, Tags=[{"Key": "k", "Value": "v"}])
    )
    assert code == "ValidationException" and "tags and overwrite can't be used together" in message
    assert ssm.get_parameter(Name="/t")["Parameter"]["Version"] == 1


def test_tiers_sizes_and_downgrade(ssm: Any) -> None:
    big = "x" * 4097
    code, message = error_of(lambda: ssm.put_parameter(Name="/big", Value=big, Type="String"))
    assert code == "ValidationException" and "maximum parameter value of 4096 characters" in message
    out = ssm.put_parameter(Name="/big", Value=big, Type="String", Tier="Intelligent-Tiering")
    assert out["Tier"] == "Advanced"
    small = ssm.put_parameter(Name="/small", Value="x", Type="String", Tier="Intelligent-Tiering")
    assert small["Tier"] == "Standard"
    assert error_of(lambda: ssm.put_parameter(Name="/huge", Value="x" * 8193, Type="String", Tier="Advanced"))[
        0
    ] == "ValidationException"
    code, message = error_of(
        lambda: ssm.put_parameter(Name="/big", Value="y", Overwrite=True, Tier="Standard")
    )
    assert code == "ValidationException" and "can't downgrade" in message
    assert ssm.put_parameter(Name="/big", Value="y", Overwrite=True)["Tier"] == "Advanced"


def test_allowed_pattern_and_data_types(ssm: Any) -> None:
    code, message = error_of(
        lambda: ssm.put_parameter(Name="/n", Value="abc", Type="String", AllowedPattern=r"^\d+$")
    )
    assert code == "ParameterPatternMismatchException"
    assert message == r"Parameter value, cannot be validated against allowedPattern: ^\d+$"
    ssm.put_parameter(Name="/n", Value="123", Type="String", AllowedPattern=r"^\d+$")
    assert error_of(lambda: ssm.put_parameter(Name="/n", Value="12a", Overwrite=True))[0] == (
        "ParameterPatternMismatchException"
    )
    assert error_of(lambda: ssm.put_parameter(Name="/r", Value="a", Type="String", AllowedPattern="(("))[0] == (
        "InvalidAllowedPatternException"
    )
    ssm.put_parameter(Name="/ami", Value="ami-0123456789abcdef0", Type="String", DataType="aws:ec2:image")
    assert ssm.get_parameter(Name="/ami")["Parameter"]["DataType"] == "aws:ec2:image"
    assert error_of(
        lambda: ssm.put_parameter(Name="/ami2", Value="not-an-ami", Type="String", DataType="aws:ec2:image")
    )[0] == "ValidationException"
    code, message = error_of(lambda: ssm.put_parameter(Name="/d", Value="a", Type="String", DataType="Text"))
    assert "The following data type is not supported: Text" in message


def test_hundred_versions_then_the_oldest_goes_unless_labelled(ssm: Any) -> None:
    ssm.put_parameter(Name="/v", Value="0", Type="String")
    for i in range(1, 100):
        ssm.put_parameter(Name="/v", Value=str(i), Overwrite=True)
    ssm.label_parameter_version(Name="/v", ParameterVersion=2, Labels=["keep"])
    ssm.put_parameter(Name="/v", Value="100", Overwrite=True)  # version 1 goes
    assert error_of(lambda: ssm.get_parameter(Name="/v:1"))[0] == "ParameterVersionNotFound"
    code, message = error_of(lambda: ssm.put_parameter(Name="/v", Value="101", Overwrite=True))
    assert code == "ParameterMaxVersionLimitExceeded"
    assert "Version 2, the oldest version, can't be deleted because it has a label" in message
    assert ssm.get_parameter(Name="/v")["Parameter"]["Value"] == "100"


def test_expiration_policy_needs_advanced_and_deletes_when_due(ssm: Any) -> None:
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    policy = json.dumps([{"Type": "Expiration", "Version": "1.0", "Attributes": {"Timestamp": soon}}])
    assert error_of(lambda: ssm.put_parameter(Name="/e", Value="v", Type="String", Policies=policy))[0] == (
        "ValidationException"
    )
    out = ssm.put_parameter(Name="/e", Value="v", Type="String", Policies=policy, Tier="Intelligent-Tiering")
    assert out["Tier"] == "Advanced"
    meta = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": ["/e"]}])["Parameters"][0]
    assert meta["Policies"][0]["PolicyType"] == "Expiration"
    assert meta["Policies"][0]["PolicyStatus"] == "Pending"
    bad = json.dumps([{"Type": "Nope", "Version": "1.0", "Attributes": {}}])
    assert error_of(lambda: ssm.put_parameter(Name="/e2", Value="v", Type="String", Tier="Advanced", Policies=bad))[
        0
    ] == "InvalidPolicyTypeException"
    twice = json.dumps([json.loads(policy)[0], json.loads(policy)[0]])
    assert error_of(
        lambda: ssm.put_parameter(Name="/e3", Value="v", Type="String", Tier="Advanced", Policies=twice)
    )[0] == "IncompatiblePolicyException"


def test_expired_parameters_are_gone(ssm: Any) -> None:
    from freezegun import freeze_time

    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    policy = json.dumps([{"Type": "Expiration", "Version": "1.0", "Attributes": {"Timestamp": soon}}])
    ssm.put_parameter(Name="/gone/x", Value="v", Type="String", Tier="Advanced", Policies=policy)
    with freeze_time(dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)):
        assert error_of(lambda: ssm.get_parameter(Name="/gone/x"))[0] == "ParameterNotFound"
        assert ssm.get_parameters_by_path(Path="/gone")["Parameters"] == []
        assert ssm.put_parameter(Name="/gone/x", Value="new", Type="String")["Version"] == 1


def test_deletes(ssm: Any) -> None:
    for name in ("/d/1", "/d/2"):
        ssm.put_parameter(Name=name, Value="v", Type="String")
    ssm.delete_parameter(Name="/d/1")
    code, message = error_of(lambda: ssm.delete_parameter(Name="/d/1"))
    assert code == "ParameterNotFound" and "/d/1" in message
    out = ssm.delete_parameters(Names=["/d/2", "/d/3"])
    assert (out["DeletedParameters"], out["InvalidParameters"]) == (["/d/2"], ["/d/3"])
    assert ssm.put_parameter(Name="/d/2", Value="again", Type="String")["Version"] == 1


def test_public_parameters(ssm: Any) -> None:
    name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
    p = ssm.get_parameter(Name=name)["Parameter"]
    assert p["Value"].startswith("ami-0") and len(p["Value"]) == 21
    assert p["ARN"] == f"arn:aws:ssm:us-east-1::parameter{name}"
    regions = ssm.get_parameters_by_path(Path="/aws/service/global-infrastructure/regions", MaxResults=10)
    assert len(regions["Parameters"]) == 10 and "NextToken" in regions
    names = []
    kwargs: dict[str, Any] = {"Path": "/aws/service/global-infrastructure/regions"}
    while True:
        page = ssm.get_parameters_by_path(**kwargs)
        names += [x["Value"] for x in page["Parameters"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert "eu-west-1" in names and "us-east-1" in names
    long_name = ssm.get_parameter(Name="/aws/service/global-infrastructure/regions/eu-west-1/longName")
    assert long_name["Parameter"]["Value"] == "Europe (Ireland)"
    assert error_of(lambda: ssm.put_parameter(Name=name, Value="ami-1", Type="String", Overwrite=True))[0] == (
        "ValidationException"
    )
    assert ssm.describe_parameters()["Parameters"] == []
