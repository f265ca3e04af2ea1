"""What a function has beside its code and configuration: reserved concurrency (within the
account's limit, GetAccountSettings counting what is used), provisioned concurrency configs,
event invoke configs (retries, event age, destinations), code signing configs, function URL
configs (served by :mod:`.urls`, whose URL they answer), runtime management and recursion
settings."""

from __future__ import annotations

import secrets
import string
import uuid
from typing import Any

from sqlalchemy import select

from awsmock.engine import arns, tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.pager import page_list
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from . import urls as function_urls
from .errors import (
    CodeSigningConfigNotFoundException,
    InvalidParameterValueException,
    ProvisionedConcurrencyConfigNotFoundException,
    ResourceConflictException,
    ResourceNotFoundException,
    invalid_marker,
)
from .lookup import (
    CODE_SIGNING,
    FUNCTIONS,
    LATEST,
    VERSION,
    VERSIONS,
    alias_row,
    find_function,
    function_arn,
    max_items,
    parse_name,
    resolve,
    timestamp,
    unqualified,
)
from .tags import RULES_OF_TAGS

ACCOUNT_CONCURRENCY = 1000
MIN_UNRESERVED = 100
TOTAL_CODE_SIZE = 80530636800


def _fn_rows(ctx: RequestContext) -> list[Resource]:
    return list(
        ctx.session.scalars(
            select(Resource).where(
                Resource.service == "lambda",
                Resource.kind == "function",
                Resource.account_id == ctx.account_id,
                Resource.region == ctx.region,
            )
        )
    )


def _save(ctx: RequestContext, fn: Resource, key: str, value: Any) -> None:
    FUNCTIONS.update(ctx, fn, document={**fn.document, key: value})


# -- concurrency -----------------------------------------------------------------------------


