"""Connections (CreateConnection, DescribeConnection, ListConnections, UpdateConnection,
DeleteConnection, DeauthorizeConnection) and API destinations (CreateApiDestination,
DescribeApiDestination, ListApiDestinations, UpdateApiDestination, DeleteApiDestination) as
records, validated as EventBridge validates them. Secrets a connection is given are kept in its
record and never reported back; awsmock does not call the endpoints."""

from __future__ import annotations

import re
import uuid
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from .errors import ResourceAlreadyExistsException, ResourceNotFoundException, constraint, validation
from .records import check_name, page
from .store import CONNECTIONS, DESTINATIONS

AUTH_TYPES = {
    "BASIC": "BasicAuthParameters",
    "OAUTH_CLIENT_CREDENTIALS": "OAuthParameters",
    "API_KEY": "ApiKeyAuthParameters",
}
METHODS = ("POST", "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE")
ENDPOINT = re.compile(r"^https://[^\s]{1,2040}$")


def _check_auth(kind: Any, auth: Any) -> dict[str, Any]:
    if kind not in AUTH_TYPES:
        raise constraint(
            kind,
            "authorizationType",
            "Member must satisfy enum value set: [BASIC, OAUTH_CLIENT_CREDENTIALS, API_KEY]",
        )
    member = AUTH_TYPES[kind]
    if not isinstance(auth, dict) or not isinstance(auth.get(member), dict):
        raise validation(f"Parameter(s) {member} must be specified for authorization type {kind}.")
    extra = [m for m in AUTH_TYPES.values() if m != member and auth.get(m)]
    if extra:
        raise validation(
            f"Parameter(s) {', '.join(extra)} must not be specified for authorization type {kind}."
        )
    return auth


def _public_auth(kind: str, auth: dict[str, Any]) -> dict[str, Any]:
    """The authorization parameters as EventBridge reports them: no secret."""
    out: dict[str, Any] = {}
    if kind == "BASIC":
        out["BasicAuthParameters"] = {"Username": auth["BasicAuthParameters"].get("Username")}
    elif kind == "API_KEY":
        out["ApiKeyAuthParameters"] = {"ApiKeyName": auth["ApiKeyAuthParameters"].get("ApiKeyName")}
    else:
        oauth = auth["OAuthParameters"]
        shown: dict[str, Any] = {
            "ClientParameters": {"ClientID": (oauth.get("ClientParameters") or {}).get("ClientID")},
            "AuthorizationEndpoint": oauth.get("AuthorizationEndpoint"),
            "HttpMethod": oauth.get("HttpMethod"),
        }
        if oauth.get("OAuthHttpParameters"):
            shown["OAuthHttpParameters"] = oauth["OAuthHttpParameters"]
        out["OAuthParameters"] = shown
    if auth.get("InvocationHttpParameters"):
        out["InvocationHttpParameters"] = auth["InvocationHttpParameters"]
    return out


def _times(row: Resource) -> dict[str, Any]:
    return {"CreationTime": row.created, "LastModifiedTime": row.updated, "LastAuthorizedTime": row.updated}


def _connection_summary(row: Resource) -> dict[str, Any]:
    return {
        "ConnectionArn": row.arn,
        "Name": row.name,
        "ConnectionState": row.state,
        "AuthorizationType": row.document["AuthorizationType"],
        **_times(row),
    }


@handler("events", "CreateConnection")
def create_connection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params["Name"], "name", 64)
    kind = params["AuthorizationType"]
    auth = _check_auth(kind, params["AuthParameters"])
    if CONNECTIONS.find(ctx, name) is not None:
        raise ResourceAlreadyExistsException(f"Connection {name} already exists.")
    doc: dict[str, Any] = {"AuthorizationType": kind, "AuthParameters": auth}
    if params.get("Description"):
        doc["Description"] = params["Description"]
    arn = ctx.arn("events", f"connection/{name}/{uuid.uuid4()}")
    row = CONNECTIONS.create(ctx, rid=name, name=name, state="AUTHORIZED", document=doc, arn=arn)
    return {
        "ConnectionArn": row.arn,
        "ConnectionState": row.state,
        "CreationTime": row.created,
        "LastModifiedTime": row.updated,
    }


@handler("events", "DescribeConnection")
def describe_connection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = CONNECTIONS.get(ctx, check_name(params["Name"], "name", 64))
    doc = row.document
    out = _connection_summary(row)
    if doc.get("Description"):
        out["Description"] = doc["Description"]
    out["AuthParameters"] = _public_auth(doc["AuthorizationType"], doc["AuthParameters"])
    return out


