"""Access control lists: owners, canned ACLs, grant headers, AccessControlPolicy documents."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from .errors import InvalidArgument, InvalidRequest, MalformedXML

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
PERMISSIONS = ("FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP")
GRANT_PARAMS = {
    "GrantFullControl": "FULL_CONTROL",
    "GrantRead": "READ",
    "GrantReadACP": "READ_ACP",
    "GrantWrite": "WRITE",
    "GrantWriteACP": "WRITE_ACP",
}
_GRANTEE = re.compile(r'\s*(id|uri|emailAddress)\s*=\s*"?([^",]+)"?\s*')


def canonical_id(account_id: str) -> str:
    """The account's canonical user id (64 hex characters, stable per account)."""
    return hashlib.sha256(f"awsmock-canonical-{account_id}".encode()).hexdigest()


def owner(account_id: str) -> dict[str, str]:
    return {"DisplayName": "awsmock", "ID": canonical_id(account_id)}


def _user(account_id: str) -> dict[str, str]:
    return {"Type": "CanonicalUser", "ID": canonical_id(account_id), "DisplayName": "awsmock"}


def _group(uri: str) -> dict[str, str]:
    return {"Type": "Group", "URI": uri}


def canned(name: str, owner_account: str, bucket_owner: str | None = None) -> list[dict[str, Any]]:
    """The grants of a canned ACL."""
    grants: list[dict[str, Any]] = [{"Grantee": _user(owner_account), "Permission": "FULL_CONTROL"}]
    if name == "private":
        pass
    elif name == "public-read":
        grants.append({"Grantee": _group(ALL_USERS), "Permission": "READ"})
    elif name == "public-read-write":
        grants.append({"Grantee": _group(ALL_USERS), "Permission": "READ"})
        grants.append({"Grantee": _group(ALL_USERS), "Permission": "WRITE"})
    elif name == "authenticated-read":
        grants.append({"Grantee": _group(AUTHENTICATED_USERS), "Permission": "READ"})
    elif name == "log-delivery-write":
        grants.append({"Grantee": _group(LOG_DELIVERY), "Permission": "WRITE"})
        grants.append({"Grantee": _group(LOG_DELIVERY), "Permission": "READ_ACP"})
    elif name in ("bucket-owner-read", "bucket-owner-full-control"):
        if bucket_owner and bucket_owner != owner_account:
            perm = "READ" if name == "bucket-owner-read" else "FULL_CONTROL"
            grants.append({"Grantee": _user(bucket_owner), "Permission": perm})
    elif name == "aws-exec-read":
        grants.append(
            {"Grantee": {"Type": "CanonicalUser", "ID": canonical_id("aws-exec")}, "Permission": "READ"}
        )
    else:
        raise InvalidArgument(None, ArgumentName="x-amz-acl", ArgumentValue=name)
    return grants


def _grantee_from_header(text: str) -> dict[str, str]:
    m = _GRANTEE.fullmatch(text)
    if not m:
        raise InvalidArgument("Invalid grantee", ArgumentName="x-amz-grant", ArgumentValue=text)
    kind, value = m.group(1), m.group(2)
    if kind == "id":
        return {"Type": "CanonicalUser", "ID": value}
    if kind == "uri":
        return _group(value)
    return {"Type": "AmazonCustomerByEmail", "EmailAddress": value}


def from_params(
    params: dict[str, Any], account_id: str, bucket_owner: str | None = None, *, default: bool = True
) -> list[dict[str, Any]] | None:
    """The grants a request sets: ``ACL`` (canned), ``Grant*`` headers or an
    ``AccessControlPolicy`` document; None when it sets none (and ``default`` is false)."""
    headers = [(p, params[p]) for p in GRANT_PARAMS if params.get(p)]
    if params.get("ACL") and headers:
        raise InvalidRequest("Specifying both Canned ACLs and Header Grants is not allowed")
    if params.get("ACL"):
        return canned(params["ACL"], account_id, bucket_owner)
    if headers:
        grants = []
        for param, value in headers:
            for piece in _split_grantees(value):
                grants.append({"Grantee": _grantee_from_header(piece), "Permission": GRANT_PARAMS[param]})
        return grants
    policy = params.get("AccessControlPolicy")
    if policy is not None:
        grants = []
        for g in policy.get("Grants") or []:
            grantee = dict(g.get("Grantee") or {})
            if g.get("Permission") not in PERMISSIONS or "Type" not in grantee:
                raise MalformedXML()
            grants.append({"Grantee": grantee, "Permission": g["Permission"]})
        return grants
    return canned("private", account_id, bucket_owner) if default else None


def _split_grantees(value: str) -> list[str]:
    out, cur, quoted = [], "", False
    for ch in value:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    return out
