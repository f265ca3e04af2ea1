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


# -- identity policies: IAM's checks in IAM's order ------------------------------------------
#
# IAM answers the first stage a document fails, each with its fixed message: the grammar
# ("Syntax errors in policy."), the version, the legacy parser (a case-sensitive Effect, dates in
# date conditions, resources that cannot be ARNs), unique statement ids, actions present,
# resources present, the format of the resources (naming the resource), the vendors of actions.


#: where an IAM resource's path may start
IAM_PATHS = (
    "user/",
    "federated-user/",
    "role/",
    "group/",
    "instance-profile/",
    "mfa/",
    "server-certificate/",
    "policy/",
    "sms-mfa/",
    "saml-provider/",
    "oidc-provider/",
    "report/",
    "access-report/",
)
_VENDOR_CHARS = re.compile(r"[^a-zA-Z0-9.-]")
_ISO_DATE = re.compile(r"^-?\d+(-\d+(-\d+)?)?(t(\d+(:\d+(:\d+(\.\d+)?(z|[+]\d{2}(:\d{2})?)?)?)?)?)?$")


def _condition_base(operator: str) -> str:
    for prefix in ("ForAnyValue:", "ForAllValues:"):
        if operator.startswith(prefix):
            operator = operator[len(prefix) :]
            break
    return operator[: -len("IfExists")] if operator.endswith("IfExists") else operator


def _grammar_ok(doc: Any) -> bool:
    """The grammar IAM parses before anything else (its failures: ``Syntax errors in policy.``)."""
    if not isinstance(doc, dict) or set(doc) - TOP_KEYS or "Statement" not in doc:
        return False
    if "Version" in doc and doc["Version"] not in VERSIONS:
        return False
    if "Id" in doc and not isinstance(doc["Id"], str):
        return False
    stmts = doc["Statement"]
    stmts = [stmts] if isinstance(stmts, dict) else stmts
    if not isinstance(stmts, list) or not stmts:
        return False
    return all(_statement_ok(stmt) for stmt in stmts)


def _statement_ok(stmt: Any) -> bool:
    if not isinstance(stmt, dict) or set(stmt) - STATEMENT_KEYS:
        return False
    if ("Action" in stmt and "NotAction" in stmt) or ("Resource" in stmt and "NotResource" in stmt):
        return False
    effect = stmt.get("Effect")
    if not isinstance(effect, str) or effect.lower() not in ("allow", "deny"):
        return False
    if "Sid" in stmt and not isinstance(stmt["Sid"], str):
        return False
    for key in ("Action", "NotAction", "Resource", "NotResource"):
        if key in stmt:
            value = stmt[key]
            if isinstance(value, list):
                if not all(v is None or isinstance(v, str) for v in value):
                    return False
            elif not isinstance(value, str):
                return False
    if "Condition" in stmt:
        block = stmt["Condition"]
        if not isinstance(block, dict):
            return False
        for operator, entries in block.items():
            if not isinstance(entries, dict):
                return False
            if not all(isinstance(v, (str, bool, list, int, float)) for v in entries.values()):
                return False
            base = _condition_base(operator)
            if entries and base != "Null" and base.lower() not in OPERATORS:
                return False
    return True


def _legacy_date(value: str) -> bool:
    text = value.lower()
    if "t" in text or "-" in text:
        if not _ISO_DATE.match(text):
            return False
        date, _, clock = text.partition("t")
        parts = date.lstrip("-").split("-")
        if len(parts) > 1 and not 1 <= int(parts[1]) <= 12:
            return False
        if len(parts) > 2 and not 1 <= int(parts[2]) <= 31:
            return False
        fields = re.split(r"[:z+]", clock) if clock else []
        limits = (23, 59, 59)
        for field, top in zip(fields[:3], limits, strict=False):
            whole, _, fraction = field.partition(".")
            if (whole and int(whole) > top) or len(fraction) > 9:
                return False
        return True
    try:
        return 0 <= int(value.strip()) < 2**63
    except ValueError:
        return False


def _legacy_resource(value: str, *, alone: bool) -> bool:
    if value == "*" or (not alone and value == ""):
        return True
    if value.count(":") < 5 and "::" in value:
        return False
    if alone:
        parts = value.split(":")
        return len(parts) > 2 and parts[2] != ""
    return len(value) >= 3


