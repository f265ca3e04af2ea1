"""State Manager associations as records: CreateAssociation, DescribeAssociation,
ListAssociations, UpdateAssociation, DeleteAssociation.

An association binds a document (which must exist) to an instance or to targets, on a schedule;
awsmock applies none, so its status stays ``Pending`` as AWS shows one that no agent has run
yet. Each update is a new association version. Associations are rows of the shared resource
store (kind ``association``, id: the association id).
"""

from __future__ import annotations

import uuid
from typing import Any

from awsmock.engine import pager, resources, tagging
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from . import documents, tags
from .errors import (
    AssociationAlreadyExists,
    AssociationDoesNotExist,
    InvalidAssociationVersion,
    InvalidDocument,
    InvalidNextToken,
    ValidationException,
)

ASSOCIATIONS = resources.Kind(
    "ssm",
    "association",
    arn=lambda ctx, rid: ctx.arn("ssm", f"association/{rid}"),
    not_found=lambda rid: AssociationDoesNotExist(),
    title="Associations",
)

_MEMBERS = (
    "DocumentVersion",
    "Parameters",
    "Targets",
    "ScheduleExpression",
    "OutputLocation",
    "AssociationName",
    "MaxErrors",
    "MaxConcurrency",
    "ComplianceSeverity",
    "SyncCompliance",
    "ApplyOnlyAtCronInterval",
    "CalendarNames",
    "TargetLocations",
    "ScheduleOffset",
    "Duration",
    "TargetMaps",
    "AlarmConfiguration",
    "AutomationTargetParameterName",
)


def _invalid_token(_token: str) -> InvalidNextToken:
    return InvalidNextToken()


def _description(row: Resource) -> dict[str, Any]:
    doc = dict(row.document)
    doc["AssociationId"] = row.rid
    doc["Date"] = row.created
    doc["LastUpdateAssociationDate"] = row.updated
    doc["Status"] = {"Date": row.created, "Name": "Pending", "Message": "Associated with " + doc["Name"]}
    doc["Overview"] = {"Status": "Pending", "DetailedStatus": "Creating"}
    return doc


def _find(ctx: RequestContext, params: dict[str, Any]) -> Resource:
    if params.get("AssociationId"):
        row = ASSOCIATIONS.find(ctx, params["AssociationId"])
        if row is None:
            raise AssociationDoesNotExist()
        return row
    name, instance = params.get("Name"), params.get("InstanceId")
    if not name or not instance:
        raise ValidationException("Specify an AssociationId, or a Name and an InstanceId.")
    for row in ASSOCIATIONS.page(ctx, limit=100_000, token=None, invalid=_invalid_token).rows:
        if row.document["Name"] == name and row.document.get("InstanceId") == instance:
            return row
    raise AssociationDoesNotExist()


