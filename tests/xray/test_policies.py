"""Resource policies with revision ids, limits and checked documents; the trace segment
destination and the Default indexing rule."""

from __future__ import annotations

import json
from typing import Any

from tests.xray.conftest import error_of

POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Sid": "SNS", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                   "Action": ["xray:PutTraceSegments", "xray:GetSamplingRules"], "Resource": "*"}],
})


def test_resource_policies_keep_revisions(xray: Any) -> None:
    made = xray.put_resource_policy(PolicyName="sns", PolicyDocument=POLICY)["ResourcePolicy"]
    assert (made["PolicyName"], made["PolicyRevisionId"]) == ("sns", "1")
    assert error_of(lambda: xray.put_resource_policy(PolicyName="sns", PolicyDocument=POLICY, PolicyRevisionId="0"))[0] == (
        "InvalidPolicyRevisionIdException")
    again = xray.put_resource_policy(PolicyName="sns", PolicyDocument=POLICY, PolicyRevisionId="1")["ResourcePolicy"]
    assert again["PolicyRevisionId"] == "2"
    assert [p["PolicyName"] for p in xray.list_resource_policies()["ResourcePolicies"]] == ["sns"]
    assert error_of(lambda: xray.delete_resource_policy(PolicyName="sns", PolicyRevisionId="1"))[0] == (
        "InvalidPolicyRevisionIdException")
    xray.delete_resource_policy(PolicyName="sns", PolicyRevisionId="2")
    assert xray.list_resource_policies()["ResourcePolicies"] == []


def test_resource_policies_are_checked_and_limited(xray: Any) -> None:
    for bad in ("{", "[]", json.dumps({"Statement": [{"Effect": "Maybe", "Action": "*", "Principal": "*"}]})):
        assert error_of(lambda bad=bad: xray.put_resource_policy(PolicyName="p", PolicyDocument=bad)) == (
            "MalformedPolicyDocumentException", "Invalid policy document provided in request.")
    big = json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "xray:*", "Sid": "x" * 6000}]})
    assert error_of(lambda: xray.put_resource_policy(PolicyName="p", PolicyDocument=big))[0] == (
        "PolicySizeLimitExceededException")
    for i in range(5):
        xray.put_resource_policy(PolicyName=f"p{i}", PolicyDocument=POLICY)
    assert error_of(lambda: xray.put_resource_policy(PolicyName="p5", PolicyDocument=POLICY))[0] == (
        "PolicyCountLimitExceededException")


def test_destination_and_indexing_rule(xray: Any) -> None:
    assert xray.get_trace_segment_destination()["Destination"] == "XRay"
    assert xray.update_trace_segment_destination(Destination="CloudWatchLogs")["Destination"] == "CloudWatchLogs"
    assert xray.get_trace_segment_destination()["Destination"] == "CloudWatchLogs"
    [rule] = xray.get_indexing_rules()["IndexingRules"]
    assert rule["Name"] == "Default" and rule["Rule"]["Probabilistic"]["DesiredSamplingPercentage"] == 1.0
    out = xray.update_indexing_rule(Name="Default", Rule={"Probabilistic": {"DesiredSamplingPercentage": 5.0}})
    assert out["IndexingRule"]["Rule"]["Probabilistic"]["DesiredSamplingPercentage"] == 5.0
    assert error_of(lambda: xray.update_indexing_rule(
        Name="Default", Rule={"Probabilistic": {"DesiredSamplingPercentage": 150.0}}))[0] == "InvalidRequestException"
    assert error_of(lambda: xray.update_indexing_rule(
        Name="Other", Rule={"Probabilistic": {"DesiredSamplingPercentage": 5.0}}))[0] == "ResourceNotFoundException"
