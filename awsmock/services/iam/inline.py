"""Inline policies of users, groups and roles (Put/Get/List/Delete{User,Group,Role}Policy)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.iam import IamInlinePolicy

from .common import encode_document, get_group, get_role, get_user, page_query
from .documents import INLINE_GROUP_SIZE, INLINE_ROLE_SIZE, INLINE_USER_SIZE, validate_identity_policy
from .errors import NoSuchEntity

#: kind -> (title, name param, size limit, quota name)
KINDS = {
    "user": ("User", "UserName", INLINE_USER_SIZE, "UserPolicySize"),
    "group": ("Group", "GroupName", INLINE_GROUP_SIZE, "GroupPolicySize"),
    "role": ("Role", "RoleName", INLINE_ROLE_SIZE, "RolePolicySize"),
}


def _owner(ctx: RequestContext, kind: str, params: dict[str, Any]) -> Any:
    name = params[KINDS[kind][1]]
    return {"user": get_user, "group": get_group, "role": get_role}[kind](ctx, name)


def _get(ctx: RequestContext, kind: str, owner: Any, name: str) -> IamInlinePolicy:
    row = ctx.session.get(IamInlinePolicy, (kind, owner.pk, name))
    if row is None:
        raise NoSuchEntity(f"The {kind} policy with name {name} cannot be found.")
    return row


def put(ctx: RequestContext, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    owner = _owner(ctx, kind, params)
    _, _, limit, quota = KINDS[kind]
    document = validate_identity_policy(params["PolicyDocument"], limit=limit, what=quota)
    name = params["PolicyName"]
    row = ctx.session.get(IamInlinePolicy, (kind, owner.pk, name))
    if row is None:
        ctx.session.add(
            IamInlinePolicy(
                account_id=ctx.account_id,
                principal_type=kind,
                principal_pk=owner.pk,
                name=name,
                document=document,
            )
        )
    else:
        row.document = document
    return {}


def get(ctx: RequestContext, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    owner = _owner(ctx, kind, params)
    row = _get(ctx, kind, owner, params["PolicyName"])
    _, key, _, _ = KINDS[kind]
    return {key: owner.name, "PolicyName": row.name, "PolicyDocument": encode_document(row.document)}


def list_(ctx: RequestContext, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    owner = _owner(ctx, kind, params)
    q = select(IamInlinePolicy).where(
        IamInlinePolicy.principal_type == kind, IamInlinePolicy.principal_pk == owner.pk
    )
    page, meta = page_query(ctx, q, params, keys=(IamInlinePolicy.name,), owner=owner)
    return {"PolicyNames": [row.name for row in page], **meta}


def delete(ctx: RequestContext, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    owner = _owner(ctx, kind, params)
    ctx.session.delete(_get(ctx, kind, owner, params["PolicyName"]))
    return {}


def _register(kind: str, title: str) -> None:
    def put_op(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return put(ctx, kind, params)

    def get_op(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return get(ctx, kind, params)

    def list_op(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return list_(ctx, kind, params)

    def delete_op(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return delete(ctx, kind, params)

    handler("iam", f"Put{title}Policy")(put_op)
    handler("iam", f"Get{title}Policy")(get_op)
    handler("iam", f"List{title}Policies")(list_op)
    handler("iam", f"Delete{title}Policy")(delete_op)


for _kind, (_title, *_rest) in KINDS.items():
    _register(_kind, _title)
