"""SSM in the dashboard: the parameters (SecureString values stay hidden); documents,
maintenance windows and associations are listed through their shared-store kinds."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from awsmock.engine import arns, inventory, tagging
from awsmock.engine.inventory import Column, Page, Query
from awsmock.models.ssm import Parameter

from . import names

PREVIEW = 200


def _arn(row: Parameter) -> str:
    return arns.build("ssm", names.arn_resource(row.name), region=row.region, account=row.account_id)


@inventory.resources(
    "ssm",
    "parameters",
    title="Parameters",
    columns=[
        Column("name", "Name"),
        Column("type", "Type"),
        Column("value", "Value"),
        Column("version", "Version", "int"),
        Column("tier", "Tier"),
        Column("region", "Region"),
        Column("modified", "Last modified", "time"),
        Column("tags", "Tags", "tags"),
        Column("account", "Account"),
    ],
)
def list_parameters(session: Session, query: Query) -> Page:
    now = dt.datetime.now(dt.UTC)
    stmt = inventory.scoped(select(Parameter), Parameter, query).where(
        or_(Parameter.expires_at.is_(None), Parameter.expires_at > now)
    )
    rows, after = inventory.keyset_page(
        session, stmt, query, order=Parameter.id, search=Parameter.name, start=int
    )
    tags = tagging.tags_of_many(session, [_arn(r) for r in rows])
    items: list[dict[str, Any]] = []
    for r in rows:
        value = "(encrypted)" if r.type == "SecureString" else r.value
        items.append(
            {
                "name": r.name,
                "type": r.type,
                "value": value if len(value) <= PREVIEW else value[:PREVIEW] + "…",
                "version": r.version,
                "tier": r.tier,
                "region": r.region,
                "modified": inventory.iso(r.modified),
                "tags": tags.get(_arn(r), {}),
                "account": r.account_id,
            }
        )
    return Page(items, after)
