"""Sampling rules (Create/Get/Update/Delete, with the Default rule every account has), the
targets X-Ray hands the SDKs for the statistics they report (GetSamplingTargets), and the
summaries of those statistics (GetSamplingStatisticSummaries). Rules are rows of the shared
store; a rule's reported statistics of the current window live in its document."""

from __future__ import annotations

import datetime as dt
from typing import Any

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from . import tags
from .errors import InvalidRequestException, RuleLimitExceededException, invalid_token
from .lookup import RULES, rows_of, rule_name_of

DEFAULT = "Default"
#: rules an account may have besides the Default rule
MAX_RULES = 25
#: how often SDKs report, and how long a reservoir quota lasts (seconds)
INTERVAL = 10
RULES_PAGE = 100

DEFAULT_RULE: dict[str, Any] = {
    "RuleName": DEFAULT,
    "ResourceARN": "*",
    "Priority": 10000,
    "FixedRate": 0.05,
    "ReservoirSize": 1,
    "ServiceName": "*",
    "ServiceType": "*",
    "Host": "*",
    "HTTPMethod": "*",
    "URLPath": "*",
    "Version": 1,
    "Attributes": {},
}
#: what an update may change of the Default rule
DEFAULT_UPDATABLE = frozenset(["RuleName", "RuleARN", "FixedRate", "ReservoirSize"])
_UPDATABLE = (
    "ResourceARN",
    "Priority",
    "FixedRate",
    "ReservoirSize",
    "Host",
    "ServiceName",
    "ServiceType",
    "HTTPMethod",
    "URLPath",
    "Attributes",
    "SamplingRateBoost",
)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _check(rule: dict[str, Any]) -> None:
    """The checks the model leaves to the service."""
    priority = rule.get("Priority")
    if priority is not None and not 1 <= priority <= 9999:
        raise InvalidRequestException("Priority must be between 1 and 9999.")
    rate = rule.get("FixedRate")
    if rate is not None and not 0 <= rate <= 1:
        raise InvalidRequestException("FixedRate must be between 0 and 1.")
    size = rule.get("ReservoirSize")
    if size is not None and size < 0:
        raise InvalidRequestException("ReservoirSize must not be negative.")
    for key, value in (rule.get("Attributes") or {}).items():
        if not 1 <= len(key) <= 32 or not 1 <= len(value) <= 32:
            raise InvalidRequestException("Attribute keys and values must be 1 to 32 characters long.")
    boost = rule.get("SamplingRateBoost")
    if boost is not None and not 0 <= boost.get("MaxRate", 0) <= 1:
        raise InvalidRequestException("SamplingRateBoost MaxRate must be between 0 and 1.")


def _default_row(ctx: RequestContext) -> Resource:
    """The Default rule, stored the first time a write needs it."""
    row = RULES.find(ctx, DEFAULT)
    if row is None:
        row = RULES.create(
            ctx, rid=DEFAULT, name=DEFAULT, document={**DEFAULT_RULE, "RuleARN": RULES.arn_of(ctx, DEFAULT)}
        )
        row.created = _EPOCH
        row.updated = _EPOCH
    return row


def _rule_rows(ctx: RequestContext) -> list[tuple[dict[str, Any], dt.datetime, dt.datetime, Resource | None]]:
    """Every rule (rule, created, modified, row), the Default one included, by name."""
    rows = list(rows_of(ctx, RULES))
    out = [(dict(r.document), r.created, r.updated, r) for r in rows]
    if not any(r.rid == DEFAULT for r in rows):
        out.append(({**DEFAULT_RULE, "RuleARN": RULES.arn_of(ctx, DEFAULT)}, _EPOCH, _EPOCH, None))
    return sorted(out, key=lambda r: str(r[0]["RuleName"]))


def _record(rule: dict[str, Any], created: dt.datetime, modified: dt.datetime) -> dict[str, Any]:
    shown = {k: v for k, v in rule.items() if k not in ("Statistics", "Clients")}
    shown.setdefault("Attributes", {})
    return {"SamplingRule": shown, "CreatedAt": created, "ModifiedAt": modified}


def _find(ctx: RequestContext, params: dict[str, Any], write: bool) -> Resource | None:
    name = rule_name_of(params)
    if name is None:
        raise InvalidRequestException("Either RuleName or RuleARN must be specified.")
    if name == DEFAULT and write:
        return _default_row(ctx)
    row = RULES.find(ctx, name)
    if row is None and not (name == DEFAULT):
        raise InvalidRequestException("Sampling rule does not exist")
    arn = params.get("RuleARN")
    if row is not None and isinstance(arn, str) and arn != row.arn:
        raise InvalidRequestException("Sampling rule does not exist")
    return row


@handler("xray", "CreateSamplingRule")
def create_sampling_rule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rule = dict(params["SamplingRule"])
    name = rule_name_of(rule)
    if name is None:
        raise InvalidRequestException("Either RuleName or RuleARN must be specified.")
    if rule.get("RuleARN") is not None and rule["RuleARN"] != RULES.arn_of(ctx, name):
        raise InvalidRequestException("RuleARN does not name a sampling rule of this account and region.")
    rule["RuleName"] = name
    if name == DEFAULT:
        raise InvalidRequestException("RuleName already exists")
    if rule.get("Version") != 1:
        raise InvalidRequestException("Version must be 1.")
    _check(rule)
    count = sum(1 for r in rows_of(ctx, RULES) if r.rid != DEFAULT)
    if RULES.find(ctx, name) is not None:
        raise InvalidRequestException("RuleName already exists")
    if count >= MAX_RULES:
        raise RuleLimitExceededException()
    tags.check_tags(params.get("Tags"))
    rule["RuleARN"] = RULES.arn_of(ctx, name)
    rule.setdefault("Attributes", {})
    row = RULES.create(ctx, rid=name, name=name, document=rule)
    tags.apply(ctx, row.arn, params.get("Tags"))
    return {"SamplingRuleRecord": _record(row.document, row.created, row.updated)}


