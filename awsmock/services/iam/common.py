"""Shared IAM helpers: lookups, new and renamed entities, ARNs, counting, pagination, tags,
output shapes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

from sqlalchemy import Select, exists, func, inspect, select
from sqlalchemy.orm import Session

from awsmock.auth.keys import unique_id
from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler
from awsmock.models.iam import (
    IamAccount,
    IamGroup,
    IamInlinePolicy,
    IamInstanceProfile,
    IamPolicy,
    IamPolicyAttachment,
    IamRole,
    IamServerCertificate,
    IamUser,
)

from . import tags
from .errors import DeleteConflict, IamValidationError, invalid_marker, no_such, validation
from .principals import named_by

T = TypeVar("T")
Entity = IamUser | IamGroup | IamRole | IamPolicy | IamInstanceProfile | IamServerCertificate


def iam_arn(ctx: RequestContext, resource: str) -> str:
    """The ARN of ``resource`` (``user/path/name``) in the request's account (IAM is global)."""
    return ctx.arn("iam", resource, region="")


def check_path(path: str | None) -> str:
    path = path or "/"
    if not (path.startswith("/") and path.endswith("/")) or "//" in path or len(path) > 512:
        raise validation(
            path,
            "path",
            r"Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)",
        )
    return path


def find(session: Session, model: type[T], account_id: str, name: str) -> T | None:
    return session.scalar(
        select(model).where(  # type: ignore[arg-type]
            model.account_id == account_id,  # type: ignore[attr-defined]
            model.name_lower == name.lower(),  # type: ignore[attr-defined]
        )
    )


def named(ctx: RequestContext, model: type[T], name: str, missing: AwsError) -> T:
    """The account's ``model`` entity called ``name`` (in any case); raises ``missing`` if none."""
    row = find(ctx.session, model, ctx.account_id, name)
    if row is None:
        raise missing
    return row


def owned(session: Session, model: type[T], key: Any, missing: AwsError, **owner: Any) -> T:
    """The ``model`` row with primary key ``key`` whose columns hold the ``owner`` values
    (``user_pk=…``, ``account_id=…``); raises ``missing`` if there is none."""
    row = session.get(model, key)
    if row is None or any(getattr(row, column) != value for column, value in owner.items()):
        raise missing
    return row


def get_user(ctx: RequestContext, name: str | None) -> IamUser:
    if not name:
        raise IamValidationError("Must specify userName when calling with non-User credentials")
    return named(ctx, IamUser, name, no_such("user", name))


def caller_user(ctx: RequestContext, name: str | None) -> IamUser:
    """The named user, or (no name) the user whose key signed the request."""
    if name:
        return get_user(ctx, name)
    caller = named_by(ctx.principal_arn or "", "user")
    if caller is not None:
        return get_user(ctx, caller[1])
    raise IamValidationError("Must specify userName when calling with non-User credentials")


def get_group(ctx: RequestContext, name: str) -> IamGroup:
    return named(ctx, IamGroup, name, no_such("group", name))


def get_role(ctx: RequestContext, name: str) -> IamRole:
    return named(ctx, IamRole, name, no_such("role", name))


def entity_fields(
    ctx: RequestContext,
    model: Any,
    name: str,
    path: str,
    *,
    kind: str,
    id_prefix: str,
    taken: AwsError,
) -> dict[str, Any]:
    """The columns every named entity starts with (name, path, ARN, id, creation time), for a
    new ``model`` row called ``name``; raises ``taken`` if the account has one already."""
    if find(ctx.session, model, ctx.account_id, name) is not None:
        raise taken
    return {
        "account_id": ctx.account_id,
        "name": name,
        "name_lower": name.lower(),
        "path": path,
        "arn": iam_arn(ctx, f"{kind}{path}{name}"),
        "unique_id": unique_id(id_prefix),
        "create_date": ctx.now,
    }


def rename(
    ctx: RequestContext,
    row: Any,
    params: dict[str, Any],
    new_name_key: str,
    *,
    kind: str,
    taken: Callable[[str], AwsError],
) -> None:
    """Update{User,Group,ServerCertificate}: the new name (``params[new_name_key]``; ``taken(name)``
    is raised if another entity has it) and ``NewPath``, and the ARN they make."""
    new_name = params.get(new_name_key)
    if (
        new_name
        and new_name.lower() != row.name_lower
        and find(ctx.session, type(row), ctx.account_id, new_name) is not None
    ):
        raise taken(new_name)
    if new_name:
        row.name, row.name_lower = new_name, new_name.lower()
    if params.get("NewPath"):
        row.path = check_path(params["NewPath"])
    old_arn, row.arn = row.arn, iam_arn(ctx, f"{kind}{row.path}{row.name}")
    tags.moved(ctx, old_arn, row.arn)


def check_deletable(session: Session, checks: Iterable[tuple[Any, str]]) -> None:
    """DeleteConflict (``Cannot delete entity, <message>``) for the first ``(condition, message)``
    that some row still meets."""
    for condition, message in checks:
        if session.scalar(select(exists().where(condition))):
            raise DeleteConflict(f"Cannot delete entity, {message}")


def policy_checks(kind: str, pk: int) -> list[tuple[Any, str]]:
    """:func:`check_deletable`'s checks for a user's, group's or role's inline and attached policies."""
    return [
        (
            (IamInlinePolicy.principal_type == kind) & (IamInlinePolicy.principal_pk == pk),
            "must delete policies first.",
        ),
        (
            (IamPolicyAttachment.principal_type == kind) & (IamPolicyAttachment.principal_pk == pk),
            "must detach all policies first.",
        ),
    ]


def check_status(value: str) -> str:
    """An access key's, certificate's or credential's new ``Status``."""
    if value not in ("Active", "Inactive"):
        raise validation(value, "status", "Member must satisfy enum value set: [Active, Inactive]")
    return value


