"""Shared IAM helpers: lookups by name, ARNs, pagination, tags, output shapes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from awsmock.auth.keys import unique_id
from awsmock.context import RequestContext
from awsmock.models.iam import (
    IamAccount,
    IamGroup,
    IamInstanceProfile,
    IamPolicy,
    IamRole,
    IamServerCertificate,
    IamUser,
)

from .errors import IamValidationError, InvalidInput, LimitExceeded, no_such

T = TypeVar("T")
Entity = IamUser | IamGroup | IamRole | IamPolicy | IamInstanceProfile | IamServerCertificate

MAX_TAGS = 50


def iam_arn(account_id: str, kind: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:{kind}{path}{name}"


def check_path(path: str | None) -> str:
    path = path or "/"
    if not (path.startswith("/") and path.endswith("/")) or "//" in path or len(path) > 512:
        raise IamValidationError(
            f"1 validation error detected: Value '{path}' at 'path' failed to satisfy constraint: "
            r"Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)"
        )
    return path


def find(session: Session, model: type[T], account_id: str, name: str) -> T | None:
    return session.scalar(
        select(model).where(  # type: ignore[arg-type]
            model.account_id == account_id,  # type: ignore[attr-defined]
            model.name_lower == name.lower(),  # type: ignore[attr-defined]
        )
    )


def get_user(ctx: RequestContext, name: str | None) -> IamUser:
    if not name:
        raise IamValidationError("Must specify userName when calling with non-User credentials")
    user = find(ctx.session, IamUser, ctx.account_id, name)
    if user is None:
        raise no_such("user", name)
    return user


def caller_user(ctx: RequestContext, name: str | None) -> IamUser:
    """The named user, or (no name) the user whose key signed the request."""
    if name:
        return get_user(ctx, name)
    if ctx.principal_arn and ":user/" in ctx.principal_arn:
        return get_user(ctx, ctx.principal_arn.rsplit("/", 1)[1])
    raise IamValidationError("Must specify userName when calling with non-User credentials")


def get_group(ctx: RequestContext, name: str) -> IamGroup:
    group = find(ctx.session, IamGroup, ctx.account_id, name)
    if group is None:
        raise no_such("group", name)
    return group


def get_role(ctx: RequestContext, name: str) -> IamRole:
    role = find(ctx.session, IamRole, ctx.account_id, name)
    if role is None:
        raise no_such("role", name)
    return role


def account_row(ctx: RequestContext) -> IamAccount:
    row = ctx.session.get(IamAccount, ctx.account_id)
    if row is None:
        row = IamAccount(account_id=ctx.account_id)
        ctx.session.add(row)
        ctx.session.flush()
    return row


def new_id(prefix: str) -> str:
    return unique_id(prefix)


def encode_document(document: str) -> str:
    """Policy documents travel URL-encoded in IAM's responses (botocore decodes them)."""
    return quote(document, safe="")


# -- pagination -----------------------------------------------------------------------------


def paginate(
    items: Sequence[T],
    params: dict[str, Any],
    *,
    marker_key: str = "Marker",
    max_key: str = "MaxItems",
    default: int = 100,
) -> tuple[list[T], dict[str, Any]]:
    marker = params.get(marker_key)
    try:
        start = int(marker) if marker else 0
    except ValueError as exc:
        raise InvalidInput("Invalid Marker.") from exc
    size = params.get(max_key) or default
    page = list(items[start : start + size])
    out: dict[str, Any] = {"IsTruncated": start + size < len(items)}
    if out["IsTruncated"]:
        out["Marker"] = str(start + size)
    return page, out


def by_path(items: Sequence[T], prefix: str | None) -> list[T]:
    prefix = prefix or "/"
    return [i for i in items if (getattr(i, "path", "/") or "/").startswith(prefix)]


# -- tags -----------------------------------------------------------------------------------


def merge_tags(
    existing: list[dict[str, str]] | None, new: list[dict[str, str]] | None
) -> list[dict[str, str]]:
    tags = {t["Key"]: t.get("Value", "") for t in existing or []}
    lower = {k.lower(): k for k in tags}
    for t in new or []:
        old = lower.get(t["Key"].lower())
        if old is not None and old != t["Key"]:
            tags.pop(old)
        tags[t["Key"]] = t.get("Value", "")
        lower[t["Key"].lower()] = t["Key"]
    if len(tags) > MAX_TAGS:
        raise LimitExceeded("The number of tags has reached the maximum limit.")
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def remove_tags(existing: list[dict[str, str]] | None, keys: list[str] | None) -> list[dict[str, str]]:
    drop = {k.lower() for k in keys or []}
    return [t for t in existing or [] if t["Key"].lower() not in drop]


def check_new_tags(tags: list[dict[str, str]] | None) -> list[dict[str, str]]:
    seen = set()
    for t in tags or []:
        if t["Key"].lower() in seen:
            raise InvalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
        seen.add(t["Key"].lower())
    return merge_tags([], tags)


def tag_page(tags: list[dict[str, str]] | None, params: dict[str, Any]) -> dict[str, Any]:
    page, meta = paginate(tags or [], params)
    return {"Tags": page, **meta}


def boundary(arn: str | None) -> dict[str, Any]:
    if not arn:
        return {}
    return {"PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}}


# -- output shapes --------------------------------------------------------------------------


def user_out(user: IamUser, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Path": user.path,
        "UserName": user.name,
        "UserId": user.unique_id,
        "Arn": user.arn,
        "CreateDate": user.create_date,
    }
    if user.password_last_used is not None:
        out["PasswordLastUsed"] = user.password_last_used
    if full:
        out.update(boundary(user.permissions_boundary))
        if user.tags:
            out["Tags"] = list(user.tags)
    return out


def group_out(group: IamGroup) -> dict[str, Any]:
    return {
        "Path": group.path,
        "GroupName": group.name,
        "GroupId": group.unique_id,
        "Arn": group.arn,
        "CreateDate": group.create_date,
    }


def role_out(role: IamRole, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": role.unique_id,
        "Arn": role.arn,
        "CreateDate": role.create_date,
        "AssumeRolePolicyDocument": encode_document(role.assume_role_policy),
        "MaxSessionDuration": role.max_session_duration,
    }
    if role.description is not None:
        out["Description"] = role.description
    if full:
        out.update(boundary(role.permissions_boundary))
        if role.tags:
            out["Tags"] = list(role.tags)
        last: dict[str, Any] = {}
        if role.last_used_date is not None:
            last = {"LastUsedDate": role.last_used_date, "Region": role.last_used_region}
        out["RoleLastUsed"] = last
    return out
