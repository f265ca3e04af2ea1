"""Destinations (a Kinesis stream or Firehose stream that other accounts' subscription filters
deliver to): PutDestination, PutDestinationPolicy, DescribeDestinations, DeleteDestination."""

from __future__ import annotations

from typing import Any

from awsmock.engine import arns
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.engine.resources import Resource

from . import tags
from .errors import InvalidParameterException, invalid_token
from .lookup import DESTINATIONS, millis
from .policies import read_policy


def _describe(row: Resource) -> dict[str, Any]:
    out = {k: v for k, v in row.document.items() if v is not None}
    out["arn"] = row.arn
    return out


@handler("logs", "PutDestination")
def put_destination(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["destinationName"]
    if ":" in name or "*" in name:
        raise InvalidParameterException(f"Invalid destinationName: {name}")
    target = arns.parse(params["targetArn"])
    if target is None or target.service not in ("kinesis", "firehose"):
        raise InvalidParameterException(f"Invalid targetArn: {params['targetArn']}")
    if arns.parse(params["roleArn"]) is None:
        raise InvalidParameterException(f"Invalid roleArn: {params['roleArn']}")
    found = DESTINATIONS.find(ctx, name)
    if found is not None:
        doc = {**found.document, "targetArn": params["targetArn"], "roleArn": params["roleArn"]}
        row = DESTINATIONS.update(ctx, found, document=doc)
    else:
        row = DESTINATIONS.create(
            ctx,
            rid=name,
            name=name,
            document={
                "destinationName": name,
                "targetArn": params["targetArn"],
                "roleArn": params["roleArn"],
                "creationTime": millis(ctx),
            },
        )
        tags.apply(ctx, row.arn, params.get("tags"))
    return {"destination": _describe(row)}


@handler("logs", "PutDestinationPolicy")
def put_destination_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = DESTINATIONS.get(ctx, params["destinationName"])
    read_policy(params["accessPolicy"])
    DESTINATIONS.update(ctx, row, document={**row.document, "accessPolicy": params["accessPolicy"]})
    return {}


@handler("logs", "DeleteDestination")
def delete_destination(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    DESTINATIONS.delete(ctx, DESTINATIONS.get(ctx, params["destinationName"]))
    return {}


@handler("logs", "DescribeDestinations")
def describe_destinations(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    page = DESTINATIONS.page(
        ctx,
        limit=params.get("limit") or 50,
        token=params.get("nextToken"),
        invalid=invalid_token,
        name_prefix=params.get("DestinationNamePrefix"),
    )
    out: dict[str, Any] = {"destinations": [_describe(r) for r in page.rows]}
    if page.token:
        out["nextToken"] = page.token
    return out
