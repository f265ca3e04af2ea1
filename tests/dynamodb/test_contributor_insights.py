"""Contributor Insights settings of tables and global secondary indexes: enable, describe (with
the rules DynamoDB names), disable, list; unknown tables and indexes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .helpers import all_pages, error_code

GSI = {
    "IndexName": "by-g",
    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
    "Projection": {"ProjectionType": "KEYS_ONLY"},
}


def test_enable_describe_disable(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(range=("sk", "S"), extra_attributes=[("g", "S")], GlobalSecondaryIndexes=[GSI])
    before = ddb.describe_contributor_insights(TableName=table)
    assert before["ContributorInsightsStatus"] == "DISABLED" and "ContributorInsightsRuleList" not in before
    changed = ddb.update_contributor_insights(TableName=table, ContributorInsightsAction="ENABLE")
    assert (changed["TableName"], changed["ContributorInsightsStatus"]) == (table, "ENABLING")
    assert changed["ContributorInsightsMode"] == "ACCESSED_AND_THROTTLED_KEYS"
    now = ddb.describe_contributor_insights(TableName=table)
    assert (now["ContributorInsightsStatus"], now["ContributorInsightsMode"]) == (
        "ENABLED",
        "ACCESSED_AND_THROTTLED_KEYS",
    )
    rules = now["ContributorInsightsRuleList"]
    assert [r.split("-")[1] for r in rules] == ["PKC", "PKT", "SKC", "SKT"]  # the table has a sort key
    assert all(r.startswith("DynamoDBContributorInsights-") and table in r for r in rules)
    index = ddb.update_contributor_insights(
        TableName=table,
        IndexName="by-g",
        ContributorInsightsAction="ENABLE",
        ContributorInsightsMode="THROTTLED_KEYS",
    )
    assert (index["IndexName"], index["ContributorInsightsMode"]) == ("by-g", "THROTTLED_KEYS")
    on_index = ddb.describe_contributor_insights(TableName=table, IndexName="by-g")
    assert [r.split("-")[1] for r in on_index["ContributorInsightsRuleList"]] == ["PKC", "PKT"]
    listed = ddb.list_contributor_insights(TableName=table)["ContributorInsightsSummaries"]
    assert [(s.get("IndexName"), s["ContributorInsightsStatus"]) for s in listed] == [
        (None, "ENABLED"),
        ("by-g", "ENABLED"),
    ]
    off = ddb.update_contributor_insights(TableName=table, ContributorInsightsAction="DISABLE")
    assert off["ContributorInsightsStatus"] == "DISABLING"
    after = ddb.describe_contributor_insights(TableName=table)
    assert after["ContributorInsightsStatus"] == "DISABLED" and "LastUpdateDateTime" in after
    assert "ContributorInsightsRuleList" not in after


def test_listing_every_table_pages(ddb: Any, make_table: Callable[..., str]) -> None:
    tables = sorted(make_table() for _ in range(3))
    for t in tables:
        ddb.update_contributor_insights(TableName=t, ContributorInsightsAction="ENABLE")
    summaries = all_pages(ddb.list_contributor_insights, "ContributorInsightsSummaries", MaxResults=2)
    assert [s["TableName"] for s in summaries if s["TableName"] in tables] == tables
    assert error_code(ddb.list_contributor_insights, NextToken="not-a-token") == "ValidationException"


def test_unknown_tables_and_indexes(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table()
    assert (
        error_code(ddb.describe_contributor_insights, TableName="no-such-table")
        == "ResourceNotFoundException"
    )
    assert error_code(ddb.describe_contributor_insights, TableName=table, IndexName="nope") == (
        "ResourceNotFoundException"
    )
    assert error_code(
        ddb.update_contributor_insights, TableName=table, IndexName="nope", ContributorInsightsAction="ENABLE"
    ) == ("ResourceNotFoundException")
    assert ddb.describe_contributor_insights(TableName=table)["ContributorInsightsStatus"] == "DISABLED"
