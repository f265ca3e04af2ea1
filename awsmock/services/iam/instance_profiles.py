"""Instance profiles (one role each, as in IAM)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from awsmock.context import RequestContext
from awsmock.models.iam import IamInstanceProfile, IamInstanceProfileRole, IamRole
from awsmock.registry import handler

from .common import (
    check_new_tags,
    check_path,
    find,
    get_role,
    iam_arn,
    merge_tags,
    new_id,
    paginate,
    remove_tags,
    role_out,
    tag_page,
)
from .errors import DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity


def _get(ctx: RequestContext, name: str) -> IamInstanceProfile:
    profile = find(ctx.session, IamInstanceProfile, ctx.account_id, name)
    if profile is None:
        raise NoSuchEntity(f"Instance Profile {name} cannot be found.")
    return profile


def _roles(ctx: RequestContext, profile: IamInstanceProfile) -> list[IamRole]:
    q = (
        select(IamRole)
        .join(IamInstanceProfileRole, IamInstanceProfileRole.role_pk == IamRole.pk)
        .where(IamInstanceProfileRole.profile_pk == profile.pk)
    )
    return list(ctx.session.scalars(q))


def profile_out(ctx: RequestContext, profile: IamInstanceProfile) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Path": profile.path,
        "InstanceProfileName": profile.name,
        "InstanceProfileId": profile.unique_id,
        "Arn": profile.arn,
        "CreateDate": profile.create_date,
        "Roles": [role_out(r) for r in _roles(ctx, profile)],
    }
    if profile.tags:
        out["Tags"] = list(profile.tags)
    return out


@handler("iam", "CreateInstanceProfile")
def create_instance_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["InstanceProfileName"]
    path = check_path(params.get("Path"))
    if find(ctx.session, IamInstanceProfile, ctx.account_id, name) is not None:
        raise EntityAlreadyExists(f"Instance Profile {name} already exists.")
    profile = IamInstanceProfile(
        account_id=ctx.account_id,
        name=name,
        name_lower=name.lower(),
        path=path,
        arn=iam_arn(ctx.account_id, "instance-profile", path, name),
        unique_id=new_id("AIPA"),
        create_date=ctx.now,
        tags=check_new_tags(params.get("Tags")),
    )
    ctx.session.add(profile)
    ctx.session.flush()
    return {"InstanceProfile": profile_out(ctx, profile)}


@handler("iam", "GetInstanceProfile")
def get_instance_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"InstanceProfile": profile_out(ctx, _get(ctx, params["InstanceProfileName"]))}


@handler("iam", "ListInstanceProfiles")
def list_instance_profiles(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    q = select(IamInstanceProfile).where(
        IamInstanceProfile.account_id == ctx.account_id,
        IamInstanceProfile.path.startswith(params.get("PathPrefix") or "/"),
    )
    page, meta = paginate(list(ctx.session.scalars(q.order_by(IamInstanceProfile.name_lower))), params)
    return {"InstanceProfiles": [profile_out(ctx, p) for p in page], **meta}


@handler("iam", "ListInstanceProfilesForRole")
def list_instance_profiles_for_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    role = get_role(ctx, params["RoleName"])
    q = (
        select(IamInstanceProfile)
        .join(IamInstanceProfileRole, IamInstanceProfileRole.profile_pk == IamInstanceProfile.pk)
        .where(IamInstanceProfileRole.role_pk == role.pk)
        .order_by(IamInstanceProfile.name_lower)
    )
    page, meta = paginate(list(ctx.session.scalars(q)), params)
    return {"InstanceProfiles": [profile_out(ctx, p) for p in page], **meta}


@handler("iam", "DeleteInstanceProfile")
def delete_instance_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    profile = _get(ctx, params["InstanceProfileName"])
    if _roles(ctx, profile):
        raise DeleteConflict("Cannot delete entity, must remove roles from instance profile first.")
    ctx.session.delete(profile)
    return {}


@handler("iam", "AddRoleToInstanceProfile")
def add_role_to_instance_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    profile = _get(ctx, params["InstanceProfileName"])
    role = get_role(ctx, params["RoleName"])
    roles = _roles(ctx, profile)
    if any(r.pk == role.pk for r in roles):
        raise EntityAlreadyExists(
            f"Role {role.name} is already associated with instance profile {profile.name}."
        )
    if roles:
        raise LimitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
    ctx.session.add(IamInstanceProfileRole(profile_pk=profile.pk, role_pk=role.pk))
    return {}


@handler("iam", "RemoveRoleFromInstanceProfile")
def remove_role_from_instance_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    profile = _get(ctx, params["InstanceProfileName"])
    role = get_role(ctx, params["RoleName"])
    row = ctx.session.get(IamInstanceProfileRole, (profile.pk, role.pk))
    if row is None:
        raise NoSuchEntity(f"Role {role.name} in Instance Profile {profile.name} cannot be found.")
    ctx.session.delete(row)
    return {}


@handler("iam", "TagInstanceProfile")
def tag_instance_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    profile = _get(ctx, params["InstanceProfileName"])
    profile.tags = merge_tags(profile.tags, params.get("Tags"))
    return {}


@handler("iam", "UntagInstanceProfile")
def untag_instance_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    profile = _get(ctx, params["InstanceProfileName"])
    profile.tags = remove_tags(profile.tags, params.get("TagKeys"))
    return {}


@handler("iam", "ListInstanceProfileTags")
def list_instance_profile_tags(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return tag_page(_get(ctx, params["InstanceProfileName"]).tags, params)
