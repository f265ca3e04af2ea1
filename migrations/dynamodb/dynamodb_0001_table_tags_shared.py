"""table tags in the shared tag table

Revision ID: dynamodb_0001_table_tags_shared
Revises:

A table's tags move from its definition (the JSON ``spec`` of ``dynamodb_tables``, key
``"Tags"``, a list of ``{"Key", "Value"}``) to ``awsmock_tag``: one row per tag, keyed by the
table's ARN (``arn:<partition>:dynamodb:<region>:<account>:table/<name>``), service
``dynamodb``. The downgrade puts them back in the spec (by key: the tag table keeps no order).
Data only, SQLAlchemy Core only: it runs on SQLite and PostgreSQL alike. Each way touches only
the tables still in the form it moves from, so a state that already went that way (a copy whose
version table lost this branch's row, say) keeps its tags. Backups keep the definition they were
made with (their ``"Tags"`` were never read back: a restored table has none).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

from awsmock.engine.arns import partition_of

revision = "dynamodb_0001_table_tags_shared"
down_revision = None
branch_labels = ("dynamodb",)
depends_on = "0004_resources"

SERVICE = "dynamodb"
#: tables read at a time
PAGE = 500

_table = sa.table(
    "dynamodb_tables",
    sa.column("id", sa.Integer()),
    sa.column("account_id", sa.String()),
    sa.column("region", sa.String()),
    sa.column("name", sa.String()),
    sa.column("spec", sa.Text()),
)
_tag = sa.table(
    "awsmock_tag",
    sa.column("arn", sa.String()),
    sa.column("key", sa.String()),
    sa.column("value", sa.Text()),
    sa.column("service", sa.String()),
    sa.column("account_id", sa.String()),
)


def _arn(name: str, region: str, account: str) -> str:
    """The table's ARN, as DynamoDB builds it (``awsmock.services.dynamodb.schema.arn_of``)."""
    return f"arn:{partition_of(region)}:{SERVICE}:{region}:{account}:table/{name}"


def _tables(bind: Any) -> Iterator[list[Any]]:
    """The tables (id, account, region, name, spec), a page at a time by id."""
    after = 0
    while True:
        rows = bind.execute(
            sa.select(_table.c.id, _table.c.account_id, _table.c.region, _table.c.name, _table.c.spec)
            .where(_table.c.id > after)
            .order_by(_table.c.id)
            .limit(PAGE)
        ).all()
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def upgrade() -> None:
    bind = op.get_bind()
    for rows in _tables(bind):
        moved: list[str] = []
        found: list[dict[str, str]] = []
        for table_id, account, region, name, text in rows:
            spec = json.loads(text)
            if "Tags" not in spec:  # moved already (a revision run twice moves nothing again)
                continue
            tags = {
                str(t["Key"]): "" if t.get("Value") is None else str(t["Value"])
                for t in spec.pop("Tags") or []
            }
            arn = _arn(name, region, account)
            moved.append(arn)
            found += [
                {"arn": arn, "key": key, "value": value, "service": SERVICE, "account_id": account}
                for key, value in tags.items()
            ]
            bind.execute(sa.update(_table).where(_table.c.id == table_id).values(spec=json.dumps(spec)))
        if moved:  # the spec is what such a table's tags are: any row of the tag table for it is stale
            bind.execute(sa.delete(_tag).where(_tag.c.arn.in_(moved)))
        if found:
            bind.execute(sa.insert(_tag), found)


def downgrade() -> None:
    bind = op.get_bind()
    for rows in _tables(bind):
        by_arn = {_arn(name, region, account): table_id for table_id, account, region, name, _ in rows}
        tags: dict[int, list[dict[str, str]]] = {}
        for arn, key, value in bind.execute(
            sa.select(_tag.c.arn, _tag.c.key, _tag.c.value)
            .where(_tag.c.arn.in_(list(by_arn)))
            .order_by(_tag.c.arn, _tag.c.key)
        ):
            tags.setdefault(by_arn[arn], []).append({"Key": key, "Value": value})
        for table_id, _account, _region, _name, text in rows:
            spec = json.loads(text)
            if "Tags" in spec:  # moved back already
                continue
            # as the tables were made then: every spec has its Tags, none or some
            spec["Tags"] = sorted(tags.get(table_id, []), key=lambda t: t["Key"])
            bind.execute(sa.update(_table).where(_table.c.id == table_id).values(spec=json.dumps(spec)))
    bind.execute(sa.delete(_tag).where(_tag.c.service == SERVICE))
