"""What a synchronous Invoke leaves behind, invoke after invoke: the function's log lines in one
stream per day and version (its bookkeeping as DescribeLogStreams shows it), a group's filters
run on them, the execution role's credentials minted again when the stored ones are gone, and
the dashboard's record of the newest invocations."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import boto3
import falcon.testing
import pytest

import awsmock
from awsmock import mock_aws
from awsmock.api.app import AwsmockApp

from .conftest import TRUST, zip_of

LOGGING = "def handler(event, context):\n    print('line', event['n'])\n    return event\n"
WHO = """
import os
import boto3

def handler(event, context):
    return {
        "key": os.environ["AWS_ACCESS_KEY_ID"],
        "arn": boto3.client("sts").get_caller_identity()["Arn"],
    }
"""


@pytest.mark.modes("postgres")
def test_invocations_share_a_stream_and_keep_its_bookkeeping(
    lam: Any, new_function: Any, aws_client: Any
) -> None:
    name = new_function(LOGGING)
    for n in range(3):
        out = lam.invoke(FunctionName=name, Payload=json.dumps({"n": n}))
        assert json.loads(out["Payload"].read()) == {"n": n}
    logs = aws_client("logs")
    [stream] = logs.describe_log_streams(logGroupName=f"/aws/lambda/{name}")["logStreams"]
    events = logs.get_log_events(
        logGroupName=f"/aws/lambda/{name}", logStreamName=stream["logStreamName"], startFromHead=True
    )["events"]
    assert [e["message"].strip() for e in events if e["message"].startswith("line")] == [
        "line 0",
        "line 1",
        "line 2",
    ]
    assert sum(e["message"].startswith("START RequestId:") for e in events) == 3
    assert stream["firstEventTimestamp"] == events[0]["timestamp"]
    assert stream["lastEventTimestamp"] == events[-1]["timestamp"]
    assert stream["lastIngestionTime"] >= events[-1]["ingestionTime"]


def test_a_metric_filter_on_the_function_group_counts_its_lines(
    lam: Any, new_function: Any, aws_client: Any
) -> None:
    name = new_function(LOGGING)
    lam.invoke(FunctionName=name, Payload=json.dumps({"n": 0}))  # (makes the group)
    namespace = f"ns-{uuid.uuid4().hex[:8]}"
    aws_client("logs").put_metric_filter(
        logGroupName=f"/aws/lambda/{name}",
        filterName="lines",
        filterPattern='"line"',
        metricTransformations=[{"metricName": "Lines", "metricNamespace": namespace, "metricValue": "1"}],
    )
    for n in range(2):
        lam.invoke(FunctionName=name, Payload=json.dumps({"n": n}))
    metrics = aws_client("cloudwatch").list_metrics(Namespace=namespace)["Metrics"]
    assert [m["MetricName"] for m in metrics] == ["Lines"]


@mock_aws
def test_credentials_are_minted_again_once_the_stored_ones_are_gone() -> None:
    iam = boto3.client("iam", region_name="us-east-1")
    role = iam.create_role(RoleName="who", AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    lam = boto3.client("lambda", region_name="us-east-1")
    lam.create_function(
        FunctionName="who",
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": zip_of({"index.py": WHO})},
        Timeout=30,
    )

    def who() -> dict[str, str]:
        out = lam.invoke(FunctionName="who")
        assert "FunctionError" not in out
        answer: dict[str, str] = json.loads(out["Payload"].read())
        return answer

    first = who()
    assert first["key"].startswith("ASIA")
    assert first["arn"] == "arn:aws:sts::123456789012:assumed-role/who/who"
    assert who()["key"] == first["key"]  # (still valid: the same credentials)
    awsmock.reset(["sts"])  # the stored credentials go; the function stays
    # (a warm environment keeps what it started with: a new revision starts a new one)
    lam.update_function_configuration(FunctionName="who", Description="again")
    again = who()
    assert again["key"] != first["key"] and again["key"].startswith("ASIA")
    assert again["arn"] == first["arn"]


def test_the_dashboard_shows_the_newest_invocations(
    app: AwsmockApp, inprocess_client: Callable[..., Any]
) -> None:
    from awsmock.services.lambda_.lookup import KEPT_INVOCATIONS

    role = inprocess_client("iam").create_role(
        RoleName=f"r{uuid.uuid4().hex[:6]}", AssumeRolePolicyDocument=TRUST
    )
    lam = inprocess_client("lambda")
    lam.create_function(
        FunctionName="many",
        Runtime="python3.12",
        Role=role["Role"]["Arn"],
        Handler="index.handler",
        Code={"ZipFile": zip_of({"index.py": LOGGING})},
    )
    ids = [
        lam.invoke(FunctionName="many", Payload=json.dumps({"n": n}))["ResponseMetadata"]["RequestId"]
        for n in range(KEPT_INVOCATIONS + 5)
    ]
    web = falcon.testing.TestClient(app)
    shown: list[str] = []
    url = "/_awsmock/dashboard/lambda/functions/many/invocations"
    page = web.simulate_get(url, params={"limit": "7"}).json
    shown += [c["request_id"] for c in page["items"]]
    while page.get("next_cursor"):
        page = web.simulate_get(url, params={"cursor": page["next_cursor"], "limit": "7"}).json
        shown += [c["request_id"] for c in page["items"]]
    assert shown == ids[::-1][:KEPT_INVOCATIONS]
