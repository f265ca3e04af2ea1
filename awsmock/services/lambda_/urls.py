"""Function URLs served: an HTTP request to ``<url-id>.lambda-url.<region>.<domain>`` (AWS's
``on.aws``, or this awsmock's own host name: ``….lambda-url.us-east-1.localhost:4566``) runs the
function with the request as a payload format 2.0 event, and the function's answer becomes the
HTTP response as AWS maps it (a ``statusCode``/``headers``/``body``/``cookies`` document, or any
other JSON as a 200 ``application/json`` body).

Access as AWS grants it: a URL of ``AuthType`` ``NONE`` answers whoever its function's resource
policy lets in as ``"Principal": "*"`` for ``lambda:InvokeFunctionUrl`` (with
``lambda:FunctionUrlAuthType``) and ``lambda:InvokeFunction`` (with
``lambda:InvokedViaFunctionUrl``); one of ``AWS_IAM`` takes SigV4-signed requests alone, checked by
access control as the API's are. A URL with a CORS configuration answers browsers' preflight
requests itself and sets the CORS headers of every answer to a request with an ``Origin``.

Each URL also has a row of its own in the shared store (kind ``url``, by its id) so that a
request finds its function in any account.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import re
import uuid
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy import select

from awsmock.auth import policy, sigv4
from awsmock.engine import resources
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.facts import HttpEndpoint
from awsmock.engine.waiting import Outside
from awsmock.engine.wire import WireRequest, WireResponse
from awsmock.models.resources import Resource

from .errors import ResourceNotFoundException
from .execution.contract import Invocation, Outcome
from .lookup import FUNCTIONS, Named, function_arn, resolve_found

OPERATION = "InvokeFunctionUrl"
MAX_REQUEST = 6291456
_REGION = re.compile(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d")
#: host names of AWS's endpoints: a caller that reached one reaches ``on.aws`` too
AWS_DOMAINS = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws", ".on.aws")
#: content types whose bodies reach the function as text (others are base64-encoded)
_TEXT_TYPES = re.compile(r"^text/|json|xml|javascript|x-www-form-urlencoded|yaml|csv|graphql", re.I)

URLS = resources.Kind(
    "lambda",
    "url",
    arn=lambda ctx, rid: ctx.arn("lambda", f"function-url:{rid}"),
    not_found=lambda rid: ResourceNotFoundException("The resource you requested does not exist."),
)


def is_url_host(labels: list[str]) -> bool:
    """``<url-id>.lambda-url.<region>.<anything>``."""
    return len(labels) >= 4 and labels[1] == "lambda-url" and bool(labels[0]) and bool(
        _REGION.fullmatch(labels[2])
    )


def url_of(ctx: RequestContext, url_id: str) -> str:
    """The function URL as the API answers it: AWS's form when the caller reached AWS's host
    names (in-process, or through awsmock's proxy), else one at the host the caller reached
    this awsmock by (an IP address as ``localhost``), which curl and browsers resolve."""
    try:
        parts = urlsplit(ctx.endpoint)
        scheme, name, port = parts.scheme or "http", (parts.hostname or "").lower(), parts.port
    except ValueError:
        scheme, name, port = "http", "", None
    if not name or name.endswith(AWS_DOMAINS):
        return f"https://{url_id}.lambda-url.{ctx.region}.on.aws/"
    if ":" in name or re.fullmatch(r"[\d.]+", name):
        name = "localhost"
    return f"{scheme}://{url_id}.lambda-url.{ctx.region}.{name}{f':{port}' if port else ''}/"


def remember(ctx: RequestContext, fn: Resource, qualifier: str, url_id: str) -> None:
    URLS.create(ctx, rid=url_id, document={"function": fn.rid, "qualifier": qualifier}, parent=fn.arn)


def forget(ctx: RequestContext, url_id: str) -> None:
    row = URLS.find(ctx, url_id)
    if row is not None:
        URLS.delete(ctx, row)


def forget_all(ctx: RequestContext, fn: Resource) -> None:
    for cfg in (fn.document.get("urls") or {}).values():
        forget(ctx, str(cfg.get("id")))


# -- answers ---------------------------------------------------------------------------------


def _message(status: int, message: str | None, request_id: str, kind: str | None = None) -> WireResponse:
    headers = {"Content-Type": "application/json", "x-amzn-RequestId": request_id}
    if kind:
        headers["x-amzn-ErrorType"] = kind
    return WireResponse(status=status, headers=headers, body=json.dumps({"Message": message}).encode())


def forbidden(request_id: str) -> WireResponse:
    return _message(403, "Forbidden", request_id, "AccessDeniedException")


def error(err: AwsError, request_id: str) -> WireResponse:
    if err.status in (401, 403) or "denied" in err.code.lower() or "signature" in err.code.lower():
        return forbidden(request_id)
    if err.status == 429:
        return _message(429, "Rate Exceeded.", request_id, "TooManyRequestsException")
    if err.status >= 500:
        return _message(502, "Internal Server Error", request_id)
    return _message(err.status, err.message, request_id, err.code)


# -- CORS ------------------------------------------------------------------------------------


def _origin_allowed(cors: dict[str, Any], origin: str) -> str | None:
    allowed = cors.get("AllowOrigins") or []
    if "*" in allowed:
        return "*"
    for pattern in allowed:
        if pattern.lower() == origin.lower() or policy.wildcard_match(pattern.lower(), origin.lower()):
            return origin
    return None


def _cors_headers(cors: dict[str, Any], origin: str) -> dict[str, str]:
    allow = _origin_allowed(cors, origin)
    if allow is None:
        return {}
    out = {"Access-Control-Allow-Origin": allow}
    if cors.get("AllowCredentials"):
        out["Access-Control-Allow-Credentials"] = "true"
    if cors.get("ExposeHeaders"):
        out["Access-Control-Expose-Headers"] = ",".join(cors["ExposeHeaders"])
    return out


def _preflight(cors: dict[str, Any], req: WireRequest, request_id: str) -> WireResponse:
    origin = req.headers.get("origin", "")
    method = req.headers.get("access-control-request-method", "")
    headers: dict[str, str] = {"x-amzn-RequestId": request_id}
    allow = _origin_allowed(cors, origin)
    methods = [m.upper() for m in cors.get("AllowMethods") or []]
    if allow is not None and ("*" in methods or method.upper() in methods):
        headers.update(_cors_headers(cors, origin))
        headers["Access-Control-Allow-Methods"] = ",".join(methods)
        if cors.get("AllowHeaders"):
            headers["Access-Control-Allow-Headers"] = ",".join(cors["AllowHeaders"])
        if cors.get("MaxAge") is not None:
            headers["Access-Control-Max-Age"] = str(cors["MaxAge"])
    return WireResponse(status=200, headers=headers, body=b"")


# -- the event and the answer ------------------------------------------------------------------


def _time(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


def build_event(
    req: WireRequest, url_id: str, request_id: str, now: dt.datetime, iam: dict[str, Any] | None
) -> dict[str, Any]:
    """The payload format 2.0 event of ``req``."""
    headers = dict(req.headers)
    headers.setdefault("x-amzn-trace-id", f"Root=1-{int(now.timestamp()):08x}-{uuid.uuid4().hex[:24]}")
    headers.setdefault("x-forwarded-for", req.remote_addr)
    headers.setdefault("x-forwarded-proto", req.scheme)
    port = req.host.rpartition(":")[2] if re.search(r":\d+$", req.host) else ("443" if req.scheme == "https" else "80")
    headers.setdefault("x-forwarded-port", port)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": req.path,
        "rawQueryString": req.query_string,
    }
    cookie = headers.pop("cookie", None)
    if cookie:
        event["cookies"] = [c.strip() for c in cookie.split(";") if c.strip()]
    event["headers"] = headers
    if req.query_string:
        params: dict[str, str] = {}
        for k, v in parse_qsl(req.query_string, keep_blank_values=True):
            params[k] = f"{params[k]},{v}" if k in params else v
        event["queryStringParameters"] = params
    host = req.host.rsplit(":", 1)[0] if not req.host.endswith("]") else req.host
    context: dict[str, Any] = {
        "accountId": iam["accountId"] if iam else "anonymous",
        "apiId": url_id,
        "domainName": host,
        "domainPrefix": url_id,
        "http": {
            "method": req.method,
            "path": req.path,
            "protocol": "HTTP/1.1",
            "sourceIp": req.remote_addr,
            "userAgent": req.headers.get("user-agent", ""),
        },
        "requestId": request_id,
        "routeKey": "$default",
        "stage": "$default",
        "time": _time(now),
        "timeEpoch": int(now.timestamp() * 1000),
    }
    if iam:
        context["authorizer"] = {"iam": iam}
    event["requestContext"] = context
    body = req.body
    if body:
        if _TEXT_TYPES.search(req.headers.get("content-type", "")):
            try:
                event["body"] = body.decode("utf-8")
                event["isBase64Encoded"] = False
            except UnicodeDecodeError:
                event["body"] = base64.b64encode(body).decode()
                event["isBase64Encoded"] = True
        else:
            event["body"] = base64.b64encode(body).decode()
            event["isBase64Encoded"] = True
    else:
        event["isBase64Encoded"] = False
    return event


def answer_of(payload: bytes, request_id: str) -> WireResponse:
    """The HTTP response a function's answer makes."""
    try:
        doc = json.loads(payload) if payload.strip() else None
    except ValueError:
        return _message(502, "Internal Server Error", request_id)
    headers: dict[str, str] = {"x-amzn-RequestId": request_id}
    if not isinstance(doc, dict) or "statusCode" not in doc:
        headers["Content-Type"] = "application/json"
        return WireResponse(status=200, headers=headers, body=payload)
    try:
        status = int(doc["statusCode"])
    except (TypeError, ValueError):
        return _message(502, "Internal Server Error", request_id)
    if not 100 <= status <= 599:
        return _message(502, "Internal Server Error", request_id)
    given = doc.get("headers")
    if isinstance(given, dict):
        for k, v in given.items():
            headers[str(k)] = v if isinstance(v, str) else json.dumps(v)
    multi = doc.get("multiValueHeaders")
    if isinstance(multi, dict):
        for k, v in multi.items():
            if isinstance(v, list):
                headers[str(k)] = ",".join(str(x) for x in v)
    if not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = "application/json"
    cookies = doc.get("cookies")
    if isinstance(cookies, list) and cookies:
        headers["Set-Cookie"] = ", ".join(str(c) for c in cookies)
    body: Any = doc.get("body")
    if body is None:
        data = b""
    elif doc.get("isBase64Encoded") is True and isinstance(body, str):
        try:
            data = base64.b64decode(body)
        except ValueError:
            return _message(502, "Internal Server Error", request_id)
    else:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
    return WireResponse(status=status, headers=headers, body=data)


# -- serving -----------------------------------------------------------------------------------


def _url_row(ctx: RequestContext, url_id: str, region: str) -> Resource | None:
    row: Resource | None = ctx.session.scalars(
        select(Resource).where(
            Resource.service == "lambda",
            Resource.kind == "url",
            Resource.region == region,
            Resource.rid == url_id,
        )
    ).first()
    return row


def _public(document: Any, arn: str, req: WireRequest, auth_type: str) -> bool:
    """Whether the function's resource policy lets anyone in through its URL."""
    if not document:
        return False
    try:
        doc = policy.load(document)
    except (ValueError, TypeError):
        return False
    anyone = policy.Principal("", (), kind="Anonymous")
    context: dict[str, policy.ContextValue] = {
        "lambda:FunctionUrlAuthType": auth_type,
        "lambda:InvokedViaFunctionUrl": "true",
        "aws:SourceIp": req.remote_addr,
        "aws:SecureTransport": "true" if req.scheme == "https" else "false",
    }
    for action in ("lambda:InvokeFunctionUrl", "lambda:InvokeFunction"):
        request = policy.Request(action=action, resources=(arn,), principal=anyone, context=context)
        if policy.evaluate([doc], request, resource_policy=True).decision != policy.ALLOW:
            return False
    return True


def serve(ctx: RequestContext, req: WireRequest, check: Any) -> Any:
    """A request to a function URL (see the module's docstring): a response, or the run of the
    function outside the request's transaction, then its answer as the response."""
    from .invoke import _check_ready, build_image, pick_version, record, run
    from .policies import policy_document

    labels = req.host.rsplit(":", 1)[0].lower().split(".")
    url_id, region = labels[0], labels[2]
    request_id = ctx.request_id
    row = _url_row(ctx, url_id, region)
    if row is None:
        return forbidden(request_id)
    own = dataclasses.replace(ctx, account_id=row.account_id, region=region)
    fn = FUNCTIONS.find(own, str(row.document.get("function")))
    qualifier = str(row.document.get("qualifier") or "")
    cfg = ((fn.document.get("urls") or {}).get(qualifier) if fn is not None else None) or {}
    if fn is None or cfg.get("id") != url_id:
        return forbidden(request_id)
    cors = cfg.get("Cors") or {}
    origin = req.headers.get("origin")
    if cors and req.method == "OPTIONS" and origin and req.headers.get("access-control-request-method"):
        return _preflight(cors, req, request_id)
    if (req.content_length or 0) > MAX_REQUEST:
        return _message(413, "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
                        request_id, "RequestTooLargeException")
    named = Named(fn.rid, qualifier or None)
    arn = function_arn(own, fn.rid, qualifier or None)
    iam: dict[str, Any] | None = None
    if cfg.get("AuthType") == "AWS_IAM":
        if not sigv4.is_signed(req):
            return forbidden(request_id)
        check(ctx, {"FunctionName": arn, "Qualifier": None, "FunctionUrlAuthType": "AWS_IAM"})
        caller = ctx.principal_arn or f"arn:aws:iam::{ctx.account_id}:root"
        iam = {
            "accessKey": ctx.access_key_id,
            "accountId": ctx.account_id,
            "callerId": caller.rpartition("/")[2] if "/" in caller else ctx.account_id,
            "cognitoIdentity": None,
            "principalOrgId": None,
            "userArn": caller,
            "userId": caller.rpartition("/")[2] if "/" in caller else ctx.account_id,
        }
    elif not _public(policy_document(fn, qualifier or None), arn, req, "NONE"):
        return forbidden(request_id)
    target = resolve_found(own, named)
    _check_ready(own, target)
    event = build_event(req, url_id, request_id, own.now, iam)
    chosen = pick_version(own, target)
    image = build_image(own, chosen)
    invocation = Invocation(request_id=request_id, payload=json.dumps(event).encode(), invoked_arn=arn)
    account = row.account_id

    def then(ctx2: RequestContext, outcome: Outcome) -> WireResponse:
        scoped = dataclasses.replace(ctx2, account_id=account, region=region)
        record(scoped, image, request_id, "RequestResponse", outcome)
        if outcome.service_error is not None:
            if outcome.service_error[0] == "TooManyRequestsException":
                answer = _message(429, "Rate Exceeded.", request_id, "TooManyRequestsException")
            else:
                answer = _message(502, "Internal Server Error", request_id, outcome.service_error[0])
        elif outcome.error_type:
            answer = _message(502, "Internal Server Error", request_id)
        else:
            answer = answer_of(outcome.payload, request_id)
        if cors and origin:
            for k in [k for k in answer.headers if k.lower().startswith("access-control-")]:
                del answer.headers[k]
            answer.headers.update(_cors_headers(cors, origin))
        return answer

    return Outside(lambda: run(image, invocation), then)


ENDPOINT = HttpEndpoint(host=is_url_host, operation=OPERATION, serve=serve, error=error)

__all__ = ["ENDPOINT", "URLS", "is_url_host", "url_of"]
