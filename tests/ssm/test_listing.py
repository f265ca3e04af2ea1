"""GetParametersByPath, DescribeParameters with filters and pages, GetParameterHistory, labels."""

from __future__ import annotations

from typing import Any

from tests.ssm.conftest import error_of


def _all(call: Any, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while True:
        page = call(**kwargs)
        out += page[key]
        if "NextToken" not in page:
            return out
        kwargs["NextToken"] = page["NextToken"]


def _seed(ssm: Any) -> None:
    for name, kind in [
        ("/app/a", "String"),
        ("/app/b", "SecureString"),
        ("/app/db/host", "String"),
        ("/app/db/pass", "SecureString"),
        ("/app/db/deep/x", "StringList"),
        ("/apple", "String"),
        ("/other/z", "String"),
        ("plain", "String"),
    ]:
        ssm.put_parameter(Name=name, Value="v-" + name, Type=kind)


def test_by_path_one_level_recursive_filters_and_pages(ssm: Any) -> None:
    _seed(ssm)
    one = ssm.get_parameters_by_path(Path="/app")["Parameters"]
    assert [p["Name"] for p in one] == ["/app/a", "/app/b"]
    assert one[1]["Value"] != "v-/app/b"  # encrypted
    deep = _all(ssm.get_parameters_by_path, "Parameters", Path="/app/", Recursive=True, MaxResults=2)
    assert [p["Name"] for p in deep] == ["/app/a", "/app/b", "/app/db/deep/x", "/app/db/host", "/app/db/pass"]
    secure = ssm.get_parameters_by_path(
        Path="/app",
        Recursive=True,
        WithDecryption=True,
        ParameterFilters=[{"Key": "Type", "Option": "Equals", "Values": ["SecureString"]}],
    )["Parameters"]
    assert [(p["Name"], p["Value"]) for p in secure] == [("/app/b", "v-/app/b"), ("/app/db/pass", "v-/app/db/pass")]
    root = ssm.get_parameters_by_path(Path="/", MaxResults=10)["Parameters"]
    assert [p["Name"] for p in root] == ["/apple"]
    code, message = error_of(
        lambda: ssm.get_parameters_by_path(Path="/app", ParameterFilters=[{"Key": "Name", "Values": ["x"]}])
    )
    assert code == "InvalidFilterKey" and "Name" in message
    assert error_of(lambda: ssm.get_parameters_by_path(Path="app"))[0] == "ValidationException"
    assert error_of(lambda: ssm.get_parameters_by_path(Path="/app", NextToken="garbage"))[0] == "InvalidNextToken"


def test_by_path_label_filter(ssm: Any) -> None:
    _seed(ssm)
    ssm.label_parameter_version(Name="/app/a", Labels=["live"])
    found = ssm.get_parameters_by_path(Path="/app", ParameterFilters=[{"Key": "Label", "Values": ["live"]}])
    assert [p["Name"] for p in found["Parameters"]] == ["/app/a"]


def test_describe_parameters_filters(ssm: Any) -> None:
    _seed(ssm)
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="/app/db/host", Tags=[{"Key": "env", "Value": "prod"}])
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="plain", Tags=[{"Key": "env", "Value": "dev"}])

    def names(**kwargs: Any) -> list[str]:
        return [p["Name"] for p in _all(ssm.describe_parameters, "Parameters", **kwargs)]

    assert len(names()) == 8
    assert names(ParameterFilters=[{"Key": "Type", "Values": ["SecureString"]}]) == ["/app/b", "/app/db/pass"]
    assert names(ParameterFilters=[{"Key": "Name", "Option": "BeginsWith", "Values": ["/app/d"]}]) == [
        "/app/db/deep/x",
        "/app/db/host",
        "/app/db/pass",
    ]
    assert names(ParameterFilters=[{"Key": "Name", "Option": "BeginsWith", "Values": ["/APP"]}]) == []
    assert names(ParameterFilters=[{"Key": "Path", "Values": ["/app/db"]}]) == ["/app/db/host", "/app/db/pass"]
    assert names(ParameterFilters=[{"Key": "Path", "Option": "Recursive", "Values": ["/app/db"]}]) == [
        "/app/db/deep/x",
        "/app/db/host",
        "/app/db/pass",
    ]
    assert names(ParameterFilters=[{"Key": "tag:env", "Values": ["prod"]}]) == ["/app/db/host"]
    assert names(ParameterFilters=[{"Key": "tag:env"}]) == ["/app/db/host", "plain"]
    assert names(ParameterFilters=[{"Key": "KeyId", "Values": ["alias/aws/ssm"]}]) == ["/app/b", "/app/db/pass"]
    assert names(Filters=[{"Key": "Type", "Values": ["StringList"]}]) == ["/app/db/deep/x"]
    assert error_of(lambda: ssm.describe_parameters(ParameterFilters=[{"Key": "Label", "Values": ["x"]}]))[0] == (
        "InvalidFilterKey"
    )
    assert error_of(lambda: ssm.describe_parameters(ParameterFilters=[{"Key": "Type", "Values": ["Number"]}]))[
        0
    ] == "InvalidFilterValue"
    assert error_of(
        lambda: ssm.describe_parameters(ParameterFilters=[{"Key": "Type", "Option": "Contains", "Values": ["String"]}])
    )[0] == "InvalidFilterOption"
    code, message = error_of(
        lambda: ssm.describe_parameters(
            ParameterFilters=[{"Key": "Type", "Values": ["String"]}, {"Key": "Type", "Values": ["String"]}]
        )
    )
    assert code == "ValidationException" and "duplicated" in message
    assert error_of(
        lambda: ssm.describe_parameters(
            Filters=[{"Key": "Type", "Values": ["String"]}], ParameterFilters=[{"Key": "Type", "Values": ["String"]}]
        )
    )[0] == "ValidationException"
    page = ssm.describe_parameters(MaxResults=3)
    assert len(page["Parameters"]) == 3 and page["NextToken"]


