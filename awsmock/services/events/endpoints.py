"""Global endpoints as records (CreateEndpoint, DescribeEndpoint, ListEndpoints,
UpdateEndpoint, DeleteEndpoint): two buses of one name in two regions, the Route 53 health
check that fails over from the primary to the secondary region, and event replication,
validated as EventBridge validates them. awsmock does not fail over: PutEvents with an
EndpointId puts events on the bus its entries name."""

from __future__ import annotations

import random
import string
from typing import Any

from awsmock.engine import arns
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from .errors import ResourceAlreadyExistsException, constraint, validation
from .records import check_name
from .store import ENDPOINTS


def _check(params: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    out = dict(doc)
    if params.get("RoutingConfig") is not None:
        failover = (params["RoutingConfig"] or {}).get("FailoverConfig") or {}
        check = (failover.get("Primary") or {}).get("HealthCheck")
        parsed = arns.parse(check) if isinstance(check, str) else None
        if parsed is None or parsed.service != "route53" or not parsed.resource.startswith("healthcheck/"):
            raise validation("Parameter RoutingConfig.FailoverConfig.Primary.HealthCheck is not valid.")
        if not isinstance((failover.get("Secondary") or {}).get("Route"), str):
            raise validation("Parameter RoutingConfig.FailoverConfig.Secondary.Route is not valid.")
        out["RoutingConfig"] = params["RoutingConfig"]
    if params.get("EventBuses") is not None:
        buses = params["EventBuses"]
        parsed_buses = [arns.parse(b.get("EventBusArn") or "") for b in buses if isinstance(b, dict)]
        if len(buses) != 2 or any(p is None or not p.resource.startswith("event-bus/") for p in parsed_buses):
            raise validation("Parameter EventBuses is not valid: exactly two event bus ARNs are required.")
        first, second = parsed_buses
        assert first is not None and second is not None
        if first.resource != second.resource:
            raise validation("Parameter EventBuses is not valid: the event buses must have the same name.")
        if first.region == second.region:
            raise validation(
                "Parameter EventBuses is not valid: the event buses must be in different Regions."
            )
        out["EventBuses"] = buses
    if params.get("ReplicationConfig") is not None:
        state = (params["ReplicationConfig"] or {}).get("State", "ENABLED")
        if state not in ("ENABLED", "DISABLED"):
            raise constraint(
                state, "replicationConfig.state", "Member must satisfy enum value set: [ENABLED, DISABLED]"
            )
        out["ReplicationConfig"] = {"State": state}
    for key in ("RoleArn", "Description"):
        if key in params:
            out[key] = params[key]
    if (out.get("ReplicationConfig") or {"State": "ENABLED"})["State"] == "ENABLED" and not out.get(
        "RoleArn"
    ):
        raise validation("Parameter RoleArn must be specified when replication is enabled.")
    return out


def _describe(row: Resource, *, full: bool = True) -> dict[str, Any]:
    doc = row.document
    out: dict[str, Any] = {"Name": row.name}
    if doc.get("Description"):
        out["Description"] = doc["Description"]
    out["Arn"] = row.arn
    for key in ("RoutingConfig", "ReplicationConfig", "EventBuses", "RoleArn"):
        if doc.get(key):
            out[key] = doc[key]
    out.update(
        {
            "EndpointId": doc["EndpointId"],
            "EndpointUrl": f"https://{doc['EndpointId']}.endpoint.events.amazonaws.com",
            "State": row.state,
            "CreationTime": row.created,
            "LastModifiedTime": row.updated,
        }
    )
    return out


@handler("events", "CreateEndpoint")
def create_endpoint(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params["Name"], "name", 64)
    doc = _check(params, {"ReplicationConfig": {"State": "ENABLED"}})
    if ENDPOINTS.find(ctx, name) is not None:
        raise ResourceAlreadyExistsException(f"Endpoint {name} already exists.")
    alphabet = string.ascii_lowercase + string.digits
    doc["EndpointId"] = "".join(random.choices(alphabet, k=5)) + "." + "".join(random.choices(alphabet, k=4))
    row = ENDPOINTS.create(ctx, rid=name, name=name, state="ACTIVE", document=doc)
    out = {
        k: v
        for k, v in _describe(row).items()
        if k in ("Name", "Arn", "RoutingConfig", "ReplicationConfig", "EventBuses", "RoleArn")
    }
    return {**out, "State": "CREATING"}


@handler("events", "DescribeEndpoint")
def describe_endpoint(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _describe(ENDPOINTS.get(ctx, check_name(params["Name"], "name", 64)))


@handler("events", "ListEndpoints")
def list_endpoints(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    limit = params.get("MaxResults") or 100
    if not isinstance(limit, int) or not 1 <= limit <= 100:
        raise constraint(limit, "maxResults", "Member must have value less than or equal to 100")
    home = params.get("HomeRegion")
    if home and home != ctx.region:
        return {"Endpoints": []}
    found = ENDPOINTS.page(
        ctx,
        limit=limit,
        token=params.get("NextToken"),
        invalid=lambda _t: validation("The NextToken provided is invalid."),
        name_prefix=params.get("NamePrefix") or None,
        order="name",
    )
    out: dict[str, Any] = {"Endpoints": [_describe(r) for r in found.rows]}
    if found.token:
        out["NextToken"] = found.token
    return out


@handler("events", "UpdateEndpoint")
def update_endpoint(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = ENDPOINTS.get(ctx, check_name(params["Name"], "name", 64))
    ENDPOINTS.update(ctx, row, document=_check(params, row.document))
    described = _describe(row)
    keep = (
        "Name",
        "Arn",
        "RoutingConfig",
        "ReplicationConfig",
        "EventBuses",
        "RoleArn",
        "EndpointId",
        "EndpointUrl",
    )
    return {**{k: v for k, v in described.items() if k in keep}, "State": "UPDATING"}


@handler("events", "DeleteEndpoint")
def delete_endpoint(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ENDPOINTS.delete(ctx, ENDPOINTS.get(ctx, check_name(params["Name"], "name", 64)))
    return {}
