"""IAM groups and their membership."""

from __future__ import annotations

from functools import partial
from typing import Any

from sqlalchemy import select

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.iam import IamGroup, IamGroupMember, IamUser

from . import tags
from .common import (
    check_deletable,
    check_path,
    count,
    entity_fields,
    get_group,
    get_user,
    group_out,
    list_by_path,
    page_query,
    policy_checks,
    rename,
    user_out,
)
from .errors import LimitExceeded, already_exists

GROUPS_PER_USER = 10


@handler("iam", "CreateGroup")
def create_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["GroupName"]
    path = check_path(params.get("Path"))
    taken = already_exists("Group", name)
    group = IamGroup(**entity_fields(ctx, IamGroup, name, path, kind="group", id_prefix="AGPA", taken=taken))
    ctx.session.add(group)
    ctx.session.flush()
    return {"Group": group_out(group)}


@handler("iam", "GetGroup")
def get_group_op(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = get_group(ctx, params["GroupName"])
    q = (
        select(IamUser)
        .join(IamGroupMember, IamGroupMember.user_pk == IamUser.pk)
        .where(IamGroupMember.group_pk == group.pk)
    )
    page, meta = page_query(ctx, q, params, keys=(IamUser.name_lower,), owner=group)
    return {"Group": group_out(group), "Users": [user_out(u) for u in page], **meta}


@handler("iam", "ListGroups")
def list_groups(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    page, meta = list_by_path(ctx, IamGroup, params)
    return {"Groups": [group_out(g) for g in page], **meta}


@handler("iam", "ListGroupsForUser")
def list_groups_for_user(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = get_user(ctx, params["UserName"])
    q = (
        select(IamGroup)
        .join(IamGroupMember, IamGroupMember.group_pk == IamGroup.pk)
        .where(IamGroupMember.user_pk == user.pk)
    )
    page, meta = page_query(ctx, q, params, keys=(IamGroup.name_lower,), owner=user)
    return {"Groups": [group_out(g) for g in page], **meta}


@handler("iam", "UpdateGroup")
def update_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = get_group(ctx, params["GroupName"])
    rename(ctx, group, params, "NewGroupName", kind="group", taken=partial(already_exists, "Group"))
    return {}


@handler("iam", "DeleteGroup")
def delete_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = get_group(ctx, params["GroupName"])
    check_deletable(
        ctx.session,
        [
            (IamGroupMember.group_pk == group.pk, "must remove users from group first."),
            *policy_checks("group", group.pk),
        ],
    )
    ctx.session.delete(group)
    tags.drop(ctx, group.arn)
    return {}


@handler("iam", "AddUserToGroup")
def add_user_to_group(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = get_group(ctx, params["GroupName"])
    user = get_user(ctx, params["UserName"])
    if ctx.session.get(IamGroupMember, (group.pk, user.pk)) is None:
        if count(ctx.session, IamGroupMember, IamGroupMember.user_pk == user.pk) >= GROUPS_PER_USER:
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
