"""Anomaly detectors and Contributor Insights rules, kept as AWS keeps them (validated, listed,
enabled and disabled, deleted). awsmock trains no model and reads no logs for them: an
anomaly detector stays ``PENDING_TRAINING``, and GetInsightRuleReport is not served."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.state import jsontext

from . import tags
from .errors import (
    InvalidParameterCombinationException,
    InvalidParameterValueException,
    LimitExceededFault,
    MissingRequiredParameterException,
    invalid_token,
)
from .lookup import check_statistic, dimensions_of, dims_key
from .metrics import check_namespace
from .store import DETECTORS, RULES

RULE_NAME = re.compile(r"[\x20-\x7E]{1,128}")
MAX_RULES = 100


# -- anomaly detectors ----------------------------------------------------------------------


def _single(params: dict[str, Any]) -> dict[str, Any] | None:
    legacy = {m: params[m] for m in ("Namespace", "MetricName", "Dimensions", "Stat") if params.get(m) is not None}
    single = params.get("SingleMetricAnomalyDetector")
    math = params.get("MetricMathAnomalyDetector")
    given = [n for n, v in (("the metric's members", legacy), ("SingleMetricAnomalyDetector", single),
                            ("MetricMathAnomalyDetector", math)) if v]
    if len(given) > 1:
        raise InvalidParameterCombinationException(
            f"The parameters {given[0]} and {given[1]} are mutually exclusive and you have specified both."
        )
    if math:
        return None
    source = single or legacy
    if not source:
        raise MissingRequiredParameterException(
            "One of SingleMetricAnomalyDetector or MetricMathAnomalyDetector must be specified."
        )
    namespace = check_namespace(source.get("Namespace"))
    name = source.get("MetricName")
    if not isinstance(name, str) or not name:
        raise MissingRequiredParameterException("The parameter MetricName is required.")
    stat = check_statistic(source.get("Stat"), "Stat")
    dims = dimensions_of(source.get("Dimensions"), "Dimensions")
    out = {"Namespace": namespace, "MetricName": name, "Dimensions": [{"Name": n, "Value": v} for n, v in dims],
           "Stat": stat}
    if isinstance(single, dict) and single.get("AccountId"):
        out["AccountId"] = single["AccountId"]
    return out


def _detector_id(single: dict[str, Any] | None, math: Any) -> str:
    if single is not None:
        key = ["single", single["Namespace"], single["MetricName"],
               dims_key((d["Name"], d["Value"]) for d in single["Dimensions"]), single["Stat"]]
    else:
        key = ["math", json.dumps(math, sort_keys=True, default=str)]
    return hashlib.sha256(json.dumps(key).encode()).hexdigest()[:32]


def _configuration(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    out: dict[str, Any] = {}
    ranges = value.get("ExcludedTimeRanges") or []
    checked = []
    for i, r in enumerate(ranges, 1):
        start, end = r.get("StartTime"), r.get("EndTime")
        if not isinstance(start, dt.datetime) or not isinstance(end, dt.datetime):
            raise MissingRequiredParameterException(
                f"The parameters Configuration.ExcludedTimeRanges.member.{i}.StartTime and EndTime are required."
            )
        if start >= end:
            raise InvalidParameterValueException(
                f"The StartTime of Configuration.ExcludedTimeRanges.member.{i} must be before its EndTime."
            )
        checked.append({"StartTime": start.isoformat(), "EndTime": end.isoformat()})
    out["ExcludedTimeRanges"] = checked
    if value.get("MetricTimezone") is not None:
        zone = value["MetricTimezone"]
        if not isinstance(zone, str) or len(zone) > 50 or not re.fullmatch(r"[A-Za-z0-9_/+\-]+", zone):
            raise InvalidParameterValueException(f"The value {zone} for parameter MetricTimezone is invalid.")
        out["MetricTimezone"] = zone
    return out


@handler("cloudwatch", "PutAnomalyDetector")
def put_anomaly_detector(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    single = _single(params)
    math = params.get("MetricMathAnomalyDetector")
    if single is None:
        queries = (math or {}).get("MetricDataQueries") or []
        if not queries:
            raise MissingRequiredParameterException("The parameter MetricMathAnomalyDetector.MetricDataQueries is required.")
        if sum(1 for q in queries if q.get("ReturnData", True)) != 1:
            raise InvalidParameterValueException("Exactly one MetricDataQuery must have ReturnData set to true.")
    rid = _detector_id(single, math)
    document: dict[str, Any] = {
        "Configuration": _configuration(params.get("Configuration")),
        "MetricCharacteristics": params.get("MetricCharacteristics") or {},
    }
    if single is not None:
        document["SingleMetricAnomalyDetector"] = single
    else:
        document["MetricMathAnomalyDetector"] = json.loads(json.dumps(math, default=str))
    row = DETECTORS.find(ctx, rid)
    if row is None:
        DETECTORS.create(ctx, rid=rid, name=single["MetricName"] if single else "metric math",
                         document=document, state="PENDING_TRAINING")
    else:
        DETECTORS.update(ctx, row, document=document)
    return {}


def _detector_out(row: Any) -> dict[str, Any]:
    doc = dict(row.document)
    config = dict(doc.get("Configuration") or {})
    if config.get("ExcludedTimeRanges"):
        config["ExcludedTimeRanges"] = [
            {"StartTime": dt.datetime.fromisoformat(r["StartTime"]), "EndTime": dt.datetime.fromisoformat(r["EndTime"])}
            for r in config["ExcludedTimeRanges"]
        ]
    out: dict[str, Any] = {"Configuration": config, "StateValue": row.state or "PENDING_TRAINING"}
    if doc.get("MetricCharacteristics"):
        out["MetricCharacteristics"] = doc["MetricCharacteristics"]
    single = doc.get("SingleMetricAnomalyDetector")
    if single:
        out.update(SingleMetricAnomalyDetector=single, Namespace=single["Namespace"],
                   MetricName=single["MetricName"], Dimensions=single["Dimensions"], Stat=single["Stat"])
    else:
        out["MetricMathAnomalyDetector"] = doc.get("MetricMathAnomalyDetector")
    return out


@handler("cloudwatch", "DescribeAnomalyDetectors")
def describe_anomaly_detectors(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = params.get("MaxResults") or 100
    if not 1 <= limit <= 100:
        raise InvalidParameterValueException(f"The value {limit} for parameter MaxResults is invalid.")
    types = params.get("AnomalyDetectorTypes") or ["SINGLE_METRIC", "METRIC_MATH"]
    namespace, name = params.get("Namespace"), params.get("MetricName")
    want_dims = params.get("Dimensions")
    key = dims_key(dimensions_of(want_dims, "Dimensions")) if want_dims is not None else None
    rows = []
    for row in DETECTORS.page(ctx, limit=10_000, token=None, invalid=invalid_token).rows:
        single = row.document.get("SingleMetricAnomalyDetector")
        if ("SINGLE_METRIC" if single else "METRIC_MATH") not in types:
            continue
        if namespace is not None or name is not None or key is not None:
            if not single:
                continue
            if namespace is not None and single["Namespace"] != namespace:
                continue
            if name is not None and single["MetricName"] != name:
                continue
            if key is not None and dims_key((d["Name"], d["Value"]) for d in single["Dimensions"]) != key:
                continue
        rows.append(row)
    scope = json.dumps(["DescribeAnomalyDetectors", namespace, name, key, types])
    page = pager.page_list(rows, key=lambda r: r.rid, limit=limit, token=params.get("NextToken"), scope=scope,
                           invalid=invalid_token)
    out: dict[str, Any] = {"AnomalyDetectors": [_detector_out(r) for r in page.rows]}
    if page.token:
        out["NextToken"] = page.token
    return out


@handler("cloudwatch", "DeleteAnomalyDetector")
def delete_anomaly_detector(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    single = _single(params)
    rid = _detector_id(single, params.get("MetricMathAnomalyDetector"))
    DETECTORS.delete(ctx, DETECTORS.get(ctx, rid))
    return {}


# -- Contributor Insights rules -------------------------------------------------------------


def _rule_name(value: Any, member: str = "RuleName") -> str:
    if not isinstance(value, str) or not value:
        raise MissingRequiredParameterException(f"The parameter {member} is required.")
    if not RULE_NAME.fullmatch(value):
        raise InvalidParameterValueException(f"The value {value[:128]} for parameter {member} is invalid.")
    return value


def _definition(value: Any) -> tuple[str, dict[str, Any]]:
    if not isinstance(value, str) or not value:
        raise MissingRequiredParameterException("The parameter RuleDefinition is required.")
    if len(value) > 8192:
        raise InvalidParameterValueException("The parameter RuleDefinition must not be longer than 8192 characters.")
    try:
        doc = jsontext.guarded_loads(value)
    except ValueError:
        raise InvalidParameterValueException("The parameter RuleDefinition is not valid JSON.") from None
    if not isinstance(doc, dict):
        raise InvalidParameterValueException("The parameter RuleDefinition must be a JSON object.")
    schema = doc.get("Schema")
    if not isinstance(schema, dict) or schema.get("Name") != "CloudWatchLogRule" or schema.get("Version") != 1:
        raise InvalidParameterValueException(
            'The RuleDefinition must have a Schema of {"Name": "CloudWatchLogRule", "Version": 1}.'
        )
    groups = doc.get("LogGroupNames") or doc.get("LogGroupARNs")
    if not isinstance(groups, list) or not groups:
        raise InvalidParameterValueException("The RuleDefinition must name its log groups in LogGroupNames.")
    contribution = doc.get("Contribution")
    if not isinstance(contribution, dict) or not isinstance(contribution.get("Keys"), list) or not (
        1 <= len(contribution["Keys"]) <= 4
    ):
        raise InvalidParameterValueException("The RuleDefinition's Contribution must have from 1 to 4 Keys.")
    if doc.get("AggregateOn") not in ("Count", "Sum"):
        raise InvalidParameterValueException("The RuleDefinition's AggregateOn must be Count or Sum.")
    if doc.get("AggregateOn") == "Sum" and not contribution.get("ValueOf"):
        raise InvalidParameterValueException("The RuleDefinition's Contribution must have ValueOf to aggregate on Sum.")
    if doc.get("LogFormat") not in ("JSON", "CLF"):
        raise InvalidParameterValueException("The RuleDefinition's LogFormat must be JSON or CLF.")
    return "CloudWatchLogRule/1", doc


@handler("cloudwatch", "PutInsightRule")
def put_insight_rule(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _rule_name(params.get("RuleName"))
    state = params.get("RuleState") or "ENABLED"
    if state not in ("ENABLED", "DISABLED"):
        raise InvalidParameterValueException(f"The value {state} for parameter RuleState is invalid.")
    schema, _ = _definition(params.get("RuleDefinition"))
    document = {
        "Schema": schema,
        "Definition": params["RuleDefinition"],
        "ManagedRule": False,
        "ApplyOnTransformedLogs": bool(params.get("ApplyOnTransformedLogs", False)),
    }
    row = RULES.find(ctx, name)
    if row is None:
        if len(RULES.page(ctx, limit=MAX_RULES, token=None, invalid=invalid_token).rows) >= MAX_RULES:
            raise LimitExceededFault(f"The maximum number of Contributor Insights rules ({MAX_RULES}) has been reached.")
        row = RULES.create(ctx, rid=name, name=name, document=document, state=state)
        if params.get("Tags"):
            tags.apply(ctx, row.arn, tags.checked(params["Tags"]))
    else:
        RULES.update(ctx, row, document=document, state=state)
    return {}


@handler("cloudwatch", "DescribeInsightRules")
def describe_insight_rules(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = params.get("MaxResults") or 500
    if not 1 <= limit <= 500:
        raise InvalidParameterValueException(f"The value {limit} for parameter MaxResults is invalid.")
    page = RULES.page(ctx, limit=limit, token=params.get("NextToken"), invalid=invalid_token)
    out: dict[str, Any] = {
        "InsightRules": [
            {"Name": r.rid, "State": r.state, **{k: r.document[k] for k in
                                                  ("Schema", "Definition", "ManagedRule", "ApplyOnTransformedLogs")}}
            for r in page.rows
        ]
    }
    if page.token:
        out["NextToken"] = page.token
    return out


def _each_rule(ctx: RequestContext, params: dict[str, Any], act: Any) -> dict[str, Any]:
    names = params.get("RuleNames")
    if not names:
        raise MissingRequiredParameterException("The parameter RuleNames is required.")
    failures = []
    for name in names:
        row = RULES.find(ctx, name) if isinstance(name, str) else None
        if row is None:
            failures.append({"FailureResource": str(name), "ExceptionType": "ResourceNotFoundException",
                             "FailureCode": "404", "FailureDescription": f"Rule {name} does not exist."})
            continue
        act(row)
    return {"Failures": failures}


@handler("cloudwatch", "DeleteInsightRules")
def delete_insight_rules(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _each_rule(ctx, params, lambda row: RULES.delete(ctx, row))


@handler("cloudwatch", "EnableInsightRules")
def enable_insight_rules(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _each_rule(ctx, params, lambda row: RULES.update(ctx, row, state="ENABLED"))


@handler("cloudwatch", "DisableInsightRules")
def disable_insight_rules(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _each_rule(ctx, params, lambda row: RULES.update(ctx, row, state="DISABLED"))
