"""`hrsync changes show`: a change set as tables, the way the approver will see it."""

from __future__ import annotations

import click
from rich.console import Console

from hrsync.cli.admin_support import opened_services
from hrsync.cli.errors import user_errors
from hrsync.render import counts_line, render_items
from store.db import transaction
from store.enums import ChangeSetStatus
from store.repositories import companies, stakeholders
from store.repositories.changeset_reads import StoredChangeSet, load_changeset
from workers.links import LinkSigner


@click.group()
def changes() -> None:
    """Change sets: what a sync proposes for the registry."""


@changes.command("show")
@click.argument("changeset", type=click.IntRange(min=1), metavar="CHANGESET")
@click.option("--all", "show_all", is_flag=True, help="Every item (default: the first 20 of each kind).")
@click.pass_obj
@user_errors
def show(app, changeset: int, show_all: bool) -> None:
    """Print change set CHANGESET: counts, then one table per kind (old → new values, review candidates).

    Example: hrsync changes show 12 --all
    """
    with opened_services(app) as services, transaction(services.session_factory) as session:
        stored = load_changeset(session, changeset)
        company = companies.get_company(session, stored.company_id)
        names = {s.id: s.name for s in stakeholders.get_stakeholders(session, stored.company_id, _mentioned(stored))}
    console = Console()
    console.print(f"[bold]change set {stored.id}[/] of {company.name} ({stored.provider}) — {_status(stored)}")
    console.print(counts_line(stored.counts()))
    render_items(console, stored.changeset.items, names, limit=None if show_all else 20)
    if stored.status is ChangeSetStatus.PENDING:
        settings = app.settings
        signer = LinkSigner(settings.secret_key, settings.approve_link_max_age, settings.public_base_url)
        console.print(f"approve at {signer.url(stored.id)}", soft_wrap=True)


def _mentioned(stored: StoredChangeSet) -> set[int]:
    ids = {entry.item.stakeholder_id for entry in stored.items if entry.item.stakeholder_id is not None}
    return ids | {candidate for entry in stored.items for candidate in entry.item.candidates}


def _status(stored: StoredChangeSet) -> str:
    created = f"created {stored.created_at:%Y-%m-%d %H:%M} UTC"
    if stored.status is ChangeSetStatus.APPLIED:
        return f"applied {stored.applied_at:%Y-%m-%d %H:%M} UTC by {stored.applied_by}; {created}"
    if stored.status is ChangeSetStatus.SUPERSEDED:
        return f"superseded by change set {stored.superseded_by}; {created}"
    return f"{stored.status.value}, {created}"
