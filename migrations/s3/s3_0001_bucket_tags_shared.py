"""bucket tags in the shared tag table

Revision ID: s3_0001_bucket_tags_shared
Revises:

A bucket's tags move from its ``tagging`` configuration (a row of ``s3_bucket_config`` holding
``{"TagSet": [{"Key": ..., "Value": ...}, ...]}``) to ``awsmock_tag``: one row per tag, keyed by
the bucket's ARN (``arn:<partition>:s3:::<bucket>``, the partition of the bucket's region),
service ``s3``; the configuration rows go. The downgrade moves them back. No table changes, so
this revision moves data only; SQLAlchemy Core, so it runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

from awsmock.engine.arns import partition_of

revision = "s3_0001_bucket_tags_shared"
down_revision = None
branch_labels = ("s3",)
depends_on = "0004_resources"

SERVICE = "s3"
#: the configuration that held a bucket's tags until now
TAGGING = "tagging"
#: buckets read at a time
PAGE = 500

_bucket = sa.table(
    "s3_bucket",
    sa.column("id", sa.Integer()),
    sa.column("name", sa.String()),
    sa.column("region", sa.String()),
    sa.column("account_id", sa.String()),
)
_config = sa.table(
    "s3_bucket_config",
    sa.column("bucket_id", sa.Integer()),
    sa.column("name", sa.String()),
    sa.column("value", sa.JSON()),
)
_tag = sa.table(
    "awsmock_tag",
    sa.column("arn", sa.String()),
    sa.column("key", sa.String()),
    sa.column("value", sa.Text()),
    sa.column("service", sa.String()),
    sa.column("account_id", sa.String()),
)


def _arn(name: str, region: str) -> str:
    """The bucket's ARN, as S3 builds it (``awsmock.services.s3.tags.bucket_arn``)."""
    return f"arn:{partition_of(region)}:s3:::{name}"


def _buckets(bind: Any) -> Iterator[list[Any]]:
    """``(id, name, region, account_id)`` of the buckets, a page at a time by id."""
    after = 0
    while True:
        rows = bind.execute(
            sa.select(_bucket.c.id, _bucket.c.name, _bucket.c.region, _bucket.c.account_id)
            .where(_bucket.c.id > after)
            .order_by(_bucket.c.id)
            .limit(PAGE)
        ).all()
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def _tag_set(document: Any) -> dict[str, str]:
    """The tags of a stored ``tagging`` document, by key (the last of a repeated key wins)."""
    found: dict[str, str] = {}
    tag_set = document.get("TagSet") if isinstance(document, dict) else None
    for tag in tag_set or []:
        if isinstance(tag, dict) and tag.get("Key") is not None:
            value = tag.get("Value")
            found[str(tag["Key"])] = "" if value is None else str(value)
    return found


def upgrade() -> None:
    """A bucket with a ``tagging`` configuration gets exactly its tags (rows already under its
    ARN are replaced); the configurations go. Tags already in the table for buckets without one
    stay: running this again on a state it has moved changes nothing."""
    bind = op.get_bind()
    for rows in _buckets(bind):
        bucket = {bid: (name, region, account) for bid, name, region, account in rows}
        moved: list[str] = []
        found: list[dict[str, str]] = []
        for bid, document in bind.execute(
            sa.select(_config.c.bucket_id, _config.c.value).where(
                _config.c.bucket_id.in_(list(bucket)), _config.c.name == TAGGING
            )
        ):
            name, region, account = bucket[bid]
            arn = _arn(name, region)
            moved.append(arn)
            found += [
                {"arn": arn, "key": key, "value": value, "service": SERVICE, "account_id": account}
                for key, value in _tag_set(document).items()
            ]
        if moved:
            bind.execute(sa.delete(_tag).where(_tag.c.arn.in_(moved)))
        if found:
            bind.execute(sa.insert(_tag), found)
    bind.execute(sa.delete(_config).where(_config.c.name == TAGGING))


def downgrade() -> None:
    """Each bucket's tags become its ``tagging`` configuration again (by key); S3's rows of the
    tag table go."""
    bind = op.get_bind()
    for rows in _buckets(bind):
        by_arn = {_arn(name, region): bid for bid, name, region, _account in rows}
        tags: dict[int, list[dict[str, str]]] = {}
        for arn, key, value in bind.execute(
            sa.select(_tag.c.arn, _tag.c.key, _tag.c.value)
            .where(_tag.c.service == SERVICE, _tag.c.arn.in_(list(by_arn)))
            .order_by(_tag.c.arn, _tag.c.key)
        ):
            tags.setdefault(by_arn[arn], []).append({"Key": key, "Value": value})
        if tags:
            bind.execute(
                sa.delete(_config).where(_config.c.bucket_id.in_(list(tags)), _config.c.name == TAGGING)
            )
            bind.execute(
                sa.insert(_config),
                [{"bucket_id": bid, "name": TAGGING, "value": {"TagSet": ts}} for bid, ts in tags.items()],
            )
    bind.execute(sa.delete(_tag).where(_tag.c.service == SERVICE))
