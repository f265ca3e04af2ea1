"""Layers: PublishLayerVersion (a zip inline or from S3), GetLayerVersion,
GetLayerVersionByArn, ListLayers and ListLayerVersions (filtered by runtime and architecture),
DeleteLayerVersion, and layer version policies (AddLayerVersionPermission,
RemoveLayerVersionPermission, GetLayerVersionPolicy). Version numbers are never reused: the
layer's row keeps its counter after its versions are gone."""

from __future__ import annotations

import json
from typing import Any

from awsmock.engine import arns
from awsmock.engine.context import RequestContext
from awsmock.engine.pager import page_list
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from . import code as codes
from .errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
    invalid_marker,
    revision_mismatch,
    validation,
)
from .lookup import (
    LAYER_ARN,
    LAYER_NAME,
    LAYER_VERSION_ARN,
    LAYER_VERSIONS,
    LAYERS,
    children,
    new_revision,
    timestamp,
)
from .policies import principal_of

DEFAULT_MAX_ITEMS = 50


def _layer_name(ctx: RequestContext, text: Any) -> str:
    text = str(text)
    m = LAYER_ARN.fullmatch(text)
    if m is not None:
        if m.group("account") != ctx.account_id or m.group("region") != ctx.region:
            raise ResourceNotFoundException("The resource you requested does not exist.")
        return m.group("name")
    if not LAYER_NAME.fullmatch(text) or len(text) > 140:
        raise validation(
            text,
            "layerName",
            r"Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+",
        )
    return text


def version_view(row: Resource, *, content: bool, ctx: RequestContext | None = None) -> dict[str, Any]:
    doc = row.document
    out: dict[str, Any] = {
        "LayerVersionArn": row.arn,
        "Version": int(doc["Version"]),
        "Description": doc.get("Description", ""),
        "CreatedDate": doc["CreatedDate"],
    }
    for key in ("CompatibleRuntimes", "LicenseInfo", "CompatibleArchitectures"):
        if doc.get(key):
            out[key] = doc[key]
    if content and ctx is not None:
        out["LayerArn"] = row.parent
        out["Content"] = {**doc["Content"], "Location": codes.location(ctx, doc["sha"])}
    return out


@handler("lambda", "PublishLayerVersion")
def publish_layer_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _layer_name(ctx, params["LayerName"])
    data = codes.read_source(ctx, params.get("Content") or {}, "PublishLayerVersion")
    codes.check_zip(data)
    layer = LAYERS.find(ctx, name)
    if layer is None:
        layer = LAYERS.create(ctx, rid=name, name=name, document={"next_version": 1})
    number = int(layer.document.get("next_version") or 1)
    sha, size = codes.store(ctx, data)
    doc = {
        "Version": number,
        "Description": params.get("Description") or "",
        "CreatedDate": timestamp(ctx.now),
        "CompatibleRuntimes": list(params.get("CompatibleRuntimes") or []),
        "CompatibleArchitectures": list(params.get("CompatibleArchitectures") or []),
        "LicenseInfo": params.get("LicenseInfo"),
        "Content": {"CodeSha256": codes.digest_b64(sha), "CodeSize": size},
        "sha": sha,
        "policy": None,
    }
    row = LAYER_VERSIONS.create(ctx, rid=f"{name}:{number}", name=name, parent=layer.arn, document=doc)
    LAYERS.update(ctx, layer, document={**layer.document, "next_version": number + 1})
    return version_view(row, content=True, ctx=ctx)


def _version(ctx: RequestContext, name: str, number: Any) -> Resource:
    row = LAYER_VERSIONS.find(ctx, f"{name}:{number}")
    if row is None:
        raise ResourceNotFoundException("The resource you requested does not exist.")
    return row


@handler("lambda", "GetLayerVersion")
def get_layer_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _layer_name(ctx, params["LayerName"])
    return version_view(_version(ctx, name, params["VersionNumber"]), content=True, ctx=ctx)


