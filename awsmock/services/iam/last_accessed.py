"""Service last accessed data: when each IAM entity last made an authenticated request to each
service (and to the actions IAM tracks one by one), the reports built from it
(GenerateServiceLastAccessedDetails, GetServiceLastAccessedDetails[WithEntities]) and the
policies that grant a service (ListPoliciesGrantingServiceAccess).

:func:`record` is IAM's ``access_log`` (see :mod:`awsmock.auth.directory`): the authentication
layer calls it for every authenticated request; it writes one small row per entity and service,
at most once per :data:`REFRESH` (and when the Region changes). A role's sessions count for the
role, and also set its ``RoleLastUsed``. As AWS does, reports weigh only permissions policies
(identity-based inline and managed policies, a user's groups' too): a service appears when one
of them allows some action of it.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeAlias

from sqlalchemy import bindparam, select

from awsmock.auth.identity import Identity
from awsmock.engine import arns, catalog, resources, specs
from awsmock.engine.context import RequestContext
from awsmock.engine.registry import handler
from awsmock.models.iam import (
    IamGroup,
    IamGroupMember,
    IamInlinePolicy,
    IamPolicy,
    IamPolicyAttachment,
    IamRole,
    IamServiceAccess,
    IamUser,
)
from awsmock.state.rawvalues import conversions

from .common import find, iam_arn, page_items
from .errors import InvalidInput, NoSuchEntity, validation
from .policies import find_policy
from .principals import default_document, role_by_arn

#: how stale an entity's last access to a service may get before a request records it again
REFRESH = dt.timedelta(seconds=60)
#: the services whose actions IAM tracks one by one (action last accessed information)
TRACKED = frozenset({"ec2", "iam", "lambda", "s3"})

Entity: TypeAlias = IamUser | IamGroup | IamRole


# -- recording ------------------------------------------------------------------------------


def _entity_arn(identity: Identity) -> str | None:
    """The IAM entity a request's identity counts for: the user, or the role of a session."""
    if identity.kind == "user":
        return identity.source_arn or identity.arn
    if identity.kind == "assumed-role":
        return identity.source_arn
    return None


_ACCESS = IamServiceAccess.__table__
_KEY = (
    (_ACCESS.c.entity_arn == bindparam("entity"))
    & (_ACCESS.c.namespace == bindparam("namespace"))
    & (_ACCESS.c.action == bindparam("action"))
)
#: prebuilt statements, run raw: every authenticated request reads one row (rarely writes it)
_LAST = select(_ACCESS.c.at, _ACCESS.c.region).where(_KEY)
_INSERT = _ACCESS.insert()
_UPDATE = _ACCESS.update().where(_KEY).values(at=bindparam("at"), region=bindparam("region"))


def _touch(ctx: RequestContext, account: str, entity: str, namespace: str, action: str) -> bool:
    """Record a use of ``namespace`` (and ``action``) by ``entity`` now, unless one was recorded
    from the same Region less than :data:`REFRESH` ago; True when it wrote."""
    key = {"entity": entity, "namespace": namespace, "action": action}
    conv = conversions(ctx.tx)
    row = ctx.tx.execute(_LAST, key).fetchone()
    if row is None:
        ctx.tx.execute(
            _INSERT,
            {
                "account_id": account,
                "entity_arn": entity,
                "namespace": namespace,
                "action": action,
                "region": ctx.region,
                "at": conv.time_in(ctx.now),
            },
        )
        return True
    last = conv.time_out(row[0])
    if last is None or ctx.now - last > REFRESH or row[1] != ctx.region:
        ctx.tx.execute(_UPDATE, {**key, "at": conv.time_in(ctx.now), "region": ctx.region})
        return True
    return False


def record(ctx: RequestContext, identity: Identity, action: str) -> None:
    """An authenticated request of ``identity`` asked for ``action`` (``s3:GetObject``)."""
    entity = _entity_arn(identity)
    if not entity:
        return
    namespace, _, name = action.partition(":")
    written = _touch(ctx, identity.account_id, entity, namespace, "")
    if namespace in TRACKED and name:
        _touch(ctx, identity.account_id, entity, namespace, name)
    if written and identity.kind == "assumed-role":
        role = role_by_arn(ctx.session, entity)
        if role is not None:
            role.last_used_date, role.last_used_region = ctx.now, ctx.region


# -- which services policies allow ----------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _statements(document: str) -> list[dict[str, Any]]:
    try:
        parsed = json.loads(document)
    except ValueError:
        return []
    found = parsed.get("Statement", []) if isinstance(parsed, dict) else []
    return [s for s in _as_list(found) if isinstance(s, dict)]


def _split(pattern: Any) -> tuple[str, str]:
    text = str(pattern).lower()
    if ":" not in text:
        return text, "*" if text == "*" else ""
    service, _, action = text.partition(":")
    return service, action


