"""Layers: publish (inline, from S3), get, get by ARN, list (filters), delete, policies; and
functions referencing layer versions."""

from __future__ import annotations

import json
from typing import Any

from .conftest import error_of, zip_of


def test_layer_versions(lam: Any, new_function: Any) -> None:
    content = {"ZipFile": zip_of({"python/lib.py": "X = 1\n"})}
    one = lam.publish_layer_version(LayerName="lib", Content=content, CompatibleRuntimes=["python3.12"])
    two = lam.publish_layer_version(
        LayerName="lib", Content=content, CompatibleRuntimes=["python3.13"], CompatibleArchitectures=["arm64"]
    )
    assert (one["Version"], two["Version"]) == (1, 2)
    assert one["LayerVersionArn"] == "arn:aws:lambda:us-east-1:123456789012:layer:lib:1"
    assert one["LayerArn"] == "arn:aws:lambda:us-east-1:123456789012:layer:lib"
    assert lam.get_layer_version(LayerName="lib", VersionNumber=1)["CompatibleRuntimes"] == ["python3.12"]
    assert lam.get_layer_version_by_arn(Arn=two["LayerVersionArn"])["Version"] == 2
    listed = lam.list_layer_versions(LayerName="lib")["LayerVersions"]
    assert [v["Version"] for v in listed] == [2, 1]
    assert [
        v["Version"]
        for v in lam.list_layer_versions(LayerName="lib", CompatibleRuntime="python3.12")["LayerVersions"]
    ] == [1]
    (layer,) = lam.list_layers()["Layers"]
    assert layer["LatestMatchingVersion"]["Version"] == 2
    (layer,) = lam.list_layers(CompatibleRuntime="python3.12")["Layers"]
    assert layer["LatestMatchingVersion"]["Version"] == 1
    assert lam.list_layers(CompatibleArchitecture="x86_64")["Layers"] == []
    name = new_function(Layers=[one["LayerVersionArn"]])
    assert lam.get_function_configuration(FunctionName=name)["Layers"][0]["Arn"] == one["LayerVersionArn"]
    assert error_of(lambda: new_function(Layers=[one["LayerVersionArn"][:-1] + "9"])) == (
        "InvalidParameterValueException",
        "Layer version arn:aws:lambda:us-east-1:123456789012:layer:lib:9 does not exist.",
    )
    lam.delete_layer_version(LayerName="lib", VersionNumber=2)
    lam.delete_layer_version(LayerName="lib", VersionNumber=2)
    assert (
        error_of(lambda: lam.get_layer_version(LayerName="lib", VersionNumber=2))[0]
        == "ResourceNotFoundException"
    )
    assert lam.publish_layer_version(LayerName="lib", Content=content)["Version"] == 3  # never reused


def test_layer_policy(lam: Any) -> None:
    lam.publish_layer_version(LayerName="shared", Content={"ZipFile": zip_of({"a": "b"})})
    out = lam.add_layer_version_permission(
        LayerName="shared", VersionNumber=1, StatementId="all", Action="lambda:GetLayerVersion", Principal="*"
    )
    assert json.loads(out["Statement"])["Principal"] == "*"
    policy = lam.get_layer_version_policy(LayerName="shared", VersionNumber=1)
    assert policy["RevisionId"] == out["RevisionId"]
    assert (
        error_of(
            lambda: lam.add_layer_version_permission(
                LayerName="shared",
                VersionNumber=1,
                StatementId="all",
                Action="lambda:GetLayerVersion",
                Principal="*",
            )
        )[0]
        == "ResourceConflictException"
    )
    lam.remove_layer_version_permission(LayerName="shared", VersionNumber=1, StatementId="all")
    assert error_of(lambda: lam.get_layer_version_policy(LayerName="shared", VersionNumber=1))[0] == (
        "ResourceNotFoundException"
    )


def test_a_function_imports_from_its_layer(lam: Any, new_function: Any) -> None:
    layer = lam.publish_layer_version(
        LayerName="helpers",
        Content={"ZipFile": zip_of({"python/helpers.py": "def greet():\n    return 'hi'\n"})},
    )
    source = "import helpers\n\ndef handler(event, context):\n    return helpers.greet()\n"
    name = new_function(source, Layers=[layer["LayerVersionArn"]])
    out = lam.invoke(FunctionName=name)
    assert json.loads(out["Payload"].read()) == "hi"
