"""Documents (JSON and YAML, versions, default version, permissions) and Run Command records."""

from __future__ import annotations

import json
from typing import Any

from tests.ssm.conftest import error_of

CONTENT = {
    "schemaVersion": "2.2",
    "description": "Say hello",
    "parameters": {"greeting": {"type": "String", "default": "hi"}, "who": {"type": "String"}},
    "mainSteps": [{"action": "aws:runShellScript", "name": "hello", "inputs": {"runCommand": ["echo {{greeting}}"]}}],
}
YAML = """schemaVersion: '2.2'
description: from yaml
mainSteps:
  - action: aws:runShellScript
    name: run
    inputs:
      runCommand: [echo hi]
"""


def test_create_versions_default_and_get(ssm: Any) -> None:
    d = ssm.create_document(Name="Hello", Content=json.dumps(CONTENT), DocumentType="Command")["DocumentDescription"]
    assert (d["DocumentVersion"], d["LatestVersion"], d["DefaultVersion"], d["SchemaVersion"]) == ("1", "1", "1", "2.2")
    assert d["PlatformTypes"] == ["Linux", "MacOS"] and d["Owner"] == "123456789012"
    assert {p["Name"] for p in d["Parameters"]} == {"greeting", "who"}
    assert error_of(lambda: ssm.create_document(Name="Hello", Content=json.dumps(CONTENT)))[0] == "DocumentAlreadyExists"
    assert error_of(lambda: ssm.update_document(Name="Hello", Content=json.dumps(CONTENT)))[0] == (
        "DuplicateDocumentContent"
    )
    changed = {**CONTENT, "description": "v2"}
    v2 = ssm.update_document(Name="Hello", Content=json.dumps(changed), DocumentVersion="$LATEST", VersionName="two")
    assert (v2["DocumentDescription"]["DocumentVersion"], v2["DocumentDescription"]["DefaultVersion"]) == ("2", "1")
    assert json.loads(ssm.get_document(Name="Hello")["Content"])["description"] == "Say hello"
    assert ssm.get_document(Name="Hello", VersionName="two")["DocumentVersion"] == "2"
    out = ssm.update_document_default_version(Name="Hello", DocumentVersion="2")["Description"]
    assert (out["DefaultVersion"], out["DefaultVersionName"]) == ("2", "two")
    assert ssm.describe_document(Name="Hello")["Document"]["Description"] == "v2"
    versions = ssm.list_document_versions(Name="Hello")["DocumentVersions"]
    assert [(v["DocumentVersion"], v["IsDefaultVersion"]) for v in versions] == [("1", False), ("2", True)]
    assert error_of(lambda: ssm.describe_document(Name="Hello", DocumentVersion="7"))[0] == "InvalidDocumentVersion"
    assert error_of(lambda: ssm.delete_document(Name="Hello", DocumentVersion="2"))[0] == "InvalidDocumentOperation"
    ssm.delete_document(Name="Hello", DocumentVersion="1")
    ssm.delete_document(Name="Hello")
    assert error_of(lambda: ssm.describe_document(Name="Hello"))[0] == "InvalidDocument"


def test_yaml_and_invalid_content(ssm: Any) -> None:
    ssm.create_document(Name="FromYaml", Content=YAML, DocumentFormat="YAML")
    as_json = ssm.get_document(Name="FromYaml", DocumentFormat="JSON")
    assert json.loads(as_json["Content"])["description"] == "from yaml"
    assert ssm.get_document(Name="FromYaml")["Content"] == YAML
    assert error_of(lambda: ssm.create_document(Name="Bad1", Content="{not json"))[0] == "InvalidDocumentContent"
    assert error_of(lambda: ssm.create_document(Name="Bad2", Content=json.dumps({"mainSteps": []})))[0] == (
        "InvalidDocumentContent"
    )
    assert error_of(
        lambda: ssm.create_document(Name="Bad3", Content=json.dumps({**CONTENT, "schemaVersion": "0.3"}))
    )[0] == "InvalidDocumentSchemaVersion"
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nschemaVersion: '2.2'\n"
    assert error_of(lambda: ssm.create_document(Name="Bomb", Content=bomb, DocumentFormat="YAML"))[0] == (
        "InvalidDocumentContent"
    )
    assert error_of(lambda: ssm.create_document(Name="AWS-Mine", Content=json.dumps(CONTENT)))[0] == (
        "ValidationException"
    )
    assert error_of(lambda: ssm.create_document(Name="Big", Content=json.dumps({**CONTENT, "x": "y" * 70000})))[
        0
    ] == "MaxDocumentSizeExceeded"


