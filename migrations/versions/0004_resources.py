"""The shared resource store: resources of every service, and tags of any resource by ARN

Revision ID: 0004_resources
Revises: 0003_dynamodb_jobs
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awsmock.models

revision = "0004_resources"
down_revision = "0003_dynamodb_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('awsmock_resource',
    sa.Column('pk', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('service', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.String(length=12), nullable=False),
    sa.Column('region', sa.String(length=32), nullable=False),
    sa.Column('rid', sa.String(length=512), nullable=False),
    sa.Column('arn', sa.String(length=2048), nullable=False),
    sa.Column('name', sa.String(length=512), nullable=True),
    sa.Column('parent', sa.String(length=2048), nullable=True),
    sa.Column('state', sa.String(length=64), nullable=True),
    sa.Column('created', awsmock.models.UTCDateTime(), nullable=False),
    sa.Column('updated', awsmock.models.UTCDateTime(), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_awsmock_resource')),
    sa.UniqueConstraint('arn', name='uq_awsmock_resource_arn'),
    sa.UniqueConstraint('service', 'kind', 'account_id', 'region', 'rid', name='uq_awsmock_resource_id'),
    info={'rows_of': 'service'}
    )
    with op.batch_alter_table('awsmock_resource', schema=None) as batch_op:
        batch_op.create_index('ix_awsmock_resource_name', ['service', 'kind', 'account_id', 'region', 'name'], unique=False)
        batch_op.create_index('ix_awsmock_resource_parent', ['parent'], unique=False)

    op.create_table('awsmock_tag',
    sa.Column('arn', sa.String(length=2048), nullable=False),
    sa.Column('key', sa.String(length=256), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('service', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('arn', 'key', name=op.f('pk_awsmock_tag')),
    info={'rows_of': 'service'}
    )
    with op.batch_alter_table('awsmock_tag', schema=None) as batch_op:
        batch_op.create_index('ix_awsmock_tag_service', ['service', 'account_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('awsmock_tag', schema=None) as batch_op:
        batch_op.drop_index('ix_awsmock_tag_service')

    op.drop_table('awsmock_tag')
    with op.batch_alter_table('awsmock_resource', schema=None) as batch_op:
        batch_op.drop_index('ix_awsmock_resource_parent')
        batch_op.drop_index('ix_awsmock_resource_name')

    op.drop_table('awsmock_resource')
