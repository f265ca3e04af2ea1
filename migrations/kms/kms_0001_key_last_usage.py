"""key last usage

Revision ID: kms_0001_key_last_usage
Revises:

KMS's first table of its own: ``kms_key_usage``, the last successful cryptographic operation of
each key (GetKeyLastUsage), one small row per key written with one statement per use, so an
Encrypt or a Decrypt no longer rewrites the key's document in the shared resource store. Uses
recorded by earlier builds (``LastUsage`` in the key's document) are still read.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awsmock.models

revision = "kms_0001_key_last_usage"
down_revision = None
branch_labels = ('kms',)
depends_on = "0004_resources"


def upgrade() -> None:
    op.create_table('kms_key_usage',
    sa.Column('key_arn', sa.String(length=2048), nullable=False),
    sa.Column('operation', sa.String(length=64), nullable=False),
    sa.Column('at', sa.String(length=40), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('request_id', sa.String(length=128), nullable=False),
    sa.Column('account_id', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('key_arn', name=op.f('pk_kms_key_usage')),
    info={'service': 'kms'}
    )
    with op.batch_alter_table('kms_key_usage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kms_key_usage_account_id'), ['account_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('kms_key_usage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kms_key_usage_account_id'))

    op.drop_table('kms_key_usage')
