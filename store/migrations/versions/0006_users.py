"""Users: today's approvers become console users with a role, keeping their argon2 hashes.

Each company's first approver (the one `hrsync company create` made) becomes an admin, the others approvers.
A user may now exist without a password (invited, the set-password link not used yet), and the hash of the
one set-password link that still works is kept beside it. Downgrading keeps every user who has a password.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:50:00
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.String(length=32), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=True),
    sa.Column('password_link_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_users_email_lower_case')),
    sa.CheckConstraint("role IN ('admin', 'approver')", name=op.f('ck_users_role')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_users_company_id_companies'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('company_id', 'email', name=op.f('uq_users_company_id_email'))
    )
    op.create_index(op.f('ix_users_email'), 'users', ['email'], unique=False)
    # In the approvers' order, so that the users' ids keep who came first.
    op.execute(
        "INSERT INTO users (company_id, email, role, password_hash, created_at) "
        "SELECT a.company_id, a.email, "
        "CASE WHEN a.id = (SELECT min(b.id) FROM approvers b WHERE b.company_id = a.company_id) "
        "THEN 'admin' ELSE 'approver' END, a.password_hash, a.created_at "
        "FROM approvers a ORDER BY a.id")
    op.drop_table('approvers')


def downgrade() -> None:
    op.create_table('approvers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.String(length=32), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_approvers_email_lower_case')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_approvers_company_id_companies'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approvers')),
    sa.UniqueConstraint('company_id', 'email', name=op.f('uq_approvers_company_id_email'))
    )
    op.execute("INSERT INTO approvers (company_id, email, password_hash, created_at) "
               "SELECT company_id, email, password_hash, created_at FROM users "
               "WHERE password_hash IS NOT NULL ORDER BY id")
    op.drop_index(op.f('ix_users_email'), 'users')
    op.drop_table('users')
