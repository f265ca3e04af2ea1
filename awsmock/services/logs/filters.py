"""Metric filters and subscription filters of log groups, and TestMetricFilter.

Both are rows of the shared store whose parent is their group's ARN (id ``<group>:<filter>``:
a group's name never holds a colon); what they do when events are written is in
:mod:`.fanout`. PutSubscriptionFilter checks its destination as AWS does before it takes the
filter: a Kinesis stream of the caller's account that is ACTIVE, with a role that CloudWatch
Logs may assume and that may ``kinesis:PutRecord`` on it (the stream then gets AWS's control
message); a Logs destination that exists and, across accounts, whose access policy lets the
caller subscribe (its own stream and role checked the same way); a Lambda function of the
caller's account and region (awsmock's Lambda checks its permission when it invokes). Firehose
streams do not exist in awsmock, so a filter to one is refused as AWS refuses a missing one.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from sqlalchemy import func, select

from awsmock.auth import policy
from awsmock.engine import arns, pager
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.engine.resources import Resource
from awsmock.services.iam import internal as iam
from awsmock.services.kinesis import internal as kinesis

from . import fanout, patterns
from .errors import (
    AccessDeniedException,
    InvalidParameterException,
    LimitExceededException,
    invalid_token,
)
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
    fanout.recount(ctx, grp)
    return {}


@handler("logs", "DeleteMetricFilter")
def delete_metric_filter(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    grp = group(ctx, check_group_name(params["logGroupName"]))
    METRIC_FILTERS.delete(ctx, METRIC_FILTERS.get(ctx, f"{grp.rid}:{params['filterName']}"))
    fanout.recount(ctx, grp)
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
KINESIS_FAILED = (
    "Could not deliver test message to specified Kinesis stream. "
    "Check if the given kinesis stream is in ACTIVE state."
)
FIREHOSE_FAILED = (
    "Could not deliver test message to specified Firehose stream. "
    "Check if the given Firehose stream is in ACTIVE state."
)
LAMBDA_FAILED = (
    "Could not execute the lambda function. "
    "Make sure you have given CloudWatch Logs permission to execute your function."
)
_LAMBDA_ARN = re.compile(
    r"arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?"
)


def _role_may(ctx: RequestContext, grp: Resource, role_arn: Any, action: str, resource: str) -> bool:
    """Whether CloudWatch Logs may act through the role: it exists, its trust policy lets Logs
    assume it (for this group), and its policies allow ``action`` on ``resource``."""
    if not isinstance(role_arn, str):
        return False
    role = iam.role_by_arn(ctx.session, role_arn)
    if role is None:
        return False
    trusted = any(
        policy.service_may(role.assume_role_policy, "sts:AssumeRole", role.arn, principal, grp.arn)
        for principal in (fanout.PRINCIPAL, f"logs.{ctx.region}.{arns.dns_suffix(ctx.region)}")
    )
    if not trusted:
        return False
    request = policy.Request(
        action=action,
        resources=(resource,),
        principal=policy.Principal(account_id=role.account_id, arns=(role.arn,)),
    )
    documents = iam.principal_documents(ctx.session, "role", role.pk)
    return policy.evaluate(documents, request).decision == policy.ALLOW


def _check_stream(ctx: RequestContext, grp: Resource, stream: str, role: Any, owner: str) -> None:
    """A Kinesis stream CloudWatch Logs can write to through ``role`` (the test message's
    checks); ``owner``: the account the stream must be in."""
    parsed = arns.parse(stream)
    if (
        parsed is None
        or parsed.account != owner
        or kinesis.stream_status(ctx, stream) not in ("ACTIVE", "UPDATING")
        or not _role_may(ctx, grp, role, "kinesis:PutRecord", stream)
    ):
        raise InvalidParameterException(KINESIS_FAILED)


def _check_destination(ctx: RequestContext, grp: Resource, destination: str, role: Any) -> str | None:
    """Check the filter's destination as AWS does before it takes the filter; the Kinesis
    stream that gets the control message (None: no such message)."""
    parsed = arns.parse(destination)
    if parsed is None or parsed.service not in _DESTINATION_SERVICES:
        raise InvalidParameterException(f"Invalid destinationArn: {destination}")
    if parsed.service == "logs":
        if parsed.resource_type != "destination":
            raise InvalidParameterException(f"Invalid destinationArn: {destination}")
        row = DESTINATIONS.by_arn(ctx, destination)
        if row is None:
            raise InvalidParameterException(f"The specified destination {destination} does not exist.")
        if row.account_id != ctx.account_id:
            request = policy.Request(
                action="logs:PutSubscriptionFilter",
                resources=(row.arn,),
                principal=policy.Principal(
                    account_id=ctx.account_id,
                    arns=(ctx.principal_arn or arns.account_root(ctx.account_id),),
                ),
            )
            access = row.document.get("accessPolicy")
            allowed = False
            if access:
                try:
                    allowed = (
                        policy.evaluate([access], request, resource_policy=True).decision == policy.ALLOW
                    )
                except (ValueError, TypeError):
                    allowed = False
            if not allowed:
                raise AccessDeniedException(
                    f"User with accountId: {ctx.account_id} is not authorized to perform: "
                    f"logs:PutSubscriptionFilter on resource: {row.arn}"
                )
        target = str(row.document.get("targetArn", ""))
        target_service = (arns.parse(target) or parsed).service
        if target_service == "firehose":
            raise InvalidParameterException(FIREHOSE_FAILED)
        _check_stream(ctx, grp, target, row.document.get("roleArn"), row.account_id)
        return target
    if parsed.service == "kinesis":
        _check_stream(ctx, grp, destination, role, ctx.account_id)
        return destination
    if parsed.service == "firehose":
        raise InvalidParameterException(FIREHOSE_FAILED)  # awsmock has no Firehose streams
    m = _LAMBDA_ARN.fullmatch(destination)
    if m is None or m.group(1) != ctx.region or m.group(2) != ctx.account_id:
        raise InvalidParameterException(LAMBDA_FAILED)
    return None


@handler("logs", "PutSubscriptionFilter")
def put_subscription_filter(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    grp = group(ctx, check_group_name(params["logGroupName"]))
    name = params["filterName"]
    patterns.compile_pattern(params["filterPattern"])
    distribution = params.get("distribution") or "ByLogStream"
    if distribution not in ("Random", "ByLogStream"):
        raise InvalidParameterException(f"Invalid distribution: {distribution}")
    rid = f"{grp.rid}:{name}"
    stream = _check_destination(ctx, grp, params["destinationArn"], params.get("roleArn"))
    found = SUBSCRIPTION_FILTERS.find(ctx, rid)
    if found is None and _count(ctx, SUBSCRIPTION_FILTERS.kind, grp.arn) >= MAX_SUBSCRIPTION_FILTERS:
        raise LimitExceededException("Resource limit exceeded.")
    doc: dict[str, Any] = {
        "filterName": name,
        "logGroupName": grp.rid,
        "filterPattern": params["filterPattern"],
        "destinationArn": params["destinationArn"],
        "distribution": distribution,
        "applyOnTransformedLogs": bool(params.get("applyOnTransformedLogs")),
    }
    if params.get("roleArn"):
        doc["roleArn"] = params["roleArn"]
    if found is not None:
        SUBSCRIPTION_FILTERS.update(
            ctx, found, document={**doc, "creationTime": found.document["creationTime"]}
        )
    else:
        SUBSCRIPTION_FILTERS.create(
            ctx, rid=rid, name=name, parent=grp.arn, document={**doc, "creationTime": millis(ctx)}
        )
        fanout.recount(ctx, grp)
    if stream is not None:
        try:
            kinesis.put_record(
                ctx, stream, fanout.control_message(ctx, "Kinesis stream"), secrets.token_hex(16)
            )
        except AwsError:
            raise InvalidParameterException(KINESIS_FAILED) from None
    return {}


@handler("logs", "DeleteSubscriptionFilter")
def delete_subscription_filter(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    grp = group(ctx, check_group_name(params["logGroupName"]))
    SUBSCRIPTION_FILTERS.delete(ctx, SUBSCRIPTION_FILTERS.get(ctx, f"{grp.rid}:{params['filterName']}"))
    fanout.recount(ctx, grp)
    return {}


@handler("logs", "DescribeSubscriptionFilters")
def describe_subscription_filters(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows, token = _listed(ctx, SUBSCRIPTION_FILTERS, params)
    out: dict[str, Any] = {"subscriptionFilters": [dict(r.document) for r in rows]}
    if token:
        out["nextToken"] = token
    return out
