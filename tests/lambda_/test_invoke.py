"""Invoke through the execution engine: a Python function echoing its event, an error, the log
tail, logs in CloudWatch Logs, a function's own boto3 calls reaching the same state, aliases with
weights, DryRun, payload limits, reserved concurrency 0."""

from __future__ import annotations

import base64
import json
from typing import Any

import boto3
import pytest

from awsmock import mock_aws

from .conftest import TRUST, error_of, zip_of

FAILING = "def handler(event, context):\n    raise ValueError('boom')\n"
LOGGING = (
    "def handler(event, context):\n    print('hello from', context.function_name)\n    return {'ok': True}\n"
)


@pytest.mark.modes("server", "postgres")
def test_echo(lam: Any, new_function: Any) -> None:
    name = new_function()
    out = lam.invoke(FunctionName=name, Payload=json.dumps({"a": 1}))
    assert out["StatusCode"] == 200
    assert "FunctionError" not in out
    assert out["ExecutedVersion"] == "$LATEST"
    assert json.loads(out["Payload"].read()) == {"a": 1}


def test_error_and_tail(lam: Any, new_function: Any, aws_client: Any) -> None:
    name = new_function(FAILING)
    out = lam.invoke(FunctionName=name, Payload=b"{}", LogType="Tail")
    assert out["StatusCode"] == 200
    assert out["FunctionError"] == "Unhandled"
    doc = json.loads(out["Payload"].read())
    assert doc["errorType"] == "ValueError"
    assert doc["errorMessage"] == "boom"
    tail = base64.b64decode(out["LogResult"]).decode()
    assert "START RequestId:" in tail and "REPORT RequestId:" in tail
    logs = aws_client("logs")
    streams = logs.describe_log_streams(logGroupName=f"/aws/lambda/{name}")["logStreams"]
    assert len(streams) == 1 and "[$LATEST]" in streams[0]["logStreamName"]


def test_logs_and_versions(lam: Any, new_function: Any, aws_client: Any) -> None:
    name = new_function(LOGGING, Publish=True)
    out = lam.invoke(FunctionName=name, Qualifier="1", LogType="Tail")
    assert out["ExecutedVersion"] == "1"
    assert "hello from " + name in base64.b64decode(out["LogResult"]).decode()
    events = aws_client("logs").filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]
    assert any("hello from" in e["message"] for e in events)


def test_dry_run_and_limits(lam: Any, new_function: Any) -> None:
    name = new_function()
    out = lam.invoke(FunctionName=name, InvocationType="DryRun")
    assert out["StatusCode"] == 204
    assert error_of(lambda: lam.invoke(FunctionName=name, Payload=b"x" * (6 * 1024 * 1024 + 1))) == (
        "RequestTooLargeException",
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
    )
    assert (
        error_of(lambda: lam.invoke(FunctionName=name, Payload=b"{nope"))[0]
        == "InvalidRequestContentException"
    )
    assert error_of(lambda: lam.invoke(FunctionName=name + "-none"))[0] == "ResourceNotFoundException"
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    assert error_of(lambda: lam.invoke(FunctionName=name)) == ("TooManyRequestsException", "Rate Exceeded.")


def test_alias_routes_by_weight(lam: Any, new_function: Any) -> None:
    name = new_function("def handler(e, c):\n    return 'one'\n", Publish=True)
    lam.update_function_code(
        FunctionName=name, ZipFile=zip_of({"index.py": "def handler(e, c):\n    return 'two'\n"})
    )
    lam.publish_version(FunctionName=name)
    lam.create_alias(
        FunctionName=name,
        Name="live",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 1.0}},
    )
    out = lam.invoke(FunctionName=f"{name}:live")
    assert out["ExecutedVersion"] == "2"
    assert json.loads(out["Payload"].read()) == "two"
    lam.update_alias(FunctionName=name, Name="live", RoutingConfig={})
    out = lam.invoke(FunctionName=name, Qualifier="live")
    assert out["ExecutedVersion"] == "1"


WRITER = """
import boto3

def handler(event, context):
    boto3.client("s3").put_object(Bucket=event["bucket"], Key="from-lambda", Body=b"written")
    return "done"
"""


@mock_aws
def test_function_writes_to_s3_in_process() -> None:
    iam = boto3.client("iam", region_name="us-east-1")
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="target")
    lam = boto3.client("lambda", region_name="us-east-1")
    lam.create_function(
        FunctionName="writer",
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": zip_of({"index.py": WRITER})},
        Timeout=30,
    )
    out = lam.invoke(FunctionName="writer", Payload=json.dumps({"bucket": "target"}))
    assert json.loads(out["Payload"].read()) == "done", out
    assert s3.get_object(Bucket="target", Key="from-lambda")["Body"].read() == b"written"


def test_deprecated_invoke_async(lam: Any, new_function: Any, store: Any) -> None:
    name = new_function()
    assert lam.invoke_async(FunctionName=name, InvokeArgs=b'{"a": 1}')["Status"] == 202
    assert error_of(lambda: lam.invoke_async(FunctionName=name + "-none", InvokeArgs=b"{}"))[0] == (
        "ResourceNotFoundException"
    )


@pytest.mark.modes("server")
def test_function_writes_to_s3_through_the_server(lam: Any, aws_client: Any, role: str) -> None:
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="served")
    lam.create_function(
        FunctionName="writer",
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": zip_of({"index.py": WRITER})},
        Timeout=30,
    )
    out = lam.invoke(FunctionName="writer", Payload=json.dumps({"bucket": "served"}))
    assert json.loads(out["Payload"].read()) == "done"
    assert s3.get_object(Bucket="served", Key="from-lambda")["Body"].read() == b"written"


def test_a_runtime_that_cannot_run_here_is_a_service_error(lam: Any, new_function: Any) -> None:
    name = new_function(Runtime="java21", Handler="example.Handler::handleRequest")
    code, message = error_of(lambda: lam.invoke(FunctionName=name))
    assert code in ("InvalidRuntimeException", "ServiceException") and message
