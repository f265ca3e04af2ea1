"""IAM policy grammar: what CreatePolicy, Put*Policy and CreateRole accept.

Identity policies need Action/NotAction and Resource/NotResource and must not name a Principal;
trust policies (a role's AssumeRolePolicyDocument) need a Principal, only STS actions, and no
Resource. Violations are ``MalformedPolicyDocument`` with IAM's messages.
"""

from __future__ import annotations

import re
from typing import Any

from awsmock.auth.policy import OPERATORS
from awsmock.state import jsontext

from .errors import LimitExceeded, MalformedPolicyDocument

TOP_KEYS = {"Version", "Id", "Statement"}
STATEMENT_KEYS = {
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
}
VERSIONS = {"2008-10-17", "2012-10-17"}
_VENDOR = re.compile(r"^[a-zA-Z0-9_-]+$")
_SID = re.compile(r"^[a-zA-Z0-9]*$")
PARTITIONS = {
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
    "*",
}

MANAGED_POLICY_SIZE = 6144
INLINE_USER_SIZE = 2048
INLINE_ROLE_SIZE = 10240
INLINE_GROUP_SIZE = 5120
TRUST_POLICY_SIZE = 2048


def _syntax() -> MalformedPolicyDocument:
    return MalformedPolicyDocument("Syntax errors in policy.")


def _strings(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _size_check(text: str, limit: int, what: str) -> None:
    if len(re.sub(r"\s", "", text)) > limit:
        raise LimitExceeded(f"Cannot exceed quota for {what}: {limit}")


def parse(text: Any) -> dict[str, Any]:
    if not isinstance(text, str):
        raise MalformedPolicyDocument("This policy contains invalid Json")
    try:
        doc = jsontext.guarded_loads(text)
    except jsontext.JsonLimitExceeded as exc:  # nested far deeper than the grammar goes
        raise _syntax() from exc
    except ValueError as exc:
        raise MalformedPolicyDocument("This policy contains invalid Json") from exc
    if not isinstance(doc, dict):
        raise _syntax()
    if set(doc) - TOP_KEYS:
        raise _syntax()
    if "Version" in doc and doc["Version"] not in VERSIONS:
        raise MalformedPolicyDocument("The policy failed legacy parsing")
    if "Statement" not in doc:
        raise _syntax()
    stmts = doc["Statement"]
    if isinstance(stmts, dict):
        stmts = [stmts]
    if not isinstance(stmts, list) or not stmts:
        raise _syntax()
    sids = set()
    for stmt in stmts:
        if not isinstance(stmt, dict) or set(stmt) - STATEMENT_KEYS:
            raise _syntax()
        if stmt.get("Effect") not in ("Allow", "Deny"):
            raise _syntax()
        if "Sid" in stmt:
            sid = stmt["Sid"]
            if not isinstance(sid, str):
                raise _syntax()
            if sid and sid in sids:
                raise MalformedPolicyDocument("Statement IDs (SID) in a single policy must be unique.")
            sids.add(sid)
        for key in ("Action", "NotAction", "Resource", "NotResource"):
            if key in stmt:
                values = _strings(stmt[key])
                if not values or not all(isinstance(v, str) for v in values):
                    raise _syntax()
        if "Action" in stmt and "NotAction" in stmt:
            raise _syntax()
        if "Resource" in stmt and "NotResource" in stmt:
            raise _syntax()
        if "Action" not in stmt and "NotAction" not in stmt:
            raise MalformedPolicyDocument("Policy statement must contain actions.")
        for action in _strings(stmt.get("Action", stmt.get("NotAction"))):
            _check_action(action)
        if "Condition" in stmt:
            _check_condition(stmt["Condition"])
    return doc


def _check_action(action: str) -> None:
    if action == "*":
        return
    vendor, sep, name = action.partition(":")
    if not sep or not vendor:
        raise MalformedPolicyDocument(
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
        )
    if not _VENDOR.match(vendor):
        raise MalformedPolicyDocument(f"Vendor {vendor} is not valid")
    if not name:
        raise MalformedPolicyDocument(f"Action {action} is not valid")


def _check_condition(block: Any) -> None:
    if not isinstance(block, dict):
        raise _syntax()
    for operator, entries in block.items():
        if not isinstance(entries, dict):
            raise _syntax()
        op = operator.split(":", 1)[1] if ":" in operator else operator
        if ":" in operator and operator.split(":", 1)[0].lower() not in ("forallvalues", "foranyvalue"):
            raise _syntax()
        base = op[: -len("IfExists")] if op.lower().endswith("ifexists") else op
        if base.lower() != "null" and base.lower() not in OPERATORS:
            raise _syntax()
        for key, values in entries.items():
            if ":" not in key:
                raise MalformedPolicyDocument(
                    "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
                )
            for v in _strings(values):
                if not isinstance(v, (str, int, float, bool)):
                    raise _syntax()


def _check_resource(resource: str) -> None:
    if resource == "*":
        return
    parts = resource.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        raise MalformedPolicyDocument(f'Resource {resource} must be in ARN format or "*".')
    if parts[1] not in PARTITIONS and "*" not in parts[1] and "$" not in parts[1]:
        raise MalformedPolicyDocument(f'Partition "{parts[1]}" is not valid for resource "{resource}".')


def validate_identity_policy(text: Any, *, limit: int = MANAGED_POLICY_SIZE, what: str = "PolicySize") -> str:
    """An identity-based policy (managed or inline); returns the text unchanged."""
    doc = parse(text)
    stmts = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
    for stmt in stmts:
        if "Principal" in stmt or "NotPrincipal" in stmt:
            raise MalformedPolicyDocument("Policy document should not specify a principal.")
        if "Resource" not in stmt and "NotResource" not in stmt:
            raise MalformedPolicyDocument("Policy statement must contain resources.")
        for resource in _strings(stmt.get("Resource", stmt.get("NotResource"))):
            _check_resource(resource)
    _size_check(text, limit, what)
    return str(text)


def validate_trust_policy(text: Any) -> str:
    """A role's trust policy; returns the text unchanged."""
    doc = parse(text)
    stmts = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
    for stmt in stmts:
        if "Resource" in stmt or "NotResource" in stmt:
            raise MalformedPolicyDocument("Has prohibited field Resource.")
        if "Principal" not in stmt and "NotPrincipal" not in stmt:
            raise MalformedPolicyDocument("Missing required field Principal.")
        principal = stmt.get("Principal", stmt.get("NotPrincipal"))
        if principal != "*" and not isinstance(principal, dict):
            raise MalformedPolicyDocument("Invalid principal in policy.")
        for action in _strings(stmt.get("Action", stmt.get("NotAction"))):
            if action != "*" and not action.lower().startswith("sts:"):
                raise MalformedPolicyDocument("AssumeRole policy may only specify STS AssumeRole actions.")
    _size_check(text, TRUST_POLICY_SIZE, "ACLSizePerRole")
    return str(text)
