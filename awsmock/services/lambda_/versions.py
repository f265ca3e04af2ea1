"""Versions and aliases: PublishVersion (a snapshot of ``$LATEST``; nothing new when nothing
changed since the last one), ListVersionsByFunction, CreateAlias, GetAlias, UpdateAlias,
DeleteAlias, ListAliases (routing weights between two versions)."""

from __future__ import annotations

from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.pager import page_list
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from . import code as codes
from . import urls as function_urls
from .configuration import config_digest, shown
from .errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
    invalid_marker,
    revision_mismatch,
    validation,
)
from .lookup import (
    ALIAS_NAME,
    ALIASES,
    FUNCTIONS,
    LATEST,
    VERSION,
    VERSIONS,
    alias_row,
    children,
    find_function,
    function_arn,
    max_items,
    new_revision,
    parse_name,
    timestamp,
    unqualified,
    version_row,
    versions_of,
)


def publish(ctx: RequestContext, fn: Resource, description: str | None) -> Resource:
    """A new version of ``fn``'s ``$LATEST``, or its latest version when nothing has changed."""
    document = fn.document
    digest = config_digest(document["config"], document.get("sha") or document.get("image"))
    versions = versions_of(ctx, fn.rid)
    if versions and versions[-1].document.get("digest") == digest:
        return versions[-1]
    number = int(document.get("next_version") or 1)
    config = dict(document["config"])
    config["Version"] = str(number)
    config["LastModified"] = timestamp(ctx.now)
    config["RevisionId"] = new_revision()
    if description is not None:
        config["Description"] = description
    codes.retain(ctx, document.get("sha"))
    row = VERSIONS.create(
        ctx,
        rid=f"{fn.rid}:{number}",
        name=fn.rid,
        parent=fn.arn,
        document={
            "config": config,
            "sha": document.get("sha"),
            "image": document.get("image"),
            "digest": digest,
        },
        state="Active",
    )
    FUNCTIONS.update(ctx, fn, document={**document, "next_version": number + 1})
    return row


@handler("lambda", "PublishVersion")
def publish_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    named = unqualified(ctx, params)
    fn = find_function(ctx, named.name)
    config = fn.document["config"]
    wanted = params.get("CodeSha256")
    if wanted is not None and wanted != config.get("CodeSha256"):
        raise InvalidParameterValueException(
            f"CodeSHA256 ({wanted}) is different from current CodeSHA256 in $LATEST "
            f"({config.get('CodeSha256')}). Please try again with the CodeSHA256 in $LATEST."
        )
    if params.get("RevisionId") is not None and params["RevisionId"] != config.get("RevisionId"):
        raise revision_mismatch()
    row = publish(ctx, fn, params.get("Description"))
    out = shown(ctx, named.name, row.document, row.rid.rsplit(":", 1)[1])
    out["State"] = "Pending" if row.created == ctx.now else "Active"
    if out["State"] == "Pending":
        out["StateReason"] = "The function is being created."
        out["StateReasonCode"] = "Creating"
    return out


