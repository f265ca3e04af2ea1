"""Instance profiles (one role each, as in IAM)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.iam import IamInstanceProfile, IamInstanceProfileRole, IamRole

from . import tags
from .common import (
    check_path,
    entity_fields,
    get_role,
    list_by_path,
    named,
    page_query,
    register_tagging,
    role_out,
)
from .errors import DeleteConflict, EntityAlreadyExists, LimitExceeded, NoSuchEntity


def _get(ctx: RequestContext, name: str) -> IamInstanceProfile:
    return named(ctx, IamInstanceProfile, name, NoSuchEntity(f"Instance Profile {name} cannot be found."))


def _roles(ctx: RequestContext, profile: IamInstanceProfile) -> list[IamRole]:
    q = (
        select(IamRole)
        .join(IamInstanceProfileRole, IamInstanceProfileRole.role_pk == IamRole.pk)
        .where(IamInstanceProfileRole.profile_pk == profile.pk)
    )
    return list(ctx.session.scalars(q))


def profile_out(ctx: RequestContext, profile: IamInstanceProfile) -> dict[str, Any]:
    out = {
        "Path": profile.path,
        "InstanceProfileName": profile.name,
        "InstanceProfileId": profile.unique_id,
        "Arn": profile.arn,
        "CreateDate": profile.create_date,
        "Roles": [role_out(r) for r in _roles(ctx, profile)],
    }
    return tags.tagged(ctx.session, out, profile.arn)


@handler("iam", "CreateInstanceProfile")
def create_instance_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["InstanceProfileName"]
    path = check_path(params.get("Path"))
    taken = EntityAlreadyExists(f"Instance Profile {name} already exists.")
    fields = entity_fields(
        ctx, IamInstanceProfile, name, path, kind="instance-profile", id_prefix="AIPA", taken=taken
    )
    new_tags = tags.checked(params.get("Tags"))
    profile = IamInstanceProfile(**fields)
    ctx.session.add(profile)
    ctx.session.flush()
    tags.created(ctx, profile.arn, new_tags, params.get("Tags"))
    return {"InstanceProfile": profile_out(ctx, profile)}


@handler("iam", "GetInstanceProfile")
def get_instance_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"InstanceProfile": profile_out(ctx, _get(ctx, params["InstanceProfileName"]))}


@handler("iam", "ListInstanceProfiles")
def list_instance_profiles(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    page, meta = list_by_path(ctx, IamInstanceProfile, params)
    return {"InstanceProfiles": [profile_out(ctx, p) for p in page], **meta}


@handler("iam", "ListInstanceProfilesForRole")
def list_instance_profiles_for_role(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    role = get_role(ctx, params["RoleName"])
    q = (
        select(IamInstanceProfile)
        .join(IamInstanceProfileRole, IamInstanceProfileRole.profile_pk == IamInstanceProfile.pk)
        .where(IamInstanceProfileRole.role_pk == role.pk)
    )
    page, meta = page_query(ctx, q, params, keys=(IamInstanceProfile.name_lower,), owner=role)
    return {"InstanceProfiles": [profile_out(ctx, p) for p in page], **meta}


@handler("iam", "DeleteInstanceProfile")
def delete_instance_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    profile = _get(ctx, params["InstanceProfileName"])
    if _roles(ctx, profile):
        raise DeleteConflict("Cannot delete entity, must remove roles from instance profile first.")
    ctx.session.delete(profile)
    tags.drop(ctx, profile.arn)
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


register_tagging("InstanceProfile", lambda ctx, params: _get(ctx, params["InstanceProfileName"]))