@handler("lambda", "PutFunctionConcurrency")
def put_function_concurrency(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fn = find_function(ctx, unqualified(ctx, params).name)
    wanted = int(params["ReservedConcurrentExecutions"])
    others = sum(int(r.document.get("concurrency") or 0) for r in _fn_rows(ctx) if r.pk != fn.pk)
    if ACCOUNT_CONCURRENCY - others - wanted < MIN_UNRESERVED:
        raise InvalidParameterValueException(
            "Specified ReservedConcurrentExecutions for function decreases account's "
            f"UnreservedConcurrentExecution below its minimum value of [{MIN_UNRESERVED}]."
        )
    _save(ctx, fn, "concurrency", wanted)
    return {"ReservedConcurrentExecutions": wanted}


@handler("lambda", "GetFunctionConcurrency")
def get_function_concurrency(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fn = find_function(ctx, unqualified(ctx, params).name)
    reserved = fn.document.get("concurrency")
    return {} if reserved is None else {"ReservedConcurrentExecutions": reserved}


@handler("lambda", "DeleteFunctionConcurrency")
def delete_function_concurrency(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fn = find_function(ctx, unqualified(ctx, params).name)
    _save(ctx, fn, "concurrency", None)
    return {}


@handler("lambda", "GetAccountSettings")
def get_account_settings(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows = _fn_rows(ctx)
    reserved = sum(int(r.document.get("concurrency") or 0) for r in rows)
    used = sum(int(r.document["config"].get("CodeSize") or 0) for r in rows)
    used += sum(
        int(r.document["config"].get("CodeSize") or 0)
        for r in ctx.session.scalars(
            select(Resource).where(
                Resource.service == "lambda",
                Resource.kind.in_(("version",)),
                Resource.account_id == ctx.account_id,
                Resource.region == ctx.region,
            )
        )
    )
    used += sum(
        int(r.document["Content"]["CodeSize"])
        for r in ctx.session.scalars(
            select(Resource).where(
                Resource.service == "lambda",
                Resource.kind == "layer-version",
                Resource.account_id == ctx.account_id,
                Resource.region == ctx.region,
            )
        )
    )
    return {
        "AccountLimit": {
            "TotalCodeSize": TOTAL_CODE_SIZE,
            "CodeSizeUnzipped": 262144000,
            "CodeSizeZipped": 52428800,
            "ConcurrentExecutions": ACCOUNT_CONCURRENCY,
            "UnreservedConcurrentExecutions": ACCOUNT_CONCURRENCY - reserved,
        },
        "AccountUsage": {"TotalCodeSize": used, "FunctionCount": len(rows)},
    }


# -- provisioned concurrency -----------------------------------------------------------------


def _published_qualifier(ctx: RequestContext, params: dict[str, Any]) -> tuple[Resource, str]:
    named = parse_name(ctx, params["FunctionName"], params.get("Qualifier"))
    fn = find_function(ctx, named.name)
    q = named.qualifier
    if q is None or q == LATEST:
        raise InvalidParameterValueException(
            "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
        )
    resolve(ctx, named)
    return fn, q


@handler("lambda", "PutProvisionedConcurrencyConfig")
def put_provisioned_concurrency_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fn, q = _published_qualifier(ctx, params)
    wanted = int(params["ProvisionedConcurrentExecutions"])
    reserved = fn.document.get("concurrency")
    if reserved is not None and wanted > int(reserved):
        raise InvalidParameterValueException(
            "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function"
        )
    configs = dict(fn.document.get("provisioned") or {})
    configs[q] = {"Requested": wanted, "LastModified": timestamp(ctx.now)}
    _save(ctx, fn, "provisioned", configs)
    return {
        "RequestedProvisionedConcurrentExecutions": wanted,
        "AllocatedProvisionedConcurrentExecutions": 0,
        "Status": "IN_PROGRESS",
        "LastModified": configs[q]["LastModified"],
    }


def _provisioned_view(
    ctx: RequestContext, fn: Resource, q: str, cfg: dict[str, Any], *, arn: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "RequestedProvisionedConcurrentExecutions": cfg["Requested"],
        "AvailableProvisionedConcurrentExecutions": cfg["Requested"],
        "AllocatedProvisionedConcurrentExecutions": cfg["Requested"],
        "Status": "READY",
        "LastModified": cfg["LastModified"],
    }
    if arn:
        out = {"FunctionArn": function_arn(ctx, fn.rid, q), **out}
    return out


@handler("lambda", "GetProvisionedConcurrencyConfig")
def get_provisioned_concurrency_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    named = parse_name(ctx, params["FunctionName"], params.get("Qualifier"))
    fn = find_function(ctx, named.name)
    cfg = (fn.document.get("provisioned") or {}).get(named.qualifier or "")
    if cfg is None:
        raise ProvisionedConcurrencyConfigNotFoundException()
    return _provisioned_view(ctx, fn, str(named.qualifier), cfg, arn=False)


@handler("lambda", "DeleteProvisionedConcurrencyConfig")
def delete_provisioned_concurrency_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    named = parse_name(ctx, params["FunctionName"], params.get("Qualifier"))
    fn = find_function(ctx, named.name)
    configs = dict(fn.document.get("provisioned") or {})
    if configs.pop(named.qualifier or "", None) is None:
        raise ProvisionedConcurrencyConfigNotFoundException()
    _save(ctx, fn, "provisioned", configs)
    return {}


@handler("lambda", "ListProvisionedConcurrencyConfigs")
def list_provisioned_concurrency_configs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fn = find_function(ctx, unqualified(ctx, params).name)
    items = sorted((fn.document.get("provisioned") or {}).items())
    found = page_list(
        items,
        key=lambda kv: kv[0],
        limit=max_items(params),
        token=params.get("Marker"),
        scope=f"ListProvisionedConcurrencyConfigs:{fn.rid}",
        invalid=invalid_marker,
    )
    out: dict[str, Any] = {
        "ProvisionedConcurrencyConfigs": [
            _provisioned_view(ctx, fn, q, cfg, arn=True) for q, cfg in found.rows
        ]
    }
    if found.token:
        out["NextMarker"] = found.token
    return out


# -- event invoke configs --------------------------------------------------------------------

_DESTINATIONS = ("sqs", "sns", "lambda", "events", "s3")


def _check_destinations(config: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for side in ("OnSuccess", "OnFailure"):
        dest = ((config or {}).get(side) or {}).get("Destination")
        if not dest:
            continue
        parsed = arns.parse(str(dest))
        if (
            parsed is None
            or parsed.service not in _DESTINATIONS
            or (parsed.service == "s3" and side == "OnSuccess")
        ):
            raise InvalidParameterValueException(f"The destination ARN {dest} is invalid.")
        out[side] = {"Destination": str(dest)}
    return out


def _eic_target(ctx: RequestContext, params: dict[str, Any]) -> tuple[Resource, str]:
    named = parse_name(ctx, params["FunctionName"], params.get("Qualifier"))
    target = resolve(ctx, named)
    return target.function, named.qualifier or LATEST


def _eic_view(ctx: RequestContext, fn: Resource, q: str, cfg: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "LastModified": cfg["LastModified"],
        "FunctionArn": function_arn(ctx, fn.rid, q),
        "DestinationConfig": {
            "OnSuccess": cfg.get("DestinationConfig", {}).get("OnSuccess", {}),
            "OnFailure": cfg.get("DestinationConfig", {}).get("OnFailure", {}),
        },
    }
    for key in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds"):
        if cfg.get(key) is not None:
            out[key] = cfg[key]
    return out


def _eic_missing(ctx: RequestContext, fn: Resource, q: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(
        f"The function {function_arn(ctx, fn.rid, q)} doesn't have an EventInvokeConfig"
    )


def _eic_write(ctx: RequestContext, params: dict[str, Any], *, merge: bool) -> dict[str, Any]:
    fn, q = _eic_target(ctx, params)
    configs = dict(fn.document.get("event_invoke") or {})
    current = configs.get(q)
    if merge and current is None:
        raise _eic_missing(ctx, fn, q)
    cfg: dict[str, Any] = dict(current or {}) if merge else {}
    for key in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds"):
        if params.get(key) is not None:
            cfg[key] = params[key]
    if "DestinationConfig" in params or not merge:
        cfg["DestinationConfig"] = _check_destinations(params.get("DestinationConfig"))
    cfg["LastModified"] = ctx.now.timestamp()
    configs[q] = cfg
    _save(ctx, fn, "event_invoke", configs)
    return _eic_view(ctx, fn, q, cfg)


@handler("lambda", "PutFunctionEventInvokeConfig")
def put_function_event_invoke_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _eic_write(ctx, params, merge=False)


@handler("lambda", "UpdateFunctionEventInvokeConfig")
def update_function_event_invoke_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _eic_write(ctx, params, merge=True)


@handler("lambda", "GetFunctionEventInvokeConfig")
def get_function_event_invoke_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fn, q = _eic_target(ctx, params)
    cfg = (fn.document.get("event_invoke") or {}).get(q)
    if cfg is None:
        raise _eic_missing(ctx, fn, q)
    return _eic_view(ctx, fn, q, cfg)


@handler("lambda", "DeleteFunctionEventInvokeConfig")
def delete_function_event_invoke_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fn, q = _eic_target(ctx, params)
    configs = dict(fn.document.get("event_invoke") or {})
    if configs.pop(q, None) is None:
        raise _eic_missing(ctx, fn, q)
    _save(ctx, fn, "event_invoke", configs)
    return {}


@handler("lambda", "ListFunctionEventInvokeConfigs")
def list_function_event_invoke_configs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fn = find_function(ctx, unqualified(ctx, params).name)
    items = sorted((fn.document.get("event_invoke") or {}).items())
    found = page_list(
        items,
        key=lambda kv: kv[0],
        limit=int(params.get("MaxItems") or 50),
        token=params.get("Marker"),
        scope=f"ListFunctionEventInvokeConfigs:{fn.rid}",
        invalid=invalid_marker,
    )
    out: dict[str, Any] = {"FunctionEventInvokeConfigs": [_eic_view(ctx, fn, q, c) for q, c in found.rows]}
    if found.token:
        out["NextMarker"] = found.token
    return out


# -- code signing configs --------------------------------------------------------------------


def _csc_view(row: Resource) -> dict[str, Any]:
    doc = row.document
    return {
        "CodeSigningConfigId": row.rid,
        "CodeSigningConfigArn": row.arn,
        "Description": doc.get("Description", ""),
        "AllowedPublishers": doc["AllowedPublishers"],
        "CodeSigningPolicies": doc["CodeSigningPolicies"],
        "LastModified": doc["LastModified"],
    }


def _csc(ctx: RequestContext, arn: str) -> Resource:
    row = CODE_SIGNING.by_arn(ctx, arn)
    if row is None or row.account_id != ctx.account_id or row.region != ctx.region:
        raise ResourceNotFoundException(
            f"The code signing configuration cannot be found. Check that the provided configuration is not deleted: {arn}."
        )
    return row


@handler("lambda", "CreateCodeSigningConfig")
def create_code_signing_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rid = "csc-" + uuid.uuid4().hex[:17]
    if params.get("Tags"):
        tagging._check({str(k): str(v) for k, v in params["Tags"].items()}, RULES_OF_TAGS)
    doc = {
        "Description": params.get("Description") or "",
        "AllowedPublishers": {
            "SigningProfileVersionArns": list(params["AllowedPublishers"]["SigningProfileVersionArns"])
        },
        "CodeSigningPolicies": {
            "UntrustedArtifactOnDeployment": (params.get("CodeSigningPolicies") or {}).get(
                "UntrustedArtifactOnDeployment"
            )
            or "Warn"
        },
        "LastModified": timestamp(ctx.now),
    }
    row = CODE_SIGNING.create(ctx, rid=rid, name=rid, document=doc)
    if params.get("Tags"):
        tagging.tag(
            ctx, "lambda", row.arn, {str(k): str(v) for k, v in params["Tags"].items()}, RULES_OF_TAGS
        )
    return {"CodeSigningConfig": _csc_view(row)}


@handler("lambda", "GetCodeSigningConfig")
def get_code_signing_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"CodeSigningConfig": _csc_view(_csc(ctx, params["CodeSigningConfigArn"]))}


@handler("lambda", "UpdateCodeSigningConfig")
def update_code_signing_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _csc(ctx, params["CodeSigningConfigArn"])
    doc = dict(row.document)
    if params.get("Description") is not None:
        doc["Description"] = params["Description"]
    if params.get("AllowedPublishers") is not None:
        doc["AllowedPublishers"] = {
            "SigningProfileVersionArns": list(params["AllowedPublishers"]["SigningProfileVersionArns"])
        }
    if params.get("CodeSigningPolicies") is not None:
        doc["CodeSigningPolicies"] = {
            "UntrustedArtifactOnDeployment": params["CodeSigningPolicies"].get(
                "UntrustedArtifactOnDeployment"
            )
            or "Warn"
        }
    doc["LastModified"] = timestamp(ctx.now)
    CODE_SIGNING.update(ctx, row, document=doc)
    return {"CodeSigningConfig": _csc_view(row)}


def _functions_using(ctx: RequestContext, arn: str) -> list[Resource]:
    return [r for r in _fn_rows(ctx) if r.document.get("code_signing") == arn]


@handler("lambda", "DeleteCodeSigningConfig")
def delete_code_signing_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _csc(ctx, params["CodeSigningConfigArn"])
    if _functions_using(ctx, row.arn):
        raise ResourceConflictException(
            "The code signing configuration cannot be deleted because it is used by one or more functions."
        )
    CODE_SIGNING.delete(ctx, row)
    return {}


@handler("lambda", "ListCodeSigningConfigs")
def list_code_signing_configs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    page = CODE_SIGNING.page(
        ctx, limit=int(params.get("MaxItems") or 50), token=params.get("Marker"), invalid=invalid_marker
    )
    out: dict[str, Any] = {"CodeSigningConfigs": [_csc_view(r) for r in page.rows]}
    if page.token:
        out["NextMarker"] = page.token
    return out


@handler("lambda", "ListFunctionsByCodeSigningConfig")
def list_functions_by_code_signing_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _csc(ctx, params["CodeSigningConfigArn"])
    arns_ = sorted(r.arn for r in _functions_using(ctx, row.arn))
    found = page_list(
        arns_,
        key=lambda a: a,
        limit=int(params.get("MaxItems") or 50),
        token=params.get("Marker"),
        scope=f"ListFunctionsByCodeSigningConfig:{row.rid}",
        invalid=invalid_marker,
    )
    out: dict[str, Any] = {"FunctionArns": found.rows}
    if found.token:
        out["NextMarker"] = found.token
    return out


@handler("lambda", "PutFunctionCodeSigningConfig")
def put_function_code_signing_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fn = find_function(ctx, unqualified(ctx, params).name)
    arn = params["CodeSigningConfigArn"]
    row = CODE_SIGNING.by_arn(ctx, arn)
    if row is None or row.account_id != ctx.account_id:
        raise CodeSigningConfigNotFoundException(
            f"The code signing configuration cannot be found. Check that the provided configuration is not deleted: {arn}."
        )
    _save(ctx, fn, "code_signing", arn)
    return {"CodeSigningConfigArn": arn, "FunctionName": fn.rid}


@handler("lambda", "GetFunctionCodeSigningConfig")
def get_function_code_signing_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fn = find_function(ctx, unqualified(ctx, params).name)
    return {"CodeSigningConfigArn": fn.document.get("code_signing") or "", "FunctionName": fn.rid}


@handler("lambda", "DeleteFunctionCodeSigningConfig")
def delete_function_code_signing_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fn = find_function(ctx, unqualified(ctx, params).name)
    _save(ctx, fn, "code_signing", None)
    return {}


# -- function URL configs --------------------------------------------------------------------


def _url_target(ctx: RequestContext, params: dict[str, Any]) -> tuple[Resource, str]:
    named = parse_name(ctx, params["FunctionName"], params.get("Qualifier"))
    fn = find_function(ctx, named.name)
    q = named.qualifier or ""
    if q == LATEST:
        q = LATEST
    elif q and VERSION.fullmatch(q):
        raise InvalidParameterValueException(
            "1 validation error detected: Value '"
            + q
            + "' at 'qualifier' failed to satisfy constraint: Member "
            r"must satisfy regular expression pattern: ((?!^\d+$)^[0-9a-zA-Z-_]+$)"
        )
    elif q and alias_row(ctx, fn.rid, q) is None:
        raise ResourceNotFoundException(f"Function not found: {function_arn(ctx, fn.rid, q)}")
    return fn, q


def _url_id() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))


def _url_view(
    ctx: RequestContext, fn: Resource, q: str, cfg: dict[str, Any], *, modified: bool = True
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "FunctionUrl": function_urls.url_of(ctx, cfg["id"]),
        "FunctionArn": function_arn(ctx, fn.rid, q or None),
        "AuthType": cfg["AuthType"],
        "CreationTime": cfg["CreationTime"],
        "InvokeMode": cfg.get("InvokeMode", "BUFFERED"),
    }
    if cfg.get("Cors"):
        out["Cors"] = cfg["Cors"]
    if modified:
        out["LastModifiedTime"] = cfg["LastModifiedTime"]
    return out


def _iso(ctx: RequestContext) -> str:
    return ctx.now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ctx.now.microsecond:06d}Z"


@handler("lambda", "CreateFunctionUrlConfig")
def create_function_url_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fn, q = _url_target(ctx, params)
    urls = dict(fn.document.get("urls") or {})
    if q in urls:
        raise ResourceConflictException(
            f"Failed to create function url config for [functionArn = {function_arn(ctx, fn.rid, q or None)}]. "
            "Error message:  FunctionUrlConfig exists for this Lambda function"
        )
    cfg = {
        "id": _url_id(),
        "AuthType": params["AuthType"],
        "Cors": params.get("Cors") or None,
        "InvokeMode": params.get("InvokeMode") or "BUFFERED",
        "CreationTime": _iso(ctx),
        "LastModifiedTime": _iso(ctx),
    }
    urls[q] = cfg
    _save(ctx, fn, "urls", urls)
    function_urls.remember(ctx, fn, q, cfg["id"])
    return _url_view(ctx, fn, q, cfg, modified=False)


def _url(ctx: RequestContext, params: dict[str, Any]) -> tuple[Resource, str, dict[str, Any]]:
    fn, q = _url_target(ctx, params)
    cfg = (fn.document.get("urls") or {}).get(q)
    if cfg is None:
        raise ResourceNotFoundException("The resource you requested does not exist.")
    return fn, q, dict(cfg)


@handler("lambda", "GetFunctionUrlConfig")
def get_function_url_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fn, q, cfg = _url(ctx, params)
    return _url_view(ctx, fn, q, cfg)


@handler("lambda", "UpdateFunctionUrlConfig")
def update_function_url_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fn, q, cfg = _url(ctx, params)
    for key in ("AuthType", "InvokeMode"):
        if params.get(key) is not None:
            cfg[key] = params[key]
    if "Cors" in params:
        cfg["Cors"] = params["Cors"] or None
    cfg["LastModifiedTime"] = _iso(ctx)
    _save(ctx, fn, "urls", {**(fn.document.get("urls") or {}), q: cfg})
    return _url_view(ctx, fn, q, cfg)


@handler("lambda", "DeleteFunctionUrlConfig")
def delete_function_url_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fn, q, _cfg = _url(ctx, params)
    urls = dict(fn.document.get("urls") or {})
    gone = urls.pop(q, None)
    _save(ctx, fn, "urls", urls)
    if gone:
        function_urls.forget(ctx, str(gone.get("id")))
    return {}


@handler("lambda", "ListFunctionUrlConfigs")
def list_function_url_configs(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fn = find_function(ctx, unqualified(ctx, params).name)
    items = sorted((fn.document.get("urls") or {}).items())
    found = page_list(
        items,
        key=lambda kv: kv[0],
        limit=int(params.get("MaxItems") or 50),
        token=params.get("Marker"),
        scope=f"ListFunctionUrlConfigs:{fn.rid}",
        invalid=invalid_marker,
    )
    out: dict[str, Any] = {"FunctionUrlConfigs": [_url_view(ctx, fn, q, c) for q, c in found.rows]}
    if found.token:
        out["NextMarker"] = found.token
    return out


# -- runtime management, recursion -----------------------------------------------------------


@handler("lambda", "PutRuntimeManagementConfig")
def put_runtime_management_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    named = parse_name(ctx, params["FunctionName"], params.get("Qualifier"))
    target = resolve(ctx, named, allow_alias=False)
    mode = params["UpdateRuntimeOn"]
    version_arn = params.get("RuntimeVersionArn")
    if mode == "Manual" and not version_arn:
        raise InvalidParameterValueException(
            "RuntimeVersionArn must be provided when UpdateRuntimeOn is Manual."
        )
    if mode != "Manual" and version_arn:
        raise InvalidParameterValueException(
            "RuntimeVersionArn can only be provided when UpdateRuntimeOn is Manual."
        )
    q = named.qualifier or LATEST
    section = dict(target.function.document.get("runtime_mgmt") or {})
    section[q] = {"UpdateRuntimeOn": mode, **({"RuntimeVersionArn": version_arn} if version_arn else {})}
    _save(ctx, target.function, "runtime_mgmt", section)
    return {**section[q], "FunctionArn": function_arn(ctx, target.function.rid, named.qualifier)}


@handler("lambda", "GetRuntimeManagementConfig")
def get_runtime_management_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    named = parse_name(ctx, params["FunctionName"], params.get("Qualifier"))
    target = resolve(ctx, named, allow_alias=False)
    cfg = (target.function.document.get("runtime_mgmt") or {}).get(named.qualifier or LATEST) or {
        "UpdateRuntimeOn": "Auto"
    }
    return {**cfg, "FunctionArn": function_arn(ctx, target.function.rid, named.qualifier)}


@handler("lambda", "PutFunctionRecursionConfig")
def put_function_recursion_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fn = find_function(ctx, unqualified(ctx, params).name)
    _save(ctx, fn, "recursion", params["RecursiveLoop"])
    return {"RecursiveLoop": params["RecursiveLoop"]}


@handler("lambda", "GetFunctionRecursionConfig")
def get_function_recursion_config(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fn = find_function(ctx, unqualified(ctx, params).name)
    return {"RecursiveLoop": fn.document.get("recursion") or "Terminate"}


def has_version(ctx: RequestContext, name: str, version: str) -> bool:
    return VERSIONS.find(ctx, f"{name}:{version}") is not None
