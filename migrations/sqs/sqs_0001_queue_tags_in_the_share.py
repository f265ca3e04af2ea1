"""queue tags in the shared tag table

Revision ID: sqs_0001_queue_tags_in_the_share
Revises:

A queue's tags move from the ``tags`` column of ``sqs_queue`` to ``awsmock_tag`` (one row per
tag, keyed by the queue's ARN, service ``sqs``), and the column goes; the downgrade moves them
back. SQLAlchemy Core only, so it runs on SQLite and PostgreSQL alike.

The column is dropped without rebuilding the table where the database can: rebuilding
``sqs_queue`` on SQLite (Alembic's batch "move and copy") drops the old table, and with
``foreign_keys=ON`` (awsmock's connections, inside the migration's transaction where the pragma
cannot be turned off) that drop deletes every row referencing a queue: its messages, FIFO
deduplication records and receive attempts. SQLite drops a plain column in place since 3.35;
an older SQLite rebuilds the table with those rows kept aside and put back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

from awsmock.engine.arns import partition_of

revision = "sqs_0001_queue_tags_in_the_share"
down_revision = None
branch_labels = ("sqs",)
depends_on = "0004_resources"

SERVICE = "sqs"
#: queues read at a time
PAGE = 500
#: the first SQLite that drops a column in place (ALTER TABLE ... DROP COLUMN)
NATIVE_DROP_COLUMN = (3, 35, 0)

_queue = sa.table(
    "sqs_queue",
    sa.column("id", sa.Integer()),
    sa.column("name", sa.String()),
    sa.column("region", sa.String()),
    sa.column("account_id", sa.String()),
    sa.column("tags", sa.JSON()),
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
    """The queue's ARN, as SQS builds it (``awsmock.services.sqs.lookup.queue_arn``)."""
    return f"arn:{partition_of(region)}:sqs:{region}:{account}:{name}"


def _queues(bind: Any, *columns: Any) -> Iterator[list[Any]]:
    """The queues, a page at a time by id (``id`` first, then ``columns``)."""
    after = 0
    while True:
        rows = bind.execute(
            sa.select(_queue.c.id, *columns).where(_queue.c.id > after).order_by(_queue.c.id).limit(PAGE)
        ).all()
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def upgrade() -> None:
    bind = op.get_bind()
    # the column is what SQS's tags are until now: rows of SQS in the tag table are stale
    bind.execute(sa.delete(_tag).where(_tag.c.service == SERVICE))
    for rows in _queues(bind, _queue.c.name, _queue.c.region, _queue.c.account_id, _queue.c.tags):
        found = [
            {
                "arn": _arn(name, region, account),
                "key": str(key),
                "value": "" if value is None else str(value),
                "service": SERVICE,
                "account_id": account,
            }
            for _id, name, region, account, tags in rows
            for key, value in (tags or {}).items()
        ]
        if found:
            bind.execute(sa.insert(_tag), found)
    _drop_tags_column(bind)


def downgrade() -> None:
    bind = op.get_bind()
    # a constant default lets SQLite add a NOT NULL column in place (no rebuild, see above)
    with op.batch_alter_table("sqs_queue", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tags", sa.JSON(), nullable=False, server_default="{}"))
    for rows in _queues(bind, _queue.c.name, _queue.c.region, _queue.c.account_id):
        by_arn = {_arn(name, region, account): qid for qid, name, region, account in rows}
        tags: dict[int, dict[str, str]] = {}
        for arn, key, value in bind.execute(
            sa.select(_tag.c.arn, _tag.c.key, _tag.c.value)
            .where(_tag.c.arn.in_(list(by_arn)))
            .order_by(_tag.c.arn, _tag.c.key)
        ):
            tags.setdefault(by_arn[arn], {})[key] = value
        for qid, queue_tags in tags.items():
            bind.execute(sa.update(_queue).where(_queue.c.id == qid).values(tags=queue_tags))
    bind.execute(sa.delete(_tag).where(_tag.c.service == SERVICE))


def _drop_tags_column(bind: Any) -> None:
    if bind.dialect.name != "sqlite" or bind.dialect.server_version_info >= NATIVE_DROP_COLUMN:
        op.drop_column("sqs_queue", "tags")
        return
    # an older SQLite: rebuild the table, keeping aside the rows that would go with it
    inspector = sa.inspect(bind)
    referencing = [
        name
        for name in inspector.get_table_names()
        if any(fk["referred_table"] == "sqs_queue" for fk in inspector.get_foreign_keys(name))
    ]
    for name in referencing:
        bind.exec_driver_sql(f'CREATE TEMP TABLE "kept_{name}" AS SELECT * FROM "{name}"')
    with op.batch_alter_table("sqs_queue", schema=None) as batch_op:
        batch_op.drop_column("tags")
    for name in referencing:
        bind.exec_driver_sql(f'DELETE FROM "{name}"')
        bind.exec_driver_sql(f'INSERT INTO "{name}" SELECT * FROM "kept_{name}"')
        bind.exec_driver_sql(f'DROP TABLE "kept_{name}"')
