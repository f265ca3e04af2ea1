"""Metric filters, subscription filters, TestMetricFilter, destinations and policies."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.logs.conftest import error_of

ACCOUNT = "123456789012"
TRANSFORM = [{"metricName": "Errors", "metricNamespace": "App", "metricValue": "1"}]


def test_metric_filters(logs: Any, group: str) -> None:
    logs.put_metric_filter(
        logGroupName=group, filterName="errors", filterPattern="ERROR", metricTransformations=TRANSFORM
    )
    logs.put_metric_filter(
        logGroupName=group,
        filterName="latency",
        filterPattern="{ $.latency > 0 }",
        metricTransformations=[
            {
                "metricName": "Latency",
                "metricNamespace": "App",
                "metricValue": "$.latency",
                "unit": "Milliseconds",
            }
        ],
    )
    found = logs.describe_metric_filters(logGroupName=group)["metricFilters"]
    assert [f["filterName"] for f in found] == ["errors", "latency"]
    assert found[1]["metricTransformations"][0]["metricValue"] == "$.latency"
    assert logs.describe_log_groups()["logGroups"][0]["metricFilterCount"] == 2
    by_metric = logs.describe_metric_filters(metricName="Latency", metricNamespace="App")["metricFilters"]
    assert [f["filterName"] for f in by_metric] == ["latency"]
    assert (
        logs.describe_metric_filters(logGroupName=group, filterNamePrefix="err")["metricFilters"][0][
            "filterName"
        ]
        == "errors"
    )
    page = logs.describe_metric_filters(limit=1)
    assert len(page["metricFilters"]) == 1 and page["nextToken"]
    assert (
        error_of(lambda: logs.describe_metric_filters(metricName="Latency"))[0] == "InvalidParameterException"
    )
    code, _ = error_of(
        lambda: logs.put_metric_filter(
            logGroupName=group, filterName="bad", filterPattern="{ $.x = ", metricTransformations=TRANSFORM
        )
    )
    assert code == "InvalidParameterException"
    logs.delete_metric_filter(logGroupName=group, filterName="errors")
    assert error_of(lambda: logs.delete_metric_filter(logGroupName=group, filterName="errors"))[0] == (
        "ResourceNotFoundException"
    )
    logs.delete_log_group(logGroupName=group)
    assert logs.describe_metric_filters()["metricFilters"] == []


def test_test_metric_filter(logs: Any) -> None:
    out = logs.test_metric_filter(
        filterPattern="[ip, user, ..., status = 4*, size]",
        logEventMessages=["1.2.3.4 bob x 404 10", "1.2.3.4 bob x 200 10", "short"],
    )
    assert out["matches"] == [
        {
            "eventNumber": 1,
            "eventMessage": "1.2.3.4 bob x 404 10",
            "extractedValues": {"$ip": "1.2.3.4", "$user": "bob", "$status": "404", "$size": "10"},
        }
    ]
    json_out = logs.test_metric_filter(
        filterPattern='{ $.a = "x" }', logEventMessages=['{"a": "x"}', '{"a": "y"}']
    )
    assert [m["eventNumber"] for m in json_out["matches"]] == [1]


def test_subscription_filters_and_destinations(logs: Any, group: str, aws_client: Callable[..., Any]) -> None:
    lam = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f"
    logs.put_subscription_filter(logGroupName=group, filterName="a", filterPattern="", destinationArn=lam)
    missing = f"arn:aws:logs:us-east-1:{ACCOUNT}:destination:nope"
    code, _ = error_of(
        lambda: logs.put_subscription_filter(
            logGroupName=group, filterName="b", filterPattern="", destinationArn=missing
        )
    )
    assert code == "InvalidParameterException"
    aws_client("kinesis").create_stream(StreamName="s", ShardCount=1)
    stream = f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/s"
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "logs.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    iam = aws_client("iam")
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(
        RoleName="r",
        PolicyName="p",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "kinesis:*", "Resource": "*"}],
            }
        ),
    )
    dest = logs.put_destination(destinationName="d", targetArn=stream, roleArn=role, tags={"x": "y"})[
        "destination"
    ]
    assert dest["arn"] == f"arn:aws:logs:us-east-1:{ACCOUNT}:destination:d"
    policy = json.dumps({"Version": "2012-10-17", "Statement": []})
    logs.put_destination_policy(destinationName="d", accessPolicy=policy)
    assert logs.describe_destinations(DestinationNamePrefix="d")["destinations"][0]["accessPolicy"] == policy
    assert error_of(lambda: logs.put_destination_policy(destinationName="d", accessPolicy="{"))[0] == (
        "InvalidParameterException"
    )
    logs.put_subscription_filter(
        logGroupName=group,
        filterName="b",
        filterPattern="ERROR",
        destinationArn=dest["arn"],
        distribution="Random",
    )
    code, message = error_of(
        lambda: logs.put_subscription_filter(
            logGroupName=group, filterName="c", filterPattern="", destinationArn=lam
        )
    )
    assert (code, message) == ("LimitExceededException", "Resource limit exceeded.")
    code, _ = error_of(
        lambda: logs.put_subscription_filter(
            logGroupName=group, filterName="k", filterPattern="", destinationArn=stream
        )
    )
    assert code == "InvalidParameterException"  # Kinesis needs a role
    found = logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"]
    assert [(f["filterName"], f["distribution"]) for f in found] == [("a", "ByLogStream"), ("b", "Random")]
    logs.delete_subscription_filter(logGroupName=group, filterName="a")
    assert len(logs.describe_subscription_filters(logGroupName=group)["subscriptionFilters"]) == 1
    logs.delete_destination(destinationName="d")
    assert error_of(lambda: logs.delete_destination(destinationName="d"))[0] == "ResourceNotFoundException"


def test_resource_and_data_protection_policies(logs: Any, group: str) -> None:
    doc = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "es.amazonaws.com"},
                    "Action": "logs:PutLogEvents",
                    "Resource": "*",
                }
            ],
        }
    )
    out = logs.put_resource_policy(policyName="es", policyDocument=doc)
    assert (out["resourcePolicy"]["policyName"], out["resourcePolicy"]["policyScope"]) == ("es", "ACCOUNT")
    assert error_of(lambda: logs.put_resource_policy(policyName="bad", policyDocument="[1"))[0] == (
        "InvalidParameterException"
    )
    listed = logs.describe_resource_policies()["resourcePolicies"]
    assert [p["policyName"] for p in listed] == ["es"]
    for i in range(9):
        logs.put_resource_policy(policyName=f"p{i}", policyDocument=doc)
    code, _ = error_of(lambda: logs.put_resource_policy(policyName="eleventh", policyDocument=doc))
    assert code == "LimitExceededException"
    logs.delete_resource_policy(policyName="es")
    assert error_of(lambda: logs.delete_resource_policy(policyName="es"))[0] == "ResourceNotFoundException"
    dp = json.dumps(
        {
            "Name": "p",
            "Version": "2021-06-01",
            "Statement": [
                {
                    "Sid": "a",
                    "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
                    "Operation": {"Audit": {"FindingsDestination": {}}},
                }
            ],
        }
    )
    logs.put_data_protection_policy(logGroupIdentifier=group, policyDocument=dp)
    assert logs.get_data_protection_policy(logGroupIdentifier=group)["policyDocument"] == dp
    assert logs.describe_log_groups()["logGroups"][0]["dataProtectionStatus"] == "ACTIVATED"
    code, _ = error_of(lambda: logs.put_data_protection_policy(logGroupIdentifier=group, policyDocument="{}"))
    assert code == "InvalidParameterException"
    logs.delete_data_protection_policy(logGroupIdentifier=group)
    assert "policyDocument" not in logs.get_data_protection_policy(logGroupIdentifier=group)


def test_pattern_language_through_test_metric_filter(logs: Any) -> None:
    def matched(pattern: str, *messages: str) -> list[int]:
        out = logs.test_metric_filter(filterPattern=pattern, logEventMessages=list(messages))
        return [m["eventNumber"] for m in out["matches"]]

    assert matched("%ERR(OR)?: [0-9]+%", "ERROR: 42", "ERR: x", "ERR: 7") == [1, 3]
    assert matched("{ $.ok IS TRUE }", '{"ok": true}', '{"ok": false}', '{"ok": "true"}') == [1]
    assert matched(
        "{ $.items[1].id = 7 }", '{"items": [{"id": 1}, {"id": 7}]}', '{"items": [{"id": 7}]}'
    ) == [1]
    assert matched('{ $.msg = "hello world" }', '{"msg": "hello world"}', '{"msg": "hello"}') == [1]
    assert matched(
        "{ ($.a = 1 || $.b = 2) && $.c != 3 }", '{"a": 1, "c": 4}', '{"b": 2, "c": 3}', '{"c": 4}'
    ) == [1]
    assert matched("{ $.n >= 1.5 }", '{"n": 1.5}', '{"n": "2"}', '{"n": 1}', "not json") == [1, 2]
    assert matched("[..., level = WARN || level = ERROR]", "a b WARN", "ERROR", "x INFO") == [1, 2]
    assert matched("[a, b != x*]", "1 y", "1 xy", "1 2 3") == [1]
    assert matched("", "anything", "at all") == [1, 2]
    assert matched("{ $.user = %^u[0-9]+$% }", '{"user": "u12"}', '{"user": "ux"}') == [1]
    assert matched("[ip, path = %\\.html$%]", "1 /a.html", "1 /a.htm") == [1]
    for bad in ("{ $.a = ", "[a, a]", "{ $.a > x }", "%(%", "[a = %x%, b = %y%, c = %z%]"):
        assert error_of(lambda bad=bad: logs.test_metric_filter(filterPattern=bad, logEventMessages=["x"]))[
            0
        ] == ("InvalidParameterException")


def test_account_policies(logs: Any) -> None:
    doc = json.dumps({"Name": "p", "Version": "2021-06-01", "Statement": []})
    out = logs.put_account_policy(policyName="dp", policyDocument=doc, policyType="DATA_PROTECTION_POLICY")
    assert out["accountPolicy"]["accountId"] == ACCOUNT and out["accountPolicy"]["scope"] == "ALL"
    code, _ = error_of(
        lambda: logs.put_account_policy(
            policyName="x", policyDocument="{", policyType="DATA_PROTECTION_POLICY"
        )
    )
    assert code == "InvalidParameterException"
    listed = logs.describe_account_policies(policyType="DATA_PROTECTION_POLICY")["accountPolicies"]
    assert [p["policyName"] for p in listed] == ["dp"]
    assert logs.describe_account_policies(policyType="SUBSCRIPTION_FILTER_POLICY")["accountPolicies"] == []
    logs.delete_account_policy(policyName="dp", policyType="DATA_PROTECTION_POLICY")
    code, _ = error_of(
        lambda: logs.delete_account_policy(policyName="dp", policyType="DATA_PROTECTION_POLICY")
    )
    assert code == "ResourceNotFoundException"