def _covers(patterns: Iterable[Any], namespace: str, *, whole: bool) -> bool:
    """Whether an action pattern names ``namespace`` (``whole``: all of its actions)."""
    for pattern in patterns:
        service, action = _split(pattern)
        if fnmatch.fnmatchcase(namespace, service) and (not whole or action == "*"):
            return True
    return False


def grants(document: str, namespace: str) -> bool:
    """Whether a permissions policy allows some action of ``namespace`` (a statement that
    denies all of the service's actions everywhere, unconditionally, takes it away)."""
    allowed = False
    for statement in _statements(document):
        unconditional = "Condition" not in statement and "*" in _as_list(statement.get("Resource"))
        denies_all = "Action" in statement and _covers(_as_list(statement["Action"]), namespace, whole=True)
        if statement.get("Effect") == "Deny" and unconditional and denies_all:
            return False
        if statement.get("Effect") != "Allow":
            continue
        if "Action" in statement:
            allowed = allowed or _covers(_as_list(statement["Action"]), namespace, whole=False)
        elif "NotAction" in statement:
            allowed = allowed or not _covers(_as_list(statement["NotAction"]), namespace, whole=True)
    return allowed


@cache
def _known() -> dict[str, str]:
    """The services awsmock stands for: IAM namespace (signing name) -> service name."""
    out: dict[str, str] = {}
    for namespace, names in specs.index_by("signingName", catalog.BOTOCORE_NAMES).items():
        out[namespace] = specs.service_metadata(names[0]).get("serviceFullName", namespace)
    return out


def _service_name(namespace: str) -> str | None:
    known = _known()
    if namespace in known:
        return known[namespace]
    if namespace in specs.service_name_set():
        metadata = specs.service_metadata(namespace)
        if (metadata.get("signingName") or metadata.get("endpointPrefix")) == namespace:
            return str(metadata.get("serviceFullName", namespace))
    return None


def _named_namespaces(documents: Iterable[str]) -> set[str]:
    """The namespaces that Allow statements name without a wildcard."""
    out: set[str] = set()
    for document in documents:
        for statement in _statements(document):
            if statement.get("Effect") == "Allow":
                for pattern in _as_list(statement.get("Action", [])):
                    service, _ = _split(pattern)
                    if service and not any(c in service for c in "*?"):
                        out.add(service)
    return out


def allowed_services(documents: list[str]) -> dict[str, str]:
    """namespace -> service name, for each service one of ``documents`` allows."""
    candidates = set(_known()) | _named_namespaces(documents)
    out: dict[str, str] = {}
    for namespace in sorted(candidates):
        if any(grants(d, namespace) for d in documents):
            name = _service_name(namespace)
            if name is not None:
                out[namespace] = name
    return out


# -- the entities a report is about ---------------------------------------------------------


@dataclass
class Owned:
    """A policy an entity has: its name, ``INLINE`` or ``MANAGED``, its ARN (managed), the
    entity that holds it (``USER``/``GROUP``/``ROLE`` and its name), and its document."""

    name: str
    kind: str
    arn: str | None
    holder_type: str
    holder_name: str
    document: str


_KIND = {IamUser: "user", IamGroup: "group", IamRole: "role"}


def _policies(ctx: RequestContext, entity: Entity) -> list[Owned]:
    kind = _KIND[type(entity)]
    out = [
        Owned(p.name, "INLINE", None, kind.upper(), entity.name, p.document)
        for p in ctx.session.scalars(
            select(IamInlinePolicy)
            .where(IamInlinePolicy.principal_type == kind, IamInlinePolicy.principal_pk == entity.pk)
            .order_by(IamInlinePolicy.name)
        )
    ]
    for policy in ctx.session.scalars(
        select(IamPolicy)
        .join(IamPolicyAttachment, IamPolicyAttachment.policy_pk == IamPolicy.pk)
        .where(IamPolicyAttachment.principal_type == kind, IamPolicyAttachment.principal_pk == entity.pk)
        .order_by(IamPolicy.name)
    ):
        out.append(
            Owned(
                policy.name,
                "MANAGED",
                policy.arn,
                kind.upper(),
                entity.name,
                default_document(ctx.session, policy) or "{}",
            )
        )
    return out


def _groups_of(ctx: RequestContext, user: IamUser) -> list[IamGroup]:
    return list(
        ctx.session.scalars(
            select(IamGroup)
            .join(IamGroupMember, IamGroupMember.group_pk == IamGroup.pk)
            .where(IamGroupMember.user_pk == user.pk)
            .order_by(IamGroup.name_lower)
        )
    )


