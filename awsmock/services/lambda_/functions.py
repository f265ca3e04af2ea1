"""Functions: CreateFunction, GetFunction, GetFunctionConfiguration, UpdateFunctionCode,
UpdateFunctionConfiguration, DeleteFunction, ListFunctions.

A function is a row of the shared store (kind ``function``, id its name) whose document holds
its ``$LATEST`` configuration and code digest and what belongs to the function as a whole
(resource policies per qualifier, concurrency, event invoke configs, URL configs...); each
published version is a row of its own (kind ``version``). Lambda sets a function up and applies
updates in the background: its answers to CreateFunction and the updates say ``Pending`` /
``InProgress`` as AWS's do, and the function is ``Active`` / ``Successful`` at once when read
(so the ``function_active_v2``, ``function_updated_v2`` and ``function_exists`` waiters pass).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from awsmock.engine import tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.pager import page_list
from awsmock.engine.registry import handler
from awsmock.models.lambda_ import LambdaInvocation
from awsmock.models.resources import Resource

from . import code as codes
from . import urls as function_urls
from .configuration import (
    apply_settings,
    check_environment,
    check_limits,
    check_role,
    check_runtime,
    new_config,
    shown,
)
from .errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    invalid_marker,
    revision_mismatch,
)
from .lookup import (
    ALIASES,
    CODE_SIGNING,
    FUNCTIONS,
    LATEST,
    VERSION,
    VERSIONS,
    children,
    function_arn,
    max_items,
    new_revision,
    not_found,
    parse_name,
    resolve,
    timestamp,
    unqualified,
    versions_of,
)
from .tags import RULES_OF_TAGS
from .versions import publish


def _created(config: dict[str, Any]) -> dict[str, Any]:
    config["State"] = "Pending"
    config["StateReason"] = "The function is being created."
    config["StateReasonCode"] = "Creating"
    config.pop("LastUpdateStatus", None)
    return config


def _updating(config: dict[str, Any]) -> dict[str, Any]:
    config["LastUpdateStatus"] = "InProgress"
    config["LastUpdateStatusReason"] = "The function is being created."
    config["LastUpdateStatusReasonCode"] = "Creating"
    return config


def _check_revision(params: dict[str, Any], config: dict[str, Any]) -> None:
    wanted = params.get("RevisionId")
    if wanted is not None and wanted != config.get("RevisionId"):
        raise revision_mismatch()


@handler("lambda", "CreateFunction")
def create_function(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    named = parse_name(ctx, params["FunctionName"])
    if named.qualifier is not None:
        raise InvalidParameterValueException("Function name cannot include a qualifier.")
    name = named.name
    arn = function_arn(ctx, name)
    if FUNCTIONS.find(ctx, name) is not None:
        raise ResourceConflictException(f"Function already exist: {name}")
    check_role(ctx, params["Role"], arn)
    check_limits(params)
    package = params.get("PackageType") or "Zip"
    source = params.get("Code") or {}
    if package == "Zip":
        if not params.get("Runtime") or not params.get("Handler"):
            raise InvalidParameterValueException(
                "Runtime and Handler are mandatory parameters for functions created with deployment packages."
            )
        check_runtime(params["Runtime"])
        if source.get("ImageUri"):
            raise InvalidParameterValueException(
                "Please don't provide ImageUri when updating a function with packageType Zip."
            )
    else:
        if not source.get("ImageUri"):
            raise InvalidParameterValueException("ImageUri must be specified for Image package type.")
        if params.get("Runtime") or params.get("Handler"):
            raise InvalidParameterValueException(
                "Runtime and Handler are not supported for functions created with container images."
            )
    check_environment(params.get("Environment"))
    signing = params.get("CodeSigningConfigArn")
    if signing and CODE_SIGNING.by_arn(ctx, signing) is None:
        raise CODE_SIGNING.not_found(signing)
    if params.get("Tags"):
        tagging._check({str(k): str(v) for k, v in params["Tags"].items()}, RULES_OF_TAGS)
    sha: str | None = None
    size = 0
    image: str | None = None
    if package == "Zip":
        data = codes.read_source(ctx, source, "CreateFunction")
        codes.check_zip(data)
        sha, size = codes.store(ctx, data)
    else:
        image = str(source["ImageUri"])
    config = new_config(ctx, name, params, sha, size)
    apply_settings(ctx, config, params)
    document: dict[str, Any] = {
        "config": config,
        "sha": sha,
        "image": image,
        "next_version": 1,
        "policies": {},
        "concurrency": None,
        "event_invoke": {},
        "urls": {},
        "provisioned": {},
        "code_signing": signing,
        "recursion": "Terminate",
        "runtime_mgmt": {},
    }
    row = FUNCTIONS.create(ctx, rid=name, name=name, document=document, state="Active")
    if params.get("Tags"):
        tagging.tag(ctx, "lambda", arn, {str(k): str(v) for k, v in params["Tags"].items()}, RULES_OF_TAGS)
    if params.get("Publish"):
        version_row = publish(ctx, row, None)
        out = shown(ctx, name, version_row.document, version_row.rid.rsplit(":", 1)[1])
        return _created(out)
    return _created(shown(ctx, name, row.document, LATEST))


def code_of(ctx: RequestContext, document: dict[str, Any]) -> dict[str, Any]:
    if document.get("image"):
        return {"RepositoryType": "ECR", "ImageUri": document["image"], "ResolvedImageUri": document["image"]}
    return {"RepositoryType": "S3", "Location": codes.location(ctx, document["sha"])}


@handler("lambda", "GetFunction")
def get_function(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    named = parse_name(ctx, params["FunctionName"], params.get("Qualifier"))
    target = resolve(ctx, named)
    out: dict[str, Any] = {
        "Configuration": shown(ctx, named.name, target.document, target.version),
        "Code": code_of(ctx, target.document),
    }
    tags = tagging.tags_of(ctx.session, function_arn(ctx, named.name))
    if tags:
        out["Tags"] = tags
    reserved = target.function.document.get("concurrency")
    if reserved is not None:
        out["Concurrency"] = {"ReservedConcurrentExecutions": reserved}
    return out


@handler("lambda", "GetFunctionConfiguration")
def get_function_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    named = parse_name(ctx, params["FunctionName"], params.get("Qualifier"))
    target = resolve(ctx, named)
    return shown(ctx, named.name, target.document, target.version)


def _save_latest(
    ctx: RequestContext, row: Resource, config: dict[str, Any], **changes: Any
) -> dict[str, Any]:
    config["LastModified"] = timestamp(ctx.now)
    config["RevisionId"] = new_revision()
    document = {**row.document, "config": config, **changes}
    FUNCTIONS.update(ctx, row, document=document)
    return document


@handler("lambda", "UpdateFunctionCode")
def update_function_code(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    named = unqualified(ctx, params)
    row = FUNCTIONS.find(ctx, named.name)
    if row is None:
        raise not_found(function_arn(ctx, named.name))
    document = row.document
    config = dict(document["config"])
    _check_revision(params, config)
    if params.get("Architectures"):
        config["Architectures"] = list(params["Architectures"])
    changes: dict[str, Any] = {}
    if config.get("PackageType", "Zip") == "Zip":
        if params.get("ImageUri"):
            raise InvalidParameterValueException(
                "Please don't provide ImageUri when updating a function with packageType Zip."
            )
        data = codes.read_source(ctx, params, "UpdateFunctionCode")
        codes.check_zip(data)
        if params.get("DryRun"):
            import hashlib

            sha = hashlib.sha256(data).hexdigest()
            config.update(CodeSha256=codes.digest_b64(sha), CodeSize=len(data))
            return shown(ctx, named.name, {"config": config}, LATEST)
        sha, size = codes.store(ctx, data)
        codes.release(ctx, document.get("sha"))
        config.update(CodeSha256=codes.digest_b64(sha), CodeSize=size)
        changes["sha"] = sha
    else:
        if not params.get("ImageUri"):
            raise InvalidParameterValueException(
                "Please provide ImageUri when updating a function with packageType Image."
            )
        if params.get("DryRun"):
            return shown(ctx, named.name, {"config": config}, LATEST)
        changes["image"] = str(params["ImageUri"])
    document = _save_latest(ctx, row, config, **changes)
    if params.get("Publish"):
        version = publish(ctx, row, None)
        return _updating(shown(ctx, named.name, version.document, version.rid.rsplit(":", 1)[1]))
    return _updating(shown(ctx, named.name, document, LATEST))


@handler("lambda", "UpdateFunctionConfiguration")
def update_function_configuration(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    named = unqualified(ctx, params)
    row = FUNCTIONS.find(ctx, named.name)
    if row is None:
        raise not_found(function_arn(ctx, named.name))
    config = dict(row.document["config"])
    _check_revision(params, config)
    check_limits(params)
    if params.get("Role") is not None:
        config["Role"] = check_role(ctx, params["Role"], row.arn)
    if params.get("Runtime") is not None:
        if config.get("PackageType") == "Image":
            raise InvalidParameterValueException(
                "Please don't provide Runtime or Handler when updating a function with packageType Image."
            )
        check_runtime(params["Runtime"])
    apply_settings(ctx, config, params)
    document = _save_latest(ctx, row, config)
    return _updating(shown(ctx, named.name, document, LATEST))


def _drop_function(ctx: RequestContext, row: Resource) -> None:
    name = row.rid
    for alias in children(ctx, ALIASES, row.arn):
        ALIASES.delete(ctx, alias)
    for version in versions_of(ctx, name):
        codes.release(ctx, version.document.get("sha"))
        VERSIONS.delete(ctx, version)
    codes.release(ctx, row.document.get("sha"))
    tagging.drop(ctx.session, row.arn)
    function_urls.forget_all(ctx, row)
    ctx.session.execute(
        delete(LambdaInvocation).where(
            LambdaInvocation.account_id == ctx.account_id,
            LambdaInvocation.region == ctx.region,
            LambdaInvocation.function_name == name,
        )
    )
    FUNCTIONS.delete(ctx, row)


@handler("lambda", "DeleteFunction")
def delete_function(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    named = parse_name(ctx, params["FunctionName"], params.get("Qualifier"))
    row = FUNCTIONS.find(ctx, named.name)
    if row is None:
        raise not_found(function_arn(ctx, named.name, named.qualifier))
    q = named.qualifier
    if q is None:
        _drop_function(ctx, row)
        ctx.response_status = 204
        return {}
    if q == LATEST:
        raise InvalidParameterValueException(
            "$LATEST version cannot be deleted without deleting the function."
        )
    if not VERSION.fullmatch(q):
        raise InvalidParameterValueException("Deletion of aliases is not currently supported.")
    version = VERSIONS.find(ctx, f"{named.name}:{q}")
    if version is None:
        raise not_found(function_arn(ctx, named.name, q))
    using = sorted(
        a.rid.split(":", 1)[1]
        for a in children(ctx, ALIASES, row.arn)
        if a.document.get("FunctionVersion") == q
        or q in (a.document.get("RoutingConfig") or {}).get("AdditionalVersionWeights", {})
    )
    if using:
        raise ResourceConflictException(
            f"Unable to delete version because the following aliases reference it: [{', '.join(using)}]"
        )
    codes.release(ctx, version.document.get("sha"))
    VERSIONS.delete(ctx, version)
    document = dict(row.document)
    for key in ("policies", "event_invoke", "provisioned", "runtime_mgmt"):
        section = dict(document.get(key) or {})
        if section.pop(q, None) is not None:
            document[key] = section
    FUNCTIONS.update(ctx, row, document=document)
    ctx.response_status = 204
    return {}


@handler("lambda", "ListFunctions")
def list_functions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    every = params.get("FunctionVersion")
    if every is not None and every != "ALL":
        raise InvalidParameterValueException("Invalid value for FunctionVersion: only ALL is supported.")
    limit = max_items(params)
    if every != "ALL":
        page = FUNCTIONS.page(
            ctx, limit=limit, token=params.get("Marker"), invalid=invalid_marker, order="rid"
        )
        out: dict[str, Any] = {"Functions": [shown(ctx, r.rid, r.document, LATEST) for r in page.rows]}
        if page.token:
            out["NextMarker"] = page.token
        return out
    entries: list[tuple[tuple[str, int], dict[str, Any]]] = []
    rows = FUNCTIONS.page(ctx, limit=100000, token=None, invalid=invalid_marker).rows
    for r in rows:
        entries.append(((r.rid, 0), shown(ctx, r.rid, r.document, LATEST, qualified=True)))
        for v in versions_of(ctx, r.rid):
            number = v.rid.rsplit(":", 1)[1]
            entries.append(((r.rid, int(number)), shown(ctx, r.rid, v.document, number)))
    found = page_list(
        entries,
        key=lambda e: list(e[0]),
        limit=limit,
        token=params.get("Marker"),
        scope="ListFunctions:ALL",
        invalid=invalid_marker,
    )
    out = {"Functions": [e[1] for e in found.rows]}
    if found.token:
        out["NextMarker"] = found.token
    return out