@handler("xray", "UpdateSamplingRule")
def update_sampling_rule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    change = dict(params["SamplingRuleUpdate"])
    row = _find(ctx, change, write=True)
    assert row is not None
    if row.rid == DEFAULT:
        extra = sorted(k for k in change if k not in DEFAULT_UPDATABLE)
        if extra:
            raise InvalidRequestException(
                "Only FixedRate and ReservoirSize of the Default rule can be changed."
            )
    _check(change)
    rule = dict(row.document)
    for key in _UPDATABLE:
        if change.get(key) is not None:
            rule[key] = change[key]
    RULES.update(ctx, row, document=rule)
    return {"SamplingRuleRecord": _record(row.document, row.created, row.updated)}


@handler("xray", "DeleteSamplingRule")
def delete_sampling_rule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if rule_name_of(params) == DEFAULT:
        raise InvalidRequestException("Cannot delete the Default sampling rule.")
    row = _find(ctx, params, write=True)
    assert row is not None
    record = _record(row.document, row.created, row.updated)
    RULES.delete(ctx, row)
    return {"SamplingRuleRecord": record}


@handler("xray", "GetSamplingRules")
def get_sampling_rules(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rules = _rule_rows(ctx)
    page = pager.page_list(
        rules,
        key=lambda r: str(r[0]["RuleName"]),
        limit=RULES_PAGE,
        token=params.get("NextToken"),
        scope="GetSamplingRules",
        invalid=invalid_token,
    )
    out: dict[str, Any] = {"SamplingRuleRecords": [_record(r, c, m) for r, c, m, _ in page.rows]}
    if page.token:
        out["NextToken"] = page.token
    return out


def _window(ts: dt.datetime) -> dt.datetime:
    """The start of the reporting window a time falls in."""
    seconds = int(ts.timestamp()) // INTERVAL * INTERVAL
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


@handler("xray", "GetSamplingTargets", write=True)
def get_sampling_targets(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    targets: list[dict[str, Any]] = []
    unprocessed: list[dict[str, Any]] = []
    now = ctx.now
    window = _window(now)
    for report in params["SamplingStatisticsDocuments"]:
        name = report["RuleName"]
        if report["SampledCount"] > report["RequestCount"]:
            unprocessed.append(
                {"RuleName": name, "ErrorCode": "400", "Message": "SampledCount cannot exceed RequestCount."}
            )
            continue
        row = _default_row(ctx) if name == DEFAULT else RULES.find(ctx, name)
        if row is None:
            unprocessed.append({"RuleName": name, "ErrorCode": "400", "Message": "Sampling rule does not exist"})
            continue
        rule = dict(row.document)
        stats = dict(rule.get("Statistics") or {})
        if stats.get("Window") != window.isoformat():
            stats = {"Window": window.isoformat(), "RequestCount": 0, "SampledCount": 0, "BorrowCount": 0}
        stats["RequestCount"] += report["RequestCount"]
        stats["SampledCount"] += report["SampledCount"]
        stats["BorrowCount"] += report.get("BorrowCount") or 0
        stats["Timestamp"] = report["Timestamp"].isoformat()
        clients = {
            cid: seen
            for cid, seen in (rule.get("Clients") or {}).items()
            if now - dt.datetime.fromisoformat(seen) < dt.timedelta(seconds=3 * INTERVAL)
        }
        clients[report["ClientID"]] = now.isoformat()
        rule["Statistics"], rule["Clients"] = stats, clients
        row.document = rule  # statistics are no modification of the rule: ModifiedAt stays
        size = int(rule.get("ReservoirSize", 0))
        targets.append(
            {
                "RuleName": name,
                "FixedRate": float(rule.get("FixedRate", 0.0)),
                "ReservoirQuota": size // len(clients) if size else 0,
                "ReservoirQuotaTTL": now + dt.timedelta(seconds=INTERVAL),
                "Interval": INTERVAL,
            }
        )
    modified = max([m for _, _, m, _ in _rule_rows(ctx)] or [_EPOCH])
    return {
        "SamplingTargetDocuments": targets,
        "LastRuleModification": modified,
        "UnprocessedStatistics": unprocessed,
    }


@handler("xray", "GetSamplingStatisticSummaries")
def get_sampling_statistic_summaries(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    summaries = []
    for rule, _, _, _ in _rule_rows(ctx):
        stats = rule.get("Statistics")
        if not stats:
            continue
        summaries.append(
            {
                "RuleName": rule["RuleName"],
                "Timestamp": dt.datetime.fromisoformat(stats["Window"]),
                "RequestCount": stats["RequestCount"],
                "BorrowCount": stats["BorrowCount"],
                "SampledCount": stats["SampledCount"],
            }
        )
    page = pager.page_list(
        summaries,
        key=lambda s: str(s["RuleName"]),
        limit=RULES_PAGE,
        token=params.get("NextToken"),
        scope="GetSamplingStatisticSummaries",
        invalid=invalid_token,
    )
    out: dict[str, Any] = {"SamplingStatisticSummaries": page.rows}
    if page.token:
        out["NextToken"] = page.token
    return out