@handler("events", "ListConnections")
def list_connections(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows, token = page(ctx, CONNECTIONS, params, state=params.get("ConnectionState"))
    out: dict[str, Any] = {"Connections": [_connection_summary(r) for r in rows]}
    if token:
        out["NextToken"] = token
    return out


@handler("events", "UpdateConnection")
def update_connection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = CONNECTIONS.get(ctx, check_name(params["Name"], "name", 64))
    doc = dict(row.document)
    kind = params.get("AuthorizationType") or doc["AuthorizationType"]
    if params.get("AuthParameters") is not None or kind != doc["AuthorizationType"]:
        merged = dict(doc["AuthParameters"]) if kind == doc["AuthorizationType"] else {}
        for key, value in (params.get("AuthParameters") or {}).items():
            merged[key] = {**(merged.get(key) or {}), **value} if isinstance(value, dict) else value
        doc["AuthParameters"] = _check_auth(kind, merged)
        doc["AuthorizationType"] = kind
    if "Description" in params:
        doc["Description"] = params["Description"]
    CONNECTIONS.update(ctx, row, document=doc, state="AUTHORIZED")
    return {"ConnectionArn": row.arn, "ConnectionState": row.state, **_times(row)}


@handler("events", "DeauthorizeConnection")
def deauthorize_connection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = CONNECTIONS.get(ctx, check_name(params["Name"], "name", 64))
    CONNECTIONS.update(ctx, row, state="DEAUTHORIZED")
    return {"ConnectionArn": row.arn, "ConnectionState": "DEAUTHORIZING", **_times(row)}


@handler("events", "DeleteConnection")
def delete_connection(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = CONNECTIONS.get(ctx, check_name(params["Name"], "name", 64))
    out = {"ConnectionArn": row.arn, "ConnectionState": "DELETING", **_times(row)}
    CONNECTIONS.delete(ctx, row)
    return out


# -- API destinations ----------------------------------------------------------------------


def _check_destination(ctx: RequestContext, params: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    out = dict(doc)
    if params.get("ConnectionArn") is not None:
        arn = params["ConnectionArn"]
        if CONNECTIONS.by_arn(ctx, arn) is None:
            raise ResourceNotFoundException(f"Connection '{arn}' does not exist.")
        out["ConnectionArn"] = arn
    if params.get("InvocationEndpoint") is not None:
        endpoint = params["InvocationEndpoint"]
        if not isinstance(endpoint, str) or not ENDPOINT.match(endpoint):
            raise constraint(
                endpoint,
                "invocationEndpoint",
                "Member must satisfy regular expression pattern: ^((%[0-9A-Fa-f]{2}|[-()_.!~*';/?:@\\x26=+$,A-Za-z0-9])+)([).!';/?:,])?$",
            )
        out["InvocationEndpoint"] = endpoint
    if params.get("HttpMethod") is not None:
        if params["HttpMethod"] not in METHODS:
            raise constraint(
                params["HttpMethod"],
                "httpMethod",
                "Member must satisfy enum value set: [" + ", ".join(METHODS) + "]",
            )
        out["HttpMethod"] = params["HttpMethod"]
    if params.get("InvocationRateLimitPerSecond") is not None:
        rate = params["InvocationRateLimitPerSecond"]
        if not isinstance(rate, int) or rate < 1:
            raise constraint(
                rate, "invocationRateLimitPerSecond", "Member must have value greater than or equal to 1"
            )
        out["InvocationRateLimitPerSecond"] = rate
    if "Description" in params:
        out["Description"] = params["Description"]
    return out


def _destination(row: Resource, *, full: bool) -> dict[str, Any]:
    doc = row.document
    out: dict[str, Any] = {"ApiDestinationArn": row.arn, "Name": row.name}
    if full and doc.get("Description"):
        out["Description"] = doc["Description"]
    out.update(
        {
            "ApiDestinationState": row.state,
            "ConnectionArn": doc["ConnectionArn"],
            "InvocationEndpoint": doc["InvocationEndpoint"],
            "HttpMethod": doc["HttpMethod"],
            "InvocationRateLimitPerSecond": int(doc.get("InvocationRateLimitPerSecond") or 300),
            "CreationTime": row.created,
            "LastModifiedTime": row.updated,
        }
    )
    return out


def _state_answer(row: Resource) -> dict[str, Any]:
    return {
        "ApiDestinationArn": row.arn,
        "ApiDestinationState": row.state,
        "CreationTime": row.created,
        "LastModifiedTime": row.updated,
    }


@handler("events", "CreateApiDestination")
def create_api_destination(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = check_name(params["Name"], "name", 64)
    doc = _check_destination(ctx, params, {"InvocationRateLimitPerSecond": 300})
    if DESTINATIONS.find(ctx, name) is not None:
        raise ResourceAlreadyExistsException(f"An api-destination '{name}' already exists.")
    arn = ctx.arn("events", f"api-destination/{name}/{uuid.uuid4()}")
    row = DESTINATIONS.create(
        ctx, rid=name, name=name, state="ACTIVE", document=doc, arn=arn, parent=doc["ConnectionArn"]
    )
    return _state_answer(row)


@handler("events", "DescribeApiDestination")
def describe_api_destination(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _destination(DESTINATIONS.get(ctx, check_name(params["Name"], "name", 64)), full=True)


@handler("events", "ListApiDestinations")
def list_api_destinations(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows, token = page(ctx, DESTINATIONS, params, parent=params.get("ConnectionArn") or None)
    out: dict[str, Any] = {"ApiDestinations": [_destination(r, full=False) for r in rows]}
    if token:
        out["NextToken"] = token
    return out


@handler("events", "UpdateApiDestination")
def update_api_destination(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = DESTINATIONS.get(ctx, check_name(params["Name"], "name", 64))
    doc = _check_destination(ctx, params, row.document)
    row.parent = doc["ConnectionArn"]
    DESTINATIONS.update(ctx, row, document=doc)
    return _state_answer(row)


@handler("events", "DeleteApiDestination")
def delete_api_destination(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    DESTINATIONS.delete(ctx, DESTINATIONS.get(ctx, check_name(params["Name"], "name", 64)))
    return {}
