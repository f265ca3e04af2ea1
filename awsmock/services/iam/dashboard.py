"""IAM in the dashboard: users, groups, roles and customer managed policies (IAM is global:
the region filter does not apply)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from awsmock.engine import arns, inventory, tagging
from awsmock.engine.inventory import Column, Page, Query
from awsmock.models.iam import (
    IamAccessKey,
    IamGroup,
    IamGroupMember,
    IamPolicy,
    IamPolicyAttachment,
    IamRole,
    IamUser,
)

AWS_MANAGED = arns.PARTITIONS  # the pseudo-accounts holding AWS managed policies (one per partition)


def _page(session: Session, model: Any, query: Query) -> tuple[list[Any], Any]:
    stmt = inventory.scoped(
        select(model).where(model.account_id.not_in(AWS_MANAGED)), model, query, regional=False
    )
    return inventory.keyset_page(session, stmt, query, order=model.pk, search=model.name, start=int)


def _attached(session: Session, principal_type: str, pks: list[int]) -> dict[int, int]:
    return inventory.counts(
        session, IamPolicyAttachment.principal_pk, pks, IamPolicyAttachment.principal_type == principal_type
    )


def _tags(session: Session, rows: list[Any]) -> dict[str, dict[str, str]]:
    """The tags of a page's entities, by ARN."""
    return tagging.tags_of_many(session, [row.arn for row in rows])


def _common(row: Any, tags: dict[str, dict[str, str]]) -> dict[str, Any]:
    return {
        "name": row.name,
        "path": row.path,
        "arn": row.arn,
        "account": row.account_id,
        "created": inventory.iso(row.create_date),
        "tags": tags.get(row.arn, {}),
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
    groups = inventory.counts(session, IamGroupMember.user_pk, pks)
    keys = inventory.counts(session, IamAccessKey.user_pk, pks)
    policies = _attached(session, "user", pks)
    tags = _tags(session, users)
    items = [
        {
            **_common(u, tags),
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
    members = inventory.counts(session, IamGroupMember.group_pk, pks)
    policies = _attached(session, "group", pks)
    tags = _tags(session, groups)
    items = [
        {**_common(g, tags), "members": members.get(g.pk, 0), "policies": policies.get(g.pk, 0)}
        for g in groups
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
    tags = _tags(session, roles)
    items = []
    for r in roles:
        try:
            trust: Any = json.loads(r.assume_role_policy or "null")
        except ValueError:
            trust = r.assume_role_policy
        items.append(
            {
                **_common(r, tags),
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
    attachments = inventory.counts(session, IamPolicyAttachment.policy_pk, [p.pk for p in policies])
    tags = _tags(session, policies)
    items = [
        {
            **_common(p, tags),
            "attachments": attachments.get(p.pk, 0),
            "default_version": p.default_version,
            "description": p.description or "",
            "updated": inventory.iso(p.update_date),
        }
        for p in policies
    ]
    return Page(items, after)
