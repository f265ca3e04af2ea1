"""service last accessed

Revision ID: iam_0002_service_last_accessed
Revises: iam_0001_tags_in_shared_table

``iam_service_access``: when each IAM entity (a user, a role) last made an authenticated request
to a service, and to the actions IAM tracks one by one; service last accessed reports read it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awsmock.models

revision = "iam_0002_service_last_accessed"
down_revision = "iam_0001_tags_in_shared_table"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "iam_service_access",
        sa.Column("entity_arn", sa.String(length=1024), nullable=False),
        sa.Column("namespace", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=128), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("at", awsmock.models.UTCDateTime(), nullable=False),
        sa.Column("account_id", sa.String(length=12), nullable=False),
        sa.PrimaryKeyConstraint("entity_arn", "namespace", "action", name=op.f("pk_iam_service_access")),
        info={"service": "iam"},
    )
    with op.batch_alter_table("iam_service_access", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_iam_service_access_account_id"), ["account_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("iam_service_access", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_iam_service_access_account_id"))
    op.drop_table("iam_service_access")
