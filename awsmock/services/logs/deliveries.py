"""Vended-log deliveries: delivery sources (a resource of another service whose logs of one
type are sent), delivery destinations (an S3 bucket, a log group or a Firehose stream), the
deliveries that join them, and destination policies. Kept in the shared store and validated
(names, ARNs and their types, existence, conflicts, what is in use); sending vended logs is for
the services that make them.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from awsmock.engine import arns, resources, tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.engine.resources import Resource

from . import tags
from .errors import ConflictException, ResourceNotFoundException, ValidationException, invalid_token
from .lookup import DELIVERIES, millis
from .lookup import DELIVERY_DESTINATIONS as DESTINATIONS
from .lookup import DELIVERY_SOURCES as SOURCES
from .policies import read_policy

_ID_CHARS = string.ascii_letters + string.digits


def _with_tags(ctx: RequestContext, row: Resource, out: dict[str, Any]) -> dict[str, Any]:
    found = tagging.tags_of(ctx.session, row.arn)
    if found:
        out["tags"] = found
    return out


def _page(
    ctx: RequestContext, kind: resources.Kind, params: dict[str, Any]
) -> tuple[list[Resource], str | None]:
    page = kind.page(
        ctx, limit=params.get("limit") or 50, token=params.get("nextToken"), invalid=invalid_token
    )
    return page.rows, page.token


# -- sources -------------------------------------------------------------------------------------


def _source(ctx: RequestContext, row: Resource) -> dict[str, Any]:
    return _with_tags(ctx, row, {**row.document, "arn": row.arn, "status": "ACTIVE"})


@handler("logs", "PutDeliverySource")
def put_delivery_source(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["name"]
    parsed = arns.parse(params["resourceArn"])
    if parsed is None or not parsed.resource:
        raise ValidationException(f"Invalid resource ARN: {params['resourceArn']}")
    if parsed.account and parsed.account != ctx.account_id:
        raise ValidationException("The resource must be in the caller's account.")
    doc: dict[str, Any] = {
        "name": name,
        "resourceArns": [params["resourceArn"]],
        "service": parsed.service,
        "logType": params["logType"],
    }
    if params.get("deliverySourceConfiguration"):
        doc["deliverySourceConfiguration"] = params["deliverySourceConfiguration"]
    found = SOURCES.find(ctx, name)
    if found is not None:
        if (
            found.document["resourceArns"] != doc["resourceArns"]
            or found.document["logType"] != doc["logType"]
        ):
            raise ConflictException(
                f"Delivery source {name} already exists for another resource or log type."
            )
        row = SOURCES.update(ctx, found, document=doc)
    else:
        row = SOURCES.create(ctx, rid=name, name=name, document=doc)
        tags.apply(ctx, row.arn, params.get("tags"))
    return {"deliverySource": _source(ctx, row)}


@handler("logs", "GetDeliverySource")
def get_delivery_source(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"deliverySource": _source(ctx, SOURCES.get(ctx, params["name"]))}


@handler("logs", "DescribeDeliverySources")
def describe_delivery_sources(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows, token = _page(ctx, SOURCES, params)
    out: dict[str, Any] = {"deliverySources": [_source(ctx, r) for r in rows]}
    if token:
        out["nextToken"] = token
    return out


def _in_use(ctx: RequestContext, field: str, value: str) -> bool:
    token = None
    while True:
        page = DELIVERIES.page(ctx, limit=1000, token=token, invalid=invalid_token)
        if any(r.document.get(field) == value for r in page.rows):
            return True
        token = page.token
        if token is None:
            return False


@handler("logs", "DeleteDeliverySource")
def delete_delivery_source(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = SOURCES.get(ctx, params["name"])
    if _in_use(ctx, "deliverySourceName", row.rid):
        raise ConflictException(
            f"Delivery source {row.rid} is used by a delivery; delete the delivery first."
        )
    SOURCES.delete(ctx, row)
    return {}


# -- destinations --------------------------------------------------------------------------------


def _destination_type(target: str | None, declared: str | None) -> str:
    if target is None:
        if declared == "XRAY":
            return "XRAY"
        raise ValidationException("deliveryDestinationConfiguration is required for this destination type.")
    parsed = arns.parse(target)
    kind = None
    if parsed is not None:
        if parsed.service == "s3":
            kind = "S3"
        elif parsed.service == "logs" and parsed.resource_type == "log-group":
            kind = "CWL"
        elif parsed.service == "firehose" and parsed.resource_type == "deliverystream":
            kind = "FH"
    if kind is None:
        raise ValidationException(f"Invalid destinationResourceArn: {target}")
    if declared is not None and declared != kind:
        raise ValidationException(
            f"deliveryDestinationType {declared} does not match the destination resource {target}."
        )
    return kind


def _destination(ctx: RequestContext, row: Resource) -> dict[str, Any]:
    doc = {k: v for k, v in row.document.items() if k != "policy"}
    return _with_tags(ctx, row, {**doc, "arn": row.arn})


@handler("logs", "PutDeliveryDestination")
def put_delivery_destination(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["name"]
    config = params.get("deliveryDestinationConfiguration") or {}
    target = config.get("destinationResourceArn") if isinstance(config, dict) else None
    kind = _destination_type(target, params.get("deliveryDestinationType"))
    doc: dict[str, Any] = {
        "name": name,
        "deliveryDestinationType": kind,
        "outputFormat": params.get("outputFormat") or "json",
    }
    if target is not None:
        doc["deliveryDestinationConfiguration"] = {"destinationResourceArn": target}
    found = DESTINATIONS.find(ctx, name)
    if found is not None:
        if found.document["deliveryDestinationType"] != kind:
            raise ConflictException(f"Delivery destination {name} already exists with another type.")
        if found.document.get("policy"):
            doc["policy"] = found.document["policy"]
        row = DESTINATIONS.update(ctx, found, document=doc)
    else:
        row = DESTINATIONS.create(ctx, rid=name, name=name, document=doc)
        tags.apply(ctx, row.arn, params.get("tags"))
    return {"deliveryDestination": _destination(ctx, row)}


@handler("logs", "GetDeliveryDestination")
def get_delivery_destination(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"deliveryDestination": _destination(ctx, DESTINATIONS.get(ctx, params["name"]))}


@handler("logs", "DescribeDeliveryDestinations")
def describe_delivery_destinations(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows, token = _page(ctx, DESTINATIONS, params)
    out: dict[str, Any] = {"deliveryDestinations": [_destination(ctx, r) for r in rows]}
    if token:
        out["nextToken"] = token
    return out


@handler("logs", "DeleteDeliveryDestination")
def delete_delivery_destination(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = DESTINATIONS.get(ctx, params["name"])
    if _in_use(ctx, "deliveryDestinationArn", row.arn):
        raise ConflictException(
            f"Delivery destination {row.rid} is used by a delivery; delete the delivery first."
        )
    DESTINATIONS.delete(ctx, row)
    return {}


@handler("logs", "PutDeliveryDestinationPolicy")
def put_delivery_destination_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = DESTINATIONS.get(ctx, params["deliveryDestinationName"])
    read_policy(params["deliveryDestinationPolicy"])
    DESTINATIONS.update(ctx, row, document={**row.document, "policy": params["deliveryDestinationPolicy"]})
    return {"policy": {"deliveryDestinationPolicy": params["deliveryDestinationPolicy"]}}


@handler("logs", "GetDeliveryDestinationPolicy")
def get_delivery_destination_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = DESTINATIONS.get(ctx, params["deliveryDestinationName"])
    policy = row.document.get("policy")
    return {"policy": {"deliveryDestinationPolicy": policy} if policy else {}}


@handler("logs", "DeleteDeliveryDestinationPolicy")
def delete_delivery_destination_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = DESTINATIONS.get(ctx, params["deliveryDestinationName"])
    if not row.document.get("policy"):
        raise ResourceNotFoundException(f"Delivery destination {row.rid} has no delivery destination policy.")
    doc = dict(row.document)
    doc.pop("policy")
    DESTINATIONS.update(ctx, row, document=doc)
    return {}


# -- deliveries ----------------------------------------------------------------------------------


def _delivery(ctx: RequestContext, row: Resource) -> dict[str, Any]:
    doc = {k: v for k, v in row.document.items() if k != "createdAt"}
    return _with_tags(ctx, row, {**doc, "arn": row.arn})


def _destination_by_arn(ctx: RequestContext, arn: str) -> Resource:
    row = DESTINATIONS.by_arn(ctx, arn)
    if row is None or (row.account_id != ctx.account_id and not row.document.get("policy")):
        raise ResourceNotFoundException(f"Delivery destination {arn} does not exist.")
    return row


@handler("logs", "CreateDelivery")
def create_delivery(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    source = SOURCES.get(ctx, params["deliverySourceName"])
    destination = _destination_by_arn(ctx, params["deliveryDestinationArn"])
    token = None
    while True:
        page = DELIVERIES.page(ctx, limit=1000, token=token, invalid=invalid_token)
        for r in page.rows:
            if (
                r.document["deliverySourceName"] == source.rid
                and r.document["deliveryDestinationArn"] == destination.arn
            ):
                raise ConflictException(
                    f"A delivery from {source.rid} to {destination.arn} already exists: {r.rid}."
                )
        token = page.token
        if token is None:
            break
    ident = "".join(secrets.choice(_ID_CHARS) for _ in range(16))
    doc: dict[str, Any] = {
        "id": ident,
        "deliverySourceName": source.rid,
        "deliveryDestinationArn": destination.arn,
        "deliveryDestinationType": destination.document["deliveryDestinationType"],
        "createdAt": millis(ctx),
    }
    for member in ("recordFields", "fieldDelimiter", "s3DeliveryConfiguration"):
        if params.get(member) is not None:
            doc[member] = params[member]
    if doc.get("s3DeliveryConfiguration") and doc["deliveryDestinationType"] != "S3":
        raise ValidationException("s3DeliveryConfiguration applies only to deliveries to S3.")
    row = DELIVERIES.create(ctx, rid=ident, name=ident, document=doc)
    tags.apply(ctx, row.arn, params.get("tags"))
    return {"delivery": _delivery(ctx, row)}


@handler("logs", "GetDelivery")
def get_delivery(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"delivery": _delivery(ctx, DELIVERIES.get(ctx, params["id"]))}


@handler("logs", "DescribeDeliveries")
def describe_deliveries(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows, token = _page(ctx, DELIVERIES, params)
    out: dict[str, Any] = {"deliveries": [_delivery(ctx, r) for r in rows]}
    if token:
        out["nextToken"] = token
    return out


@handler("logs", "UpdateDeliveryConfiguration")
def update_delivery_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = DELIVERIES.get(ctx, params["id"])
    doc = dict(row.document)
    for member in ("recordFields", "fieldDelimiter", "s3DeliveryConfiguration"):
        if params.get(member) is not None:
            doc[member] = params[member]
    if doc.get("s3DeliveryConfiguration") and doc["deliveryDestinationType"] != "S3":
        raise ValidationException("s3DeliveryConfiguration applies only to deliveries to S3.")
    DELIVERIES.update(ctx, row, document=doc)
    return {}


@handler("logs", "DeleteDelivery")
def delete_delivery(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    DELIVERIES.delete(ctx, DELIVERIES.get(ctx, params["id"]))
    return {}
