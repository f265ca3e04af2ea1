"""IAM in the dashboard: users, groups, roles and customer managed policies (IAM is global:
the region filter does not apply)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from awsmock import inventory
from awsmock.inventory import Column, Page, Query
from awsmock.models.iam import (
    IamAccessKey,
    IamGroup,
    IamGroupMember,
    IamPolicy,
    IamPolicyAttachment,
    IamRole,
    IamUser,
)

AWS_MANAGED = "aws"  # the pseudo-account holding AWS managed policies


def _page(session: Session, model: Any, query: Query) -> tuple[list[Any], Any]:
    stmt = select(model).where(model.account_id != AWS_MANAGED).order_by(model.pk).limit(query.limit + 1)
    if query.account:
        stmt = stmt.where(model.account_id == query.account)
    if query.after is not None:
        stmt = stmt.where(model.pk > int(query.after))
    pattern = query.like()
    if pattern:
        stmt = stmt.where(func.lower(model.name).like(pattern, escape="\\"))
    rows = list(session.scalars(stmt))
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return rows, (rows[-1].pk if more and rows else None)


def _attached(session: Session, principal_type: str, pks: list[int]) -> dict[int, int]:
    if not pks:
        return {}
    return {
        int(pk): int(n)
        for pk, n in session.execute(
            select(IamPolicyAttachment.principal_pk, func.count())
            .where(
                IamPolicyAttachment.principal_type == principal_type,
                IamPolicyAttachment.principal_pk.in_(pks),
            )
            .group_by(IamPolicyAttachment.principal_pk)
        )
    }


def _common(row: Any) -> dict[str, Any]:
    return {
        "name": row.name,
        "path": row.path,
        "arn": row.arn,
        "account": row.account_id,
        "created": inventory.iso(row.create_date),
        "tags": inventory.tag_dict(row.tags),
    }


COMMON_TAIL = (
    Column("created", "Created", "time"),
    Column("tags", "Tags", "tags"),
    Column("arn", "ARN"),
    Column("account", "Account"),
)


@inventory.resources(
    "iam",
    "users",
    title="Users",
    columns=[
        Column("name", "Name"),
        Column("path", "Path"),
        Column("groups", "Groups", "int"),
        Column("policies", "Attached policies", "int"),
        Column("access_keys", "Access keys", "int"),
        *COMMON_TAIL,
    ],
)
def list_users(session: Session, query: Query) -> Page:
    users, after = _page(session, IamUser, query)
    pks = [u.pk for u in users]
    groups: dict[int, int] = {}
    keys: dict[int, int] = {}
    if pks:
        groups = {
            int(pk): int(n)
            for pk, n in session.execute(
                select(IamGroupMember.user_pk, func.count())
                .where(IamGroupMember.user_pk.in_(pks))
                .group_by(IamGroupMember.user_pk)
            )
        }
        keys = {
            int(pk): int(n)
            for pk, n in session.execute(
                select(IamAccessKey.user_pk, func.count())
                .where(IamAccessKey.user_pk.in_(pks))
                .group_by(IamAccessKey.user_pk)
            )
        }
    policies = _attached(session, "user", pks)
    items = [
        {
            **_common(u),
            "groups": groups.get(u.pk, 0),
            "policies": policies.get(u.pk, 0),
            "access_keys": keys.get(u.pk, 0),
        }
        for u in users
    ]
    return Page(items, after)


@inventory.resources(
    "iam",
    "groups",
    title="Groups",
    columns=[
        Column("name", "Name"),
        Column("path", "Path"),
        Column("members", "Members", "int"),
        Column("policies", "Attached policies", "int"),
        *COMMON_TAIL,
    ],
)
def list_groups(session: Session, query: Query) -> Page:
    groups, after = _page(session, IamGroup, query)
    pks = [g.pk for g in groups]
    members: dict[int, int] = {}
    if pks:
        members = {
            int(pk): int(n)
            for pk, n in session.execute(
                select(IamGroupMember.group_pk, func.count())
                .where(IamGroupMember.group_pk.in_(pks))
                .group_by(IamGroupMember.group_pk)
            )
        }
    policies = _attached(session, "group", pks)
    items = [
        {**_common(g), "members": members.get(g.pk, 0), "policies": policies.get(g.pk, 0)} for g in groups
    ]
    return Page(items, after)


@inventory.resources(
    "iam",
    "roles",
    title="Roles",
    columns=[
        Column("name", "Name"),
        Column("path", "Path"),
        Column("description", "Description"),
        Column("policies", "Attached policies", "int"),
        Column("max_session", "Max session (s)", "int"),
        Column("trust_policy", "Trust policy", "json"),
        *COMMON_TAIL,
    ],
)
def list_roles(session: Session, query: Query) -> Page:
    roles, after = _page(session, IamRole, query)
    policies = _attached(session, "role", [r.pk for r in roles])
    items = []
    for r in roles:
        try:
            trust: Any = json.loads(r.assume_role_policy or "null")
        except ValueError:
            trust = r.assume_role_policy
        items.append(
            {
                **_common(r),
                "description": r.description or "",
                "policies": policies.get(r.pk, 0),
                "max_session": r.max_session_duration,
                "trust_policy": trust,
            }
        )
    return Page(items, after)


@inventory.resources(
    "iam",
    "policies",
    title="Policies (customer managed)",
    columns=[
        Column("name", "Name"),
        Column("path", "Path"),
        Column("attachments", "Attachments", "int"),
        Column("default_version", "Default version"),
        Column("description", "Description"),
        Column("updated", "Updated", "time"),
        *COMMON_TAIL,
    ],
)
def list_policies(session: Session, query: Query) -> Page:
    policies, after = _page(session, IamPolicy, query)
    pks = [p.pk for p in policies]
    attachments: dict[int, int] = {}
    if pks:
        attachments = {
            int(pk): int(n)
            for pk, n in session.execute(
                select(IamPolicyAttachment.policy_pk, func.count())
                .where(IamPolicyAttachment.policy_pk.in_(pks))
                .group_by(IamPolicyAttachment.policy_pk)
            )
        }
    items = [
        {
            **_common(p),
            "attachments": attachments.get(p.pk, 0),
            "default_version": p.default_version,
            "description": p.description or "",
            "updated": inventory.iso(p.update_date),
        }
        for p in policies
    ]
    return Page(items, after)
