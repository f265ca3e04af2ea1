"""Function URLs answer HTTP: the request as a payload format 2.0 event, the function's answer as
the response; NONE needs a public resource policy, AWS_IAM a signature; CORS preflights."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any
from urllib.parse import urlsplit

import boto3
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from awsmock import mock_aws
from awsmock.auth import set_initial_no_auth_action_count
from tests.helpers import ServerProcess
from tests.lambda_.conftest import TRUST, zip_of

STRUCTURED = """
import json
def handler(event, context):
    return {"statusCode": 201, "headers": {"x-seen": event["requestContext"]["http"]["method"]},
            "cookies": ["a=1"], "body": json.dumps(event)}
"""
PLAIN = "def handler(event, context):\n    return {'hello': event['rawPath']}\n"
BINARY = """
import base64
def handler(event, context):
    return {"statusCode": 200, "headers": {"content-type": "image/png"},
            "isBase64Encoded": True, "body": base64.b64encode(b"\\x89PNG").decode()}
"""
FAILS = "def handler(event, context):\n    raise ValueError('no')\n"


def _function(lam: Any, source: str) -> str:
    iam = boto3.client("iam", region_name="us-east-1")
    role = iam.create_role(RoleName=f"r-{uuid.uuid4().hex[:8]}", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    name = f"f-{uuid.uuid4().hex[:8]}"
    lam.create_function(
        FunctionName=name, Role=role, Runtime="python3.12", Handler="index.handler",
        Code={"ZipFile": zip_of({"index.py": source})},
    )
    return name


def _public(lam: Any, name: str) -> None:
    lam.add_permission(FunctionName=name, StatementId="url", Action="lambda:InvokeFunctionUrl",
                       Principal="*", FunctionUrlAuthType="NONE")
    lam.add_permission(FunctionName=name, StatementId="invoke", Action="lambda:InvokeFunction",
                       Principal="*", InvokedViaFunctionUrl=True)


@mock_aws
def test_a_public_url_runs_the_function_with_the_request_as_its_event() -> None:
    lam = boto3.client("lambda", region_name="us-east-1")
    name = _function(lam, STRUCTURED)
    url = lam.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    assert url.startswith("https://") and url.endswith(".lambda-url.us-east-1.on.aws/")
    refused = requests.get(url, timeout=10)  # no resource policy lets anyone in
    assert (refused.status_code, refused.json()) == (403, {"Message": "Forbidden"})

    _public(lam, name)
    got = requests.post(url + "items/7?x=1&x=2&y=", data=b'{"k": 1}', timeout=30,
                        headers={"Content-Type": "application/json", "Cookie": "s=1; t=2", "X-Custom": "v"})
    assert got.status_code == 201
    assert got.headers["x-seen"] == "POST" and got.headers["Set-Cookie"] == "a=1"
    assert got.headers["x-amzn-RequestId"]
    event = got.json()
    assert (event["version"], event["routeKey"], event["rawPath"], event["rawQueryString"]) == (
        "2.0", "$default", "/items/7", "x=1&x=2&y=")
    assert event["queryStringParameters"] == {"x": "1,2", "y": ""}
    assert event["cookies"] == ["s=1", "t=2"]
    assert event["headers"]["x-custom"] == "v" and "cookie" not in event["headers"]
    assert event["headers"]["x-forwarded-proto"] == "https" and event["headers"]["x-amzn-trace-id"].startswith("Root=1-")
    assert (event["body"], event["isBase64Encoded"]) == ('{"k": 1}', False)
    context = event["requestContext"]
    url_id = urlsplit(url).hostname.split(".")[0]  # type: ignore[union-attr]
    assert (context["accountId"], context["apiId"], context["domainPrefix"]) == ("anonymous", url_id, url_id)
    assert context["domainName"] == urlsplit(url).hostname
    assert context["http"]["method"] == "POST" and context["http"]["path"] == "/items/7"
    assert context["requestId"] == got.headers["x-amzn-RequestId"]

    binary = requests.put(url, data=b"\x00\x01", headers={"Content-Type": "application/octet-stream"}, timeout=30)
    assert json.loads(binary.text)["body"] == base64.b64encode(b"\x00\x01").decode()
    assert json.loads(binary.text)["isBase64Encoded"] is True

    lam.delete_function_url_config(FunctionName=name)
    assert requests.get(url, timeout=10).status_code == 403


@mock_aws
def test_answers_map_to_responses_as_aws_maps_them() -> None:
    lam = boto3.client("lambda", region_name="us-east-1")
    plain, binary, fails = (_function(lam, s) for s in (PLAIN, BINARY, FAILS))
    urls = {}
    for name in (plain, binary, fails):
        _public(lam, name)
        urls[name] = lam.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    got = requests.get(urls[plain] + "p", timeout=30)
    assert (got.status_code, got.headers["Content-Type"], got.json()) == (200, "application/json", {"hello": "/p"})
    got = requests.get(urls[binary], timeout=30)
    assert (got.status_code, got.headers["Content-Type"], got.content) == (200, "image/png", b"\x89PNG")
    got = requests.get(urls[fails], timeout=30)
    assert (got.status_code, got.json()) == (502, {"Message": "Internal Server Error"})


@mock_aws
def test_cors_preflight_is_answered_without_the_function() -> None:
    lam = boto3.client("lambda", region_name="us-east-1")
    name = _function(lam, FAILS)  # (were it run, the answer would be a 502)
    _public(lam, name)
    cors = {"AllowOrigins": ["https://app.example.com"], "AllowMethods": ["GET", "POST"],
            "AllowHeaders": ["x-token"], "MaxAge": 300, "AllowCredentials": True}
    url = lam.create_function_url_config(FunctionName=name, AuthType="NONE", Cors=cors)["FunctionUrl"]
    pre = requests.options(url, timeout=10, headers={"Origin": "https://app.example.com",
                                                     "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 200
    assert pre.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert pre.headers["Access-Control-Allow-Methods"] == "GET,POST"
    assert pre.headers["Access-Control-Allow-Headers"] == "x-token"
    assert pre.headers["Access-Control-Max-Age"] == "300"
    assert pre.headers["Access-Control-Allow-Credentials"] == "true"
    other = requests.options(url, timeout=10, headers={"Origin": "https://evil.example.com",
                                                       "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in other.headers


@mock_aws
def test_an_iam_url_takes_signed_requests_only() -> None:
    lam = boto3.client("lambda", region_name="us-east-1")
    name = _function(lam, PLAIN)
    url = lam.create_function_url_config(FunctionName=name, AuthType="AWS_IAM")["FunctionUrl"]
    assert requests.get(url, timeout=10).status_code == 403
    signed = AWSRequest(method="GET", url=url + "q", headers={"Host": urlsplit(url).hostname})
    SigV4Auth(Credentials("testing", "testing"), "lambda", "us-east-1").add_auth(signed)
    got = requests.get(url + "q", headers=dict(signed.headers), timeout=30)
    assert (got.status_code, got.json()) == (200, {"hello": "/q"})


def test_a_server_serves_function_urls_at_its_own_host(server: ServerProcess) -> None:
    assert server.admin("POST", "/_awsmock/reset")[0] == 200
    lam = server.client("lambda")
    iam = server.client("iam")
    role = iam.create_role(RoleName=f"r-{uuid.uuid4().hex[:8]}", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    lam.create_function(FunctionName="web", Role=role, Runtime="python3.12", Handler="index.handler",
                        Code={"ZipFile": zip_of({"index.py": PLAIN})})
    _public(lam, "web")
    url = lam.create_function_url_config(FunctionName="web", AuthType="NONE")["FunctionUrl"]
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.port == server.port
    assert parts.hostname.endswith(".lambda-url.us-east-1.localhost")  # type: ignore[union-attr]
    got = requests.get(f"{server.url}/hi", headers={"Host": parts.netloc}, timeout=30)
    assert (got.status_code, got.json()) == (200, {"hello": "/hi"})
    aws_form = parts.hostname.replace(".localhost", ".on.aws")  # type: ignore[union-attr]
    got = requests.get(f"{server.url}/x", headers={"Host": aws_form}, timeout=30)
    assert got.json() == {"hello": "/x"}
    browser = requests.get(f"{server.url}/", headers={"Host": parts.netloc, "Accept": "text/html"}, timeout=30)
    assert browser.json() == {"hello": "/"}  # the function's root, not the dashboard




def _signed_get(url: str, key: dict[str, str]) -> requests.Response:
    signed = AWSRequest(method="GET", url=url, headers={"Host": urlsplit(url).hostname})
    SigV4Auth(Credentials(key["AccessKeyId"], key["SecretAccessKey"]), "lambda", "us-east-1").add_auth(signed)
    return requests.get(url, headers=dict(signed.headers), timeout=30)


def test_with_access_control_on_an_iam_url_asks_the_callers_policies() -> None:
    with mock_aws() as mock:
        set_initial_no_auth_action_count(mock.store, 10_000)
        lam = boto3.client("lambda", region_name="us-east-1")
        iam = boto3.client("iam", region_name="us-east-1")
        name = _function(lam, STRUCTURED)
        url = lam.create_function_url_config(FunctionName=name, AuthType="AWS_IAM")["FunctionUrl"]
        keys = {}
        for user in ("allowed", "denied"):
            iam.create_user(UserName=user)
            keys[user] = iam.create_access_key(UserName=user)["AccessKey"]
        iam.put_user_policy(UserName="allowed", PolicyName="url", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["lambda:InvokeFunctionUrl", "lambda:InvokeFunction"],
                           "Resource": "*",
                           "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}}}],
        }))
        set_initial_no_auth_action_count(mock.store, 0)
        assert _signed_get(url, keys["denied"]).status_code == 403
        got = _signed_get(url + "me", keys["allowed"])
        assert got.status_code == 201
        caller = got.json()["requestContext"]
        assert caller["accountId"] == "123456789012"
        assert caller["authorizer"]["iam"]["userArn"] == "arn:aws:iam::123456789012:user/allowed"
        assert caller["authorizer"]["iam"]["accessKey"] == keys["allowed"]["AccessKeyId"]
        wrong = dict(keys["allowed"], SecretAccessKey="x" * 40)
        assert _signed_get(url, wrong).status_code == 403


@mock_aws
def test_an_alias_url_runs_the_alias_version_and_throttles_answer_429() -> None:
    lam = boto3.client("lambda", region_name="us-east-1")
    name = _function(lam, PLAIN)
    version = lam.publish_version(FunctionName=name)["Version"]
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
    lam.add_permission(FunctionName=name, Qualifier="live", StatementId="url", Action="lambda:InvokeFunctionUrl",
                       Principal="*", FunctionUrlAuthType="NONE")
    lam.add_permission(FunctionName=name, Qualifier="live", StatementId="invoke", Action="lambda:InvokeFunction",
                       Principal="*", InvokedViaFunctionUrl=True)
    url = lam.create_function_url_config(FunctionName=name, Qualifier="live", AuthType="NONE")["FunctionUrl"]
    assert lam.get_function_url_config(FunctionName=name, Qualifier="live")["FunctionArn"].endswith(":live")
    assert requests.get(url + "v", timeout=30).json() == {"hello": "/v"}
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    throttled = requests.get(url, timeout=30)
    assert (throttled.status_code, throttled.json()) == (429, {"Message": "Rate Exceeded."})
    lam.delete_alias(FunctionName=name, Name="live")
    assert requests.get(url, timeout=10).status_code == 403
