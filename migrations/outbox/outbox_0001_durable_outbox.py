"""durable outbox

Revision ID: outbox_0001_durable_outbox
Revises: 
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awsmock.models

revision = "outbox_0001_durable_outbox"
down_revision = None
branch_labels = ('outbox',)
depends_on = '0004_resources'


def upgrade() -> None:
    op.create_table('awsmock_outbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('service', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', awsmock.models.UTCDateTime(), nullable=False),
    sa.Column('due_at', awsmock.models.UTCDateTime(), nullable=False),
    sa.Column('lease_until', awsmock.models.UTCDateTime(), nullable=True),
    sa.Column('lease_owner', sa.String(length=64), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('finished_at', awsmock.models.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awsmock_outbox')),
    info={'rows_of': 'service'}
    )
    with op.batch_alter_table('awsmock_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_awsmock_outbox_due', ['state', 'due_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('awsmock_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_awsmock_outbox_due')

    op.drop_table('awsmock_outbox')
