"""Company names unique without case (companies.name_key); when an integration's last error happened.

Existing companies sharing a name (compared without case) keep working: the oldest keeps its name,
each later one gets its id appended ("Acme GmbH (co_0123456789abcdef)"), and the upgrade logs each rename.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 06:15:03.985592
"""

from __future__ import annotations

import logging
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def _name_key(name: str) -> str:
    # A copy of store.models.company.company_name_key as of this revision: a migration must not change
    # with the code that comes after it.
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def upgrade() -> None:
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.Text(), nullable=True))
    _fill_name_keys()
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.alter_column('name_key', existing_type=sa.Text(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_companies_name_key'), ['name_key'])

    with op.batch_alter_table('integrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_error_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('integrations', schema=None) as batch_op:
        batch_op.drop_column('last_error_at')

    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_companies_name_key'), type_='unique')
        batch_op.drop_column('name_key')


def _fill_name_keys() -> None:
    """Every company's key; a name met before (oldest first) is made unique with the company's id."""
    companies = sa.table('companies', sa.column('id', sa.String), sa.column('name', sa.Text),
                         sa.column('name_key', sa.Text), sa.column('created_at'))
    connection = op.get_bind()
    rows = connection.execute(sa.select(companies.c.id, companies.c.name)
                              .order_by(companies.c.created_at, companies.c.id)).all()
    taken: set[str] = set()
    for company_id, name in rows:
        key = _name_key(name)
        if key in taken:
            renamed = f"{name} ({company_id})"
            log.warning("company %s shares its name with an older company: renamed to %r", company_id, renamed)
            name, key = renamed, _name_key(renamed)
        taken.add(key)
        connection.execute(sa.update(companies).where(companies.c.id == company_id)
                           .values(name=name, name_key=key))
