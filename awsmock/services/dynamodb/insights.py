"""CloudWatch Contributor Insights for tables and their global secondary indexes:
UpdateContributorInsights, DescribeContributorInsights, ListContributorInsights. The setting is
kept in the table's definition, by index (the table itself under ""). A change answers
ENABLING or DISABLING and is done at once (later reads say ENABLED or DISABLED); awsmock
records no contributors, so the rules it names have nothing in CloudWatch behind them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from .errors import ResourceNotFound, invalid
from .schema import TABLES, TableInfo, find_table, save_spec, table_name_of

#: ListContributorInsights: summaries per page unless MaxResults says fewer
PAGE_SIZE = 100


def _table(ctx: RequestContext, name: str) -> TableInfo:
    info = find_table(ctx, name)
    if info is None:
        raise ResourceNotFound(f"Requested resource not found: Table: {table_name_of(name)} not found")
    return info


def _index(info: TableInfo, index: str | None) -> str:
    """``index`` checked against the table's global secondary indexes ("" for the table)."""
    if not index:
        return ""
    if not any(ix["IndexName"] == index for ix in info.spec.get("GlobalSecondaryIndexes") or []):
        raise ResourceNotFound(
            f"Requested resource not found: Index: {index} not found for table {info.name}"
        )
    return index


def _rules(info: TableInfo, index: str, since: dt.datetime) -> list[str]:
    """The rule names DynamoDB makes: partition-key (and, with one, sort-key) counts and throttles."""
    schema = info.spec["KeySchema"]
    if index:
        schema = next(ix for ix in info.spec["GlobalSecondaryIndexes"] if ix["IndexName"] == index)[
            "KeySchema"
        ]
    kinds = ["PKC", "PKT"] + (["SKC", "SKT"] if len(schema) > 1 else [])
    target = f"{info.name}-{index}" if index else info.name
    stamp = int(since.timestamp() * 1000)
    return [f"DynamoDBContributorInsights-{kind}-{target}-{stamp}" for kind in kinds]


def _settings(info: TableInfo) -> dict[str, Any]:
    return dict(info.spec.get("ContributorInsights") or {})


def _summary(info: TableInfo, index: str, setting: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"TableName": info.name, "ContributorInsightsStatus": setting["Status"]}
    if index:
        out["IndexName"] = index
    if setting["Status"] == "ENABLED":
        out["ContributorInsightsMode"] = setting["Mode"]
    return out


@handler("dynamodb", "UpdateContributorInsights")
def update_contributor_insights(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    info = _table(ctx, params["TableName"])
    index = _index(info, params.get("IndexName"))
    enable = params["ContributorInsightsAction"] == "ENABLE"
    mode = params.get("ContributorInsightsMode") or "ACCESSED_AND_THROTTLED_KEYS"
    if not enable and params.get("ContributorInsightsMode"):
        raise invalid(
            "ContributorInsightsMode can only be specified when ContributorInsightsAction is ENABLE"
        )
    settings = _settings(info)
    settings[index] = {
        "Status": "ENABLED" if enable else "DISABLED",
        "Mode": mode,
        "Updated": ctx.now.isoformat(),
    }
    save_spec(ctx, info, {**info.spec, "ContributorInsights": settings})
    out: dict[str, Any] = {
        "TableName": info.name,
        "ContributorInsightsStatus": "ENABLING" if enable else "DISABLING",
    }
    if index:
        out["IndexName"] = index
    if enable:
        out["ContributorInsightsMode"] = mode
    return out


@handler("dynamodb", "DescribeContributorInsights")
def describe_contributor_insights(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    info = _table(ctx, params["TableName"])
    index = _index(info, params.get("IndexName"))
    setting = _settings(info).get(index)
    if setting is None:
        setting = {"Status": "DISABLED"}
    out = _summary(info, index, setting)
    if "Updated" in setting:
        since = dt.datetime.fromisoformat(setting["Updated"])
        out["LastUpdateDateTime"] = since
        if setting["Status"] == "ENABLED":
            out["ContributorInsightsRuleList"] = _rules(info, index, since)
    return out


@handler("dynamodb", "ListContributorInsights")
def list_contributor_insights(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = int(params.get("MaxResults") or PAGE_SIZE)
    listed: list[tuple[Any, dict[str, Any]]]  # (its key in the listing, summary)
    scope = "ListContributorInsights"
    if params.get("TableName"):  # the table, then each of its global secondary indexes
        info = _table(ctx, params["TableName"])
        settings = _settings(info)
        scope += f" {info.arn}"
        names = [""] + [ix["IndexName"] for ix in info.spec.get("GlobalSecondaryIndexes") or []]
        listed = [
            (n, _summary(info, i, settings.get(i) or {"Status": "DISABLED"})) for n, i in enumerate(names)
        ]
    else:  # every table or index whose setting was ever changed, by table and index name
        rows = ctx.session.execute(
            TABLES.select()
            .with_only_columns(TABLES.c.name)
            .where(TABLES.c.account_id == ctx.account_id, TABLES.c.region == ctx.region)
            .order_by(TABLES.c.name)
        ).all()
        tables = [t for t in (find_table(ctx, name) for (name,) in rows) if t is not None]
        listed = [
            ((info.name, index), _summary(info, index, setting))
            for info in tables
            for index, setting in sorted(_settings(info).items())
        ]
    token = params.get("NextToken")
    found = pager.page_list(
        listed,
        key=lambda entry: entry[0],
        limit=limit,
        token=token,
        scope=scope,
        invalid=lambda _: invalid(f"Invalid NextToken: {token}"),
    )
    out: dict[str, Any] = {"ContributorInsightsSummaries": [summary for _, summary in found.rows]}
    if found.token:
        out["NextToken"] = found.token
    return out
