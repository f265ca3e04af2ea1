"""A stored snapshot's schema revision holds every branch head

Revision ID: 0005_snapshot_revisions
Revises: 0004_resources

With a migration branch per service, a schema revision is the branch heads joined by "+":
longer than the 32 characters of one revision id.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_snapshot_revisions"
down_revision = "0004_resources"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("awsmock_snapshot", schema=None) as batch_op:
        batch_op.alter_column(
            "schema_revision", existing_type=sa.String(length=32), type_=sa.String(length=1024), existing_nullable=True
        )


def downgrade() -> None:
    with op.batch_alter_table("awsmock_snapshot", schema=None) as batch_op:
        batch_op.alter_column(
            "schema_revision", existing_type=sa.String(length=1024), type_=sa.String(length=32), existing_nullable=True
        )
