"""`hrsync db …`: schema migrations."""

from __future__ import annotations

import click

from hrsync.cli.errors import user_errors


@click.group()
def db() -> None:
    """Manage the registry database schema."""


@db.command()
@click.pass_obj
@user_errors
def upgrade(app) -> None:
    """Apply every pending migration (safe to run again).

    Example: DATABASE_URL=postgresql+psycopg://hrsync@db/hrsync hrsync db upgrade
    """
    from store.migrate import current, upgrade as run_upgrade

    url = app.settings.database_url
    run_upgrade(url)
    click.echo(f"database at revision {current(url)}")
