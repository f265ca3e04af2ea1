"""What S3 counts as public (the rules block public access applies), for bucket, access point
and account settings alike.

* A policy is public when one of its ``Allow`` statements lets in anyone: a ``Principal`` of
  ``*`` (alone, under ``AWS``, or in its list) or any ``NotPrincipal``, unless the statement
  pins the caller down with a condition on a fixed value of a key that names a source or a
  principal (``aws:SourceArn``, ``aws:SourceVpc``, ``aws:SourceVpce``, ``aws:SourceOwner``,
  ``aws:SourceAccount``, ``aws:userid``, ``aws:PrincipalOrgID``, ``aws:PrincipalAccount``,
  ``aws:PrincipalArn``, ``s3:DataAccessPointArn``, ``s3:DataAccessPointAccount``, or
  ``aws:SourceIp`` with a range no wider than /8 (IPv4) or /32 (IPv6)). A value with a
  wildcard is not fixed.
* An ACL is public when it grants anything to the ``AllUsers`` or ``AuthenticatedUsers`` groups.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"

#: condition keys (lower-cased) whose fixed values make a statement non-public
_FIXING_KEYS = frozenset(
    k.lower()
    for k in (
        "aws:SourceArn",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:SourceOwner",
        "aws:SourceAccount",
        "aws:userid",
        "aws:PrincipalOrgID",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "s3:DataAccessPointArn",
        "s3:DataAccessPointAccount",
    )
)
#: operators that compare with fixed values (``...Like`` allows wildcards; ``Not...`` excludes)
_FIXING_OPERATORS = ("stringequals", "stringequalsignorecase", "arnequals", "arnlike", "ipaddress")


def _values(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _anyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return any("*" in _values(v) for v in principal.values())
    return False


def _narrow_ip(value: Any) -> bool:
    try:
        net = ipaddress.ip_network(str(value), strict=False)
    except ValueError:
        return False
    return net.prefixlen >= (8 if net.version == 4 else 32)


def _fixed(condition: Any) -> bool:
    """Whether a condition block pins the caller to fixed values of a key that names one."""
    if not isinstance(condition, Mapping):
        return False
    for operator, tests in condition.items():
        op = str(operator).lower()
        if op.endswith("ifexists") or not isinstance(tests, Mapping):
            continue
        op = op.removeprefix("forallvalues:").removeprefix("foranyvalue:")
        if op not in _FIXING_OPERATORS:
            continue
        for key, value in tests.items():
            values = _values(value)
            if not values:
                continue
            k = str(key).lower()
            if k == "aws:sourceip" and op == "ipaddress" and all(_narrow_ip(v) for v in values):
                return True
            if k in _FIXING_KEYS and all(
                isinstance(v, str) and "*" not in v and "?" not in v for v in values
            ):
                return True
    return False


def statement_is_public(statement: Any) -> bool:
    if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
        return False
    if "NotPrincipal" in statement:
        return not _fixed(statement.get("Condition"))
    return _anyone(statement.get("Principal")) and not _fixed(statement.get("Condition"))


def policy_is_public(document: Any) -> bool:
    """Whether a policy document (parsed) grants public access."""
    if not isinstance(document, Mapping):
        return False
    statements = document.get("Statement")
    return any(statement_is_public(s) for s in _values(statements or []))


def acl_is_public(grants: Iterable[Mapping[str, Any]]) -> bool:
    """Whether an ACL's grants give anything to everyone or to every AWS user."""
    return any((g.get("Grantee") or {}).get("URI") in (ALL_USERS, AUTHENTICATED_USERS) for g in grants)
