"""SSM as access control sees it: the resources each request acts on.

Parameters are ``arn:...:parameter/<name without its leading slash>`` (the public ones have no
account), documents ``document/<name>``, maintenance windows ``maintenancewindow/<id>``,
associations ``association/<id>``, commands ``...:<account>:*`` and the instances a command
runs on ``arn:...:ec2:<region>:<account>:instance/<id>``. Listings act on ``*``.
"""

from __future__ import annotations

from typing import Any

from awsmock.engine.context import RequestContext

from . import names

_NAME_OPS = frozenset(
    [
        "PutParameter",
        "GetParameter",
        "DeleteParameter",
        "GetParameterHistory",
        "LabelParameterVersion",
        "UnlabelParameterVersion",
    ]
)
_NAMES_OPS = frozenset(["GetParameters", "DeleteParameters"])
_DOCUMENT_OPS = frozenset(
    [
        "CreateDocument",
        "GetDocument",
        "DescribeDocument",
        "UpdateDocument",
        "UpdateDocumentDefaultVersion",
        "DeleteDocument",
        "ListDocumentVersions",
        "ModifyDocumentPermission",
        "DescribeDocumentPermission",
    ]
)
_RESOURCE_TYPES = {
    "Parameter": "parameter",
    "Document": "document",
    "MaintenanceWindow": "maintenancewindow",
    "Association": "association",
    "ManagedInstance": "managed-instance",
}


def parameter_arn(ctx: RequestContext, raw: Any) -> str | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = raw.strip()
    if text.startswith("arn:"):
        parts = text.split(":")
        return ":".join(parts[:6])  # without a selector
    name = text.split(":", 1)[0]
    return names.public_arn(ctx, name) if names.is_public(name) else names.arn(ctx, name)


def _tagged(ctx: RequestContext, params: dict[str, Any]) -> str | None:
    kind = _RESOURCE_TYPES.get(params.get("ResourceType") or "")
    rid = params.get("ResourceId")
    if kind is None or not isinstance(rid, str):
        return None
    if kind == "parameter":
        return parameter_arn(ctx, rid)
    return ctx.arn("ssm", f"{kind}/{rid}")


def resource_arns(ctx: RequestContext, operation: str, params: dict[str, Any]) -> list[str]:
    out: list[str | None] = []
    if operation in _NAME_OPS:
        out.append(parameter_arn(ctx, params.get("Name")))
    elif operation in _NAMES_OPS:
        out.extend(parameter_arn(ctx, n) for n in params.get("Names") or [])
    elif operation == "GetParametersByPath":
        out.append(parameter_arn(ctx, params.get("Path")))
    elif operation in _DOCUMENT_OPS and isinstance(params.get("Name"), str):
        out.append(ctx.arn("ssm", "document/" + params["Name"]))
    elif operation == "SendCommand":
        if isinstance(params.get("DocumentName"), str):
            out.append(ctx.arn("ssm", "document/" + params["DocumentName"]))
        for instance in params.get("InstanceIds") or []:
            if isinstance(instance, str):
                out.append(ctx.arn("ec2", "instance/" + instance))
    elif operation in ("AddTagsToResource", "RemoveTagsFromResource", "ListTagsForResource"):
        out.append(_tagged(ctx, params))
    elif isinstance(params.get("WindowId"), str):
        out.append(ctx.arn("ssm", "maintenancewindow/" + params["WindowId"]))
    elif isinstance(params.get("AssociationId"), str):
        out.append(ctx.arn("ssm", "association/" + params["AssociationId"]))
    found = [arn for arn in out if arn]
    return found or ["*"]
