"""log streams and events

Revision ID: logs_0001_log_streams_and_events
Revises: 
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awsmock.models

revision = "logs_0001_log_streams_and_events"
down_revision = None
branch_labels = ('logs',)
depends_on = '0004_resources'


def upgrade() -> None:
    op.create_table('logs_stream',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=512), nullable=False),
    sa.Column('created', sa.BigInteger(), nullable=False),
    sa.Column('first_event', sa.BigInteger(), nullable=True),
    sa.Column('last_event', sa.BigInteger(), nullable=False),
    sa.Column('last_ingestion', sa.BigInteger(), nullable=True),
    sa.Column('stored_bytes', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_logs_stream')),
    sa.UniqueConstraint('group_id', 'name', name='uq_logs_stream_name'),
    info={'service': 'logs'}
    )
    with op.batch_alter_table('logs_stream', schema=None) as batch_op:
        batch_op.create_index('ix_logs_stream_last_event', ['group_id', 'last_event', 'name'], unique=False)

    op.create_table('logs_event',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('stream_id', sa.Integer(), nullable=False),
    sa.Column('timestamp', sa.BigInteger(), nullable=False),
    sa.Column('ingestion', sa.BigInteger(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['stream_id'], ['logs_stream.id'], name=op.f('fk_logs_event_stream_id_logs_stream'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_logs_event')),
    info={'service': 'logs'}
    )
    with op.batch_alter_table('logs_event', schema=None) as batch_op:
        batch_op.create_index('ix_logs_event_group_time', ['group_id', 'timestamp', 'id'], unique=False)
        batch_op.create_index('ix_logs_event_stream_time', ['stream_id', 'timestamp', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('logs_event', schema=None) as batch_op:
        batch_op.drop_index('ix_logs_event_stream_time')
        batch_op.drop_index('ix_logs_event_group_time')

    op.drop_table('logs_event')
    with op.batch_alter_table('logs_stream', schema=None) as batch_op:
        batch_op.drop_index('ix_logs_stream_last_event')

    op.drop_table('logs_stream')
