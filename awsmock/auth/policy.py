"""The IAM policy evaluator: pure functions over parsed policy documents.

Nothing here touches the database or HTTP. :func:`evaluate` answers one request against a set
of policies (``allow`` / ``deny`` / ``implicit`` i.e. no statement applies);
:func:`decide` combines identity policies, permissions boundaries, session policies and a
resource-based policy the way AWS's evaluation logic does for one account or across accounts.

A request is described by :class:`Request`: the action (``<prefix>:<Action>``), the resource ARNs,
the principal (for resource policies' ``Principal``) and the condition context (global keys such
as ``aws:SourceIp``; each value a string or a list of strings).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from awsmock.engine import arns
from awsmock.state import jsontext

ALLOW = "allow"
DENY = "deny"
IMPLICIT = "implicit"

ContextValue = str | list[str]


@dataclass
class Principal:
    """Who asks. ``arns`` are every ARN a policy's ``Principal`` may name for this caller (for an
    assumed role both the session ARN and the role ARN)."""

    account_id: str
    arns: tuple[str, ...] = ()
    kind: str = "AWS"  # AWS, Service, Federated, Anonymous

    @property
    def arn(self) -> str:
        return self.arns[0] if self.arns else arns.account_root(self.account_id)


@dataclass
class Request:
    action: str
    resources: tuple[str, ...] = ("*",)
    principal: Principal | None = None
    context: Mapping[str, ContextValue] = field(default_factory=dict)


# -- documents ----------------------------------------------------------------------------


def load(document: str | Mapping[str, Any]) -> dict[str, Any]:
    """A policy document as a dict (accepts JSON text or an already parsed document)."""
    if isinstance(document, Mapping):
        return dict(document)
    return _load_text(document)


@lru_cache(maxsize=512)
def _load_text(text: str) -> dict[str, Any]:
    doc = jsontext.guarded_loads(text)  # a document a client wrote (stored, or sent to a simulator)
    if not isinstance(doc, dict):
        raise ValueError("a policy document is a JSON object")
    return doc


def statements(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    stmts = doc.get("Statement", [])
    if isinstance(stmts, dict):
        return [stmts]
    return [s for s in stmts if isinstance(s, dict)]


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


# -- matching -----------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _glob(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    out = []
    chars = iter(pattern)
    for ch in chars:
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        elif ch == LITERAL:  # a ${*} / ${?} / ${$} policy variable: the next character is literal
            out.append(re.escape(next(chars, "")))
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out), re.DOTALL if case_sensitive else re.IGNORECASE | re.DOTALL)


def wildcard_match(pattern: str, value: str, *, case_sensitive: bool = True) -> bool:
    """IAM's ``*`` (any run of characters) and ``?`` (one character) matching."""
    if pattern == "*":
        return True
    if "*" not in pattern and "?" not in pattern and LITERAL not in pattern:
        return pattern == value if case_sensitive else pattern.lower() == value.lower()
    return _glob(pattern, case_sensitive).fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    return wildcard_match(pattern, action, case_sensitive=False)


def arn_matches(pattern: str, arn: str) -> bool:
    """ARN matching: each of the first five colon-separated parts separately, the rest as one."""
    if pattern == "*" or pattern == arn:
        return True
    if not pattern.startswith("arn:") or not arn.startswith("arn:"):
        return wildcard_match(pattern, arn)
    p_parts = pattern.split(":", 5)
    a_parts = arn.split(":", 5)
    if len(p_parts) != 6 or len(a_parts) != 6:
        return wildcard_match(pattern, arn)
    return all(wildcard_match(p, a) for p, a in zip(p_parts, a_parts, strict=True))


_VARIABLE = re.compile(r"\$\{([^}]+)\}")
LITERAL = "\x01"
UNRESOLVED = "\x02"


