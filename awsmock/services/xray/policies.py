"""Resource policies of the account (PutResourcePolicy, ListResourcePolicies,
DeleteResourcePolicy): named JSON policy documents with revision ids that guard updates, at
most 5 per account of at most 5 KB each. Rows of the shared store.

They are kept and checked; access control does not read them yet (they grant other AWS
services, as principals, the right to send segments)."""

from __future__ import annotations

from typing import Any

from awsmock.auth import policy
from awsmock.engine import resources
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.state import jsontext

from .errors import (
    InvalidPolicyRevisionIdException,
    InvalidRequestException,
    MalformedPolicyDocumentException,
    PolicyCountLimitExceededException,
    PolicySizeLimitExceededException,
    invalid_token,
)
from .lookup import rows_of

MAX_POLICIES = 5
MAX_SIZE = 5 * 1024
POLICIES_PAGE = 100

POLICIES = resources.Kind(
    "xray",
    "resource-policy",
    arn=lambda ctx, rid: ctx.arn("xray", f"resource-policy/{rid}"),
    not_found=lambda rid: InvalidRequestException(f"Resource policy {rid} does not exist."),
)


def _check(text: str) -> None:
    if len(text.encode("utf-8")) > MAX_SIZE:
        raise PolicySizeLimitExceededException(f"Policy document exceeds the maximum size of {MAX_SIZE} bytes.")
    try:
        doc = jsontext.guarded_loads(text)
    except ValueError:
        raise MalformedPolicyDocumentException() from None
    if not isinstance(doc, dict) or not policy.statements(doc):
        raise MalformedPolicyDocumentException()
    for stmt in policy.statements(doc):
        if not isinstance(stmt, dict) or stmt.get("Effect") not in ("Allow", "Deny"):
            raise MalformedPolicyDocumentException()
        if "Action" not in stmt and "NotAction" not in stmt:
            raise MalformedPolicyDocumentException()
        if "Principal" not in stmt and "NotPrincipal" not in stmt:
            raise MalformedPolicyDocumentException()


def _shown(row: Any) -> dict[str, Any]:
    return {
        "PolicyName": row.rid,
        "PolicyDocument": row.document["PolicyDocument"],
        "PolicyRevisionId": row.document["PolicyRevisionId"],
        "LastUpdatedTime": row.updated,
    }


@handler("xray", "PutResourcePolicy")
def put_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name, text = params["PolicyName"], params["PolicyDocument"]
    revision = params.get("PolicyRevisionId")
    _check(text)
    row = POLICIES.find(ctx, name)
    if row is None:
        if revision is not None and revision != "0":
            raise InvalidPolicyRevisionIdException("Invalid policy revision id.")
        if len(rows_of(ctx, POLICIES)) >= MAX_POLICIES:
            raise PolicyCountLimitExceededException(
                f"Exceeded the maximum number of resource policies per account ({MAX_POLICIES})."
            )
        row = POLICIES.create(ctx, rid=name, name=name, document={"PolicyDocument": text, "PolicyRevisionId": "1"})
    else:
        if revision is not None and revision != row.document["PolicyRevisionId"]:
            raise InvalidPolicyRevisionIdException("Invalid policy revision id.")
        next_revision = str(int(row.document["PolicyRevisionId"]) + 1)
        POLICIES.update(ctx, row, document={"PolicyDocument": text, "PolicyRevisionId": next_revision})
    return {"ResourcePolicy": _shown(row)}


@handler("xray", "ListResourcePolicies")
def list_resource_policies(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    page = POLICIES.page(ctx, limit=POLICIES_PAGE, token=params.get("NextToken"), invalid=invalid_token)
    out: dict[str, Any] = {"ResourcePolicies": [_shown(r) for r in page.rows]}
    if page.token:
        out["NextToken"] = page.token
    return out


@handler("xray", "DeleteResourcePolicy")
def delete_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = POLICIES.find(ctx, params["PolicyName"])
    revision = params.get("PolicyRevisionId")
    if row is None:
        if revision is not None:
            raise InvalidPolicyRevisionIdException("Invalid policy revision id.")
        return {}
    if revision is not None and revision != row.document["PolicyRevisionId"]:
        raise InvalidPolicyRevisionIdException("Invalid policy revision id.")
    POLICIES.delete(ctx, row)
    return {}
