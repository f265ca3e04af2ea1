"""metrics, datapoints and alarm history

Revision ID: cloudwatch_0001_metrics_history
Revises: 
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awsmock.models

revision = "cloudwatch_0001_metrics_history"
down_revision = None
branch_labels = ('cloudwatch',)
depends_on = "0004_resources"


def upgrade() -> None:
    op.create_table('cloudwatch_alarm_history',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('account_id', sa.String(length=12), nullable=False),
    sa.Column('region', sa.String(length=32), nullable=False),
    sa.Column('alarm_name', sa.String(length=255), nullable=False),
    sa.Column('alarm_type', sa.String(length=32), nullable=False),
    sa.Column('timestamp', sa.BigInteger(), nullable=False),
    sa.Column('item_type', sa.String(length=32), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cloudwatch_alarm_history')),
    info={'service': 'cloudwatch'}
    )
    with op.batch_alter_table('cloudwatch_alarm_history', schema=None) as batch_op:
        batch_op.create_index('ix_cloudwatch_alarm_history_alarm', ['account_id', 'region', 'alarm_name', 'timestamp'], unique=False)
        batch_op.create_index('ix_cloudwatch_alarm_history_time', ['account_id', 'region', 'timestamp'], unique=False)

    op.create_table('cloudwatch_metric',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('account_id', sa.String(length=12), nullable=False),
    sa.Column('region', sa.String(length=32), nullable=False),
    sa.Column('namespace', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('dims_key', sa.Text(), nullable=False),
    sa.Column('last_put', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cloudwatch_metric')),
    sa.UniqueConstraint('account_id', 'region', 'namespace', 'name', 'dims_key', name='uq_cloudwatch_metric_key'),
    info={'service': 'cloudwatch'}
    )
    op.create_table('cloudwatch_point',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('metric_id', sa.Integer(), nullable=False),
    sa.Column('timestamp', sa.BigInteger(), nullable=False),
    sa.Column('unit', sa.String(length=32), nullable=False),
    sa.Column('resolution', sa.Integer(), nullable=False),
    sa.Column('sample_count', sa.Float(), nullable=False),
    sa.Column('sum', sa.Float(), nullable=False),
    sa.Column('minimum', sa.Float(), nullable=False),
    sa.Column('maximum', sa.Float(), nullable=False),
    sa.Column('values', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cloudwatch_point')),
    info={'service': 'cloudwatch'}
    )
    with op.batch_alter_table('cloudwatch_point', schema=None) as batch_op:
        batch_op.create_index('ix_cloudwatch_point_metric_time', ['metric_id', 'timestamp'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cloudwatch_point', schema=None) as batch_op:
        batch_op.drop_index('ix_cloudwatch_point_metric_time')

    op.drop_table('cloudwatch_point')
    op.drop_table('cloudwatch_metric')
    with op.batch_alter_table('cloudwatch_alarm_history', schema=None) as batch_op:
        batch_op.drop_index('ix_cloudwatch_alarm_history_time')
        batch_op.drop_index('ix_cloudwatch_alarm_history_alarm')

    op.drop_table('cloudwatch_alarm_history')
