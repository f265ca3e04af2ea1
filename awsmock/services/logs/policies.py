"""Resource policies (which AWS services may write to the account's log groups), data
protection policies of log groups, and account policies: PutResourcePolicy,
DescribeResourcePolicies, DeleteResourcePolicy, Put/Get/DeleteDataProtectionPolicy,
Put/Describe/DeleteAccountPolicy. Policies are read with the guarded JSON reader."""

from __future__ import annotations

import uuid
from typing import Any

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.engine.resources import Resource
from awsmock.state import jsontext

from .errors import (
    InvalidParameterException,
    LimitExceededException,
    OperationAbortedException,
    ResourceNotFoundException,
    invalid_token,
)
from .lookup import ACCOUNT_POLICIES, GROUPS, RESOURCE_POLICIES, group, millis, name_of_identifier

MAX_RESOURCE_POLICIES = 10
MAX_POLICY_CHARS = 5120


def read_policy(text: Any, what: str = "policy document") -> dict[str, Any]:
    """A policy document as JSON (InvalidParameterException when it is not one)."""
    if not isinstance(text, str):
        raise InvalidParameterException(f"Invalid {what}")
    try:
        doc = jsontext.guarded_loads(text)
    except ValueError:
        raise InvalidParameterException(f"Invalid {what}: it is not valid JSON.") from None
    if not isinstance(doc, dict):
        raise InvalidParameterException(f"Invalid {what}: it must be a JSON object.")
    return doc


def _resource_policy(row: Resource) -> dict[str, Any]:
    doc = row.document
    out = {
        "policyName": doc["policyName"],
        "policyDocument": doc["policyDocument"],
        "lastUpdatedTime": doc["lastUpdatedTime"],
        "policyScope": doc.get("policyScope", "ACCOUNT"),
        "revisionId": doc["revisionId"],
    }
    if doc.get("resourceArn"):
        out["resourceArn"] = doc["resourceArn"]
    return out


def _policy_key(ctx: RequestContext, params: dict[str, Any]) -> tuple[str, str | None]:
    """(the policy's id in the store, the log group's ARN for a resource-scoped policy)."""
    resource = params.get("resourceArn")
    if resource:
        name, account = name_of_identifier(ctx, resource)
        grp = group(ctx, name if account in (None, ctx.account_id) else "\0")
        return f"resource:{grp.arn}", grp.arn
    policy = params.get("policyName")
    if not policy:
        raise InvalidParameterException("policyName is required for an account-scoped policy.")
    return f"account:{policy}", None


@handler("logs", "PutResourcePolicy")
def put_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    text = params.get("policyDocument")
    if not text:
        raise InvalidParameterException("policyDocument is required.")
    if len(text) > MAX_POLICY_CHARS and not params.get("resourceArn"):
        raise InvalidParameterException(
            f"Policy document exceeds the maximum length of {MAX_POLICY_CHARS} characters."
        )
    read_policy(text)
    rid, resource = _policy_key(ctx, params)
    found = RESOURCE_POLICIES.find(ctx, rid)
    expected = params.get("expectedRevisionId")
    if expected is not None and (found is None or found.document["revisionId"] != expected):
        raise OperationAbortedException("The revision id does not match the policy's current revision.")
    doc = {
        "policyName": params.get("policyName") or rid,
        "policyDocument": text,
        "lastUpdatedTime": millis(ctx),
        "policyScope": "RESOURCE" if resource else "ACCOUNT",
        "resourceArn": resource,
        "revisionId": str(uuid.uuid4()),
    }
    if found is not None:
        row = RESOURCE_POLICIES.update(ctx, found, document=doc)
    else:
        if resource is None:
            count = len(
                [r for r in _all(ctx, RESOURCE_POLICIES) if r.document.get("policyScope") == "ACCOUNT"]
            )
            if count >= MAX_RESOURCE_POLICIES:
                raise LimitExceededException("Resource limit exceeded.")
        row = RESOURCE_POLICIES.create(ctx, rid=rid, name=doc["policyName"], parent=resource, document=doc)
    return {"resourcePolicy": _resource_policy(row), "revisionId": doc["revisionId"]}


def _all(ctx: RequestContext, kind: Any) -> list[Resource]:
    rows: list[Resource] = []
    token = None
    while True:
        page = kind.page(ctx, limit=1000, token=token, invalid=invalid_token)
        rows.extend(page.rows)
        token = page.token
        if token is None:
            return rows


@handler("logs", "DeleteResourcePolicy")
def delete_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rid, _resource = _policy_key(ctx, params)
    found = RESOURCE_POLICIES.find(ctx, rid)
    if found is None:
        raise ResourceNotFoundException(
            f"Policy with name [{params.get('policyName') or params.get('resourceArn')}] does not exist"
        )
    expected = params.get("expectedRevisionId")
    if expected is not None and found.document["revisionId"] != expected:
        raise OperationAbortedException("The revision id does not match the policy's current revision.")
    RESOURCE_POLICIES.delete(ctx, found)
    return {}


