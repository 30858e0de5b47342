"""`hrsync changes show|approve`: a change set as tables, and applying it with an approver's password."""

from __future__ import annotations

import click
from rich.console import Console

from core.links import LinkSigner
from hrsync.cli.admin_support import opened_services, read_secret
from hrsync.cli.errors import user_errors
from hrsync.render import counts_line, render_items
from services import changesets
from services.changesets import StoredChangeSet
from store.enums import ChangeSetStatus


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
    with opened_services(app) as services:
        found = changesets.detail(services, changeset)
    stored = found.changeset
    console = Console()
    console.print(f"[bold]change set {stored.id}[/] of {found.company.name} ({stored.provider}) — {_status(stored)}")
    console.print(counts_line(stored.counts()))
    render_items(console, stored.changeset.items, found.names, limit=None if show_all else 20)
    if stored.status is ChangeSetStatus.PENDING:
        settings = app.settings
        signer = LinkSigner.for_settings(settings)
        console.print(f"approve at {signer.url(stored.id)}", soft_wrap=True)


@changes.command("approve")
@click.argument("changeset", type=click.IntRange(min=1), metavar="CHANGESET")
@click.option("--approver", required=True, metavar="EMAIL", help="An approver of the change set's company.")
@click.option("--name-format", type=click.Choice(["first_last", "last_first", "last_comma_first"]),
              help="Display name of new stakeholders (default: the company setting).")
@click.pass_obj
@user_errors
def approve(app, changeset: int, approver: str, name_format: str | None) -> None:
    """Apply every item of change set CHANGESET (review items stay unresolved) after the approver's password.

    The password is asked at a hidden prompt, or read from stdin when that is not a terminal; wrong
    tries count against the approver's account, as on the approve page and in the JSON API.

    Example: hrsync changes approve 12 --approver cfo@acme.example
    """
    from redis import Redis

    from core import namespace
    from core.lockout import COMMAND_LINE
    from domain.names import NameFormat
    from services.approvals import ApprovalRequest, approve as apply_approved

    password = read_secret("Approver password")
    request = ApprovalRequest(changeset_id=changeset, email=approver, password=password, client=COMMAND_LINE,
                              name_format=NameFormat(name_format) if name_format else None)
    redis = Redis.from_url(app.settings.redis_url, socket_connect_timeout=2, socket_timeout=5)
    try:
        with opened_services(app) as services:
            result = apply_approved(services, namespace.lockout(redis, app.settings.namespace), request)
    finally:
        redis.close()
    applied = ", ".join(f"{outcome} {count}" for outcome, count in result.counts().items())
    click.echo(f"change set {result.changeset_id} applied by {result.applied_by}: {applied or 'nothing'}")


def _status(stored: StoredChangeSet) -> str:
    created = f"created {stored.created_at:%Y-%m-%d %H:%M} UTC"
    if stored.status is ChangeSetStatus.APPLIED:
        return f"applied {stored.applied_at:%Y-%m-%d %H:%M} UTC by {stored.applied_by}; {created}"
    if stored.status is ChangeSetStatus.SUPERSEDED:
        return f"superseded by change set {stored.superseded_by}; {created}"
    return f"{stored.status.value}, {created}"