def _resource_error(resource: str) -> str | None:
    """What IAM says of a resource that is not a valid ARN (None: it is one, or ``*``)."""
    if resource == "*":
        return None
    _, found, rest = resource.partition(":")
    if not found:
        return f'Resource {resource} must be in ARN format or "*".'
    partition, found, rest = rest.partition(":")
    if partition != "*" and partition not in PARTITIONS and "$" not in partition:
        fields = rest.split(":")

        def field(i: int) -> str:
            return fields[i] if len(fields) > i else "*"

        first = fields[0] if fields[0] != "" or len(fields) > 1 else "*"
        tail = ":".join(fields[3:]) if len(fields) > 3 else "*"
        return f'Partition "{partition}" is not valid for resource "arn:{partition}:{first}:{field(1)}:{field(2)}:{tail}".'
    if not found:
        return "Resource vendor must be fully qualified and cannot contain regexes."
    service, _, after_service = rest.partition(":")
    _, _, after_region = after_service.partition(":")
    _, _, resource_id = after_region.partition(":")
    regional = service in ("iam", "s3") and not after_service.startswith(":")
    if regional and not (service == "s3" and resource_id.startswith("accesspoint/")):
        if service == "iam":
            return f"IAM resource {resource} cannot contain region information."
        return f"Resource {resource} can not contain region information."
    if service == "iam" and not resource_id.startswith(IAM_PATHS):
        return 'IAM resource path must either be "*" or start with ' + ", ".join(IAM_PATHS) + "."
    return None


def _present(stmt: dict[str, Any], key: str, not_key: str) -> bool:
    if key not in stmt and not_key not in stmt:
        return False
    value = stmt.get(key, stmt.get(not_key))
    return not (isinstance(value, list) and not value)


def _action_error(action: str) -> str | None:
    parts = action.split(":")
    if len(parts) == 1 and action != "*":
        return "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
    if len(parts) > 2:
        return "Actions/Condition can contain only one colon."
    if parts[0] != "*" and _VENDOR_CHARS.search(parts[0]):
        return f"Vendor {parts[0]} is not valid"
    return None


def _legacy_ok(stmts: list[dict[str, Any]]) -> tuple[bool, str | None]:
    """Whether the legacy parser takes the statements, and the last resource format error it met."""
    for stmt in stmts:
        if stmt["Effect"] not in ("Allow", "Deny"):
            return False, None
        for operator, entries in (stmt.get("Condition") or {}).items():
            if _condition_base(operator).startswith("Date"):
                for value in entries.values():
                    values = value if isinstance(value, list) else [value]
                    if not all(isinstance(v, str) and _legacy_date(v) for v in values):
                        return False, None
    found: str | None = None
    for key in ("Resource", "NotResource"):
        for stmt in stmts:
            if key not in stmt:
                continue
            value = stmt[key]
            listed = [value] if isinstance(value, str) else sorted((v for v in value if v), reverse=True)
            for resource in listed:
                found = _resource_error(resource) or found
            alone = isinstance(value, str)
            if found is None and not all(_legacy_resource(v or "", alone=alone) for v in _strings(value)):
                return False, None
    return True, found


def validate_identity_policy(text: Any, *, limit: int = MANAGED_POLICY_SIZE, what: str = "PolicySize") -> str:
    """An identity-based policy (managed or inline), checked as IAM checks it; returns the text."""
    if not isinstance(text, str):
        raise MalformedPolicyDocument("This policy contains invalid Json")
    try:
        doc = jsontext.guarded_loads(text)
    except jsontext.JsonLimitExceeded as exc:
        raise _syntax() from exc
    except ValueError as exc:
        raise MalformedPolicyDocument("This policy contains invalid Json") from exc
    if not _grammar_ok(doc):
        raise _syntax()
    if doc.get("Version") != "2012-10-17":
        raise MalformedPolicyDocument("Policy document must be version 2012-10-17 or greater.")
    stmts = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
    legacy, resource_error = _legacy_ok(stmts)
    if not legacy:
        raise MalformedPolicyDocument("The policy failed legacy parsing")
    sids: set[str] = set()
    for stmt in stmts:
        sid = stmt.get("Sid")
        if sid:
            if sid in sids:
                raise MalformedPolicyDocument("Statement IDs (SID) in a single policy must be unique.")
            sids.add(sid)
    if not all(_present(stmt, "Action", "NotAction") for stmt in stmts):
        raise MalformedPolicyDocument("Policy statement must contain actions.")
    for stmt in stmts:
        if not _present(stmt, "Resource", "NotResource"):
            raise MalformedPolicyDocument("Policy statement must contain resources.")
    if resource_error is not None:
        raise MalformedPolicyDocument(resource_error)
    for key in ("Action", "NotAction"):
        for stmt in stmts:
            for action in _strings(stmt.get(key, [])):
                problem = _action_error(action or "")
                if problem is not None:
                    raise MalformedPolicyDocument(problem)
    for stmt in stmts:
        if "Principal" in stmt or "NotPrincipal" in stmt:
            raise MalformedPolicyDocument("Policy document should not specify a principal.")
        for key in (stmt.get("Condition") or {}).values():
            if any(":" not in name for name in key):
                raise MalformedPolicyDocument(
                    "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
                )
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
