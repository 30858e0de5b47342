"""Syncs: what triggered each one (manual / webhook / cron), who asked, the error's code; indexes for the
console's and the API's lists (syncs, change sets and the audit log newest first; stakeholders in name order
without case).

Existing syncs get a trigger from their mode: targeted syncs only ever came from webhooks; full and incremental
ones were asked for by a person or by cron, which the rows did not record, so they read `manual` (who asked
stays unknown).

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-02 10:45:00
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sync_runs') as batch:
        batch.add_column(sa.Column('trigger', sa.String(length=16), server_default='manual', nullable=False))
        batch.add_column(sa.Column('requested_by', sa.String(length=320), nullable=True))
        batch.add_column(sa.Column('error_code', sa.String(length=64), nullable=True))
    runs = sa.table('sync_runs', sa.column('mode', sa.String), sa.column('trigger', sa.String))
    op.execute(sa.update(runs).where(runs.c.mode == 'targeted').values(trigger='webhook'))
    with op.batch_alter_table('sync_runs') as batch:
        batch.create_check_constraint(op.f('ck_sync_runs_trigger'), "trigger IN ('manual', 'webhook', 'cron')")
    op.create_index(op.f('ix_sync_runs_company_id_id'), 'sync_runs', ['company_id', 'id'])
    op.create_index(op.f('ix_sync_runs_company_id_trigger_id'), 'sync_runs', ['company_id', 'trigger', 'id'])
    op.create_index(op.f('ix_change_sets_company_id_id'), 'change_sets', ['company_id', 'id'])
    op.create_index(op.f('ix_audit_log_company_id_stakeholder_id_id'), 'audit_log',
                    ['company_id', 'stakeholder_id', 'id'])
    op.create_index(op.f('ix_audit_log_company_id_change_set_id_id'), 'audit_log',
                    ['company_id', 'change_set_id', 'id'])
    op.create_index('ix_stakeholders_company_id_lower_name_id', 'stakeholders',
                    ['company_id', sa.text('lower(name)'), 'id'])


def downgrade() -> None:
    op.drop_index('ix_stakeholders_company_id_lower_name_id', table_name='stakeholders')
    op.drop_index(op.f('ix_audit_log_company_id_change_set_id_id'), table_name='audit_log')
    op.drop_index(op.f('ix_audit_log_company_id_stakeholder_id_id'), table_name='audit_log')
    op.drop_index(op.f('ix_change_sets_company_id_id'), table_name='change_sets')
    op.drop_index(op.f('ix_sync_runs_company_id_trigger_id'), table_name='sync_runs')
    op.drop_index(op.f('ix_sync_runs_company_id_id'), table_name='sync_runs')
    with op.batch_alter_table('sync_runs') as batch:
        batch.drop_constraint(op.f('ck_sync_runs_trigger'), type_='check')
        batch.drop_column('error_code')
        batch.drop_column('requested_by')
        batch.drop_column('trigger')
