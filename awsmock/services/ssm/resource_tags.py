"""Tags of SSM's resources: AddTagsToResource, RemoveTagsFromResource, ListTagsForResource, by
``ResourceType`` (``Parameter``, ``Document``, ``MaintenanceWindow``, ``Association``) and
``ResourceId`` (a parameter's name, a document's name, a window's or association's id), kept by
the one tagging implementation under the resource's ARN."""

from __future__ import annotations

from typing import Any

from awsmock.engine import tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler

from . import names, store, tags
from .associations import ASSOCIATIONS
from .documents import DOCUMENTS
from .errors import InvalidResourceId, InvalidResourceType
from .windows import WINDOWS

_KINDS = {"Document": DOCUMENTS, "MaintenanceWindow": WINDOWS, "Association": ASSOCIATIONS}


def resource_arn(ctx: RequestContext, kind: str, rid: str) -> str:
    """The ARN of the caller's resource, or SSM's refusal."""
    if kind == "Parameter":
        row = store.find(ctx, names.plain(rid))
        if row is None:
            raise InvalidResourceId()
        return names.arn(ctx, row.name)
    found = _KINDS.get(kind)
    if found is None:
        raise InvalidResourceType()
    resource = found.find(ctx, rid)
    if resource is None:
        raise InvalidResourceId()
    return resource.arn


@handler("ssm", "AddTagsToResource")
def add_tags_to_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = resource_arn(ctx, params["ResourceType"], params["ResourceId"])
    tagging.tag(ctx, "ssm", arn, tags.read(params["Tags"]), tags.RULES)
    return {}


@handler("ssm", "RemoveTagsFromResource")
def remove_tags_from_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = resource_arn(ctx, params["ResourceType"], params["ResourceId"])
    tagging.untag(ctx, arn, [k for k in params["TagKeys"] if isinstance(k, str)])
    return {}


@handler("ssm", "ListTagsForResource")
def list_tags_for_resource(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = resource_arn(ctx, params["ResourceType"], params["ResourceId"])
    return {"TagList": tags.write(tagging.tags_of(ctx.session, arn))}
