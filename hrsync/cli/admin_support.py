"""What the admin commands share: services on a migrated database, company lookup, secrets from prompt or stdin."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

import click

from core.bootstrap import Services, build_services
from hrsync.cli.errors import UserError
from services import companies
from services.companies import Company


@contextmanager
def opened_services(app) -> Iterator[Services]:
    """Services on a database at the newest schema revision (else one line pointing at `db upgrade`)."""
    settings = app.settings
    require_schema(settings.database_url)
    services = build_services(settings)
    try:
        yield services
    finally:
        services.dispose()


def require_schema(database_url: str) -> None:
    """The database answers and is at the newest schema revision; else one line (unreachable: `user_errors`)."""
    from store.migrate import current, head

    if current(database_url) != head():
        raise UserError("the database schema is missing or old: run `hrsync db upgrade` first")


def resolve_company(services: Services, text: str) -> Company:
    """A company by id (as `company create` printed it) or by its name (case does not count)."""
    return companies.find_company(services, text)


def read_secret(label: str, *, confirm: bool = False) -> str:
    """A secret typed at a hidden prompt (twice with `confirm`), or one line of stdin when that is not a terminal.

    Secrets stay out of the command line, where shell history and `ps` would show them.
    """
    if sys.stdin is not None and sys.stdin.isatty():
        value = click.prompt(label, hide_input=True, confirmation_prompt=confirm)
    else:
        value = sys.stdin.readline().rstrip("\r\n")
    if not value.strip():
        raise UserError(f"{label.lower()} is empty (type it at the prompt or pipe it on stdin)")
    return value
