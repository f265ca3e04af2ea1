"""Account-wide IAM: aliases, the password policy, the summary, the credential report,
GetAccountAuthorizationDetails and the policy simulator."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from sqlalchemy import select

from awsmock.auth import policy as evaluator
from awsmock.engine import arns
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.iam import (
    IamAccessKey,
    IamAccount,
    IamGroup,
    IamGroupMember,
    IamInlinePolicy,
    IamInstanceProfile,
    IamInstanceProfileRole,
    IamLoginProfile,
    IamMfaDevice,
    IamPolicy,
    IamPolicyAttachment,
    IamPolicyVersion,
    IamRole,
    IamServerCertificate,
    IamSigningCertificate,
    IamUser,
)

from . import tags
from .aws_managed import is_managed_account, managed_account
from .common import account_row, boundary, count, encode_document, group_out, role_out, user_out
from .errors import (
    EntityAlreadyExists,
    IamValidationError,
    InvalidInput,
    NoSuchEntity,
    PasswordPolicyViolation,
    ReportNotPresent,
    validation,
)
from .principals import principal_documents, role_by_arn, user_by_arn, user_documents

_ALIAS = re.compile(r"^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$")


# -- aliases ----------------------------------------------------------------------------------


@handler("iam", "CreateAccountAlias")
def create_account_alias(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    alias = params["AccountAlias"]
    if not _ALIAS.match(alias):
        raise validation(
            alias,
            "accountAlias",
            r"Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$",
        )
    owner = ctx.session.scalar(select(IamAccount).where(IamAccount.alias == alias))
    if owner is not None and owner.account_id != ctx.account_id:
        raise EntityAlreadyExists(f"The account alias {alias} already exists.")
    account_row(ctx).alias = alias
    return {}


@handler("iam", "DeleteAccountAlias")
def delete_account_alias(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = ctx.session.get(IamAccount, ctx.account_id)
    if row is None or row.alias != params["AccountAlias"]:
        raise NoSuchEntity(f"The account alias {params['AccountAlias']} cannot be found.")
    row.alias = None
    return {}


@handler("iam", "ListAccountAliases")
def list_account_aliases(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = ctx.session.get(IamAccount, ctx.account_id)
    return {"AccountAliases": [row.alias] if row is not None and row.alias else [], "IsTruncated": False}


# -- password policy --------------------------------------------------------------------------


POLICY_DEFAULTS: dict[str, Any] = {
    "MinimumPasswordLength": 6,
    "RequireSymbols": False,
    "RequireNumbers": False,
    "RequireUppercaseCharacters": False,
    "RequireLowercaseCharacters": False,
    "AllowUsersToChangePassword": False,
    "HardExpiry": False,
}


@handler("iam", "UpdateAccountPasswordPolicy")
def update_account_password_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = dict(POLICY_DEFAULTS)
    policy.update({k: v for k, v in params.items() if v is not None})
    if not 6 <= policy["MinimumPasswordLength"] <= 128:
        raise validation(
            policy["MinimumPasswordLength"],
            "minimumPasswordLength",
            "Member must have value less than or equal to 128",
        )
    account_row(ctx).password_policy = policy
    return {}


def _password_policy(ctx: RequestContext) -> dict[str, Any] | None:
    row = ctx.session.get(IamAccount, ctx.account_id)
    return row.password_policy if row is not None else None


@handler("iam", "GetAccountPasswordPolicy")
def get_account_password_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = _password_policy(ctx)
    if policy is None:
        raise NoSuchEntity(f"The Password Policy with domain name {ctx.account_id} cannot be found.")
    out = dict(policy)
    out["ExpirePasswords"] = bool(policy.get("MaxPasswordAge"))
    return {"PasswordPolicy": out}


@handler("iam", "DeleteAccountPasswordPolicy")
def delete_account_password_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = ctx.session.get(IamAccount, ctx.account_id)
    if row is None or row.password_policy is None:
        raise NoSuchEntity("The account policy with name PasswordPolicy cannot be found.")
    row.password_policy = None
    return {}


def check_password(ctx: RequestContext, password: str) -> None:
    policy = _password_policy(ctx)
    if policy is None:
        return
    ok = len(password) >= int(policy.get("MinimumPasswordLength") or 6)
    if policy.get("RequireSymbols"):
        ok = ok and any(not c.isalnum() for c in password)
    if policy.get("RequireNumbers"):
        ok = ok and any(c.isdigit() for c in password)
    if policy.get("RequireUppercaseCharacters"):
        ok = ok and any(c.isupper() for c in password)
    if policy.get("RequireLowercaseCharacters"):
        ok = ok and any(c.islower() for c in password)
    if not ok:
        raise PasswordPolicyViolation("Password does not conform to the account password policy.")


# -- summary ----------------------------------------------------------------------------------


def _count(ctx: RequestContext, model: Any) -> int:
    return count(ctx.session, model, model.account_id == ctx.account_id)


@handler("iam", "GetAccountSummary")
def get_account_summary(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    virtual = _count(ctx, IamMfaDevice)
    in_use = count(
        ctx.session,
        IamMfaDevice,
        IamMfaDevice.account_id == ctx.account_id,
        IamMfaDevice.user_pk.is_not(None),
    )
    return {
        "SummaryMap": {
            "Users": _count(ctx, IamUser),
            "UsersQuota": 5000,
            "Groups": _count(ctx, IamGroup),
            "GroupsQuota": 300,
            "Roles": _count(ctx, IamRole),
            "RolesQuota": 1000,
            "Policies": _count(ctx, IamPolicy),
            "PoliciesQuota": 1500,
            "InstanceProfiles": _count(ctx, IamInstanceProfile),
            "InstanceProfilesQuota": 1000,
            "ServerCertificates": _count(ctx, IamServerCertificate),
            "ServerCertificatesQuota": 20,
            "MFADevices": virtual,
            "MFADevicesInUse": in_use,
            "AccountMFAEnabled": 0,
            "AccountAccessKeysPresent": 0,
            "AccountSigningCertificatesPresent": 0,
            "Providers": 0,
            "AccessKeysPerUserQuota": 2,
            "AssumeRolePolicySizeQuota": 2048,
            "AttachedPoliciesPerGroupQuota": 10,
            "AttachedPoliciesPerRoleQuota": 10,
            "AttachedPoliciesPerUserQuota": 10,
            "GroupPolicySizeQuota": 5120,
            "GroupsPerUserQuota": 10,
            "PolicySizeQuota": 6144,
            "PolicyVersionsInUse": 0,
            "PolicyVersionsInUseQuota": 10000,
            "RolePolicySizeQuota": 10240,
            "SigningCertificatesPerUserQuota": 2,
            "UserPolicySizeQuota": 2048,
            "VersionsPerPolicyQuota": 5,
            "GlobalEndpointTokenVersion": 1,
        }
    }


# -- credential report ------------------------------------------------------------------------


@handler("iam", "GenerateCredentialReport")
def generate_credential_report(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = account_row(ctx)
    if row.credential_report_date is None:
        row.credential_report_date = ctx.now
        return {"State": "STARTED", "Description": "No report exists. Starting a new report generation task"}
    row.credential_report_date = ctx.now
    return {"State": "COMPLETE"}


def _iso(value: Any) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S+00:00") if value is not None else "N/A"


def credential_report(ctx: RequestContext) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "user",
            "arn",
            "user_creation_time",
            "password_enabled",
            "password_last_used",
            "password_last_changed",
            "password_next_rotation",
            "mfa_active",
            "access_key_1_active",
            "access_key_1_last_rotated",
            "access_key_1_last_used_date",
            "access_key_1_last_used_region",
            "access_key_1_last_used_service",
            "access_key_2_active",
            "access_key_2_last_rotated",
            "access_key_2_last_used_date",
            "access_key_2_last_used_region",
            "access_key_2_last_used_service",
            "cert_1_active",
            "cert_1_last_rotated",
            "cert_2_active",
            "cert_2_last_rotated",
        ]
    )
    writer.writerow(
        [
            "<root_account>",
            ctx.account_root(),
            _iso(ctx.now),
            "not_supported",
            "N/A",
            "not_supported",
            "not_supported",
            "false",
            "false",
            "N/A",
            "N/A",
            "N/A",
            "N/A",
            "false",
            "N/A",
            "N/A",
            "N/A",
            "N/A",
            "false",
            "N/A",
            "false",
            "N/A",
        ]
    )
    users = ctx.session.scalars(
        select(IamUser).where(IamUser.account_id == ctx.account_id).order_by(IamUser.name_lower)
    )
    for user in users:
        profile = ctx.session.get(IamLoginProfile, user.pk)
        mfa = count(ctx.session, IamMfaDevice, IamMfaDevice.user_pk == user.pk)
        keys = list(
            ctx.session.scalars(
                select(IamAccessKey).where(IamAccessKey.user_pk == user.pk).order_by(IamAccessKey.create_date)
            )
        )[:2]
        certs = list(
            ctx.session.scalars(select(IamSigningCertificate).where(IamSigningCertificate.user_pk == user.pk))
        )[:2]
        row = [
            user.name,
            user.arn,
            _iso(user.create_date),
            "true" if profile else "false",
            _iso(user.password_last_used) if profile else "N/A",
            _iso(profile.create_date) if profile else "N/A",
            "N/A",
            "true" if mfa else "false",
        ]
        for i in range(2):
            k = keys[i] if i < len(keys) else None
            row += [
                ("true" if k.status == "Active" else "false") if k else "false",
                _iso(k.create_date) if k else "N/A",
                _iso(k.last_used_date) if k else "N/A",
                (k.last_used_region or "N/A") if k else "N/A",
                (k.last_used_service or "N/A") if k else "N/A",
            ]
        for i in range(2):
            c = certs[i] if i < len(certs) else None
            row += [
                ("true" if c.status == "Active" else "false") if c else "false",
                _iso(c.upload_date) if c else "N/A",
            ]
        writer.writerow(row)
    return out.getvalue().encode()


@handler("iam", "GetCredentialReport")
def get_credential_report(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = ctx.session.get(IamAccount, ctx.account_id)
    if row is None or row.credential_report_date is None:
        raise ReportNotPresent(
            "Unable to find the credential report. Generate a new report by calling GenerateCredentialReport."
        )
    return {
        "Content": credential_report(ctx),
        "ReportFormat": "text/csv",
        "GeneratedTime": row.credential_report_date,
    }


# -- authorization details --------------------------------------------------------------------


def _inline(ctx: RequestContext, kind: str, pk: int) -> list[dict[str, Any]]:
    rows = ctx.session.scalars(
        select(IamInlinePolicy)
        .where(IamInlinePolicy.principal_type == kind, IamInlinePolicy.principal_pk == pk)
        .order_by(IamInlinePolicy.name)
    )
    return [{"PolicyName": r.name, "PolicyDocument": encode_document(r.document)} for r in rows]


def _attached(ctx: RequestContext, kind: str, pk: int) -> list[dict[str, Any]]:
    rows = ctx.session.scalars(
        select(IamPolicy)
        .join(IamPolicyAttachment, IamPolicyAttachment.policy_pk == IamPolicy.pk)
        .where(IamPolicyAttachment.principal_type == kind, IamPolicyAttachment.principal_pk == pk)
        .order_by(IamPolicy.name_lower)
    )
    return [{"PolicyName": p.name, "PolicyArn": p.arn} for p in rows]


@handler("iam", "GetAccountAuthorizationDetails")
def get_account_authorization_details(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    from .instance_profiles import profile_out
    from .policies import policy_out, version_out

    wanted = set(params.get("Filter") or ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"])
    s = ctx.session
    out: dict[str, Any] = {
        "UserDetailList": [],
        "GroupDetailList": [],
        "RoleDetailList": [],
        "Policies": [],
        "IsTruncated": False,
    }
    if "User" in wanted:
        users = list(
            s.scalars(
                select(IamUser).where(IamUser.account_id == ctx.account_id).order_by(IamUser.name_lower)
            )
        )
        user_tags = tags.listed_many(s, [u.arn for u in users])
        for u in users:
            groups = s.scalars(
                select(IamGroup.name)
                .join(IamGroupMember, IamGroupMember.group_pk == IamGroup.pk)
                .where(IamGroupMember.user_pk == u.pk)
                .order_by(IamGroup.name_lower)
            )
            d = user_out(u)
            d.update(
                UserPolicyList=_inline(ctx, "user", u.pk),
                GroupList=list(groups),
                AttachedManagedPolicies=_attached(ctx, "user", u.pk),
                Tags=user_tags.get(u.arn, []),
            )
            d.update(boundary(u.permissions_boundary))
            out["UserDetailList"].append(d)
    if "Group" in wanted:
        for g in s.scalars(
            select(IamGroup).where(IamGroup.account_id == ctx.account_id).order_by(IamGroup.name_lower)
        ):
            d = group_out(g)
            d.update(
                GroupPolicyList=_inline(ctx, "group", g.pk),
                AttachedManagedPolicies=_attached(ctx, "group", g.pk),
            )
            out["GroupDetailList"].append(d)
    if "Role" in wanted:
        roles = list(
            s.scalars(
                select(IamRole).where(IamRole.account_id == ctx.account_id).order_by(IamRole.name_lower)
            )
        )
        role_tags = tags.listed_many(s, [r.arn for r in roles])
        for r in roles:
            d = role_out(r, full=True)
            d.pop("MaxSessionDuration", None)
            d.pop("Description", None)
            profiles = s.scalars(
                select(IamInstanceProfile)
                .join(IamInstanceProfileRole, IamInstanceProfileRole.profile_pk == IamInstanceProfile.pk)
                .where(IamInstanceProfileRole.role_pk == r.pk)
            )
            d.update(
                InstanceProfileList=[profile_out(ctx, p) for p in profiles],
                RolePolicyList=_inline(ctx, "role", r.pk),
                AttachedManagedPolicies=_attached(ctx, "role", r.pk),
                Tags=role_tags.get(r.arn, []),
            )
            out["RoleDetailList"].append(d)
    accounts = []
    if "LocalManagedPolicy" in wanted:
        accounts.append(ctx.account_id)
    if "AWSManagedPolicy" in wanted:
        accounts.append(managed_account(ctx.partition))
    for p in s.scalars(
        select(IamPolicy).where(IamPolicy.account_id.in_(accounts)).order_by(IamPolicy.name_lower)
    ):
        d = policy_out(ctx, p, tagged=False)
        if is_managed_account(p.account_id) and not d["AttachmentCount"]:
            continue
        versions = s.scalars(select(IamPolicyVersion).where(IamPolicyVersion.policy_pk == p.pk))
        d["PolicyVersionList"] = [version_out(p, v) for v in versions]
        out["Policies"].append(d)
    return out


# -- simulator --------------------------------------------------------------------------------


def _context(entries: list[dict[str, Any]] | None) -> dict[str, evaluator.ContextValue]:
    ctx: dict[str, evaluator.ContextValue] = {}
    for i, e in enumerate(entries or [], 1):
        if not e.get("ContextKeyName"):  # optional in the model, needed to name the key
            raise IamValidationError(
                f"1 validation error detected: Value null at 'contextEntries.{i}.member.contextKeyName' "
                "failed to satisfy constraint: Member must not be null"
            )
        values = [str(v) for v in e.get("ContextKeyValues") or []]
        ctx[e["ContextKeyName"]] = (
            values if e.get("ContextKeyType", "").endswith("List") else (values[0] if values else "")
        )
    return ctx


def _simulate(
    policies: list[str], params: dict[str, Any], resource_policy: str | None = None
) -> dict[str, Any]:
    results = []
    context = _context(params.get("ContextEntries"))
    for action in params["ActionNames"]:
        for resource in params.get("ResourceArns") or ["*"]:
            req = evaluator.Request(action, (resource,), None, context)
            outcome = evaluator.evaluate(policies, req)
            decision = {"allow": "allowed", "deny": "explicitDeny"}.get(outcome.decision, "implicitDeny")
            results.append(
                {
                    "EvalActionName": action,
                    "EvalResourceName": resource,
                    "EvalDecision": decision,
                    "MatchedStatements": [],
                    "MissingContextValues": [],
                }
            )
    return {"EvaluationResults": results, "IsTruncated": False}


@handler("iam", "SimulateCustomPolicy")
def simulate_custom_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    from .documents import validate_identity_policy

    policies = [validate_identity_policy(p) for p in params["PolicyInputList"]]
    return _simulate(policies, params)


@handler("iam", "SimulatePrincipalPolicy")
def simulate_principal_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["PolicySourceArn"]
    kind = _kind_of(arn)
    if kind not in ("user", "role", "group"):
        raise InvalidInput(f"Invalid ARN: {arn}")
    from .documents import validate_identity_policy

    docs = _source_documents(ctx, kind, arn)
    if docs is None:
        raise NoSuchEntity(f"The {kind} with name {arn.rsplit('/', 1)[-1]} cannot be found.")
    extra = [validate_identity_policy(p) for p in params.get("PolicyInputList") or []]  # as SimulateCustomPolicy
    return _simulate(docs + extra, params)


def _kind_of(arn: str) -> str:
    parsed = arns.parse(arn)
    return parsed.resource_type if parsed is not None else ""


def _source_documents(ctx: RequestContext, kind: str, arn: str) -> list[str] | None:
    """The policies of the user, role or group ``arn`` names; None when there is none."""
    if kind == "user":
        user = user_by_arn(ctx.session, arn)
        return user_documents(ctx.session, user) if user is not None else None
    principal = (
        role_by_arn(ctx.session, arn)
        if kind == "role"
        else ctx.session.scalar(select(IamGroup).where(IamGroup.arn == arn))
    )
    return principal_documents(ctx.session, kind, principal.pk) if principal is not None else None


def _context_keys(documents: list[str]) -> list[str]:
    keys: dict[str, None] = {}
    for text in documents:
        try:
            doc = evaluator.load(text)
        except ValueError:
            continue
        for stmt in evaluator.statements(doc):
            conditions = stmt.get("Condition")
            for entries in conditions.values() if isinstance(conditions, dict) else ():
                if isinstance(entries, dict):
                    for key in entries:
                        keys.setdefault(key, None)
    return list(keys)


@handler("iam", "GetContextKeysForCustomPolicy")
def get_context_keys_for_custom_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"ContextKeyNames": _context_keys(list(params["PolicyInputList"]))}


@handler("iam", "GetContextKeysForPrincipalPolicy")
def get_context_keys_for_principal_policy(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["PolicySourceArn"]
    kind = _kind_of(arn)
    docs = _source_documents(ctx, kind, arn) if kind in ("user", "role") else None
    if docs is None:
        raise InvalidInput(f"Invalid ARN: {arn}")
    return {"ContextKeyNames": _context_keys(docs + list(params.get("PolicyInputList") or []))}


@handler("iam", "SetSecurityTokenServicePreferences")
def set_security_token_service_preferences(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account_row(ctx).sts_global_token_version = params["GlobalEndpointTokenVersion"]
    return {}
