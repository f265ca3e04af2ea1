"""Functions: create (checks as Lambda makes them), get, update, delete, list; states and waiters."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import boto3
import pytest
import requests

from awsmock import mock_aws

from .conftest import ECHO, TRUST, error_of, zip_of


def test_create_then_get(lam: Any, role: str) -> None:
    data = zip_of({"index.py": ECHO})
    out = lam.create_function(
        FunctionName="echo",
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": data},
        Environment={"Variables": {"A": "1"}},
        Tags={"team": "x"},
    )
    assert out["State"] == "Pending"
    assert out["StateReasonCode"] == "Creating"
    assert out["FunctionArn"] == "arn:aws:lambda:us-east-1:123456789012:function:echo"
    assert out["CodeSha256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert out["CodeSize"] == len(data)
    assert out["Version"] == "$LATEST"
    assert (out["Timeout"], out["MemorySize"]) == (3, 128)
    got = lam.get_function(FunctionName="echo")
    assert got["Configuration"]["State"] == "Active"
    assert got["Configuration"]["LastUpdateStatus"] == "Successful"
    assert got["Configuration"]["Environment"] == {"Variables": {"A": "1"}}
    assert got["Tags"] == {"team": "x"}
    assert got["Code"]["RepositoryType"] == "S3"
    assert got["Code"]["Location"].endswith(".zip")
    by_arn = lam.get_function_configuration(FunctionName=out["FunctionArn"])
    assert by_arn["RevisionId"] == got["Configuration"]["RevisionId"]
    partial = lam.get_function_configuration(FunctionName="123456789012:function:echo")
    assert partial["FunctionName"] == "echo"


def test_waiters(lam: Any, new_function: Any) -> None:
    name = new_function()
    lam.get_waiter("function_exists").wait(FunctionName=name)
    lam.get_waiter("function_active_v2").wait(FunctionName=name)
    lam.update_function_configuration(FunctionName=name, Timeout=10)
    lam.get_waiter("function_updated_v2").wait(FunctionName=name)


def test_create_errors(lam: Any, role: str, new_function: Any) -> None:
    code = {"ZipFile": zip_of({"index.py": ECHO})}
    name = new_function()
    assert error_of(
        lambda: lam.create_function(
            FunctionName=name, Runtime="python3.12", Role=role, Handler="i.h", Code=code
        )
    ) == (
        "ResourceConflictException",
        f"Function already exist: {name}",
    )
    assert error_of(
        lambda: lam.create_function(
            FunctionName="x",
            Runtime="python3.12",
            Role="arn:aws:iam::123456789012:role/nope",
            Handler="i.h",
            Code=code,
        )
    ) == ("InvalidParameterValueException", "The role defined for the function cannot be assumed by Lambda.")
    code_, message = error_of(
        lambda: lam.create_function(
            FunctionName="x", Runtime="python3.12", Role="bad", Handler="i.h", Code=code
        )
    )
    assert code_ == "ValidationException" and "at 'role'" in message
    assert error_of(
        lambda: lam.create_function(
            FunctionName="x", Runtime="python2.7", Role=role, Handler="i.h", Code=code
        )
    ) == (
        "InvalidParameterValueException",
        "The runtime parameter of python2.7 is no longer supported for creating or updating AWS Lambda functions. "
        "We recommend you use the new runtime (python3.13) while creating or updating functions.",
    )
    assert error_of(
        lambda: lam.create_function(FunctionName="x", Runtime="python3.12", Role=role, Code=code)
    ) == (
        "InvalidParameterValueException",
        "Runtime and Handler are mandatory parameters for functions created with deployment packages.",
    )
    code_, message = error_of(
        lambda: lam.create_function(
            FunctionName="x", Runtime="python3.12", Role=role, Handler="i.h", Code=code, MemorySize=20000
        )
    )
    assert code_ == "ValidationException" and "memorySize" in message
    code_, message = error_of(
        lambda: lam.create_function(
            FunctionName="x", Runtime="python3.12", Role=role, Handler="i.h", Code=code, Timeout=901
        )
    )
    assert code_ == "ValidationException" and "Member must have value less than or equal to 900" in message
    code_, message = error_of(
        lambda: lam.create_function(
            FunctionName="x",
            Runtime="python3.12",
            Role=role,
            Handler="i.h",
            Code=code,
            Environment={"Variables": {"AWS_REGION": "x"}},
        )
    )
    assert (
        code_ == "InvalidParameterValueException"
        and "Reserved keys used in this request: AWS_REGION" in message
    )
    code_, message = error_of(
        lambda: lam.create_function(
            FunctionName="x",
            Runtime="python3.12",
            Role=role,
            Handler="i.h",
            Code=code,
            Environment={"Variables": {"BIG": "v" * 4100}},
        )
    )
    assert code_ == "InvalidParameterValueException" and "exceeded the 4KB limit" in message
    assert error_of(
        lambda: lam.create_function(
            FunctionName="x", Runtime="python3.12", Role=role, Handler="i.h", Code={"ZipFile": b"nope"}
        )
    ) == (
        "InvalidParameterValueException",
        "Could not unzip uploaded file. Please check your file, then try to upload again.",
    )
    assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == [name]


def test_code_from_s3(lam: Any, role: str, aws_client: Any) -> None:
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="code")
    data = zip_of({"index.py": ECHO})
    s3.put_object(Bucket="code", Key="f.zip", Body=data)
    out = lam.create_function(
        FunctionName="from-s3",
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"S3Bucket": "code", "S3Key": "f.zip"},
    )
    assert out["CodeSize"] == len(data)
    code, message = error_of(
        lambda: lam.update_function_code(FunctionName="from-s3", S3Bucket="code", S3Key="missing.zip")
    )
    assert code == "InvalidParameterValueException"
    assert message.startswith("Error occurred while GetObject. S3 Error Code: NoSuchKey.")


def test_update_code_and_configuration(lam: Any, new_function: Any) -> None:
    name = new_function()
    before = lam.get_function_configuration(FunctionName=name)
    new = zip_of({"index.py": "def handler(e, c):\n    return 1\n"})
    dry = lam.update_function_code(FunctionName=name, ZipFile=new, DryRun=True)
    assert dry["CodeSha256"] != before["CodeSha256"]
    assert lam.get_function_configuration(FunctionName=name)["CodeSha256"] == before["CodeSha256"]
    assert error_of(lambda: lam.update_function_code(FunctionName=name, ZipFile=new, RevisionId="nope"))[
        0
    ] == ("PreconditionFailedException")
    out = lam.update_function_code(FunctionName=name, ZipFile=new, Publish=True)
    assert out["Version"] == "1"
    assert out["LastUpdateStatus"] == "InProgress"
    conf = lam.update_function_configuration(
        FunctionName=name, MemorySize=512, Timeout=30, Description="d", Environment={"Variables": {"K": "v"}}
    )
    assert (conf["MemorySize"], conf["Timeout"], conf["Description"]) == (512, 30, "d")
    assert conf["RevisionId"] != before["RevisionId"]
    got = lam.get_function_configuration(FunctionName=name)
    assert got["Environment"] == {"Variables": {"K": "v"}}


def test_delete_and_not_found(lam: Any, new_function: Any) -> None:
    name = new_function(Publish=True)
    assert error_of(lambda: lam.delete_function(FunctionName=name, Qualifier="$LATEST")) == (
        "InvalidParameterValueException",
        "$LATEST version cannot be deleted without deleting the function.",
    )
    lam.delete_function(FunctionName=name, Qualifier="1")
    assert error_of(lambda: lam.get_function(FunctionName=name, Qualifier="1")) == (
        "ResourceNotFoundException",
        f"Function not found: arn:aws:lambda:us-east-1:123456789012:function:{name}:1",
    )
    lam.delete_function(FunctionName=name)
    assert error_of(lambda: lam.get_function(FunctionName=name)) == (
        "ResourceNotFoundException",
        f"Function not found: arn:aws:lambda:us-east-1:123456789012:function:{name}",
    )
    assert error_of(lambda: lam.delete_function(FunctionName=name))[0] == "ResourceNotFoundException"


def test_list_functions_pages_and_all_versions(lam: Any, new_function: Any) -> None:
    names = sorted(new_function(FunctionName=f"fn-{i}") for i in range(3))
    lam.publish_version(FunctionName=names[0])
    first = lam.list_functions(MaxItems=2)
    assert [f["FunctionName"] for f in first["Functions"]] == names[:2]
    rest = lam.list_functions(MaxItems=2, Marker=first["NextMarker"])
    assert [f["FunctionName"] for f in rest["Functions"]] == names[2:]
    assert "NextMarker" not in rest
    every = lam.list_functions(FunctionVersion="ALL")["Functions"]
    assert [(f["FunctionName"], f["Version"]) for f in every] == [
        (names[0], "$LATEST"),
        (names[0], "1"),
        (names[1], "$LATEST"),
        (names[2], "$LATEST"),
    ]
    assert error_of(lambda: lam.list_functions(Marker="bogus"))[0] == "InvalidParameterValueException"


def test_account_settings_count_what_is_used(lam: Any, new_function: Any) -> None:
    before = lam.get_account_settings()["AccountUsage"]
    new_function()
    after = lam.get_account_settings()
    assert after["AccountUsage"]["FunctionCount"] == before["FunctionCount"] + 1
    assert after["AccountUsage"]["TotalCodeSize"] > before["TotalCodeSize"]
    assert after["AccountLimit"]["ConcurrentExecutions"] == 1000


def test_tags(lam: Any, new_function: Any) -> None:
    name = new_function()
    arn = lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    lam.tag_resource(Resource=arn, Tags={"a": "1", "b": "2"})
    lam.untag_resource(Resource=arn, TagKeys=["a"])
    assert lam.list_tags(Resource=arn)["Tags"] == {"b": "2"}
    assert error_of(lambda: lam.list_tags(Resource=arn + "x"))[0] == "ResourceNotFoundException"


def test_payload_json_in_policy(lam: Any, new_function: Any) -> None:
    name = new_function()
    out = lam.add_permission(
        FunctionName=name,
        StatementId="s3",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn="arn:aws:s3:::bucket",
        SourceAccount="123456789012",
    )
    statement = json.loads(out["Statement"])
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert statement["Condition"]["ArnLike"] == {"AWS:SourceArn": "arn:aws:s3:::bucket"}
    policy = json.loads(lam.get_policy(FunctionName=name)["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["s3"]
    assert error_of(
        lambda: lam.add_permission(
            FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction", Principal="*"
        )
    ) == (
        "ResourceConflictException",
        "The statement id (s3) provided already exists. Please specify a new statement id, or remove the existing "
        "statement.",
    )
    lam.remove_permission(FunctionName=name, StatementId="s3")
    assert error_of(lambda: lam.get_policy(FunctionName=name)) == (
        "ResourceNotFoundException",
        "The resource you requested does not exist.",
    )
    assert (
        error_of(lambda: lam.remove_permission(FunctionName=name, StatementId="s3"))[0]
        == "ResourceNotFoundException"
    )


@pytest.mark.parametrize("qualifier", ["1"])
def test_policy_per_version(lam: Any, new_function: Any, qualifier: str) -> None:
    name = new_function(Publish=True)
    lam.add_permission(
        FunctionName=name, StatementId="v", Action="lambda:InvokeFunction", Principal="*", Qualifier=qualifier
    )
    assert json.loads(lam.get_policy(FunctionName=name, Qualifier=qualifier)["Policy"])["Statement"][0][
        "Resource"
    ].endswith(f":{name}:{qualifier}")
    assert error_of(lambda: lam.get_policy(FunctionName=name))[0] == "ResourceNotFoundException"


@mock_aws
def test_code_location_serves_the_zip() -> None:
    iam = boto3.client("iam", region_name="us-east-1")
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    lam = boto3.client("lambda", region_name="us-east-1")
    data = zip_of({"index.py": ECHO})
    lam.create_function(
        FunctionName="z", Runtime="python3.12", Role=role, Handler="index.handler", Code={"ZipFile": data}
    )
    location = lam.get_function(FunctionName="z")["Code"]["Location"]
    assert requests.get(location, timeout=10).content == data


def test_code_is_kept_once_and_goes_with_its_last_user(inprocess_client: Any, store: Any) -> None:
    from sqlalchemy import func, select

    from awsmock.models.lambda_ import LambdaCode

    def kept() -> int:
        with store.session(write=False) as session:
            return int(session.scalar(select(func.count()).select_from(LambdaCode)) or 0)

    role = inprocess_client("iam").create_role(RoleName="keeper", AssumeRolePolicyDocument=TRUST)["Role"][
        "Arn"
    ]
    lam = inprocess_client("lambda")
    data = zip_of({"index.py": ECHO})
    common = {"Runtime": "python3.12", "Role": role, "Handler": "index.handler", "Code": {"ZipFile": data}}
    lam.create_function(FunctionName="a", Publish=True, **common)
    lam.create_function(FunctionName="b", **common)  # the same zip: one archive
    assert kept() == 1
    lam.update_function_code(
        FunctionName="a", ZipFile=zip_of({"index.py": "def handler(e, c):\n    return 0\n"})
    )
    assert kept() == 2  # version 1 still uses the first
    lam.delete_function(FunctionName="a")
    assert kept() == 1
    lam.delete_function(FunctionName="b")
    assert kept() == 0