def test_list_documents_and_permissions(ssm: Any) -> None:
    ssm.create_document(Name="Mine", Content=json.dumps(CONTENT), Tags=[{"Key": "team", "Value": "a"}])
    owned = ssm.list_documents(Filters=[{"Key": "Owner", "Values": ["Self"]}])["DocumentIdentifiers"]
    assert [d["Name"] for d in owned] == ["Mine"] and owned[0]["Tags"] == [{"Key": "team", "Value": "a"}]
    amazon = ssm.list_documents(Filters=[{"Key": "Owner", "Values": ["Amazon"]}])["DocumentIdentifiers"]
    assert "AWS-RunShellScript" in [d["Name"] for d in amazon]
    tagged = ssm.list_documents(Filters=[{"Key": "tag:team", "Values": ["a"]}])["DocumentIdentifiers"]
    assert [d["Name"] for d in tagged] == ["Mine"]
    ssm.modify_document_permission(Name="Mine", PermissionType="Share", AccountIdsToAdd=["111122223333"])
    shared = ssm.describe_document_permission(Name="Mine", PermissionType="Share")
    assert shared["AccountIds"] == ["111122223333"]
    assert error_of(lambda: ssm.delete_document(Name="Mine"))[0] == "InvalidDocumentOperation"
    ssm.modify_document_permission(Name="Mine", PermissionType="Share", AccountIdsToRemove=["111122223333"])
    assert ssm.describe_document_permission(Name="Mine", PermissionType="Share")["AccountIds"] == []
    assert error_of(
        lambda: ssm.modify_document_permission(Name="Mine", PermissionType="Share", AccountIdsToAdd=["x"] * 21)
    )[0] == "ValidationException"  # the model's limit of 20 per call


def test_run_command_records(ssm: Any) -> None:
    sent = ssm.send_command(
        InstanceIds=["i-0123456789abcdef0", "i-12345678"],
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": ["echo hi"]},
        Comment="hello",
    )["Command"]
    assert (sent["Status"], sent["TargetCount"], sent["DocumentVersion"]) == ("Success", 2, "1")
    invocation = ssm.get_command_invocation(CommandId=sent["CommandId"], InstanceId="i-12345678")
    assert (invocation["Status"], invocation["ResponseCode"], invocation["StandardOutputContent"]) == ("Success", 0, "")
    assert invocation["PluginName"] == "runScript"
    ssm.get_waiter("command_executed").wait(CommandId=sent["CommandId"], InstanceId="i-12345678")
    listed = ssm.list_commands(CommandId=sent["CommandId"])["Commands"]
    assert [c["Comment"] for c in listed] == ["hello"]
    invocations = ssm.list_command_invocations(CommandId=sent["CommandId"], Details=True)["CommandInvocations"]
    assert {i["InstanceId"] for i in invocations} == {"i-0123456789abcdef0", "i-12345678"}
    assert invocations[0]["CommandPlugins"][0]["Name"] == "runScript"
    assert ssm.list_commands(InstanceId="i-12345678")["Commands"][0]["CommandId"] == sent["CommandId"]
    ssm.cancel_command(CommandId=sent["CommandId"])
    assert error_of(lambda: ssm.get_command_invocation(CommandId=sent["CommandId"], InstanceId="i-99999999"))[0] == (
        "InvocationDoesNotExist"
    )
    assert error_of(lambda: ssm.list_commands(CommandId="00000000-0000-0000-0000-000000000000"))[0] == (
        "InvalidCommandId"
    )
    assert error_of(lambda: ssm.send_command(InstanceIds=["bogus"], DocumentName="AWS-RunShellScript"))[0] == (
        "InvalidInstanceId"
    )
    assert error_of(lambda: ssm.send_command(InstanceIds=["i-12345678"], DocumentName="Nope"))[0] == "InvalidDocument"
    assert error_of(
        lambda: ssm.send_command(
            InstanceIds=["i-12345678"], DocumentName="AWS-RunShellScript", Parameters={"nope": ["x"]}
        )
    )[0] == "InvalidParameters"
    assert error_of(lambda: ssm.send_command(InstanceIds=["i-12345678"], DocumentName="AWS-RunShellScript"))[0] == (
        "InvalidParameters"
    )
