"""Lambda in the dashboard: functions, their versions, aliases and URLs, and recent invocations
with their result and log tail."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import falcon.testing
import pytest
from botocore.exceptions import ClientError

from awsmock.api.app import AwsmockApp
from tests.dashboard.conftest import group

from .conftest import TRUST, zip_of

FAILING = "def handler(event, context):\n    print('about to fail')\n    raise ValueError('x')\n"


def test_functions_versions_aliases_and_invocations(
    app: AwsmockApp, inprocess_client: Callable[..., Any]
) -> None:
    role = inprocess_client("iam").create_role(
        RoleName=f"r{uuid.uuid4().hex[:6]}", AssumeRolePolicyDocument=TRUST
    )
    lam = inprocess_client("lambda")
    lam.create_function(
        FunctionName="dash",
        Runtime="python3.12",
        Role=role["Role"]["Arn"],
        Handler="index.handler",
        Code={"ZipFile": zip_of({"index.py": FAILING})},
        Publish=True,
    )
    lam.create_alias(FunctionName="dash", Name="live", FunctionVersion="1")
    lam.invoke(FunctionName="dash")
    web = falcon.testing.TestClient(app)
    listing = group(web.simulate_get("/_awsmock/dashboard/lambda/resources").json, "functions")
    [row] = [r for r in listing["items"] if r["name"] == "dash"]
    assert row["arn"].endswith(":function:dash")
    versions = web.simulate_get("/_awsmock/dashboard/lambda/functions/dash/versions").json["items"]
    assert [v["version"] for v in versions] == ["$LATEST", "1"]
    aliases = web.simulate_get("/_awsmock/dashboard/lambda/functions/dash/aliases").json["items"]
    assert [(a["alias"], a["version"]) for a in aliases] == [("live", "1")]
    [call] = web.simulate_get("/_awsmock/dashboard/lambda/functions/dash/invocations").json["items"]
    assert (call["result"], call["error"], call["kind"]) == ("Unhandled", "ValueError", "RequestResponse")
    assert "about to fail" in call["logs"]
    assert web.simulate_get("/_awsmock/dashboard/lambda/functions/nope/versions").status_code == 404
    made = lam.create_function_url_config(FunctionName="dash", Qualifier="live", AuthType="AWS_IAM")
    [url] = web.simulate_get("/_awsmock/dashboard/lambda/functions/dash/urls").json["items"]
    assert (url["qualifier"], url["url"], url["auth"]) == ("live", made["FunctionUrl"], "AWS_IAM")


def test_a_service_error_is_recorded_too(app: AwsmockApp, inprocess_client: Callable[..., Any]) -> None:
    role = inprocess_client("iam").create_role(
        RoleName=f"r{uuid.uuid4().hex[:6]}", AssumeRolePolicyDocument=TRUST
    )
    lam = inprocess_client("lambda")
    lam.create_function(
        FunctionName="java",
        Runtime="java21",
        Role=role["Role"]["Arn"],
        Handler="example.Handler::handleRequest",
        Code={"ZipFile": zip_of({"Handler.class": "x"})},
    )
    with pytest.raises(ClientError):
        lam.invoke(FunctionName="java")
    web = falcon.testing.TestClient(app)
    calls = web.simulate_get("/_awsmock/dashboard/lambda/functions/java/invocations").json["items"]
    assert calls  # (the SDK retries a 502: one record per attempt)
    assert all(c["result"] in ("InvalidRuntimeException", "ServiceException") and c["error"] for c in calls)
