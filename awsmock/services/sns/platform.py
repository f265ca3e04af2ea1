"""Mobile push as records: platform applications and their endpoints (CreatePlatformApplication,
CreatePlatformEndpoint idempotent on the device token, attributes, listings, deletion).
Publishing to an endpoint records the delivery (:mod:`.publishing`)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from .errors import NotFoundException, invalid
from .store import APPLICATIONS, ENDPOINTS, children

PLATFORMS = ("ADM", "APNS", "APNS_SANDBOX", "GCM", "BAIDU", "MPNS", "WNS")
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,256}$")
#: attributes AWS keeps but never returns
_SECRET = ("PlatformCredential", "PlatformPrincipal")
APP_ATTRIBUTES = (
    "PlatformCredential",
    "PlatformPrincipal",
    "EventEndpointCreated",
    "EventEndpointDeleted",
    "EventEndpointUpdated",
    "EventDeliveryFailure",
    "SuccessFeedbackRoleArn",
    "FailureFeedbackRoleArn",
    "SuccessFeedbackSampleRate",
    "ApplePlatformTeamID",
    "ApplePlatformBundleID",
    "AuthenticationMethod",
)
ENDPOINT_ATTRIBUTES = ("CustomUserData", "Enabled", "Token")


def _app(ctx: RequestContext, arn: Any) -> Resource:
    if not isinstance(arn, str) or ":app/" not in arn:
        raise invalid("PlatformApplicationArn")
    row = APPLICATIONS.by_arn(ctx, arn)
    if row is None:
        raise NotFoundException("PlatformApplication does not exist")
    return row


def _endpoint(ctx: RequestContext, arn: Any) -> Resource:
    if not isinstance(arn, str) or ":endpoint/" not in arn:
        raise invalid("EndpointArn")
    row = ENDPOINTS.by_arn(ctx, arn)
    if row is None:
        raise NotFoundException("Endpoint does not exist")
    return row


def _check_app_attributes(attrs: dict[str, str]) -> None:
    for name, value in attrs.items():
        if name not in APP_ATTRIBUTES:
            raise invalid(f"Attributes Reason: Invalid attribute name: {name}")
        if name == "SuccessFeedbackSampleRate" and (not value.isdigit() or int(value) > 100):
            raise invalid("Attributes Reason: SuccessFeedbackSampleRate must be an integer from 0 to 100")


def _strings(given: Any) -> dict[str, str]:
    if given is None:
        return {}
    if not isinstance(given, dict):
        raise invalid("Attributes")
    return {str(k): str(v) for k, v in given.items() if v is not None}


@handler("sns", "CreatePlatformApplication")
def create_platform_application(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name, platform = params.get("Name"), params.get("Platform")
    if not isinstance(name, str) or not _NAME.match(name):
        raise invalid("Invalid application name")
    if platform not in PLATFORMS:
        raise invalid("Platform")
    attrs = _strings(params.get("Attributes"))
    _check_app_attributes(attrs)
    if "PlatformCredential" not in attrs and attrs.get("AuthenticationMethod") != "Token":
        raise invalid("Attributes Reason: PlatformCredential attribute must be specified")
    rid = f"{platform}/{name}"
    existing = APPLICATIONS.find(ctx, rid)
    if existing is not None:
        APPLICATIONS.update(ctx, existing, document={**existing.document, "Attributes": attrs})
        return {"PlatformApplicationArn": existing.arn}
    row = APPLICATIONS.create(
        ctx, rid=rid, name=name, state=platform, document={"Attributes": attrs, "Enabled": "true"}
    )
    return {"PlatformApplicationArn": row.arn}


def _visible(attrs: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in attrs.items() if k not in _SECRET}


@handler("sns", "GetPlatformApplicationAttributes")
def get_platform_application_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    app = _app(ctx, params.get("PlatformApplicationArn"))
    out = {
        "Enabled": str(app.document.get("Enabled", "true")),
        **_visible(app.document.get("Attributes") or {}),
    }
    return {"Attributes": out}


@handler("sns", "SetPlatformApplicationAttributes")
def set_platform_application_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    app = _app(ctx, params.get("PlatformApplicationArn"))
    attrs = _strings(params.get("Attributes"))
    _check_app_attributes(attrs)
    merged = {**(app.document.get("Attributes") or {}), **attrs}
    APPLICATIONS.update(ctx, app, document={**app.document, "Attributes": merged})
    return {}


@handler("sns", "DeletePlatformApplication")
def delete_platform_application(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = params.get("PlatformApplicationArn")
    if not isinstance(arn, str) or ":app/" not in arn:
        raise invalid("PlatformApplicationArn")
    app = APPLICATIONS.by_arn(ctx, arn)
    if app is None:
        return {}
    for endpoint in children(ctx, ENDPOINTS, app.arn):
        ENDPOINTS.delete(ctx, endpoint)
    APPLICATIONS.delete(ctx, app)
    return {}


@handler("sns", "ListPlatformApplications")
def list_platform_applications(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    page = APPLICATIONS.page(
        ctx, limit=100, token=params.get("NextToken"), invalid=lambda _t: invalid("NextToken")
    )
    out: dict[str, Any] = {
        "PlatformApplications": [
            {
                "PlatformApplicationArn": row.arn,
                "Attributes": {
                    "Enabled": str(row.document.get("Enabled", "true")),
                    **_visible(row.document.get("Attributes") or {}),
                },
            }
            for row in page.rows
        ]
    }
    if page.token:
        out["NextToken"] = page.token
    return out


@handler("sns", "CreatePlatformEndpoint")
def create_platform_endpoint(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    app = _app(ctx, params.get("PlatformApplicationArn"))
    token = params.get("Token")
    if not isinstance(token, str) or not token or len(token) > 400:
        raise invalid("Token")
    attrs = _strings(params.get("Attributes"))
    for name in attrs:
        if name not in ENDPOINT_ATTRIBUTES:
            raise invalid(f"Attributes Reason: Invalid attribute name: {name}")
    if "Enabled" in attrs and attrs["Enabled"] not in ("true", "false"):
        raise invalid("Attributes Reason: Enabled must be true or false")
    custom = params.get("CustomUserData")
    if isinstance(custom, str):
        if len(custom) > 2048:
            raise invalid("CustomUserData")
        attrs["CustomUserData"] = custom
    attrs["Token"] = token
    attrs.setdefault("Enabled", "true")
    for row in children(ctx, ENDPOINTS, app.arn):
        if (row.document.get("Attributes") or {}).get("Token") == token:
            if row.document.get("Attributes") != attrs:
                raise invalid(
                    f"Token Reason: Endpoint {row.arn} already exists with the same Token, but different attributes."
                )
            return {"EndpointArn": row.arn}
    rid = f"{app.rid}/{uuid.uuid4()}"
    row = ENDPOINTS.create(ctx, rid=rid, name=token[:255], parent=app.arn, document={"Attributes": attrs})
    return {"EndpointArn": row.arn}


@handler("sns", "GetEndpointAttributes")
def get_endpoint_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _endpoint(ctx, params.get("EndpointArn"))
    return {"Attributes": dict(row.document.get("Attributes") or {})}


@handler("sns", "SetEndpointAttributes")
def set_endpoint_attributes(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _endpoint(ctx, params.get("EndpointArn"))
    attrs = _strings(params.get("Attributes"))
    for name, value in attrs.items():
        if name not in ENDPOINT_ATTRIBUTES:
            raise invalid(f"Attributes Reason: Invalid attribute name: {name}")
        if name == "Enabled" and value not in ("true", "false"):
            raise invalid("Attributes Reason: Enabled must be true or false")
    merged = {**(row.document.get("Attributes") or {}), **attrs}
    ENDPOINTS.update(ctx, row, document={**row.document, "Attributes": merged})
    return {}


@handler("sns", "DeleteEndpoint")
def delete_endpoint(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = params.get("EndpointArn")
    if not isinstance(arn, str) or ":endpoint/" not in arn:
        raise invalid("EndpointArn")
    row = ENDPOINTS.by_arn(ctx, arn)
    if row is not None:
        ENDPOINTS.delete(ctx, row)
    return {}


@handler("sns", "ListEndpointsByPlatformApplication")
def list_endpoints_by_platform_application(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    app = _app(ctx, params.get("PlatformApplicationArn"))
    page = ENDPOINTS.page(
        ctx, limit=100, token=params.get("NextToken"), invalid=lambda _t: invalid("NextToken"), parent=app.arn
    )
    out: dict[str, Any] = {
        "Endpoints": [
            {"EndpointArn": row.arn, "Attributes": dict(row.document.get("Attributes") or {})}
            for row in page.rows
        ]
    }
    if page.token:
        out["NextToken"] = page.token
    return out