def _all_policies(ctx: RequestContext, entity: Entity) -> list[Owned]:
    """The entity's policies, and a user's groups' policies."""
    out = _policies(ctx, entity)
    if isinstance(entity, IamUser):
        for group in _groups_of(ctx, entity):
            out.extend(_policies(ctx, group))
    return out


_ENTITY_KINDS: dict[str, type[Entity]] = {"user": IamUser, "group": IamGroup, "role": IamRole}


def _invalid_arn(arn: str) -> InvalidInput:
    return InvalidInput(f"ARN {arn} is not valid.")


def _target(ctx: RequestContext, arn: str, *, policies: bool) -> Entity | IamPolicy:
    """The user, group, role (or, with ``policies``, managed policy) ``arn`` names."""
    parsed = arns.parse(arn)
    allowed = ("user", "group", "role", "policy") if policies else ("user", "group", "role")
    if parsed is None or parsed.service != "iam" or parsed.resource_type not in allowed:
        raise _invalid_arn(arn)
    kind, name = parsed.resource_type, parsed.resource.rsplit("/", 1)[-1]
    if kind == "policy":
        policy = find_policy(ctx, arn)
        if policy is None:
            raise NoSuchEntity(f"Policy {arn} was not found.")
        return policy
    row = (
        find(ctx.session, _ENTITY_KINDS[kind], ctx.account_id, name)
        if parsed.account == ctx.account_id
        else None
    )
    if row is None or row.arn != arn:
        raise NoSuchEntity(f"The {kind} with name {name} cannot be found.")
    return row


def _entity_info(entity: IamUser | IamRole) -> dict[str, Any]:
    return {
        "Arn": entity.arn,
        "Name": entity.name,
        "Type": "USER" if isinstance(entity, IamUser) else "ROLE",
        "Id": entity.unique_id,
        "Path": entity.path,
    }


def _users_and_roles(ctx: RequestContext, target: Entity | IamPolicy) -> list[IamUser | IamRole]:
    """The users and roles whose requests count for ``target``: itself, a group's members, or
    the users and roles a policy is attached to (and the members of groups it is attached to)."""
    if isinstance(target, (IamUser, IamRole)):
        return [target]
    if isinstance(target, IamGroup):
        groups = [target.pk]
        users: list[IamUser | IamRole] = []
    else:
        attached = ctx.session.execute(
            select(IamPolicyAttachment.principal_type, IamPolicyAttachment.principal_pk).where(
                IamPolicyAttachment.policy_pk == target.pk
            )
        ).all()
        users = [u for t, pk in attached if t == "user" and (u := ctx.session.get(IamUser, pk)) is not None]
        users += [r for t, pk in attached if t == "role" and (r := ctx.session.get(IamRole, pk)) is not None]
        groups = [pk for t, pk in attached if t == "group"]
    if groups:
        members = select(IamGroupMember.user_pk).where(IamGroupMember.group_pk.in_(groups))
        users += list(ctx.session.scalars(select(IamUser).where(IamUser.pk.in_(members))))
    unique = {row.arn: row for row in users}
    return [unique[k] for k in sorted(unique)]


def _documents(ctx: RequestContext, target: Entity | IamPolicy) -> list[str]:
    if isinstance(target, IamPolicy):
        return [default_document(ctx.session, target) or "{}"]
    return [p.document for p in _all_policies(ctx, target)]


# -- the reports ----------------------------------------------------------------------------

REPORTS = resources.Kind(
    "iam",
    "access-report",
    arn=lambda ctx, rid: iam_arn(ctx, f"access-report/{rid}"),
    not_found=lambda rid: NoSuchEntity(f"No report job found with ID {rid}."),
    regional=False,
    title="Service last accessed reports",
)


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat()


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _report(ctx: RequestContext, target: Entity | IamPolicy, granularity: str) -> dict[str, Any]:
    """What the report says, as it is kept: the services the target's policies allow, the last
    access of each (and of its tracked actions), and each entity's last access."""
    services = allowed_services(_documents(ctx, target))
    entities = _users_and_roles(ctx, target)
    by_arn = {e.arn: e for e in entities}
    rows = (
        list(
            ctx.session.scalars(
                select(IamServiceAccess).where(
                    IamServiceAccess.entity_arn.in_(list(by_arn)),
                    IamServiceAccess.namespace.in_(list(services)),
                )
            )
        )
        if by_arn and services
        else []
    )
    out: list[dict[str, Any]] = []
    per_entity: dict[str, list[dict[str, Any]]] = {}
    for namespace, name in services.items():
        used = [r for r in rows if r.namespace == namespace and r.action == ""]
        service: dict[str, Any] = {"ServiceName": name, "ServiceNamespace": namespace}
        last = max(used, key=lambda r: r.at, default=None)
        if last is not None:
            service.update(
                LastAuthenticated=_iso(last.at),
                LastAuthenticatedEntity=last.entity_arn,
                LastAuthenticatedRegion=last.region,
            )
        service["TotalAuthenticatedEntities"] = len(used)
        if granularity == "ACTION_LEVEL" and namespace in TRACKED:
            tracked: dict[str, IamServiceAccess] = {}
            for r in rows:
                if (
                    r.namespace == namespace
                    and r.action
                    and (r.action not in tracked or r.at > tracked[r.action].at)
                ):
                    tracked[r.action] = r
            service["TrackedActionsLastAccessed"] = [
                {
                    "ActionName": action,
                    "LastAccessedEntity": r.entity_arn,
                    "LastAccessedTime": _iso(r.at),
                    "LastAccessedRegion": r.region,
                }
                for action, r in sorted(tracked.items())
            ]
        out.append(service)
        when = {r.entity_arn: r.at for r in used}
        listed = sorted(
            entities,
            key=lambda e: (e.arn not in when, -(when[e.arn].timestamp() if e.arn in when else 0), e.arn),
        )
        per_entity[namespace] = [
            {
                "EntityInfo": _entity_info(e),
                **({"LastAuthenticated": _iso(when[e.arn])} if e.arn in when else {}),
            }
            for e in listed
        ]
    return {"Arn": target.arn, "JobType": granularity, "Services": out, "Entities": per_entity}


