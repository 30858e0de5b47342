"""Sync runs: missing_fields, the mapped source fields the HR system sent for no employee (the credential probably
cannot read them), kept so that people see them with the sync; NULL: none.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sync_runs') as batch:
        batch.add_column(sa.Column('missing_fields', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sync_runs') as batch:
        batch.drop_column('missing_fields')