@handler("ssm", "CreateAssociation")
def create_association(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    doc = documents.find(ctx, params["Name"])
    if doc is None:
        raise InvalidDocument("The specified document does not exist.")
    if params.get("DocumentVersion"):
        documents.pick_version(doc, params["DocumentVersion"])
    instance = params.get("InstanceId")
    if not instance and not params.get("Targets"):
        raise ValidationException("Either InstanceId or Targets must be specified.")
    if instance and params.get("Targets"):
        raise ValidationException("InstanceId and Targets can't be specified together.")
    if instance:
        for row in ASSOCIATIONS.page(ctx, limit=100_000, token=None, invalid=_invalid_token).rows:
            if row.document["Name"] == doc["Name"] and row.document.get("InstanceId") == instance:
                raise AssociationAlreadyExists()
    tag_set = tags.read(params.get("Tags"))
    association_id = str(uuid.uuid4())
    record: dict[str, Any] = {"Name": doc["Name"], "AssociationVersion": "1"}
    if instance:
        record["InstanceId"] = instance
    for member in _MEMBERS:
        if params.get(member) is not None:
            record[member] = params[member]
    record.setdefault("DocumentVersion", "$DEFAULT")
    row = ASSOCIATIONS.create(
        ctx, rid=association_id, name=params.get("AssociationName"), document=record, state="Pending"
    )
    if tag_set:
        tagging.tag(ctx, "ssm", row.arn, tag_set, tags.RULES)
    return {"AssociationDescription": _description(row)}


@handler("ssm", "DescribeAssociation")
def describe_association(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _find(ctx, params)
    version = params.get("AssociationVersion")
    if version not in (None, "$LATEST", row.document["AssociationVersion"]):
        raise ValidationException(f"Association version {version} does not exist for {row.rid}.")
    return {"AssociationDescription": _description(row)}


_FILTER_KEYS = {
    "InstanceId": "InstanceId",
    "Name": "Name",
    "AssociationId": "AssociationId",
    "AssociationName": "AssociationName",
    "AssociationStatusName": "Status",
}


@handler("ssm", "ListAssociations")
def list_associations(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows = ASSOCIATIONS.page(ctx, limit=100_000, token=None, invalid=_invalid_token, order="created").rows
    chosen = []
    for row in rows:
        shown = {**row.document, "AssociationId": row.rid, "Status": "Pending"}
        keep = True
        for item in params.get("AssociationFilterList") or []:
            key = item.get("key")
            if key not in _FILTER_KEYS and key not in (
                "LastExecutedBefore",
                "LastExecutedAfter",
                "ResourceGroupName",
            ):
                raise ValidationException(f"Invalid association filter key: {key}")
            if key in _FILTER_KEYS and shown.get(_FILTER_KEYS[key]) != item.get("value"):
                keep = False
            if key == "LastExecutedAfter":
                keep = False  # never executed
        if keep:
            chosen.append(row)
    page = pager.page_list(
        chosen,
        key=lambda r: [r.created.isoformat(), r.rid],
        limit=params.get("MaxResults") or 50,
        token=params.get("NextToken"),
        scope="ListAssociations",
        invalid=_invalid_token,
    )
    listed = []
    for row in page.rows:
        doc = row.document
        item = {
            "Name": doc["Name"],
            "AssociationId": row.rid,
            "AssociationVersion": doc["AssociationVersion"],
            "DocumentVersion": doc.get("DocumentVersion"),
            "Targets": doc.get("Targets", []),
            "Overview": {"Status": "Pending", "DetailedStatus": "Creating"},
        }
        for member in (
            "InstanceId",
            "ScheduleExpression",
            "AssociationName",
            "ScheduleOffset",
            "Duration",
            "TargetMaps",
        ):
            if member in doc:
                item[member] = doc[member]
        listed.append(item)
    out: dict[str, Any] = {"Associations": listed}
    if page.token:
        out["NextToken"] = page.token
    return out


@handler("ssm", "UpdateAssociation")
def update_association(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = ASSOCIATIONS.find(ctx, params["AssociationId"])
    if row is None:
        raise AssociationDoesNotExist()
    record = dict(row.document)
    expected = params.get("AssociationVersion")
    if expected not in (None, "$LATEST", record["AssociationVersion"]):
        raise InvalidAssociationVersion(
            f"The association version {expected} is not the latest version of association {row.rid}."
        )
    if params.get("Name") and params["Name"] != record["Name"]:
        doc = documents.find(ctx, params["Name"])
        if doc is None:
            raise InvalidDocument("The specified document does not exist.")
        record["Name"] = doc["Name"]
    for member in _MEMBERS:
        if params.get(member) is not None:
            record[member] = params[member]
    record["AssociationVersion"] = str(int(record["AssociationVersion"]) + 1)
    ASSOCIATIONS.update(ctx, row, document=record, name=record.get("AssociationName"))
    return {"AssociationDescription": _description(row)}


@handler("ssm", "DeleteAssociation")
def delete_association(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    ASSOCIATIONS.delete(ctx, _find(ctx, params))
    return {}
