"""shards and records

Revision ID: kinesis_0001_shards_and_records
Revises: 
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awsmock.models

revision = "kinesis_0001_shards_and_records"
down_revision = None
branch_labels = ('kinesis',)
depends_on = "0004_resources"


def upgrade() -> None:
    op.create_table('kinesis_record',
    sa.Column('shard_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=False),
    sa.Column('partition_key', sa.String(length=256), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('arrived', awsmock.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('shard_id', 'position', name=op.f('pk_kinesis_record')),
    info={'service': 'kinesis'}
    )
    op.create_table('kinesis_shard',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('stream_pk', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('parent', sa.String(length=64), nullable=True),
    sa.Column('adjacent_parent', sa.String(length=64), nullable=True),
    sa.Column('start_key', sa.String(length=39), nullable=False),
    sa.Column('end_key', sa.String(length=39), nullable=False),
    sa.Column('created', awsmock.models.UTCDateTime(), nullable=False),
    sa.Column('closed', awsmock.models.UTCDateTime(), nullable=True),
    sa.Column('next_position', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kinesis_shard')),
    info={'service': 'kinesis'}
    )
    with op.batch_alter_table('kinesis_shard', schema=None) as batch_op:
        batch_op.create_index('ix_kinesis_shard_stream', ['stream_pk', 'number'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('kinesis_shard', schema=None) as batch_op:
        batch_op.drop_index('ix_kinesis_shard_stream')

    op.drop_table('kinesis_shard')
    op.drop_table('kinesis_record')