def count(session: Session, model: Any, *where: Any) -> int:
    """How many ``model`` rows match ``where``."""
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def account_row(ctx: RequestContext) -> IamAccount:
    row = ctx.session.get(IamAccount, ctx.account_id)
    if row is None:
        row = IamAccount(account_id=ctx.account_id)
        ctx.session.add(row)
        ctx.session.flush()
    return row


def encode_document(document: str) -> str:
    """Policy documents travel URL-encoded in IAM's responses (botocore decodes them)."""
    return quote(document, safe="")


# -- pagination -----------------------------------------------------------------------------
#
# Keyset pages through :mod:`awsmock.engine.pager`: the Marker is the pager's token, bound to
# its listing (the operation, and the entity whose members it lists); IsTruncated is true
# exactly when there is a Marker.

#: MaxItems when the request gives none (the model bounds it to 1..1000)
PAGE_SIZE = 100


def _scope(ctx: RequestContext, owner: Any) -> str:
    """The listing a Marker belongs to: the operation, and the row whose members it lists (its
    primary key digested, so that a Marker stays within IAM's 320 characters)."""
    if owner is None:
        return ctx.operation
    identity = repr(inspect(owner).identity).encode()
    return f"{ctx.operation}/{hashlib.blake2s(identity, digest_size=6).hexdigest()}"


def _request(ctx: RequestContext, params: dict[str, Any], owner: Any) -> dict[str, Any]:
    """What the request asks of the pager: its page size, where to go on, in which listing."""
    return {
        "limit": params.get("MaxItems") or PAGE_SIZE,
        "token": params.get("Marker"),
        "scope": _scope(ctx, owner),
        "invalid": invalid_marker,
    }


def _answer(found: pager.Page[T]) -> tuple[list[T], dict[str, Any]]:
    if found.token is None:
        return found.rows, {"IsTruncated": False}
    return found.rows, {"IsTruncated": True, "Marker": found.token}


def page_query(
    ctx: RequestContext,
    stmt: Select[Any],
    params: dict[str, Any],
    *,
    keys: Sequence[Any],
    owner: Any = None,
    scalars: bool = True,
) -> tuple[list[Any], dict[str, Any]]:
    """One page of the rows ``stmt`` selects, in the order of ``keys`` (unique together), and
    its ``IsTruncated``/``Marker``. ``owner``: the row whose members are listed; ``scalars``:
    the rows are the selected entities (else result rows)."""
    return _answer(pager.page(ctx.session, stmt, keys=keys, scalars=scalars, **_request(ctx, params, owner)))


def page_items(
    ctx: RequestContext,
    items: Sequence[T],
    params: dict[str, Any],
    *,
    key: Callable[[T], Any],
    owner: Any = None,
) -> tuple[list[T], dict[str, Any]]:
    """:func:`page_query` for a list IAM computed, sorted by ``key`` (unique, JSON-able)."""
    return _answer(pager.page_list(items, key=key, **_request(ctx, params, owner)))


def list_by_path(ctx: RequestContext, model: Any, params: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """One page of the account's ``model`` entities under ``PathPrefix``, by name (List{Users,...})."""
    q = select(model).where(
        model.account_id == ctx.account_id,
        model.path.startswith(params.get("PathPrefix") or "/", autoescape=True),
    )
    return page_query(ctx, q, params, keys=(model.name_lower,))


# -- tags -----------------------------------------------------------------------------------


def register_tagging(
    resource: str,
    get: Callable[[RequestContext, dict[str, Any]], Any],
    get_listed: Callable[[RequestContext, dict[str, Any]], Any] | None = None,
    *,
    arn: Callable[[Any], str] = lambda row: str(row.arn),
) -> None:
    """Register Tag<resource>, Untag<resource> and List<resource>Tags on the entity
    ``get(ctx, params)`` finds (``get_listed`` for listing, when that finds more); ``arn(row)``
    is the ARN its tags are kept by. List*Tags pages by key."""
    listed = get_listed or get

    def tag(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        tags.add(ctx, arn(get(ctx, params)), params.get("Tags"))
        return {}

    def untag(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        tags.remove(ctx, arn(get(ctx, params)), params.get("TagKeys"))
        return {}

    def list_tags(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row = listed(ctx, params)
        found = tags.listed(ctx.session, arn(row))
        page, meta = page_items(ctx, found, params, key=lambda t: t["Key"], owner=row)
        return {"Tags": page, **meta}

    handler("iam", f"Tag{resource}")(tag)
    handler("iam", f"Untag{resource}")(untag)
    handler("iam", f"List{resource}Tags")(list_tags)


def boundary(arn: str | None) -> dict[str, Any]:
    if not arn:
        return {}
    return {"PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}}


# -- output shapes --------------------------------------------------------------------------


def user_out(
    user: IamUser, *, full: bool = False, tagged: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """A user as IAM answers it; ``full``: with its boundary and ``tagged`` (its tags), as
    GetUser does."""
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
        tags.with_tags(out, tagged or [])
    return out


def group_out(group: IamGroup) -> dict[str, Any]:
    return {
        "Path": group.path,
        "GroupName": group.name,
        "GroupId": group.unique_id,
        "Arn": group.arn,
        "CreateDate": group.create_date,
    }


def role_out(
    role: IamRole, *, full: bool = False, tagged: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """A role as IAM answers it; ``full``: with its boundary, ``tagged`` (its tags) and last
    use, as GetRole does."""
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
        tags.with_tags(out, tagged or [])
        last: dict[str, Any] = {}
        if role.last_used_date is not None:
            last = {"LastUsedDate": role.last_used_date, "Region": role.last_used_region}
        out["RoleLastUsed"] = last
    return out
