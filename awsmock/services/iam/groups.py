"""IAM groups and their membership."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from awsmock.context import RequestContext
from awsmock.models.iam import IamGroup, IamGroupMember, IamInlinePolicy, IamPolicyAttachment, IamUser
from awsmock.registry import handler

from .common import (
    check_path,
    find,
    get_group,
    get_user,
    group_out,
    iam_arn,
    new_id,
    paginate,
    user_out,
)
from .errors import DeleteConflict, LimitExceeded, already_exists

GROUPS_PER_USER = 10


@handler("iam", "CreateGroup")
def create_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["GroupName"]
    path = check_path(params.get("Path"))
    if find(ctx.session, IamGroup, ctx.account_id, name) is not None:
        raise already_exists("Group", name)
    group = IamGroup(
        account_id=ctx.account_id,
        name=name,
        name_lower=name.lower(),
        path=path,
        arn=iam_arn(ctx.account_id, "group", path, name),
        unique_id=new_id("AGPA"),
        create_date=ctx.now,
        tags=[],
    )
    ctx.session.add(group)
    ctx.session.flush()
    return {"Group": group_out(group)}


def members(ctx: RequestContext, group: IamGroup) -> list[IamUser]:
    q = (
        select(IamUser)
        .join(IamGroupMember, IamGroupMember.user_pk == IamUser.pk)
        .where(IamGroupMember.group_pk == group.pk)
        .order_by(IamUser.name_lower)
    )
    return list(ctx.session.scalars(q))


def groups_of(ctx: RequestContext, user: IamUser) -> list[IamGroup]:
    q = (
        select(IamGroup)
        .join(IamGroupMember, IamGroupMember.group_pk == IamGroup.pk)
        .where(IamGroupMember.user_pk == user.pk)
        .order_by(IamGroup.name_lower)
    )
    return list(ctx.session.scalars(q))


@handler("iam", "GetGroup")
def get_group_op(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = get_group(ctx, params["GroupName"])
    page, meta = paginate(members(ctx, group), params)
    return {"Group": group_out(group), "Users": [user_out(u) for u in page], **meta}


@handler("iam", "ListGroups")
def list_groups(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    q = select(IamGroup).where(
        IamGroup.account_id == ctx.account_id, IamGroup.path.startswith(params.get("PathPrefix") or "/")
    )
    page, meta = paginate(list(ctx.session.scalars(q.order_by(IamGroup.name_lower))), params)
    return {"Groups": [group_out(g) for g in page], **meta}


@handler("iam", "ListGroupsForUser")
def list_groups_for_user(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = get_user(ctx, params["UserName"])
    page, meta = paginate(groups_of(ctx, user), params)
    return {"Groups": [group_out(g) for g in page], **meta}


@handler("iam", "UpdateGroup")
def update_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = get_group(ctx, params["GroupName"])
    new_name = params.get("NewGroupName")
    if (
        new_name
        and new_name.lower() != group.name_lower
        and find(ctx.session, IamGroup, ctx.account_id, new_name) is not None
    ):
        raise already_exists("Group", new_name)
    if new_name:
        group.name = new_name
        group.name_lower = new_name.lower()
    if params.get("NewPath"):
        group.path = check_path(params["NewPath"])
    group.arn = iam_arn(ctx.account_id, "group", group.path, group.name)
    return {}


@handler("iam", "DeleteGroup")
def delete_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = get_group(ctx, params["GroupName"])
    s = ctx.session
    if s.scalar(select(exists().where(IamGroupMember.group_pk == group.pk))):
        raise DeleteConflict("Cannot delete entity, must remove users from group first.")
    if s.scalar(
        select(
            exists().where(
                IamInlinePolicy.principal_type == "group", IamInlinePolicy.principal_pk == group.pk
            )
        )
    ):
        raise DeleteConflict("Cannot delete entity, must delete policies first.")
    if s.scalar(
        select(
            exists().where(
                IamPolicyAttachment.principal_type == "group", IamPolicyAttachment.principal_pk == group.pk
            )
        )
    ):
        raise DeleteConflict("Cannot delete entity, must detach all policies first.")
    s.delete(group)
    return {}


@handler("iam", "AddUserToGroup")
def add_user_to_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = get_group(ctx, params["GroupName"])
    user = get_user(ctx, params["UserName"])
    if ctx.session.get(IamGroupMember, (group.pk, user.pk)) is None:
        if len(groups_of(ctx, user)) >= GROUPS_PER_USER:
            raise LimitExceeded(f"Cannot exceed quota for GroupsPerUser: {GROUPS_PER_USER}")
        ctx.session.add(IamGroupMember(group_pk=group.pk, user_pk=user.pk))
    return {}


@handler("iam", "RemoveUserFromGroup")
def remove_user_from_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = get_group(ctx, params["GroupName"])
    user = get_user(ctx, params["UserName"])
    row = ctx.session.get(IamGroupMember, (group.pk, user.pk))
    if row is not None:
        ctx.session.delete(row)
    return {}