@handler("iam", "GenerateServiceLastAccessedDetails")
def generate_service_last_accessed_details(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    granularity = params.get("Granularity") or "SERVICE_LEVEL"
    target = _target(ctx, params["Arn"], policies=True)
    job_id = str(uuid.uuid4())
    REPORTS.create(ctx, rid=job_id, document=_report(ctx, target, granularity), state="COMPLETED")
    return {"JobId": job_id}


def _job(ctx: RequestContext, job_id: str) -> resources.Resource:
    return REPORTS.get(ctx, job_id)


def _job_dates(row: resources.Resource) -> dict[str, Any]:
    return {
        "JobStatus": row.state or "COMPLETED",
        "JobCreationDate": row.created,
        "JobCompletionDate": row.created,
    }


def _with_times(item: dict[str, Any]) -> dict[str, Any]:
    out = dict(item)
    for key in ("LastAuthenticated", "LastAccessedTime"):
        if key in out:
            out[key] = _time(out[key])
    if "TrackedActionsLastAccessed" in out:
        out["TrackedActionsLastAccessed"] = [_with_times(a) for a in out["TrackedActionsLastAccessed"]]
    return out


@handler("iam", "GetServiceLastAccessedDetails")
def get_service_last_accessed_details(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _job(ctx, params["JobId"])
    services = row.document["Services"]
    page, meta = page_items(ctx, services, params, key=lambda s: s["ServiceNamespace"], owner=row)
    return {
        **_job_dates(row),
        "JobType": row.document["JobType"],
        "ServicesLastAccessed": [_with_times(s) for s in page],
        **meta,
    }


@handler("iam", "GetServiceLastAccessedDetailsWithEntities")
def get_service_last_accessed_details_with_entities(
    ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    row = _job(ctx, params["JobId"])
    entities = row.document["Entities"].get(params["ServiceNamespace"], [])
    numbered = list(enumerate(entities))
    page, meta = page_items(ctx, numbered, params, key=lambda pair: pair[0], owner=row)
    return {**_job_dates(row), "EntityDetailsList": [_with_times(e) for _, e in page], **meta}


#: ServiceNamespaces per ListPoliciesGrantingServiceAccess request
MAX_NAMESPACES = 200


@handler("iam", "ListPoliciesGrantingServiceAccess")
def list_policies_granting_service_access(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    namespaces = params["ServiceNamespaces"]
    if not 1 <= len(namespaces) <= MAX_NAMESPACES:
        raise validation(
            namespaces,
            "serviceNamespaces",
            f"Member must have length less than or equal to {MAX_NAMESPACES}"
            if namespaces
            else "Member must have length greater than or equal to 1",
        )
    target = _target(ctx, params["Arn"], policies=False)
    assert not isinstance(target, IamPolicy)
    owned = _all_policies(ctx, target)
    answer = []
    for namespace in namespaces:
        granting = []
        for policy in owned:
            if not grants(policy.document, namespace.lower()):
                continue
            if policy.kind == "MANAGED":
                granting.append({"PolicyName": policy.name, "PolicyType": "MANAGED", "PolicyArn": policy.arn})
            else:
                granting.append(
                    {
                        "PolicyName": policy.name,
                        "PolicyType": "INLINE",
                        "EntityType": policy.holder_type,
                        "EntityName": policy.holder_name,
                    }
                )
        answer.append({"ServiceNamespace": namespace, "Policies": granting})
    return {"PoliciesGrantingServiceAccess": answer, "IsTruncated": False}
