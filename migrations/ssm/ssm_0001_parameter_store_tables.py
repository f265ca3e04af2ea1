"""parameter store tables

Revision ID: ssm_0001_parameter_store_tables
Revises: 
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awsmock.models

revision = "ssm_0001_parameter_store_tables"
down_revision = None
branch_labels = ('ssm',)
depends_on = "0004_resources"


def upgrade() -> None:
    op.create_table('ssm_parameter',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=2048), nullable=False),
    sa.Column('path', sa.String(length=2048), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('key_id', sa.String(length=2048), nullable=True),
    sa.Column('data_type', sa.String(length=128), nullable=False),
    sa.Column('tier', sa.String(length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('allowed_pattern', sa.Text(), nullable=True),
    sa.Column('policies', sa.JSON(), nullable=True),
    sa.Column('expires_at', awsmock.models.UTCDateTime(), nullable=True),
    sa.Column('modified', awsmock.models.UTCDateTime(), nullable=False),
    sa.Column('modified_user', sa.String(length=2048), nullable=False),
    sa.Column('region', sa.String(length=32), nullable=False),
    sa.Column('account_id', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ssm_parameter')),
    sa.UniqueConstraint('account_id', 'region', 'name', name='uq_ssm_parameter_name'),
    info={'service': 'ssm'}
    )
    with op.batch_alter_table('ssm_parameter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ssm_parameter_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_ssm_parameter_path', ['account_id', 'region', 'path', 'name'], unique=False)

    op.create_table('ssm_parameter_label',
    sa.Column('parameter_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parameter_id'], ['ssm_parameter.id'], name=op.f('fk_ssm_parameter_label_parameter_id_ssm_parameter'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('parameter_id', 'label', name=op.f('pk_ssm_parameter_label')),
    info={'service': 'ssm'}
    )
    with op.batch_alter_table('ssm_parameter_label', schema=None) as batch_op:
        batch_op.create_index('ix_ssm_parameter_label_version', ['parameter_id', 'version'], unique=False)

    op.create_table('ssm_parameter_version',
    sa.Column('parameter_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('key_id', sa.String(length=2048), nullable=True),
    sa.Column('data_type', sa.String(length=128), nullable=False),
    sa.Column('tier', sa.String(length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('allowed_pattern', sa.Text(), nullable=True),
    sa.Column('policies', sa.JSON(), nullable=True),
    sa.Column('modified', awsmock.models.UTCDateTime(), nullable=False),
    sa.Column('modified_user', sa.String(length=2048), nullable=False),
    sa.ForeignKeyConstraint(['parameter_id'], ['ssm_parameter.id'], name=op.f('fk_ssm_parameter_version_parameter_id_ssm_parameter'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('parameter_id', 'version', name=op.f('pk_ssm_parameter_version')),
    info={'service': 'ssm'}
    )


def downgrade() -> None:
    op.drop_table('ssm_parameter_version')
    with op.batch_alter_table('ssm_parameter_label', schema=None) as batch_op:
        batch_op.drop_index('ix_ssm_parameter_label_version')

    op.drop_table('ssm_parameter_label')
    with op.batch_alter_table('ssm_parameter', schema=None) as batch_op:
        batch_op.drop_index('ix_ssm_parameter_path')
        batch_op.drop_index(batch_op.f('ix_ssm_parameter_account_id'))

    op.drop_table('ssm_parameter')
