"""Integrations: options, the company's choices about reading its HR system (providers.description.ProviderOption,
e.g. whether garden leave makes a leaver); NULL: every option at its default.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 14:00:00
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('integrations') as batch:
        batch.add_column(sa.Column('options', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('integrations') as batch:
        batch.drop_column('options')
