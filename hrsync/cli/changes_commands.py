"""`hrsync changes show|approve`: a change set as tables, and applying it with an approver's password."""

from __future__ import annotations

import click
from rich.console import Console

from core.links import LinkSigner
from hrsync.cli.admin_support import opened_services, read_secret
from hrsync.cli.errors import UserError, user_errors
from hrsync.render import counts_line, render_items
from store.db import transaction
from store.enums import ChangeSetStatus
from store.repositories import companies, stakeholders
from store.repositories.changeset_reads import StoredChangeSet, load_changeset


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
        found = stakeholders.get_stakeholders(session, stored.company_id, _mentioned(stored))
        names = {stakeholder_id: stakeholder.name for stakeholder_id, stakeholder in found.items()}
    console = Console()
    console.print(f"[bold]change set {stored.id}[/] of {company.name} ({stored.provider}) — {_status(stored)}")
    console.print(counts_line(stored.counts()))
    render_items(console, stored.changeset.items, names, limit=None if show_all else 20)
    if stored.status is ChangeSetStatus.PENDING:
        settings = app.settings
        signer = LinkSigner(settings.secret_key, settings.approve_link_max_age, settings.public_base_url)
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
    from core.errors import ApprovalError, WrongPassword
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
    except WrongPassword as error:
        raise UserError(f"{error} ({error.remaining} tries left before approving locks)") from None
    except ApprovalError as error:
        raise UserError(str(error)) from None
    finally:
        redis.close()
    applied = ", ".join(f"{outcome} {count}" for outcome, count in result.counts().items())
    click.echo(f"change set {result.changeset_id} applied by {result.applied_by}: {applied or 'nothing'}")


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
