"""Managed policies: versions, the default version, attachments to users/groups/roles."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, literal, select, union_all

from awsmock.engine.context import RequestContext
from awsmock.engine.inventory import like_escape
from awsmock.engine.registry import handler
from awsmock.models.iam import (
    IamGroup,
    IamPolicy,
    IamPolicyAttachment,
    IamPolicyVersion,
    IamRole,
    IamUser,
)

from . import tags
from .aws_managed import ensure_all, ensure_aws_managed, is_aws_managed, is_managed_account, managed_account
from .common import (
    check_path,
    count,
    encode_document,
    entity_fields,
    get_group,
    get_role,
    get_user,
    page_items,
    page_query,
    register_tagging,
)
from .documents import validate_identity_policy
from .errors import DeleteConflict, EntityAlreadyExists, InvalidInput, LimitExceeded, NoSuchEntity

MAX_VERSIONS = 5
ATTACHED_PER_PRINCIPAL = 10
PRINCIPAL_QUOTA = {"user": "PoliciesPerUser", "group": "PoliciesPerGroup", "role": "PoliciesPerRole"}


def find_policy(ctx: RequestContext, arn: str) -> IamPolicy | None:
    if is_aws_managed(arn):
        return ensure_aws_managed(ctx.session, arn)
    return ctx.session.scalar(
        select(IamPolicy).where(IamPolicy.account_id == ctx.account_id, IamPolicy.arn == arn)
    )


def get_policy(ctx: RequestContext, arn: str) -> IamPolicy:
    policy = find_policy(ctx, arn)
    if policy is None:
        raise NoSuchEntity(f"Policy {arn} was not found.")
    return policy


def attachable_policy(ctx: RequestContext, arn: str) -> IamPolicy:
    policy = find_policy(ctx, arn)
    if policy is None:
        raise NoSuchEntity(f"Policy {arn} does not exist or is not attachable.")
    return policy


def _attachment_count(ctx: RequestContext, policy: IamPolicy) -> int:
    return count(ctx.session, IamPolicyAttachment, IamPolicyAttachment.policy_pk == policy.pk)


def _boundary_count(ctx: RequestContext, policy: IamPolicy) -> int:
    users = count(ctx.session, IamUser, IamUser.permissions_boundary == policy.arn)
    return users + count(ctx.session, IamRole, IamRole.permissions_boundary == policy.arn)


def policy_out(
    ctx: RequestContext, policy: IamPolicy, *, full: bool = True, tagged: bool = True
) -> dict[str, Any]:
    """A managed policy as IAM answers it; ``full``: with its description and (``tagged``) its
    tags, as GetPolicy does."""
    out: dict[str, Any] = {
        "PolicyName": policy.name,
        "PolicyId": policy.unique_id,
        "Arn": policy.arn,
        "Path": policy.path,
        "DefaultVersionId": policy.default_version,
        "AttachmentCount": _attachment_count(ctx, policy),
        "PermissionsBoundaryUsageCount": _boundary_count(ctx, policy),
        "IsAttachable": True,
        "CreateDate": policy.create_date,
        "UpdateDate": policy.update_date,
    }
    if full and policy.description:
        out["Description"] = policy.description
    if full and tagged:
        tags.tagged(ctx.session, out, policy.arn)
    return out


def _versions(ctx: RequestContext, policy: IamPolicy) -> list[IamPolicyVersion]:
    q = select(IamPolicyVersion).where(IamPolicyVersion.policy_pk == policy.pk)
    return sorted(ctx.session.scalars(q), key=_number, reverse=True)


def _number(version: IamPolicyVersion) -> int:
    return int(version.version_id[1:])


def version_out(policy: IamPolicy, version: IamPolicyVersion, *, document: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "VersionId": version.version_id,
        "IsDefaultVersion": version.version_id == policy.default_version,
        "CreateDate": version.create_date,
    }
    if document:
        out["Document"] = encode_document(version.document)
    return out


@handler("iam", "CreatePolicy")
def create_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["PolicyName"]
    path = check_path(params.get("Path"))
    document = validate_identity_policy(params["PolicyDocument"])
    taken = EntityAlreadyExists(f"A policy called {name} already exists. Duplicate names are not allowed.")
    fields = entity_fields(ctx, IamPolicy, name, path, kind="policy", id_prefix="ANPA", taken=taken)
    new_tags = tags.checked(params.get("Tags"))
    policy = IamPolicy(
        **fields,
        update_date=ctx.now,
        description=params.get("Description"),
        default_version="v1",
        next_version=2,
    )
    ctx.session.add(policy)
    ctx.session.flush()
    tags.created(ctx, policy.arn, new_tags, params.get("Tags"))
    ctx.session.add(
        IamPolicyVersion(policy_pk=policy.pk, version_id="v1", document=document, create_date=ctx.now)
    )
    out = policy_out(ctx, policy)
    out.pop("Description", None)
    return {"Policy": out}


@handler("iam", "GetPolicy")
def get_policy_op(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"Policy": policy_out(ctx, get_policy(ctx, params["PolicyArn"]))}


@handler("iam", "ListPolicies")
def list_policies(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    scope = params.get("Scope") or "All"
    managed = managed_account(ctx.partition)
    accounts = {"All": [ctx.account_id, managed], "AWS": [managed], "Local": [ctx.account_id]}[scope]
    if managed in accounts:
        ensure_all(ctx.session, ctx.partition)
    q = select(IamPolicy).where(
        IamPolicy.account_id.in_(accounts),
        IamPolicy.path.startswith(params.get("PathPrefix") or "/", autoescape=True),
    )
    if params.get("OnlyAttached"):
        q = q.where(select(IamPolicyAttachment).where(IamPolicyAttachment.policy_pk == IamPolicy.pk).exists())
    if params.get("PolicyUsageFilter") == "PermissionsBoundary":
        q = q.where(
            select(IamUser).where(IamUser.permissions_boundary == IamPolicy.arn).exists()
            | select(IamRole).where(IamRole.permissions_boundary == IamPolicy.arn).exists()
        )
    # a local policy may share its name with an AWS managed one
    page, meta = page_query(ctx, q, params, keys=(IamPolicy.name_lower, IamPolicy.pk))
    return {"Policies": [policy_out(ctx, p, full=False) for p in page], **meta}


def _local(ctx: RequestContext, arn: str) -> IamPolicy:
    policy = get_policy(ctx, arn)
    if is_managed_account(policy.account_id):
        raise InvalidInput(f"Policy {arn} is an AWS managed policy and cannot be modified.")
    return policy


@handler("iam", "DeletePolicy")
def delete_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = _local(ctx, params["PolicyArn"])
    if _attachment_count(ctx, policy):
        raise DeleteConflict("Cannot delete a policy attached to entities.")
    if len(_versions(ctx, policy)) > 1:
        raise DeleteConflict(
            "This policy has more than one version. Before you delete a policy, you must delete "
            "the policy's versions. The default version is deleted with the policy."
        )
    ctx.session.execute(delete(IamPolicyVersion).where(IamPolicyVersion.policy_pk == policy.pk))
    ctx.session.delete(policy)
    tags.drop(ctx, policy.arn)
    return {}


@handler("iam", "CreatePolicyVersion")
def create_policy_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = _local(ctx, params["PolicyArn"])
    document = validate_identity_policy(params["PolicyDocument"])
    if len(_versions(ctx, policy)) >= MAX_VERSIONS:
        raise LimitExceeded(
            "A managed policy can have up to 5 versions. Before you create a new version, you "
            "must delete an existing version."
        )
    version = IamPolicyVersion(
        policy_pk=policy.pk, version_id=f"v{policy.next_version}", document=document, create_date=ctx.now
    )
    policy.next_version += 1
    ctx.session.add(version)
    if params.get("SetAsDefault"):
        policy.default_version = version.version_id
    policy.update_date = ctx.now
    return {"PolicyVersion": version_out(policy, version, document=False)}


def _version(ctx: RequestContext, policy: IamPolicy, version_id: str) -> IamPolicyVersion:
    version = ctx.session.get(IamPolicyVersion, (policy.pk, version_id))
    if version is None:
        raise NoSuchEntity(f"Policy {policy.arn} version {version_id} does not exist or is not attachable.")
    return version


@handler("iam", "GetPolicyVersion")
def get_policy_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = get_policy(ctx, params["PolicyArn"])
    return {"PolicyVersion": version_out(policy, _version(ctx, policy, params["VersionId"]))}


@handler("iam", "ListPolicyVersions")
def list_policy_versions(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = get_policy(ctx, params["PolicyArn"])
    newest_first = _versions(ctx, policy)
    page, meta = page_items(ctx, newest_first, params, key=lambda v: -_number(v), owner=policy)
    return {"Versions": [version_out(policy, v, document=False) for v in page], **meta}


@handler("iam", "DeletePolicyVersion")
def delete_policy_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = _local(ctx, params["PolicyArn"])
    version = _version(ctx, policy, params["VersionId"])
    if version.version_id == policy.default_version:
        raise DeleteConflict("Cannot delete the default version of a policy.")
    ctx.session.delete(version)
    return {}


@handler("iam", "SetDefaultPolicyVersion")
def set_default_policy_version(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = _local(ctx, params["PolicyArn"])
    policy.default_version = _version(ctx, policy, params["VersionId"]).version_id
    policy.update_date = ctx.now
    return {}


register_tagging(
    "Policy",
    lambda ctx, params: _local(ctx, params["PolicyArn"]),
    lambda ctx, params: get_policy(ctx, params["PolicyArn"]),
)


# -- attachments ------------------------------------------------------------------------------


#: principal type -> its table
_PRINCIPALS: dict[str, Any] = {"group": IamGroup, "role": IamRole, "user": IamUser}


def _principal(ctx: RequestContext, kind: str, params: dict[str, Any]) -> IamUser | IamGroup | IamRole:
    if kind == "user":
        return get_user(ctx, params["UserName"])
    if kind == "group":
        return get_group(ctx, params["GroupName"])
    return get_role(ctx, params["RoleName"])


def _attach(ctx: RequestContext, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    principal = _principal(ctx, kind, params)
    policy = attachable_policy(ctx, params["PolicyArn"])
    key = (policy.pk, kind, principal.pk)
    if ctx.session.get(IamPolicyAttachment, key) is None:
        attached = count(
            ctx.session,
            IamPolicyAttachment,
            IamPolicyAttachment.principal_type == kind,
            IamPolicyAttachment.principal_pk == principal.pk,
        )
        if attached >= ATTACHED_PER_PRINCIPAL:
            raise LimitExceeded(f"Cannot exceed quota for {PRINCIPAL_QUOTA[kind]}: {ATTACHED_PER_PRINCIPAL}")
        ctx.session.add(
            IamPolicyAttachment(policy_pk=policy.pk, principal_type=kind, principal_pk=principal.pk)
        )
    return {}


def _detach(ctx: RequestContext, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    principal = _principal(ctx, kind, params)
    arn = params["PolicyArn"]
    policy = find_policy(ctx, arn)
    row = (
        ctx.session.get(IamPolicyAttachment, (policy.pk, kind, principal.pk)) if policy is not None else None
    )
    if row is None:
        raise NoSuchEntity(f"Policy {arn} was not found.")
    ctx.session.delete(row)
    return {}


def _attached(ctx: RequestContext, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    principal = _principal(ctx, kind, params)
    q = (
        select(IamPolicy)
        .join(IamPolicyAttachment, IamPolicyAttachment.policy_pk == IamPolicy.pk)
        .where(
            IamPolicyAttachment.principal_type == kind,
            IamPolicyAttachment.principal_pk == principal.pk,
            IamPolicy.path.startswith(params.get("PathPrefix") or "/", autoescape=True),
        )
    )
    page, meta = page_query(ctx, q, params, keys=(IamPolicy.name_lower, IamPolicy.pk), owner=principal)
    return {"AttachedPolicies": [{"PolicyName": p.name, "PolicyArn": p.arn} for p in page], **meta}


for _kind, _title in (("user", "User"), ("group", "Group"), ("role", "Role")):

    def _make(kind: str) -> tuple[Any, Any, Any]:
        def attach(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
            return _attach(ctx, kind, params)

        def detach(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
            return _detach(ctx, kind, params)

        def attached(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
            return _attached(ctx, kind, params)

        return attach, detach, attached

    _a, _d, _l = _make(_kind)
    handler("iam", f"Attach{_title}Policy")(_a)
    handler("iam", f"Detach{_title}Policy")(_d)
    handler("iam", f"ListAttached{_title}Policies")(_l)


#: the account's users, groups and roles a policy is attached to (the statement is made once:
#: the pager reads a page's last row by these very columns)
_ATTACHED = union_all(
    *(
        select(literal(kind).label("kind"), model.name_lower, model.name, model.unique_id)
        .join(
            IamPolicyAttachment,
            (IamPolicyAttachment.principal_type == kind) & (IamPolicyAttachment.principal_pk == model.pk),
        )
        .where(
            IamPolicyAttachment.policy_pk == bindparam("policy_pk"),
            model.account_id == bindparam("account_id"),
            model.path.startswith(bindparam("prefix"), escape="\\"),
        )
        for kind, model in _PRINCIPALS.items()
    )
).subquery()


@handler("iam", "ListEntitiesForPolicy")
def list_entities_for_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = get_policy(ctx, params["PolicyArn"])
    stmt = select(_ATTACHED).params(
        policy_pk=policy.pk, account_id=ctx.account_id, prefix=like_escape(params.get("PathPrefix") or "/")
    )
    wanted = (params.get("EntityFilter") or "").lower()
    if wanted:
        stmt = stmt.where(_ATTACHED.c.kind == wanted)
    keys = (_ATTACHED.c.kind, _ATTACHED.c.name_lower)
    page, meta = page_query(ctx, stmt, params, keys=keys, owner=policy, scalars=False)
    out: dict[str, Any] = {"PolicyGroups": [], "PolicyUsers": [], "PolicyRoles": [], **meta}
    for kind, _, name, unique_id in page:
        title = kind.capitalize()
        out[f"Policy{title}s"].append({f"{title}Name": name, f"{title}Id": unique_id})
    return out
