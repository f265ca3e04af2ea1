"""segments and telemetry records

Revision ID: xray_0001_segments_and_telemetry
Revises: 
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awsmock.models

revision = "xray_0001_segments_and_telemetry"
down_revision = None
branch_labels = ('xray',)
depends_on = '0004_resources'


def upgrade() -> None:
    op.create_table('xray_segment',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('account_id', sa.String(length=12), nullable=False),
    sa.Column('region', sa.String(length=32), nullable=False),
    sa.Column('trace_id', sa.String(length=35), nullable=False),
    sa.Column('segment_id', sa.String(length=16), nullable=False),
    sa.Column('trace_time', sa.BigInteger(), nullable=False),
    sa.Column('start_time', sa.Float(), nullable=False),
    sa.Column('end_time', sa.Float(), nullable=True),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('received', awsmock.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xray_segment')),
    info={'service': 'xray'}
    )
    with op.batch_alter_table('xray_segment', schema=None) as batch_op:
        batch_op.create_index('ix_xray_segment_start', ['account_id', 'region', 'start_time', 'trace_id'], unique=False)
        batch_op.create_index('ix_xray_segment_trace', ['account_id', 'region', 'trace_id', 'segment_id'], unique=False)
        batch_op.create_index('ix_xray_segment_trace_time', ['account_id', 'region', 'trace_time', 'trace_id'], unique=False)

    op.create_table('xray_telemetry_record',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('account_id', sa.String(length=12), nullable=False),
    sa.Column('region', sa.String(length=32), nullable=False),
    sa.Column('timestamp', awsmock.models.UTCDateTime(), nullable=False),
    sa.Column('hostname', sa.String(length=255), nullable=True),
    sa.Column('instance_id', sa.String(length=20), nullable=True),
    sa.Column('resource_arn', sa.String(length=500), nullable=True),
    sa.Column('counts', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xray_telemetry_record')),
    info={'service': 'xray'}
    )
    with op.batch_alter_table('xray_telemetry_record', schema=None) as batch_op:
        batch_op.create_index('ix_xray_telemetry_time', ['account_id', 'region', 'timestamp'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('xray_telemetry_record', schema=None) as batch_op:
        batch_op.drop_index('ix_xray_telemetry_time')

    op.drop_table('xray_telemetry_record')
    with op.batch_alter_table('xray_segment', schema=None) as batch_op:
        batch_op.drop_index('ix_xray_segment_trace_time')
        batch_op.drop_index('ix_xray_segment_trace')
        batch_op.drop_index('ix_xray_segment_start')

    op.drop_table('xray_segment')
