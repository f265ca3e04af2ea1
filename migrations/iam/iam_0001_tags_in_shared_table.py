"""IAM's tags in the shared tag table

Revision ID: iam_0001_tags_in_shared_table
Revises:

The tags of IAM's entities move from the ``tags`` column of each entity's table (a JSON list of
``{"Key": ..., "Value": ...}``) to ``awsmock_tag``: one row per tag, keyed by the entity's stored
``arn`` (an MFA device's ``serial_number``, which is a virtual device's ARN), service ``iam``;
then the columns go. The downgrade puts them back, each entity's tags in key order. SQLAlchemy
Core only, so it runs on SQLite and PostgreSQL alike.

A column is dropped in place wherever the database can (PostgreSQL; SQLite since 3.35), with no
table rebuilt. Rebuilding a table the way Alembic's batch mode does on SQLite drops the old
table, and on a connection with ``foreign_keys=ON`` that drop deletes or nulls every row
referencing it: a user's access keys, group memberships, login profile, MFA devices,
certificates and keys, a policy's versions and attachments. ``upgrade_database`` turns the keys
off for a migration; this revision does not depend on it: an older SQLite rebuilds each table
with the rows referencing it kept aside and put back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "iam_0001_tags_in_shared_table"
down_revision = None
branch_labels = ("iam",)
depends_on = "0004_resources"

SERVICE = "iam"
#: rows read at a time
PAGE = 500
#: the first SQLite that drops a column in place (ALTER TABLE ... DROP COLUMN)
NATIVE_DROP_COLUMN = (3, 35, 0)

#: each table whose rows had tags: (its primary key, the column its tags are kept by)
TAGGED = {
    "iam_user": ("pk", "arn"),
    "iam_group": ("pk", "arn"),
    "iam_role": ("pk", "arn"),
    "iam_policy": ("pk", "arn"),
    "iam_instance_profile": ("pk", "arn"),
    "iam_server_certificate": ("pk", "arn"),
    "iam_saml_provider": ("arn", "arn"),
    "iam_oidc_provider": ("arn", "arn"),
    "iam_mfa_device": ("serial_number", "serial_number"),
}

_tag = sa.table(
    "awsmock_tag",
    sa.column("arn", sa.String()),
    sa.column("key", sa.String()),
    sa.column("value", sa.Text()),
    sa.column("service", sa.String()),
    sa.column("account_id", sa.String()),
)


def _table(name: str, *, tags: bool) -> sa.TableClause:
    key, arn = TAGGED[name]
    columns = {key: sa.column(key), arn: sa.column(arn), "account_id": sa.column("account_id", sa.String())}
    if tags:
        columns["tags"] = sa.column("tags", sa.JSON())
    return sa.table(name, *columns.values())


def _pages(bind: Any, table: sa.TableClause, name: str, *columns: Any) -> Iterator[list[Any]]:
    """``(primary key, *columns)`` of the table's rows, a page at a time by primary key."""
    key = table.c[TAGGED[name][0]]
    after: Any = None
    while True:
        stmt = sa.select(key, *columns).order_by(key).limit(PAGE)
        if after is not None:
            stmt = stmt.where(key > after)
        rows = bind.execute(stmt).all()
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def _tag_rows(arn: str, account: str, tags: Any) -> list[dict[str, str]]:
    """The stored list as rows of the tag table (a repeated key: the last one wins)."""
    found: dict[str, str] = {}
    for t in tags or []:
        if isinstance(t, dict) and t.get("Key") is not None:
            value = t.get("Value")
            found[str(t["Key"])] = "" if value is None else str(value)
    return [
        {"arn": arn, "key": key, "value": value, "service": SERVICE, "account_id": account}
        for key, value in found.items()
    ]


def upgrade() -> None:
    bind = op.get_bind()
    # the columns are what IAM's tags are until now: rows of IAM in the tag table are stale
    bind.execute(sa.delete(_tag).where(_tag.c.service == SERVICE))
    for name in TAGGED:
        table = _table(name, tags=True)
        arn_column = table.c[TAGGED[name][1]]
        for rows in _pages(bind, table, name, arn_column, table.c.account_id, table.c.tags):
            found = [row for _key, arn, account, tags in rows for row in _tag_rows(arn, account, tags)]
            if found:
                bind.execute(sa.insert(_tag), found)
    for name in TAGGED:
        _drop_tags_column(bind, name)


def downgrade() -> None:
    bind = op.get_bind()
    for name in TAGGED:
        # a constant default lets SQLite add a NOT NULL column in place (no rebuild, see above)
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(sa.Column("tags", sa.JSON(), nullable=False, server_default="[]"))
        table = _table(name, tags=True)
        key_column, arn_column = (table.c[c] for c in TAGGED[name])
        for rows in _pages(bind, table, name, arn_column):
            by_arn = {arn: key for key, arn in rows}
            tags: dict[Any, list[dict[str, str]]] = {}
            for arn, key, value in bind.execute(
                sa.select(_tag.c.arn, _tag.c.key, _tag.c.value)
                .where(_tag.c.service == SERVICE, _tag.c.arn.in_(list(by_arn)))
                .order_by(_tag.c.arn, _tag.c.key)
            ):
                tags.setdefault(by_arn[arn], []).append({"Key": key, "Value": value})
            for row_key, entity_tags in tags.items():
                bind.execute(sa.update(table).where(key_column == row_key).values(tags=entity_tags))
    bind.execute(sa.delete(_tag).where(_tag.c.service == SERVICE))


def _drop_tags_column(bind: Any, name: str) -> None:
    if bind.dialect.name != "sqlite" or bind.dialect.server_version_info >= NATIVE_DROP_COLUMN:
        op.drop_column(name, "tags")
        return
    # an older SQLite rebuilds the table: keep aside the rows its drop would delete or change
    inspector = sa.inspect(bind)
    referencing = [
        other
        for other in inspector.get_table_names()
        if any(fk["referred_table"] == name for fk in inspector.get_foreign_keys(other))
    ]
    for other in referencing:
        bind.exec_driver_sql(f'CREATE TEMP TABLE "kept_{other}" AS SELECT * FROM "{other}"')
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.drop_column("tags")
    for other in referencing:
        bind.exec_driver_sql(f'DELETE FROM "{other}"')
        bind.exec_driver_sql(f'INSERT INTO "{other}" SELECT * FROM "kept_{other}"')
        bind.exec_driver_sql(f'DROP TABLE "kept_{other}"')
