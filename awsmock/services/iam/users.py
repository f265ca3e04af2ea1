"""IAM users and their login profiles."""

from __future__ import annotations

from functools import partial
from typing import Any

from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.iam import (
    IamAccessKey,
    IamGroupMember,
    IamLoginProfile,
    IamMfaDevice,
    IamServiceCredential,
    IamSigningCertificate,
    IamSshPublicKey,
    IamUser,
)

from . import tags
from .common import (
    caller_user,
    check_deletable,
    check_path,
    entity_fields,
    get_user,
    list_by_path,
    policy_checks,
    register_tagging,
    rename,
    user_out,
)
from .errors import EntityAlreadyExists, NoSuchEntity, already_exists


@handler("iam", "CreateUser")
def create_user(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["UserName"]
    path = check_path(params.get("Path"))
    fields = entity_fields(
        ctx, IamUser, name, path, kind="user", id_prefix="AIDA", taken=already_exists("User", name)
    )
    new_tags = tags.checked(params.get("Tags"))
    user = IamUser(**fields, permissions_boundary=params.get("PermissionsBoundary"))
    ctx.session.add(user)
    ctx.session.flush()
    tags.created(ctx, user.arn, new_tags, params.get("Tags"))
    return {"User": _full(ctx, user)}


def _full(ctx: RequestContext, user: IamUser) -> dict[str, Any]:
    return user_out(user, full=True, tagged=tags.listed(ctx.session, user.arn))


@handler("iam", "GetUser")
def get_user_op(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("UserName")
    if not name and ctx.principal_arn is None:
        # the account root: IAM answers with the root user
        return {
            "User": {
                "Path": "/",
                "UserName": "root",
                "UserId": ctx.account_id,
                "Arn": ctx.account_root(),
                "CreateDate": ctx.now,
            }
        }
    return {"User": _full(ctx, caller_user(ctx, name))}


@handler("iam", "ListUsers")
def list_users(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    page, meta = list_by_path(ctx, IamUser, params)
    return {"Users": [user_out(u) for u in page], **meta}


@handler("iam", "UpdateUser")
def update_user(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = get_user(ctx, params["UserName"])
    rename(ctx, user, params, "NewUserName", kind="user", taken=partial(already_exists, "User"))
    return {}


@handler("iam", "DeleteUser")
def delete_user(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = get_user(ctx, params["UserName"])
    check_deletable(
        ctx.session,
        [
            (IamLoginProfile.user_pk == user.pk, "must delete login profile first."),
            (IamAccessKey.user_pk == user.pk, "must delete access keys first."),
            (IamSigningCertificate.user_pk == user.pk, "must delete signing certificates first."),
            (IamMfaDevice.user_pk == user.pk, "must delete MFA device first."),
            (IamSshPublicKey.user_pk == user.pk, "must delete SSH public keys first."),
            (IamServiceCredential.user_pk == user.pk, "must delete service specific credentials first."),
            *policy_checks("user", user.pk),
            (IamGroupMember.user_pk == user.pk, "must remove user from all groups first."),
        ],
    )
    ctx.session.delete(user)
    tags.drop(ctx, user.arn)
    return {}


register_tagging("User", lambda ctx, params: get_user(ctx, params["UserName"]))


@handler("iam", "PutUserPermissionsBoundary")
def put_user_boundary(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    from .policies import attachable_policy

    user = get_user(ctx, params["UserName"])
    user.permissions_boundary = attachable_policy(ctx, params["PermissionsBoundary"]).arn
    return {}


@handler("iam", "DeleteUserPermissionsBoundary")
def delete_user_boundary(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    get_user(ctx, params["UserName"]).permissions_boundary = None
    return {}


# -- login profiles ---------------------------------------------------------------------------


def _profile(ctx: RequestContext, user: IamUser) -> IamLoginProfile:
    profile = ctx.session.get(IamLoginProfile, user.pk)
    if profile is None:
        raise NoSuchEntity(f"Login Profile for User {user.name} cannot be found.")
    return profile


def _profile_out(user: IamUser, profile: IamLoginProfile) -> dict[str, Any]:
    return {
        "LoginProfile": {
            "UserName": user.name,
            "CreateDate": profile.create_date,
            "PasswordResetRequired": profile.password_reset_required,
        }
    }


@handler("iam", "CreateLoginProfile")
def create_login_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    from .account import check_password

    user = caller_user(ctx, params.get("UserName"))
    if ctx.session.get(IamLoginProfile, user.pk) is not None:
        raise EntityAlreadyExists(f"Login Profile for user {user.name} already exists.")
    check_password(ctx, params.get("Password") or "")
    profile = IamLoginProfile(
        user_pk=user.pk,
        password=params.get("Password") or "",
        password_reset_required=bool(params.get("PasswordResetRequired")),
        create_date=ctx.now,
    )
    ctx.session.add(profile)
    return _profile_out(user, profile)


@handler("iam", "GetLoginProfile")
def get_login_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = caller_user(ctx, params.get("UserName"))
    return _profile_out(user, _profile(ctx, user))


@handler("iam", "UpdateLoginProfile")
def update_login_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    from .account import check_password

    user = get_user(ctx, params["UserName"])
    profile = _profile(ctx, user)
    if params.get("Password") is not None:
        check_password(ctx, params["Password"])
        profile.password = params["Password"]
    if params.get("PasswordResetRequired") is not None:
        profile.password_reset_required = bool(params["PasswordResetRequired"])
    return {}


@handler("iam", "DeleteLoginProfile")
def delete_login_profile(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = caller_user(ctx, params.get("UserName"))
    ctx.session.delete(_profile(ctx, user))
    return {}


@handler("iam", "ChangePassword")
def change_password(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    from .account import check_password
    from .errors import InvalidInput

    user = caller_user(ctx, None)
    profile = _profile(ctx, user)
    if profile.password != params["OldPassword"]:
        raise InvalidInput("The old password was incorrect.")
    check_password(ctx, params["NewPassword"])
    profile.password = params["NewPassword"]
    profile.password_reset_required = False
    return {}