def test_history_and_labels(ssm: Any) -> None:
    ssm.put_parameter(Name="/h", Value="one", Type="SecureString", Description="first")
    ssm.put_parameter(Name="/h", Value="two", Overwrite=True)
    ssm.put_parameter(Name="/h", Value="three", Overwrite=True, Description="third")
    out = ssm.label_parameter_version(Name="/h", ParameterVersion=1, Labels=["prod", "9lives", "awsy", "ok.2"])
    assert (out["ParameterVersion"], out["InvalidLabels"]) == (1, ["9lives", "awsy"])
    assert ssm.get_parameter(Name="/h:prod", WithDecryption=True)["Parameter"]["Value"] == "one"
    ssm.label_parameter_version(Name="/h", Labels=["prod"])  # moves to the latest version
    history = ssm.get_parameter_history(Name="/h", WithDecryption=True)["Parameters"]
    assert [(h["Version"], h["Value"], h["Labels"]) for h in history] == [
        (1, "one", ["ok.2"]),
        (2, "two", []),
        (3, "three", ["prod"]),
    ]
    assert [h.get("Description") for h in history] == ["first", "first", "third"]
    assert history[0]["KeyId"] == "alias/aws/ssm"
    paged = ssm.get_parameter_history(Name="/h", MaxResults=2)
    assert len(paged["Parameters"]) == 2 and paged["NextToken"]
    assert paged["Parameters"][0]["Value"] != "one"
    ssm.label_parameter_version(Name="/h", ParameterVersion=2, Labels=[f"l{i}" for i in range(10)])
    assert error_of(lambda: ssm.label_parameter_version(Name="/h", ParameterVersion=2, Labels=["more"]))[0] == (
        "ParameterVersionLabelLimitExceeded"
    )
    removed = ssm.unlabel_parameter_version(Name="/h", ParameterVersion=3, Labels=["prod", "l1"])
    assert (removed["RemovedLabels"], removed["InvalidLabels"]) == (["prod"], ["l1"])
    assert error_of(lambda: ssm.get_parameter(Name="/h:prod"))[0] == "ParameterVersionNotFound"
    assert error_of(lambda: ssm.label_parameter_version(Name="/h", ParameterVersion=9, Labels=["x"]))[0] == (
        "ParameterVersionNotFound"
    )
    assert error_of(lambda: ssm.get_parameter_history(Name="/none"))[0] == "ParameterNotFound"
