"""DynamoDB table exports to S3 and imports from it

Revision ID: 0003_dynamodb_jobs
Revises: 0002_dynamodb_backups
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awsmock.models

revision = "0003_dynamodb_jobs"
down_revision = "0002_dynamodb_backups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dynamodb_jobs',
    sa.Column('arn', sa.String(length=512), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('table_arn', sa.String(length=512), nullable=False),
    sa.Column('client_token', sa.String(length=64), nullable=True),
    sa.Column('created', awsmock.models.UTCDateTime(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('region', sa.String(length=32), nullable=False),
    sa.Column('account_id', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('arn', name=op.f('pk_dynamodb_jobs')),
    info={'service': 'dynamodb'}
    )
    with op.batch_alter_table('dynamodb_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dynamodb_jobs_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dynamodb_jobs_table_arn'), ['table_arn'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dynamodb_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dynamodb_jobs_table_arn'))
        batch_op.drop_index(batch_op.f('ix_dynamodb_jobs_account_id'))

    op.drop_table('dynamodb_jobs')
