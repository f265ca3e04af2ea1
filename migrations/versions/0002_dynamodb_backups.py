"""DynamoDB on-demand backups

Revision ID: 0002_dynamodb_backups
Revises: 0001_initial
The first revision after the initial schema: data dirs made before it gain the two tables.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awsmock.models

revision = "0002_dynamodb_backups"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dynamodb_backups',
    sa.Column('arn', sa.String(length=512), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('table_name', sa.String(length=255), nullable=False),
    sa.Column('spec', sa.Text(), nullable=False),
    sa.Column('created', awsmock.models.UTCDateTime(), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('item_count', sa.BigInteger(), nullable=False),
    sa.Column('region', sa.String(length=32), nullable=False),
    sa.Column('account_id', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('arn', name=op.f('pk_dynamodb_backups')),
    info={'service': 'dynamodb'}
    )
    with op.batch_alter_table('dynamodb_backups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dynamodb_backups_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dynamodb_backups_table_name'), ['table_name'], unique=False)

    op.create_table('dynamodb_backup_items',
    sa.Column('backup_arn', sa.String(length=512), nullable=False),
    sa.Column('h', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('pk', sa.Text(), nullable=False),
    sa.Column('sk', sa.LargeBinary(), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['backup_arn'], ['dynamodb_backups.arn'], name=op.f('fk_dynamodb_backup_items_backup_arn_dynamodb_backups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('backup_arn', 'h', 'pk', 'sk', name=op.f('pk_dynamodb_backup_items')),
    info={'service': 'dynamodb'}
    )


def downgrade() -> None:
    op.drop_table('dynamodb_backup_items')
    with op.batch_alter_table('dynamodb_backups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dynamodb_backups_table_name'))
        batch_op.drop_index(batch_op.f('ix_dynamodb_backups_account_id'))

    op.drop_table('dynamodb_backups')