def substitute(value: str, context: Mapping[str, ContextValue]) -> str:
    """Policy variables: ``${aws:username}``, ``${*}``, ``${?}``, ``${$}``, ``${key, 'default'}``.

    ``${*}``/``${?}`` become a literal marker for the wildcard matcher; a variable without a value
    (and no default) becomes a marker that matches nothing.
    """
    if "${" not in value:
        return value

    def repl(m: re.Match[str]) -> str:
        inner = m.group(1).strip()
        if inner in ("*", "?", "$"):
            return LITERAL + inner
        key, _, default = inner.partition(",")
        got = lookup(context, key.strip())
        if isinstance(got, str):
            return got.replace("*", LITERAL + "*").replace("?", LITERAL + "?")
        if default:
            return default.strip().strip("'")
        return UNRESOLVED

    return _VARIABLE.sub(repl, value)


def _resource_match(pattern: str, resource: str, context: Mapping[str, ContextValue]) -> bool:
    pattern = substitute(pattern, context)
    if UNRESOLVED in pattern:
        return False
    return arn_matches(pattern, resource)


def lookup(context: Mapping[str, ContextValue], key: str) -> ContextValue | None:
    """A context value by key, case-insensitively (condition keys are case-insensitive)."""
    if key in context:
        return context[key]
    low = key.lower()
    for k, v in context.items():
        if k.lower() == low:
            return v
    return None


# -- conditions ---------------------------------------------------------------------------


def _parse_date(value: str) -> dt.datetime | None:
    try:
        if re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
            return dt.datetime.fromtimestamp(float(value), dt.UTC)
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    except (ValueError, OverflowError):
        return None