@handler("logs", "DescribeResourcePolicies")
def describe_resource_policies(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows = _all(ctx, RESOURCE_POLICIES)
    if params.get("resourceArn"):
        _rid, resource = _policy_key(ctx, {"resourceArn": params["resourceArn"]})
        rows = [r for r in rows if r.parent == resource]
    if params.get("policyScope"):
        rows = [r for r in rows if r.document.get("policyScope") == params["policyScope"]]
    page = pager.page_list(
        rows,
        key=lambda r: r.rid,
        limit=params.get("limit") or 50,
        token=params.get("nextToken"),
        scope="DescribeResourcePolicies",
        invalid=invalid_token,
    )
    out: dict[str, Any] = {"resourcePolicies": [_resource_policy(r) for r in page.rows]}
    if page.token:
        out["nextToken"] = page.token
    return out


# -- data protection policies --------------------------------------------------------------------


def _group_by_identifier(ctx: RequestContext, identifier: str) -> Resource:
    name, account = name_of_identifier(ctx, identifier)
    return group(ctx, name if account in (None, ctx.account_id) else "\0")


def _check_data_protection(text: str) -> None:
    doc = read_policy(text, "data protection policy")
    statements = doc.get("Statement")
    if not isinstance(statements, list) or not statements:
        raise InvalidParameterException("A data protection policy must have at least one statement.")
    for st in statements:
        if (
            not isinstance(st, dict)
            or not isinstance(st.get("DataIdentifier"), list)
            or not isinstance(st.get("Operation"), dict)
        ):
            raise InvalidParameterException(
                "Each statement of a data protection policy needs DataIdentifier and Operation."
            )


@handler("logs", "PutDataProtectionPolicy")
def put_data_protection_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _group_by_identifier(ctx, params["logGroupIdentifier"])
    _check_data_protection(params["policyDocument"])
    now = millis(ctx)
    GROUPS.update(
        ctx,
        row,
        document={
            **row.document,
            "dataProtectionPolicy": params["policyDocument"],
            "dataProtectionTime": now,
        },
    )
    return {
        "logGroupIdentifier": params["logGroupIdentifier"],
        "policyDocument": params["policyDocument"],
        "lastUpdatedTime": now,
    }


@handler("logs", "GetDataProtectionPolicy")
def get_data_protection_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _group_by_identifier(ctx, params["logGroupIdentifier"])
    out: dict[str, Any] = {"logGroupIdentifier": params["logGroupIdentifier"]}
    if row.document.get("dataProtectionPolicy"):
        out["policyDocument"] = row.document["dataProtectionPolicy"]
        out["lastUpdatedTime"] = row.document["dataProtectionTime"]
    return out


@handler("logs", "DeleteDataProtectionPolicy")
def delete_data_protection_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _group_by_identifier(ctx, params["logGroupIdentifier"])
    if not row.document.get("dataProtectionPolicy"):
        raise ResourceNotFoundException("The specified log group has no data protection policy.")
    doc = dict(row.document)
    doc.pop("dataProtectionPolicy", None)
    doc.pop("dataProtectionTime", None)
    GROUPS.update(ctx, row, document=doc)
    return {}


# -- account policies ----------------------------------------------------------------------------


@handler("logs", "PutAccountPolicy")
def put_account_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    kind = params["policyType"]
    read_policy(params["policyDocument"])
    if params.get("selectionCriteria") and kind not in (
        "SUBSCRIPTION_FILTER_POLICY",
        "TRANSFORMER_POLICY",
        "FIELD_INDEX_POLICY",
        "METRIC_EXTRACTION_POLICY",
    ):
        raise InvalidParameterException(f"selectionCriteria is not supported for {kind}.")
    rid = f"{kind}:{params['policyName']}"
    doc = {
        "policyName": params["policyName"],
        "policyDocument": params["policyDocument"],
        "lastUpdatedTime": millis(ctx),
        "policyType": kind,
        "scope": params.get("scope") or "ALL",
        "accountId": ctx.account_id,
    }
    if params.get("selectionCriteria"):
        doc["selectionCriteria"] = params["selectionCriteria"]
    found = ACCOUNT_POLICIES.find(ctx, rid)
    if found is not None:
        ACCOUNT_POLICIES.update(ctx, found, document=doc)
    else:
        ACCOUNT_POLICIES.create(ctx, rid=rid, name=params["policyName"], state=kind, document=doc)
    return {"accountPolicy": doc}


@handler("logs", "DescribeAccountPolicies")
def describe_account_policies(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    page = ACCOUNT_POLICIES.page(
        ctx,
        limit=50,
        token=params.get("nextToken"),
        invalid=invalid_token,
        state=params["policyType"],
    )
    rows = [r for r in page.rows if not params.get("policyName") or r.name == params["policyName"]]
    out: dict[str, Any] = {"accountPolicies": [dict(r.document) for r in rows]}
    if page.token:
        out["nextToken"] = page.token
    return out


@handler("logs", "DeleteAccountPolicy")
def delete_account_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    found = ACCOUNT_POLICIES.find(ctx, f"{params['policyType']}:{params['policyName']}")
    if found is None:
        raise ResourceNotFoundException(f"Policy with name [{params['policyName']}] does not exist")
    ACCOUNT_POLICIES.delete(ctx, found)
    return {}