@handler("lambda", "GetLayerVersionByArn")
def get_layer_version_by_arn(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = str(params["Arn"])
    m = LAYER_VERSION_ARN.fullmatch(arn)
    if m is None:
        raise validation(
            arn,
            "arn",
            r"Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)",
        )
    row = LAYER_VERSIONS.by_arn(ctx, arn)
    if row is None:
        raise ResourceNotFoundException("The resource you requested does not exist.")
    return version_view(row, content=True, ctx=ctx)


def _matches(doc: dict[str, Any], runtime: Any, architecture: Any) -> bool:
    if runtime and runtime not in (doc.get("CompatibleRuntimes") or []):
        return False
    return not (architecture and architecture not in (doc.get("CompatibleArchitectures") or []))


@handler("lambda", "ListLayerVersions")
def list_layer_versions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _layer_name(ctx, params["LayerName"])
    layer = LAYERS.find(ctx, name)
    rows = children(ctx, LAYER_VERSIONS, layer.arn) if layer is not None else []
    rows = [
        r
        for r in rows
        if _matches(r.document, params.get("CompatibleRuntime"), params.get("CompatibleArchitecture"))
    ]
    rows.sort(key=lambda r: -int(r.document["Version"]))
    found = page_list(
        rows,
        key=lambda r: -int(r.document["Version"]),
        limit=int(params.get("MaxItems") or DEFAULT_MAX_ITEMS),
        token=params.get("Marker"),
        scope=f"ListLayerVersions:{name}",
        invalid=invalid_marker,
    )
    out: dict[str, Any] = {"LayerVersions": [version_view(r, content=False) for r in found.rows]}
    if found.token:
        out["NextMarker"] = found.token
    return out


@handler("lambda", "ListLayers")
def list_layers(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    layers = LAYERS.page(ctx, limit=100000, token=None, invalid=invalid_marker).rows
    entries = []
    for layer in layers:
        versions = [
            r
            for r in children(ctx, LAYER_VERSIONS, layer.arn)
            if _matches(r.document, params.get("CompatibleRuntime"), params.get("CompatibleArchitecture"))
        ]
        if not versions:
            continue
        latest = max(versions, key=lambda r: int(r.document["Version"]))
        entries.append(
            {
                "LayerName": layer.rid,
                "LayerArn": layer.arn,
                "LatestMatchingVersion": version_view(latest, content=False),
            }
        )
    found = page_list(
        entries,
        key=lambda e: e["LayerName"],
        limit=int(params.get("MaxItems") or DEFAULT_MAX_ITEMS),
        token=params.get("Marker"),
        scope="ListLayers",
        invalid=invalid_marker,
    )
    out: dict[str, Any] = {"Layers": found.rows}
    if found.token:
        out["NextMarker"] = found.token
    return out


@handler("lambda", "DeleteLayerVersion")
def delete_layer_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _layer_name(ctx, params["LayerName"])
    row = LAYER_VERSIONS.find(ctx, f"{name}:{params['VersionNumber']}")
    if row is not None:
        codes.release(ctx, row.document.get("sha"))
        LAYER_VERSIONS.delete(ctx, row)
    return {}


# -- layer version policies ------------------------------------------------------------------


@handler("lambda", "AddLayerVersionPermission")
def add_layer_version_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _layer_name(ctx, params["LayerName"])
    row = _version(ctx, name, params["VersionNumber"])
    doc = dict(row.document)
    policy = dict(doc.get("policy") or {"Version": "2012-10-17", "Id": "default", "Statement": []})
    if params.get("RevisionId") is not None and params["RevisionId"] != doc.get("revision"):
        raise revision_mismatch("GetLayerPolicy")
    sid = params["StatementId"]
    if any(st.get("Sid") == sid for st in policy["Statement"]):
        raise ResourceConflictException(
            f"The statement id ({sid}) provided already exists. Please specify a new statement id, or remove "
            "the existing statement."
        )
    if params["Action"] != "lambda:GetLayerVersion":
        raise InvalidParameterValueException(
            f"1 validation error detected: Value '{params['Action']}' at 'action' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: lambda:GetLayerVersion"
        )
    principal = str(params["Principal"])
    if (
        principal != "*"
        and not (principal.isdigit() and len(principal) == 12)
        and arns.parse(principal) is None
    ):
        raise InvalidParameterValueException(
            f"1 validation error detected: Value '{principal}' at 'principal' failed to satisfy constraint: Member "
            r"must satisfy regular expression pattern: \d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root"
        )
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": principal_of(principal),
        "Action": "lambda:GetLayerVersion",
        "Resource": row.arn,
    }
    if params.get("OrganizationId"):
        statement["Condition"] = {"StringEquals": {"aws:PrincipalOrgID": params["OrganizationId"]}}
    policy["Statement"] = [*policy["Statement"], statement]
    doc["policy"] = policy
    doc["revision"] = new_revision()
    LAYER_VERSIONS.update(ctx, row, document=doc)
    return {"Statement": json.dumps(statement, separators=(",", ":")), "RevisionId": doc["revision"]}


@handler("lambda", "RemoveLayerVersionPermission")
def remove_layer_version_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _layer_name(ctx, params["LayerName"])
    row = _version(ctx, name, params["VersionNumber"])
    doc = dict(row.document)
    if params.get("RevisionId") is not None and params["RevisionId"] != doc.get("revision"):
        raise revision_mismatch("GetLayerPolicy")
    policy = doc.get("policy") or {"Statement": []}
    sid = params["StatementId"]
    kept = [st for st in policy["Statement"] if st.get("Sid") != sid]
    if len(kept) == len(policy["Statement"]):
        raise ResourceNotFoundException(f"Statement {sid} is not found in resource policy.")
    doc["policy"] = {**policy, "Statement": kept} if kept else None
    doc["revision"] = new_revision()
    LAYER_VERSIONS.update(ctx, row, document=doc)
    return {}


@handler("lambda", "GetLayerVersionPolicy")
def get_layer_version_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _layer_name(ctx, params["LayerName"])
    row = _version(ctx, name, params["VersionNumber"])
    policy = row.document.get("policy")
    if not policy or not policy.get("Statement"):
        raise ResourceNotFoundException("No policy is associated with the given resource.")
    return {
        "Policy": json.dumps(policy, separators=(",", ":")),
        "RevisionId": row.document.get("revision") or "",
    }