def _num(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _cmp(conv: Callable[[str], Any], op: Callable[[Any, Any], bool]) -> Callable[[str, str], bool]:
    def compare(ctx_value: str, policy_value: str) -> bool:
        a, b = conv(ctx_value), conv(policy_value)
        if a is None or b is None:
            return False
        return bool(op(a, b))

    return compare


def _ip_match(ctx_value: str, policy_value: str) -> bool:
    try:
        return ipaddress.ip_address(ctx_value.strip()) in ipaddress.ip_network(
            policy_value.strip(), strict=False
        )
    except ValueError:
        return False


def _bool_match(ctx_value: str, policy_value: str) -> bool:
    return str(ctx_value).lower() == str(policy_value).lower()


_EQ: Callable[[Any, Any], bool] = lambda a, b: a == b  # noqa: E731
_LT: Callable[[Any, Any], bool] = lambda a, b: a < b  # noqa: E731
_LE: Callable[[Any, Any], bool] = lambda a, b: a <= b  # noqa: E731
_GT: Callable[[Any, Any], bool] = lambda a, b: a > b  # noqa: E731
_GE: Callable[[Any, Any], bool] = lambda a, b: a >= b  # noqa: E731

#: operator -> (value matcher, negated)
OPERATORS: dict[str, tuple[Callable[[str, str], bool], bool]] = {
    "stringequals": (lambda a, b: a == b, False),
    "stringnotequals": (lambda a, b: a == b, True),
    "stringequalsignorecase": (lambda a, b: a.lower() == b.lower(), False),
    "stringnotequalsignorecase": (lambda a, b: a.lower() == b.lower(), True),
    "stringlike": (lambda a, b: wildcard_match(b, a), False),
    "stringnotlike": (lambda a, b: wildcard_match(b, a), True),
    "numericequals": (_cmp(_num, _EQ), False),
    "numericnotequals": (_cmp(_num, _EQ), True),
    "numericlessthan": (_cmp(_num, _LT), False),
    "numericlessthanequals": (_cmp(_num, _LE), False),
    "numericgreaterthan": (_cmp(_num, _GT), False),
    "numericgreaterthanequals": (_cmp(_num, _GE), False),
    "dateequals": (_cmp(_parse_date, _EQ), False),
    "datenotequals": (_cmp(_parse_date, _EQ), True),
    "datelessthan": (_cmp(_parse_date, _LT), False),
    "datelessthanequals": (_cmp(_parse_date, _LE), False),
    "dategreaterthan": (_cmp(_parse_date, _GT), False),
    "dategreaterthanequals": (_cmp(_parse_date, _GE), False),
    "bool": (_bool_match, False),
    "binaryequals": (lambda a, b: a == b, False),
    "ipaddress": (_ip_match, False),
    "notipaddress": (_ip_match, True),
    "arnequals": (lambda a, b: arn_matches(b, a), False),
    "arnlike": (lambda a, b: arn_matches(b, a), False),
    "arnnotequals": (lambda a, b: arn_matches(b, a), True),
    "arnnotlike": (lambda a, b: arn_matches(b, a), True),
}


class UnknownOperator(ValueError):
    pass


def _str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def condition_matches(
    operator: str,
    key: str,
    policy_values: Any,
    context: Mapping[str, ContextValue],
    *,
    versioned: bool = True,
) -> bool:
    """One ``"Operator": {"key": values}`` entry of a Condition block."""
    op = operator
    qualifier = None
    if ":" in op:
        qualifier, _, op = op.partition(":")
        qualifier = qualifier.lower()
    if_exists = op.lower().endswith("ifexists")
    base = op[: -len("IfExists")] if if_exists else op
    values = [_str(v) for v in as_list(policy_values)]
    if versioned:
        values = [substitute(v, context) for v in values]
        if "like" not in base.lower():
            values = [v.replace(LITERAL, "") for v in values]
    got = lookup(context, key)
    if base.lower() == "null":
        present = got is not None and got != []
        return any((v.lower() == "true") != present for v in values)
    spec = OPERATORS.get(base.lower())
    if spec is None:
        raise UnknownOperator(operator)
    match, negated = spec
    if got is None or got == []:
        if qualifier == "forallvalues":
            return True
        if qualifier == "foranyvalue":
            return False
        return if_exists or negated
    ctx_values = [_str(v) for v in as_list(got)]

    def one(ctx_value: str) -> bool:
        hit = any(match(ctx_value, v) for v in values)
        return not hit if negated else hit

    if qualifier == "forallvalues":
        return all(one(c) for c in ctx_values)
    if qualifier == "foranyvalue":
        return any(one(c) for c in ctx_values)
    if negated:
        return all(one(c) for c in ctx_values)
    return any(one(c) for c in ctx_values)


def conditions_match(
    block: Mapping[str, Any] | None, context: Mapping[str, ContextValue], *, versioned: bool = True
) -> bool:
    if not block:
        return True
    for operator, entries in block.items():
        if not isinstance(entries, Mapping):
            return False
        for key, values in entries.items():
            if not condition_matches(operator, key, values, context, versioned=versioned):
                return False
    return True


# -- principals ---------------------------------------------------------------------------


def _partition(principal: Principal) -> str:
    """The partition of the principal's ARNs (``aws`` when it has none)."""
    found = arns.parse(principal.arns[0]) if principal.arns else None
    return found.partition if found is not None else "aws"


def _principal_value_matches(value: str, principal: Principal) -> bool:
    if value == "*":
        return True
    if principal.kind != "AWS":
        return False
    if re.fullmatch(r"\d{12}", value):
        return value == principal.account_id
    if value == arns.account_root(principal.account_id, _partition(principal)):
        return True
    return any(arn_matches(value, a) if "*" in value else value == a for a in principal.arns)


def names_everyone(spec: Any) -> bool:
    """Whether a statement's ``Principal`` is everyone: ``"*"`` or ``{"AWS": "*"}`` (alone or
    in a list)."""
    if spec == "*":
        return True
    if isinstance(spec, Mapping):
        aws = spec.get("AWS")
        return aws == "*" or (isinstance(aws, list) and "*" in aws)
    return False


def principal_matches(spec: Any, principal: Principal | None) -> bool:
    """Whether a statement's ``Principal`` names ``principal``."""
    if spec is None:
        return False
    if spec == "*":
        return True
    if principal is None or not isinstance(spec, Mapping):
        return False
    for kind, values in spec.items():
        if kind == "AWS":
            if principal.kind in ("AWS",) and any(
                _principal_value_matches(str(v), principal) for v in as_list(values)
            ):
                return True
            if "*" in as_list(values):
                return True
        elif kind == principal.kind and any(str(v) in principal.arns or v == "*" for v in as_list(values)):
            return True
    return False


def names_principal_directly(spec: Any, principal: Principal | None) -> bool:
    """Whether the match is for the principal itself rather than its whole account."""
    if spec == "*" or principal is None or not isinstance(spec, Mapping):
        return spec == "*"
    for kind, values in spec.items():
        for v in as_list(values):
            v = str(v)
            if v == "*":
                return True
            if kind != "AWS":
                if kind == principal.kind and v in principal.arns:
                    return True
                continue
            if re.fullmatch(r"\d{12}", v) or v.endswith(":root"):
                continue
            if any(arn_matches(v, a) for a in principal.arns):
                return True
    return False


# -- evaluation ---------------------------------------------------------------------------


@dataclass
class Outcome:
    decision: str  # ALLOW, DENY, IMPLICIT
    direct: bool = False  # a resource policy allowed the principal itself (not only its account)


def statement_applies(
    stmt: Mapping[str, Any], request: Request, resource: str, *, resource_policy: bool
) -> bool:
    if "Action" in stmt:
        if not any(action_matches(str(p), request.action) for p in as_list(stmt["Action"])):
            return False
    elif "NotAction" in stmt:
        if any(action_matches(str(p), request.action) for p in as_list(stmt["NotAction"])):
            return False
    else:
        return False
    ctx = request.context
    if "Resource" in stmt:
        if not any(_resource_match(str(p), resource, ctx) for p in as_list(stmt["Resource"])):
            return False
    elif "NotResource" in stmt:
        if any(_resource_match(str(p), resource, ctx) for p in as_list(stmt["NotResource"])):
            return False
    elif not resource_policy:
        return False
    if resource_policy:
        if "Principal" in stmt:
            if not principal_matches(stmt["Principal"], request.principal):
                return False
        elif "NotPrincipal" in stmt:
            if principal_matches(stmt["NotPrincipal"], request.principal):
                return False
        else:
            return False
    try:
        return conditions_match(stmt.get("Condition"), ctx)
    except UnknownOperator:
        return False


def evaluate(
    policies: Iterable[str | Mapping[str, Any]], request: Request, *, resource_policy: bool = False
) -> Outcome:
    """Allow, explicit deny or implicit deny of ``request`` under ``policies`` (every resource of
    the request must be allowed; any denied resource denies)."""
    docs = [load(p) for p in policies]
    allowed_all = True
    direct_all = True
    for resource in request.resources:
        allowed = False
        direct = False
        for doc in docs:
            for stmt in statements(doc):
                if not statement_applies(stmt, request, resource, resource_policy=resource_policy):
                    continue
                if stmt.get("Effect") == "Deny":
                    return Outcome(DENY)
                if stmt.get("Effect") == "Allow":
                    allowed = True
                    if resource_policy:
                        spec = stmt.get("Principal")
                        direct = (
                            direct
                            or ("NotPrincipal" in stmt)
                            or names_principal_directly(spec, request.principal)
                        )
        allowed_all = allowed_all and allowed
        direct_all = direct_all and direct
    if allowed_all and request.resources:
        return Outcome(ALLOW, direct=direct_all)
    return Outcome(IMPLICIT)


@dataclass
class Decision:
    allowed: bool
    reason: str = (
        ""  # "", "explicit-identity", "explicit-resource", "no-identity", "boundary", "session", "resource"
    )


def decide(
    request: Request,
    identity_policies: Iterable[str | Mapping[str, Any]],
    *,
    resource_policy: str | Mapping[str, Any] | None = None,
    resource_account: str | None = None,
    boundaries: Iterable[str | Mapping[str, Any]] | None = None,
    session_policies: Iterable[str | Mapping[str, Any]] | None = None,
    resource_required: bool = False,
) -> Decision:
    """AWS's evaluation logic for one request.

    * any explicit Deny (identity, boundary, session or resource policy) denies;
    * within one account, an Allow from the identity policies (within the boundary and the
      session policies) or from a resource policy that names the principal itself allows;
      a resource policy that names only the account needs the identity allow too;
    * with ``resource_required`` (a role's trust policy) the resource policy must allow as well;
    * across accounts, both the identity policies and the resource policy must allow.
    """
    identity = evaluate(identity_policies, request)
    if identity.decision == DENY:
        return Decision(False, "explicit-identity")
    res = Outcome(IMPLICIT)
    if resource_policy is not None:
        res = evaluate([resource_policy], request, resource_policy=True)
        if res.decision == DENY:
            return Decision(False, "explicit-resource")
    limits_ok = True
    reason = ""
    for name, limit in (("boundary", boundaries), ("session", session_policies)):
        if limit is None:
            continue
        limit = list(limit)
        out = evaluate(limit, request)
        if out.decision == DENY:
            return Decision(False, f"explicit-{name}")
        if out.decision != ALLOW:
            limits_ok = False
            reason = reason or name
    identity_ok = identity.decision == ALLOW and limits_ok
    if resource_required and res.decision != ALLOW:
        return Decision(False, "trust")
    principal = request.principal
    cross = (
        resource_account is not None and principal is not None and resource_account != principal.account_id
    )
    if cross:
        if identity_ok and res.decision == ALLOW:
            return Decision(True)
        return Decision(False, "resource" if identity_ok else (reason or "no-identity"))
    if identity_ok:
        return Decision(True)
    if res.decision == ALLOW and (res.direct or identity.decision == ALLOW):
        return Decision(True)
    return Decision(False, reason or "no-identity")


def denial_message(principal_arn: str, action: str, resource: str, reason: str) -> str:
    """AWS's AccessDenied text for a refused request."""
    head = f"User: {principal_arn} is not authorized to perform: {action} on resource: {resource}"
    tails = {
        "explicit-identity": " with an explicit deny in an identity-based policy",
        "explicit-resource": " with an explicit deny in a resource-based policy",
        "explicit-boundary": " with an explicit deny in a permissions boundary",
        "explicit-session": " with an explicit deny in a session policy",
        "boundary": f" because no permissions boundary allows the {action} action",
        "session": f" because no session policy allows the {action} action",
        "no-identity": f" because no identity-based policy allows the {action} action",
        "resource": f" because no resource-based policy allows the {action} action",
    }
    return head + tails.get(reason, "")


def service_principal_names(service_principal: str, source: arns.Arn | None) -> tuple[str, ...]:
    """The names a policy may give a service principal acting for ``source``: in a partition
    whose endpoints have their own domain (``amazonaws.com.cn``), that domain's form too."""
    names = [service_principal]
    suffix = arns.partition_dns_suffix(source.partition if source else "aws")
    base, dot, domain = service_principal.partition(".")
    if dot and domain == "amazonaws.com" and suffix != domain:
        names.append(f"{base}.{suffix}")
    return tuple(names)


def service_may(
    document: Any,
    action: str,
    resource: str,
    service_principal: str,
    source_arn: str,
    source_account: str | None = None,
) -> bool:
    """Whether the resource policy ``document`` lets an AWS service (a service principal)
    do ``action`` on ``resource`` for the resource ``source_arn`` (the resource whose
    delivery it makes), with the condition keys AWS sets then. ``source_account``: the
    source's owner where its ARN names no account. No policy: yes (a resource without
    one takes deliveries of its own account); a policy that cannot be read: no."""
    if not document:
        return True
    try:
        doc = load(document)
    except (ValueError, TypeError):
        return False
    source = arns.parse(source_arn)
    owner = source_account or (source.account if source else "")
    request = Request(
        action=action,
        resources=(resource,),
        principal=Principal(
            account_id="", arns=service_principal_names(service_principal, source), kind="Service"
        ),
        context={"aws:SourceArn": source_arn, "aws:SourceAccount": owner, "aws:SourceOwner": owner},
    )
    return evaluate([doc], request, resource_policy=True).decision == ALLOW
