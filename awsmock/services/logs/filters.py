"""Metric filters and subscription filters of log groups, and TestMetricFilter.

Both are rows of the shared store whose parent is their group's ARN (id ``<group>:<filter>``:
a group's name never holds a colon). Metric filters are kept with their transformation; they
will emit their metrics once CloudWatch metrics exist here. Subscription filters are validated
(the pattern, the destination's form, a Logs destination's existence) and kept; deliveries wait
for the delivery engine.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from awsmock.engine import arns, pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.engine.resources import Resource

from . import patterns
from .errors import InvalidParameterException, LimitExceededException, invalid_token
from .lookup import (
    DESTINATIONS,
    METRIC_FILTERS,
    SUBSCRIPTION_FILTERS,
    check_group_name,
    group,
    millis,
    starts,
)

MAX_METRIC_FILTERS = 100
MAX_SUBSCRIPTION_FILTERS = 2


def _count(ctx: RequestContext, kind: str, parent: str) -> int:
    return int(
        ctx.session.scalar(
            select(func.count()).where(
                Resource.service == "logs", Resource.kind == kind, Resource.parent == parent
            )
        )
        or 0
    )


def _check_value(spec: Any, member: str) -> None:
    if not isinstance(spec, str) or not spec.strip():
        raise InvalidParameterException(f"Invalid {member}: it must be a number or a field selector.")
    text = spec.strip()
    if text.startswith("$"):
        if text == "$" or text == "$.":
            raise InvalidParameterException(f"Invalid metric value: {spec}")
        return
    try:
        float(text)
    except ValueError:
        raise InvalidParameterException(f"Invalid metric value: {spec}") from None


# -- metric filters ------------------------------------------------------------------------------


@handler("logs", "PutMetricFilter")
def put_metric_filter(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    grp = group(ctx, check_group_name(params["logGroupName"]))
    name = params["filterName"]
    patterns.compile_pattern(params["filterPattern"])
    transformations = params["metricTransformations"]
    for t in transformations:
        _check_value(t.get("metricValue"), "metricValue")
        dims = t.get("dimensions") or {}
        if len(dims) > 3:
            raise LimitExceededException("A metric filter can have at most 3 dimensions.")
        for key, value in dims.items():
            if not isinstance(value, str) or not value.startswith("$"):
                raise InvalidParameterException(
                    f"Invalid dimension value for {key}: dimension values must be field selectors."
                )
        if dims and t.get("defaultValue") is not None:
            raise InvalidParameterException(
                "Metric transformations with dimensions cannot have a default value."
            )
    rid = f"{grp.rid}:{name}"
    doc = {
        "filterName": name,
        "filterPattern": params["filterPattern"],
        "metricTransformations": transformations,
        "logGroupName": grp.rid,
        "applyOnTransformedLogs": bool(params.get("applyOnTransformedLogs")),
    }
    found = METRIC_FILTERS.find(ctx, rid)
    if found is not None:
        METRIC_FILTERS.update(ctx, found, document={**doc, "creationTime": found.document["creationTime"]})
        return {}
    if _count(ctx, METRIC_FILTERS.kind, grp.arn) >= MAX_METRIC_FILTERS:
        raise LimitExceededException("Resource limit exceeded.")
    METRIC_FILTERS.create(
        ctx, rid=rid, name=name, parent=grp.arn, document={**doc, "creationTime": millis(ctx)}
    )
    return {}


@handler("logs", "DeleteMetricFilter")
def delete_metric_filter(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    grp = group(ctx, check_group_name(params["logGroupName"]))
    METRIC_FILTERS.delete(ctx, METRIC_FILTERS.get(ctx, f"{grp.rid}:{params['filterName']}"))
    return {}


def _listed(
    ctx: RequestContext, kind: Any, params: dict[str, Any], keep: Any = None
) -> tuple[list[Resource], str | None]:
    stmt = select(Resource).where(
        Resource.service == "logs",
        Resource.kind == kind.kind,
        Resource.account_id == ctx.account_id,
        Resource.region == ctx.region,
    )
    scope = f"{kind.kind}:"
    if params.get("logGroupName"):
        grp = group(ctx, check_group_name(params["logGroupName"]))
        stmt = stmt.where(Resource.parent == grp.arn)
        scope += grp.rid
        if params.get("filterNamePrefix"):
            stmt = stmt.where(starts(Resource.name, params["filterNamePrefix"]))
            scope += ":" + params["filterNamePrefix"]
    rows = [r for r in ctx.session.scalars(stmt.order_by(Resource.rid)) if keep is None or keep(r)]
    page = pager.page_list(
        rows,
        key=lambda r: r.rid,
        limit=params.get("limit") or 50,
        token=params.get("nextToken"),
        scope=scope,
        invalid=invalid_token,
    )
    return page.rows, page.token


@handler("logs", "DescribeMetricFilters")
def describe_metric_filters(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    metric, namespace = params.get("metricName"), params.get("metricNamespace")
    if (metric is None) != (namespace is None):
        raise InvalidParameterException(
            "If you include the metricName parameter in your request, you must also include the "
            "metricNamespace parameter."
        )

    def keep(row: Resource) -> bool:
        if metric is None:
            return True
        return any(
            t.get("metricName") == metric and t.get("metricNamespace") == namespace
            for t in row.document["metricTransformations"]
        )

    rows, token = _listed(ctx, METRIC_FILTERS, params, keep)
    out: dict[str, Any] = {"metricFilters": [dict(r.document) for r in rows]}
    if token:
        out["nextToken"] = token
    return out


@handler("logs", "TestMetricFilter")
def test_metric_filter(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    pattern = patterns.compile_pattern(params["filterPattern"])
    matches = []
    for number, message in enumerate(params["logEventMessages"], start=1):
        if not isinstance(message, str):
            raise InvalidParameterException("Each log event message must be a string.")
        found = pattern.extract(message)
        if found is None:
            continue
        values = {k: str(v) for k, v in found.items() if k != "$"}
        matches.append({"eventNumber": number, "eventMessage": message, "extractedValues": values})
    return {"matches": matches}


# -- subscription filters ------------------------------------------------------------------------

_DESTINATION_SERVICES = {"kinesis", "firehose", "lambda", "logs"}


def _check_destination(ctx: RequestContext, destination: str, role: str | None) -> None:
    parsed = arns.parse(destination)
    if parsed is None or parsed.service not in _DESTINATION_SERVICES:
        raise InvalidParameterException(f"Invalid destinationArn: {destination}")
    if parsed.service == "logs":
        if parsed.resource_type != "destination":
            raise InvalidParameterException(f"Invalid destinationArn: {destination}")
        mine = parsed.account == ctx.account_id and parsed.region == ctx.region
        if mine and DESTINATIONS.find(ctx, parsed.resource_id) is None:
            raise InvalidParameterException(f"The specified destination {destination} does not exist.")
    elif parsed.service in ("kinesis", "firehose") and not role:
        raise InvalidParameterException(
            "A roleArn is required to deliver to a Kinesis or Firehose destination."
        )


@handler("logs", "PutSubscriptionFilter")
def put_subscription_filter(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    grp = group(ctx, check_group_name(params["logGroupName"]))
    name = params["filterName"]
    patterns.compile_pattern(params["filterPattern"])
    _check_destination(ctx, params["destinationArn"], params.get("roleArn"))
    rid = f"{grp.rid}:{name}"
    doc: dict[str, Any] = {
        "filterName": name,
        "logGroupName": grp.rid,
        "filterPattern": params["filterPattern"],
        "destinationArn": params["destinationArn"],
        "distribution": params.get("distribution") or "ByLogStream",
        "applyOnTransformedLogs": bool(params.get("applyOnTransformedLogs")),
    }
    if params.get("roleArn"):
        doc["roleArn"] = params["roleArn"]
    found = SUBSCRIPTION_FILTERS.find(ctx, rid)
    if found is not None:
        SUBSCRIPTION_FILTERS.update(
            ctx, found, document={**doc, "creationTime": found.document["creationTime"]}
        )
        return {}
    if _count(ctx, SUBSCRIPTION_FILTERS.kind, grp.arn) >= MAX_SUBSCRIPTION_FILTERS:
        raise LimitExceededException("Resource limit exceeded.")
    SUBSCRIPTION_FILTERS.create(
        ctx, rid=rid, name=name, parent=grp.arn, document={**doc, "creationTime": millis(ctx)}
    )
    return {}


@handler("logs", "DeleteSubscriptionFilter")
def delete_subscription_filter(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    grp = group(ctx, check_group_name(params["logGroupName"]))
    SUBSCRIPTION_FILTERS.delete(ctx, SUBSCRIPTION_FILTERS.get(ctx, f"{grp.rid}:{params['filterName']}"))
    return {}


@handler("logs", "DescribeSubscriptionFilters")
def describe_subscription_filters(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows, token = _listed(ctx, SUBSCRIPTION_FILTERS, params)
    out: dict[str, Any] = {"subscriptionFilters": [dict(r.document) for r in rows]}
    if token:
        out["nextToken"] = token
    return out
