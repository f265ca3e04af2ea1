"""event source mapping poller positions

Revision ID: lambda_0002_poller_positions
Revises: lambda_0001_code_invocations
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awsmock.models

revision = "lambda_0002_poller_positions"
down_revision = "lambda_0001_code_invocations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lambda_poller_position",
        sa.Column("mapping", sa.String(length=36), nullable=False),
        sa.Column("shard", sa.String(length=128), nullable=False),
        sa.Column("position", sa.String(length=128), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("batch_limit", sa.Integer(), nullable=True),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_until", awsmock.models.UTCDateTime(), nullable=True),
        sa.Column("last_result", sa.String(length=256), nullable=True),
        sa.PrimaryKeyConstraint("mapping", "shard", name=op.f("pk_lambda_poller_position")),
        info={"service": "lambda"},
    )


def downgrade() -> None:
    op.drop_table("lambda_poller_position")
