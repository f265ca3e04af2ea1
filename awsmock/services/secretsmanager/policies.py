"""A secret's resource policy: PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy and
ValidateResourcePolicy.

The policy is kept as its owner wrote it and governs every request on the secret (the room's
declared ``resource_policy``). Validation checks what Secrets Manager checks: the JSON and the
policy grammar (a document that cannot be read is ``MalformedPolicyDocumentException``), and
broad access: an ``Allow`` to every principal (``"*"``, ``{"AWS": "*"}``) that no condition ties
to an account, organization, source or network. PutResourcePolicy with ``BlockPublicPolicy``
refuses such a policy (``PublicPolicyException``); ValidateResourcePolicy reports it.
"""

from __future__ import annotations

from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.state import jsontext

from . import replication, store
from .errors import MalformedPolicyDocumentException, PublicPolicyException

SYNTAX = "This resource policy contains a syntax error."

#: condition keys that narrow a wildcard principal to known callers
_NARROWING = {
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:userid",
    "aws:principalservicename",
}
_TOP = {"Version", "Id", "Statement"}
_STATEMENT = {
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
}


def _strings(value: Any) -> bool:
    items = value if isinstance(value, list) else [value]
    return bool(items) and all(isinstance(v, str) for v in items)


def parse(text: str) -> dict[str, Any]:
    """The policy as JSON, or ``MalformedPolicyDocumentException``."""
    try:
        doc = jsontext.guarded_loads(text)
    except ValueError:  # not JSON, or nested deeper than any policy (JsonLimitExceeded)
        raise MalformedPolicyDocumentException(SYNTAX) from None
    if not isinstance(doc, dict):
        raise MalformedPolicyDocumentException(SYNTAX)
    return doc


def grammar_errors(doc: dict[str, Any]) -> list[str]:
    """What in the document breaks the policy grammar (empty when it reads well)."""
    problems: list[str] = []
    unknown = set(doc) - _TOP
    if unknown:
        problems.append(f"Unknown element {sorted(unknown)[0]!r} in the policy.")
    if doc.get("Version") not in (None, "2012-10-17", "2008-10-17"):
        problems.append(f"Invalid policy version {doc.get('Version')!r}.")
    statements = doc.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        return [*problems, "The policy has no Statement."]
    for index, stmt in enumerate(statements):
        where = f"Statement {index + 1}"
        if not isinstance(stmt, dict):
            problems.append(f"{where} is not an object.")
            continue
        extra = set(stmt) - _STATEMENT
        if extra:
            problems.append(f"{where} has an unknown element {sorted(extra)[0]!r}.")
        if stmt.get("Effect") not in ("Allow", "Deny"):
            problems.append(f"{where} has an invalid Effect.")
        if ("Action" in stmt) == ("NotAction" in stmt) or not _strings(
            stmt.get("Action", stmt.get("NotAction"))
        ):
            problems.append(f"{where} must have Action or NotAction.")
        if ("Principal" in stmt) == ("NotPrincipal" in stmt):
            problems.append(f"{where} must have Principal or NotPrincipal.")
        else:
            spec = stmt.get("Principal", stmt.get("NotPrincipal"))
            if not (
                spec == "*" or (isinstance(spec, dict) and spec and all(_strings(v) for v in spec.values()))
            ):
                problems.append(f"{where} has an invalid Principal.")
        for member in ("Resource", "NotResource"):
            if member in stmt and not _strings(stmt[member]):
                problems.append(f"{where} has an invalid {member}.")
        if "Condition" in stmt and not isinstance(stmt["Condition"], dict):
            problems.append(f"{where} has an invalid Condition.")
    return problems


def _wildcard(spec: Any) -> bool:
    if spec == "*":
        return True
    if isinstance(spec, dict):
        for key in ("AWS", "Federated", "CanonicalUser"):
            values = spec.get(key)
            values = values if isinstance(values, list) else [values]
            if "*" in values:
                return True
    return False


def _narrowed(condition: Any) -> bool:
    if not isinstance(condition, dict):
        return False
    for block in condition.values():
        if isinstance(block, dict) and any(str(k).lower() in _NARROWING for k in block):
            return True
    return False


def is_public(doc: dict[str, Any]) -> bool:
    """Whether the policy lets in principals of any account (broad access)."""
    statements = doc.get("Statement")
    statements = [statements] if isinstance(statements, dict) else statements or []
    for stmt in statements:
        if not isinstance(stmt, dict) or stmt.get("Effect") != "Allow":
            continue
        broad = "NotPrincipal" in stmt or _wildcard(stmt.get("Principal"))
        if broad and not _narrowed(stmt.get("Condition")):
            return True
    return False


def validate(text: str) -> list[dict[str, str]]:
    """ValidateResourcePolicy's findings (empty: the policy passes)."""
    doc = parse(text)
    errors = [{"CheckName": "INVALID_POLICY_GRAMMAR", "ErrorMessage": p} for p in grammar_errors(doc)]
    if not errors and is_public(doc):
        errors.append(
            {
                "CheckName": "BLOCK_PUBLIC_POLICY",
                "ErrorMessage": "The resource policy grants broad access to the secret: "
                "a principal of any account is allowed.",
            }
        )
    return errors


@handler("secretsmanager", "PutResourcePolicy")
def put_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    secret = store.lookup(ctx, params["SecretId"], replica_ok=False)
    text = params["ResourcePolicy"]
    doc = parse(text)
    problems = grammar_errors(doc)
    if problems:
        raise MalformedPolicyDocumentException(problems[0])
    if params.get("BlockPublicPolicy") and is_public(doc):
        raise PublicPolicyException()
    sdoc = secret.edit()
    sdoc["ResourcePolicy"] = text
    secret.save(ctx, sdoc)
    replication.sync(ctx, secret)
    return {"ARN": secret.arn, "Name": secret.name}


@handler("secretsmanager", "GetResourcePolicy")
def get_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    secret = store.lookup(ctx, params["SecretId"])
    out: dict[str, Any] = {"ARN": secret.arn, "Name": secret.name}
    if secret.doc.get("ResourcePolicy"):
        out["ResourcePolicy"] = secret.doc["ResourcePolicy"]
    return out


@handler("secretsmanager", "DeleteResourcePolicy")
def delete_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    secret = store.lookup(ctx, params["SecretId"], replica_ok=False)
    if secret.doc.get("ResourcePolicy") is not None:
        sdoc = secret.edit()
        sdoc.pop("ResourcePolicy", None)
        secret.save(ctx, sdoc)
        replication.sync(ctx, secret)
    return {"ARN": secret.arn, "Name": secret.name}


@handler("secretsmanager", "ValidateResourcePolicy")
def validate_resource_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("SecretId"):
        store.lookup(ctx, params["SecretId"])
    errors = validate(params["ResourcePolicy"])
    return {"PolicyValidationPassed": not errors, "ValidationErrors": errors}
