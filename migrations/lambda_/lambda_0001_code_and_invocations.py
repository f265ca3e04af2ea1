"""code and invocations

Revision ID: lambda_0001_code_invocations
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awsmock.models

revision = "lambda_0001_code_invocations"
down_revision = None
branch_labels = ("lambda",)
depends_on = "0004_resources"


def upgrade() -> None:
    op.create_table(
        "lambda_code",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("refs", sa.Integer(), nullable=False),
        sa.Column("created", awsmock.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_lambda_code")),
        info={"service": "lambda"},
    )
    op.create_table(
        "lambda_code_chunk",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "seq", name=op.f("pk_lambda_code_chunk")),
        info={"service": "lambda"},
    )
    op.create_table(
        "lambda_invocation",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.String(length=12), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("function_name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("at", awsmock.models.UTCDateTime(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("result", sa.String(length=64), nullable=False),
        sa.Column("error_type", sa.String(length=256), nullable=True),
        sa.Column("log_tail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lambda_invocation")),
        info={"service": "lambda"},
    )
    with op.batch_alter_table("lambda_invocation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_lambda_invocation_function", ["account_id", "region", "function_name", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("lambda_invocation", schema=None) as batch_op:
        batch_op.drop_index("ix_lambda_invocation_function")
    op.drop_table("lambda_invocation")
    op.drop_table("lambda_code_chunk")
    op.drop_table("lambda_code")
