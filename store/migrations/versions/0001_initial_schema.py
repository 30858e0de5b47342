"""Initial schema: companies, integrations, stakeholders, syncs, change sets, decisions, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 01:24:53.624928
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('companies',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('name_format', sa.String(length=32), nullable=False),
    sa.Column('termination_policy', sa.String(length=32), nullable=False),
    sa.Column('ex_employee_group', sa.Text(), nullable=False),
    sa.Column('employee_group', sa.Text(), nullable=False),
    sa.Column('import_terminated', sa.Boolean(), nullable=False),
    sa.Column('use_preferred_name', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("name_format IN ('first_last', 'last_first', 'last_comma_first')", name=op.f('ck_companies_name_format')),
    sa.CheckConstraint("termination_policy IN ('propose_group', 'ignore')", name=op.f('ck_companies_termination_policy')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_companies'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_api_tokens_company_id_companies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    op.create_index(op.f('ix_api_tokens_company_id'), 'api_tokens', ['company_id'], unique=False)
    op.create_table('approvers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.String(length=32), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_approvers_email_lower_case')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_approvers_company_id_companies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approvers')),
    sa.UniqueConstraint('company_id', 'email', name=op.f('uq_approvers_company_id_email'))
    )
    op.create_table('integrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.String(length=32), nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('credentials_ciphertext', sa.Text(), nullable=False),
    sa.Column('webhook_secret_ciphertext', sa.Text(), nullable=True),
    sa.Column('mapping', sa.JSON(), nullable=True),
    sa.Column('cursor', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('ok', 'needs_attention')", name=op.f('ck_integrations_status')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_integrations_company_id_companies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_integrations')),
    sa.UniqueConstraint('company_id', name=op.f('uq_integrations_company_id'))
    )
    op.create_table('stakeholders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('first_name', sa.Text(), nullable=True),
    sa.Column('last_name', sa.Text(), nullable=True),
    sa.Column('unique_identifier', sa.Text(), nullable=True),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('street', sa.Text(), nullable=True),
    sa.Column('postal_code', sa.Text(), nullable=True),
    sa.Column('city', sa.Text(), nullable=True),
    sa.Column('country', sa.Text(), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('nationality', sa.Text(), nullable=True),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('group', sa.Text(), nullable=True),
    sa.Column('hr_provider', sa.String(length=32), nullable=True),
    sa.Column('hr_remote_id', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("unique_identifier IS NULL OR unique_identifier <> ''", name=op.f('ck_stakeholders_identifier_not_empty')),
    sa.CheckConstraint('(hr_provider IS NULL) = (hr_remote_id IS NULL)', name=op.f('ck_stakeholders_link_complete')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_stakeholders_company_id_companies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stakeholders')),
    sa.UniqueConstraint('company_id', 'hr_provider', 'hr_remote_id', name=op.f('uq_stakeholders_company_id_hr_provider_hr_remote_id')),
    sa.UniqueConstraint('company_id', 'unique_identifier', name=op.f('uq_stakeholders_company_id_unique_identifier'))
    )
    op.create_index(op.f('ix_stakeholders_company_id_group'), 'stakeholders', ['company_id', 'group'], unique=False)
    op.create_index(op.f('ix_stakeholders_company_id_id'), 'stakeholders', ['company_id', 'id'], unique=False)
    op.create_table('sync_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.String(length=32), nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('remote_ids', sa.JSON(), nullable=True),
    sa.Column('fetched', sa.Integer(), nullable=False),
    sa.Column('matched', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('changeset_id', sa.Integer(), nullable=True),
    sa.Column('cursor_after', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("mode IN ('full', 'incremental', 'targeted')", name=op.f('ck_sync_runs_mode')),
    sa.CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed')", name=op.f('ck_sync_runs_status')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_sync_runs_company_id_companies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_runs'))
    )
    op.create_index(op.f('ix_sync_runs_company_id_status'), 'sync_runs', ['company_id', 'status'], unique=False)
    op.create_table('change_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.String(length=32), nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('sync_run_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('applied_by', sa.String(length=320), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'applied', 'superseded', 'expired')", name=op.f('ck_change_sets_status')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_change_sets_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['superseded_by'], ['change_sets.id'], name=op.f('fk_change_sets_superseded_by_change_sets'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sync_run_id'], ['sync_runs.id'], name=op.f('fk_change_sets_sync_run_id_sync_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_sets'))
    )
    op.create_index(op.f('ix_change_sets_company_id_status'), 'change_sets', ['company_id', 'status'], unique=False)
    op.create_index('uq_change_sets_one_pending', 'change_sets', ['company_id'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
    # sync_runs and change_sets point at each other: this side is added once both exist
    # (batch mode, as SQLite cannot ALTER a constraint in).
    with op.batch_alter_table('sync_runs') as batch_op:
        batch_op.create_foreign_key(op.f('fk_sync_runs_changeset_id_change_sets'), 'change_sets',
                                    ['changeset_id'], ['id'], ondelete='SET NULL')

    op.create_table('review_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.String(length=32), nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('remote_id', sa.Text(), nullable=False),
    sa.Column('stakeholder_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('decided_by', sa.String(length=320), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('not_same_person', 'ignore_employee')", name=op.f('ck_review_decisions_kind')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_review_decisions_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stakeholder_id'], ['stakeholders.id'], name=op.f('fk_review_decisions_stakeholder_id_stakeholders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_decisions'))
    )
    op.create_index('uq_review_decisions_with_stakeholder', 'review_decisions', ['company_id', 'provider', 'remote_id', 'stakeholder_id', 'kind'], unique=True, sqlite_where=sa.text('stakeholder_id IS NOT NULL'), postgresql_where=sa.text('stakeholder_id IS NOT NULL'))
    op.create_index('uq_review_decisions_without_stakeholder', 'review_decisions', ['company_id', 'provider', 'remote_id', 'kind'], unique=True, sqlite_where=sa.text('stakeholder_id IS NULL'), postgresql_where=sa.text('stakeholder_id IS NULL'))
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=320), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('change_set_id', sa.Integer(), nullable=True),
    sa.Column('stakeholder_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['change_set_id'], ['change_sets.id'], name=op.f('fk_audit_log_change_set_id_change_sets'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_audit_log_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stakeholder_id'], ['stakeholders.id'], name=op.f('fk_audit_log_stakeholder_id_stakeholders'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index(op.f('ix_audit_log_company_id_id'), 'audit_log', ['company_id', 'id'], unique=False)
    op.create_table('change_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('change_set_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('remote_id', sa.Text(), nullable=False),
    sa.Column('stakeholder_id', sa.Integer(), nullable=True),
    sa.Column('stakeholder_version', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=32), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('proposed', sa.JSON(), nullable=False),
    sa.Column('candidates', sa.JSON(), nullable=False),
    sa.Column('employee_name', sa.Text(), nullable=False),
    sa.Column('termination_date', sa.Date(), nullable=True),
    sa.Column('resolution', sa.String(length=64), nullable=True),
    sa.CheckConstraint("kind IN ('create', 'update', 'link', 'review', 'leaver', 'skip')", name=op.f('ck_change_items_kind')),
    sa.ForeignKeyConstraint(['change_set_id'], ['change_sets.id'], name=op.f('fk_change_items_change_set_id_change_sets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stakeholder_id'], ['stakeholders.id'], name=op.f('fk_change_items_stakeholder_id_stakeholders'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_items')),
    sa.UniqueConstraint('change_set_id', 'position', name=op.f('uq_change_items_change_set_id_position'))
    )
    op.create_index(op.f('ix_change_items_change_set_id_remote_id'), 'change_items', ['change_set_id', 'remote_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_change_items_change_set_id_remote_id'), 'change_items')
    op.drop_table('change_items')
    op.drop_index(op.f('ix_audit_log_company_id_id'), 'audit_log')
    op.drop_table('audit_log')
    op.drop_index('uq_review_decisions_without_stakeholder', 'review_decisions')
    op.drop_index('uq_review_decisions_with_stakeholder', 'review_decisions')
    op.drop_table('review_decisions')
    op.drop_index('uq_change_sets_one_pending', 'change_sets')
    with op.batch_alter_table('sync_runs') as batch_op:
        batch_op.drop_constraint(op.f('fk_sync_runs_changeset_id_change_sets'), type_='foreignkey')
    op.drop_index(op.f('ix_change_sets_company_id_status'), 'change_sets')
    op.drop_table('change_sets')
    op.drop_index(op.f('ix_sync_runs_company_id_status'), 'sync_runs')
    op.drop_table('sync_runs')
    op.drop_index(op.f('ix_stakeholders_company_id_id'), 'stakeholders')
    op.drop_index(op.f('ix_stakeholders_company_id_group'), 'stakeholders')
    op.drop_table('stakeholders')
    op.drop_table('integrations')
    op.drop_table('approvers')
    op.drop_index(op.f('ix_api_tokens_company_id'), 'api_tokens')
    op.drop_table('api_tokens')
    op.drop_table('companies')
