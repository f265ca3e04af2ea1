"""Sampling rules: the Default rule, creation with AWS's checks and limit, updates (the Default
rule's rate and reservoir only), deletion; targets for reported statistics and their summaries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.xray.conftest import error_of

ACCOUNT = "123456789012"


def _rule(name: str = "r1", **kw: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "RuleName": name, "ResourceARN": "*", "Priority": 100, "FixedRate": 0.1, "ReservoirSize": 4,
        "ServiceName": "web", "ServiceType": "*", "Host": "*", "HTTPMethod": "GET", "URLPath": "/api/*",
        "Version": 1,
    }
    rule.update(kw)
    return rule


def test_every_account_has_the_default_rule(xray: Any) -> None:
    [record] = xray.get_sampling_rules()["SamplingRuleRecords"]
    rule = record["SamplingRule"]
    assert rule["RuleName"] == "Default"
    assert rule["RuleARN"] == f"arn:aws:xray:us-east-1:{ACCOUNT}:sampling-rule/Default"
    assert (rule["Priority"], rule["FixedRate"], rule["ReservoirSize"]) == (10000, 0.05, 1)
    assert error_of(lambda: xray.delete_sampling_rule(RuleName="Default")) == (
        "InvalidRequestException", "Cannot delete the Default sampling rule.")


def test_create_update_and_delete_a_rule(xray: Any) -> None:
    record = xray.create_sampling_rule(SamplingRule=_rule(), Tags=[{"Key": "team", "Value": "a"}])["SamplingRuleRecord"]
    arn = record["SamplingRule"]["RuleARN"]
    assert arn == f"arn:aws:xray:us-east-1:{ACCOUNT}:sampling-rule/r1"
    assert xray.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "team", "Value": "a"}]
    updated = xray.update_sampling_rule(SamplingRuleUpdate={"RuleARN": arn, "FixedRate": 0.5, "Host": "example.com"})
    assert updated["SamplingRuleRecord"]["SamplingRule"]["FixedRate"] == 0.5
    assert updated["SamplingRuleRecord"]["SamplingRule"]["Host"] == "example.com"
    assert updated["SamplingRuleRecord"]["SamplingRule"]["Priority"] == 100
    names = [r["SamplingRule"]["RuleName"] for r in xray.get_sampling_rules()["SamplingRuleRecords"]]
    assert names == ["Default", "r1"]
    deleted = xray.delete_sampling_rule(RuleName="r1")["SamplingRuleRecord"]["SamplingRule"]
    assert deleted["FixedRate"] == 0.5
    assert error_of(lambda: xray.delete_sampling_rule(RuleName="r1")) == (
        "InvalidRequestException", "Sampling rule does not exist")
    assert error_of(lambda: xray.list_tags_for_resource(ResourceARN=arn))[0] == "ResourceNotFoundException"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"Version": 2}, "InvalidRequestException"),
        ({"Priority": 0}, "ParamValidationError"),
        ({"FixedRate": 1.5}, "ValidationException"),
        ({"RuleName": "Default"}, "InvalidRequestException"),
    ],
)
def test_a_rule_is_checked_before_it_is_made(xray: Any, change: dict[str, Any], code: str) -> None:
    from botocore.exceptions import ParamValidationError

    if code == "ParamValidationError":
        with pytest.raises(ParamValidationError):
            xray.create_sampling_rule(SamplingRule=_rule(**change))
        return
    assert error_of(lambda: xray.create_sampling_rule(SamplingRule=_rule(**change)))[0] == code
    assert len(xray.get_sampling_rules()["SamplingRuleRecords"]) == 1


def test_names_are_unique_and_an_account_has_at_most_25_rules(xray: Any) -> None:
    for i in range(25):
        xray.create_sampling_rule(SamplingRule=_rule(f"r{i:02}"))
    assert error_of(lambda: xray.create_sampling_rule(SamplingRule=_rule("r00"))) == (
        "InvalidRequestException", "RuleName already exists")
    assert error_of(lambda: xray.create_sampling_rule(SamplingRule=_rule("r99"))) == (
        "RuleLimitExceededException", "You have reached the maximum number of sampling rules.")


def test_the_default_rule_changes_only_its_rate_and_reservoir(xray: Any) -> None:
    out = xray.update_sampling_rule(SamplingRuleUpdate={"RuleName": "Default", "FixedRate": 0.2, "ReservoirSize": 3})
    assert out["SamplingRuleRecord"]["SamplingRule"]["FixedRate"] == 0.2
    code, _ = error_of(lambda: xray.update_sampling_rule(SamplingRuleUpdate={"RuleName": "Default", "Priority": 5}))
    assert code == "InvalidRequestException"
    [record] = xray.get_sampling_rules()["SamplingRuleRecords"]
    assert (record["SamplingRule"]["FixedRate"], record["SamplingRule"]["ReservoirSize"], record["SamplingRule"]["Priority"]) == (0.2, 3, 10000)


def test_targets_split_the_reservoir_and_statistics_are_summed(xray: Any) -> None:
    xray.create_sampling_rule(SamplingRule=_rule("api", ReservoirSize=10))
    now = dt.datetime.now(dt.UTC)

    def report(client: str, requests: int, sampled: int, rule: str = "api") -> dict[str, Any]:
        return {"RuleName": rule, "ClientID": client * 24, "Timestamp": now, "RequestCount": requests,
                "SampledCount": sampled, "BorrowCount": 1}

    first = xray.get_sampling_targets(SamplingStatisticsDocuments=[report("a", 10, 2)])
    [target] = first["SamplingTargetDocuments"]
    assert (target["RuleName"], target["FixedRate"], target["ReservoirQuota"], target["Interval"]) == ("api", 0.1, 10, 10)
    second = xray.get_sampling_targets(SamplingStatisticsDocuments=[report("b", 5, 1), report("c", 1, 1, "ghost")])
    assert second["SamplingTargetDocuments"][0]["ReservoirQuota"] == 5  # two clients share it
    assert [u["RuleName"] for u in second["UnprocessedStatistics"]] == ["ghost"]
    [summary] = xray.get_sampling_statistic_summaries()["SamplingStatisticSummaries"]
    assert (summary["RuleName"], summary["RequestCount"], summary["SampledCount"], summary["BorrowCount"]) in (
        ("api", 15, 3, 2),
        ("api", 5, 1, 1),  # the two reports fell in two 10-second windows
    )