@handler("lambda", "ListVersionsByFunction")
def list_versions_by_function(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    named = unqualified(ctx, params)
    fn = find_function(ctx, named.name)
    entries = [(0, shown(ctx, fn.rid, fn.document, LATEST, qualified=True))]
    for v in versions_of(ctx, fn.rid):
        number = v.rid.rsplit(":", 1)[1]
        entries.append((int(number), shown(ctx, fn.rid, v.document, number)))
    found = page_list(
        entries,
        key=lambda e: e[0],
        limit=max_items(params),
        token=params.get("Marker"),
        scope=f"ListVersionsByFunction:{fn.rid}",
        invalid=invalid_marker,
    )
    out: dict[str, Any] = {"Versions": [e[1] for e in found.rows]}
    if found.token:
        out["NextMarker"] = found.token
    return out


# -- aliases ---------------------------------------------------------------------------------


def _alias_arn(ctx: RequestContext, name: str, alias: str) -> str:
    return function_arn(ctx, name, alias)


def _check_version(ctx: RequestContext, name: str, version: Any) -> str:
    version = str(version)
    if version != LATEST and (not VERSION.fullmatch(version) or version_row(ctx, name, version) is None):
        raise ResourceNotFoundException(f"Function not found: {function_arn(ctx, name, version)}")
    return version


def _routing(ctx: RequestContext, name: str, primary: str, routing: Any) -> dict[str, Any] | None:
    if routing is None:
        return None
    weights = dict((routing or {}).get("AdditionalVersionWeights") or {})
    if not weights:
        return {}
    if len(weights) > 1:
        raise InvalidParameterValueException(
            "Number of items in AdditionalVersionWeights cannot be greater than 1"
        )
    if primary == LATEST:
        raise InvalidParameterValueException(
            "$LATEST is not supported for an alias pointing to more than 1 version"
        )
    for version, weight in weights.items():
        if not VERSION.fullmatch(str(version)):
            raise InvalidParameterValueException(
                f"Invalid function version {version}. Function version {version} is not a published version."
            )
        _check_version(ctx, name, version)
        if str(version) == primary:
            raise InvalidParameterValueException(
                f"Invalid function version {version}. Function version {version} is already included in primary version."
            )
        if not 0.0 <= float(weight) <= 1.0:
            raise validation(
                weight, "routingConfig.additionalVersionWeights", "Member must have value between 0.0 and 1.0"
            )
    return {"AdditionalVersionWeights": {str(k): float(v) for k, v in weights.items()}}


def alias_view(row: Resource) -> dict[str, Any]:
    doc = row.document
    out = {
        "AliasArn": row.arn,
        "Name": row.rid.split(":", 1)[1],
        "FunctionVersion": doc["FunctionVersion"],
        "Description": doc.get("Description", ""),
        "RevisionId": doc["RevisionId"],
    }
    if doc.get("RoutingConfig"):
        out["RoutingConfig"] = doc["RoutingConfig"]
    return out


@handler("lambda", "CreateAlias")
def create_alias(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    named = unqualified(ctx, params)
    fn = find_function(ctx, named.name)
    alias = params["Name"]
    if not ALIAS_NAME.fullmatch(alias) or alias == LATEST:
        raise validation(
            alias, "name", r"Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)"
        )
    arn = _alias_arn(ctx, fn.rid, alias)
    if alias_row(ctx, fn.rid, alias) is not None:
        raise ResourceConflictException(f"Alias already exists: {arn}")
    version = _check_version(ctx, fn.rid, params["FunctionVersion"])
    routing = _routing(ctx, fn.rid, version, params.get("RoutingConfig"))
    doc: dict[str, Any] = {
        "FunctionVersion": version,
        "Description": params.get("Description") or "",
        "RevisionId": new_revision(),
    }
    if routing:
        doc["RoutingConfig"] = routing
    row = ALIASES.create(ctx, rid=f"{fn.rid}:{alias}", name=fn.rid, parent=fn.arn, document=doc, arn=arn)
    return alias_view(row)


def _alias(ctx: RequestContext, params: dict[str, Any]) -> tuple[Resource, Resource]:
    named = unqualified(ctx, params)
    fn = find_function(ctx, named.name)
    row = alias_row(ctx, fn.rid, params["Name"])
    if row is None:
        raise ResourceNotFoundException(f"Cannot find alias arn: {_alias_arn(ctx, fn.rid, params['Name'])}")
    return fn, row


@handler("lambda", "GetAlias")
def get_alias(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return alias_view(_alias(ctx, params)[1])


@handler("lambda", "UpdateAlias")
def update_alias(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    fn, row = _alias(ctx, params)
    doc = dict(row.document)
    if params.get("RevisionId") is not None and params["RevisionId"] != doc["RevisionId"]:
        raise revision_mismatch()
    if params.get("FunctionVersion") is not None:
        doc["FunctionVersion"] = _check_version(ctx, fn.rid, params["FunctionVersion"])
    if params.get("Description") is not None:
        doc["Description"] = params["Description"]
    if "RoutingConfig" in params:
        routing = _routing(ctx, fn.rid, doc["FunctionVersion"], params["RoutingConfig"])
        if routing:
            doc["RoutingConfig"] = routing
        else:
            doc.pop("RoutingConfig", None)
    elif doc.get("RoutingConfig"):
        _routing(ctx, fn.rid, doc["FunctionVersion"], doc["RoutingConfig"])
    doc["RevisionId"] = new_revision()
    ALIASES.update(ctx, row, document=doc)
    return alias_view(row)


@handler("lambda", "DeleteAlias")
def delete_alias(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    named = unqualified(ctx, params)
    fn = find_function(ctx, named.name)
    row = alias_row(ctx, fn.rid, params["Name"])
    if row is not None:
        ALIASES.delete(ctx, row)
        alias = params["Name"]
        document = dict(fn.document)
        url = (document.get("urls") or {}).get(alias)
        if url:
            function_urls.forget(ctx, str(url.get("id")))
        for key in ("policies", "event_invoke", "provisioned", "urls", "runtime_mgmt"):
            section = dict(document.get(key) or {})
            if section.pop(alias, None) is not None:
                document[key] = section
        FUNCTIONS.update(ctx, fn, document=document)
    return {}


@handler("lambda", "ListAliases")
def list_aliases(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    named = unqualified(ctx, params)
    fn = find_function(ctx, named.name)
    rows = children(ctx, ALIASES, fn.arn)
    wanted = params.get("FunctionVersion")
    if wanted is not None:
        rows = [r for r in rows if r.document.get("FunctionVersion") == wanted]
    found = page_list(
        rows,
        key=lambda r: r.rid,
        limit=max_items(params),
        token=params.get("Marker"),
        scope=f"ListAliases:{fn.rid}:{wanted or ''}",
        invalid=invalid_marker,
    )
    out: dict[str, Any] = {"Aliases": [alias_view(r) for r in found.rows]}
    if found.token:
        out["NextMarker"] = found.token
    return out


def qualified_arn(ctx: RequestContext, params: dict[str, Any]) -> str:
    named = parse_name(ctx, params.get("FunctionName"), params.get("Qualifier"))
    return function_arn(ctx, named.name, named.qualifier)
