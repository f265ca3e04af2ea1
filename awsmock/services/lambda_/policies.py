"""Function resource policies: AddPermission, RemovePermission, GetPolicy, per qualifier (the
function, a version or an alias), with the statements Lambda writes (service, account, ARN or
``*`` principals; ``AWS:SourceArn``, ``AWS:SourceAccount``, ``aws:PrincipalOrgID`` and
``lambda:FunctionUrlAuthType`` conditions); the policy access control weighs for
``lambda:InvokeFunction`` and the services' deliveries (:func:`policy_document`)."""

from __future__ import annotations

import json
import re
from typing import Any

from awsmock.auth.resources import ResourcePolicy
from awsmock.engine import arns
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.models.resources import Resource

from .errors import (
    InvalidParameterValueException,
    PolicyLengthExceededException,
    ResourceConflictException,
    ResourceNotFoundException,
    revision_mismatch,
)
from .lookup import FUNCTIONS, LATEST, VERSIONS, function_arn, new_revision, parse_name, resolve

MAX_POLICY = 20480
_ACCOUNT = re.compile(r"\d{12}")


def principal_of(text: str) -> Any:
    if text == "*":
        return "*"
    if _ACCOUNT.fullmatch(text):
        return {"AWS": arns.account_root(text)}
    if text.startswith("arn:"):
        return {"AWS": text}
    return {"Service": text}


def _key(qualifier: str | None) -> str:
    return "" if qualifier in (None, LATEST) else str(qualifier)


def policy_document(fn: Resource, qualifier: str | None) -> dict[str, Any] | None:
    doc = (fn.document.get("policies") or {}).get(_key(qualifier))
    return doc if doc and doc.get("Statement") else None


def _revision(ctx: RequestContext, fn: Resource, qualifier: str | None) -> str:
    if qualifier and qualifier != LATEST:
        row = VERSIONS.find(ctx, f"{fn.rid}:{qualifier}")
        if row is not None:
            return str(row.document["config"]["RevisionId"])
    return str(fn.document["config"]["RevisionId"])


def _bump(ctx: RequestContext, fn: Resource, qualifier: str | None, document: dict[str, Any]) -> None:
    if not qualifier or qualifier == LATEST:
        config = dict(document["config"])
        config["RevisionId"] = new_revision()
        document["config"] = config
    FUNCTIONS.update(ctx, fn, document=document)


@handler("lambda", "AddPermission")
def add_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    named = parse_name(ctx, params["FunctionName"], params.get("Qualifier"))
    target = resolve(ctx, named)
    fn = target.function
    if params.get("RevisionId") is not None and params["RevisionId"] != _revision(ctx, fn, named.qualifier):
        raise revision_mismatch("GetFunction/GetAlias/GetPolicy")
    key = _key(named.qualifier)
    policies = dict(fn.document.get("policies") or {})
    current = dict(policies.get(key) or {"Version": "2012-10-17", "Id": "default", "Statement": []})
    sid = params["StatementId"]
    if any(st.get("Sid") == sid for st in current["Statement"]):
        raise ResourceConflictException(
            f"The statement id ({sid}) provided already exists. Please specify a new statement id, or remove "
            "the existing statement."
        )
    action = params["Action"]
    if not action.startswith("lambda:") and action != "*":
        raise InvalidParameterValueException(
            f"1 validation error detected: Value '{action}' at 'action' failed to satisfy constraint: Member must "
            r"satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])"
        )
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": principal_of(params["Principal"]),
        "Action": action,
        "Resource": function_arn(ctx, fn.rid, named.qualifier if named.qualifier != LATEST else None),
    }
    condition: dict[str, dict[str, str]] = {}
    if params.get("SourceAccount"):
        condition.setdefault("StringEquals", {})["AWS:SourceAccount"] = params["SourceAccount"]
    if params.get("PrincipalOrgID"):
        condition.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = params["PrincipalOrgID"]
    if params.get("FunctionUrlAuthType"):
        condition.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = params["FunctionUrlAuthType"]
    if params.get("InvokedViaFunctionUrl"):
        condition.setdefault("Bool", {})["lambda:InvokedViaFunctionUrl"] = "true"
    if params.get("EventSourceToken"):
        condition.setdefault("StringEquals", {})["lambda:EventSourceToken"] = params["EventSourceToken"]
    if params.get("SourceArn"):
        condition.setdefault("ArnLike", {})["AWS:SourceArn"] = params["SourceArn"]
    if condition:
        statement["Condition"] = condition
    current["Statement"] = [*current["Statement"], statement]
    size = len(json.dumps(current, separators=(",", ":")))
    if size > MAX_POLICY:
        raise PolicyLengthExceededException(
            f"The final policy size ({size}) is bigger than the limit ({MAX_POLICY})."
        )
    policies[key] = current
    _bump(ctx, fn, named.qualifier, {**fn.document, "policies": policies})
    return {"Statement": json.dumps(statement, separators=(",", ":"))}


@handler("lambda", "RemovePermission")
def remove_permission(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    named = parse_name(ctx, params["FunctionName"], params.get("Qualifier"))
    target = resolve(ctx, named)
    fn = target.function
    if params.get("RevisionId") is not None and params["RevisionId"] != _revision(ctx, fn, named.qualifier):
        raise revision_mismatch("GetFunction/GetAlias/GetPolicy")
    key = _key(named.qualifier)
    policies = dict(fn.document.get("policies") or {})
    current = policies.get(key)
    if not current or not current.get("Statement"):
        raise ResourceNotFoundException("No policy is associated with the given resource.")
    sid = params["StatementId"]
    kept = [st for st in current["Statement"] if st.get("Sid") != sid]
    if len(kept) == len(current["Statement"]):
        raise ResourceNotFoundException(f"Statement {sid} is not found in resource policy.")
    if kept:
        policies[key] = {**current, "Statement": kept}
    else:
        policies.pop(key)
    _bump(ctx, fn, named.qualifier, {**fn.document, "policies": policies})
    ctx.response_status = 204
    return {}


@handler("lambda", "GetPolicy")
def get_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    named = parse_name(ctx, params["FunctionName"], params.get("Qualifier"))
    target = resolve(ctx, named)
    doc = policy_document(target.function, named.qualifier)
    if doc is None:
        raise ResourceNotFoundException("The resource you requested does not exist.")
    return {
        "Policy": json.dumps(doc, separators=(",", ":")),
        "RevisionId": _revision(ctx, target.function, named.qualifier),
    }


def resource_policy(ctx: RequestContext, operation: str, params: dict[str, Any]) -> ResourcePolicy | None:
    """The function policy that governs a request naming a function (access control)."""
    if "FunctionName" not in params or operation in ("CreateFunction",):
        return None
    try:
        named = parse_name(ctx, params.get("FunctionName"), params.get("Qualifier"))
    except AwsError:
        return None
    fn = FUNCTIONS.find(ctx, named.name)
    if fn is None:
        return None
    doc = policy_document(fn, named.qualifier)
    return ResourcePolicy(doc, fn.account_id)
