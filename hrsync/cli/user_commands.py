"""`hrsync user add|list|remove|reset-password`: a company's console users and their roles."""

from __future__ import annotations

import click
from rich import box
from rich.console import Console
from rich.table import Table

from hrsync.cli.admin_support import opened_services, resolve_company
from hrsync.cli.errors import user_errors
from services import users
from services.users import Invitation, User, UserRole

# Who acts, in the audit log, when a command adds, removes or resets a user.
ACTOR = "hrsync command line"
ROLES = click.Choice([role.value for role in UserRole])


@click.group()
def user() -> None:
    """Users of a company's console: admins (settings, syncs, users, approving) and approvers (view, approve)."""


@user.command("list")
@click.argument("company")
@click.pass_obj
@user_errors
def list_users(app, company: str) -> None:
    """List COMPANY's users with their role and whether they have set a password.

    Example: hrsync user list "Acme GmbH"
    """
    with opened_services(app) as services:
        target = resolve_company(services, company)
        found = users.list_users(services, target.id)
    table = Table(title=f"Users of {target.name}", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("e-mail", "role", "status", "added (UTC)"):
        table.add_column(column, overflow="fold")
    for entry in found:
        table.add_row(entry.email, entry.role.value, status(entry), f"{entry.created_at:%Y-%m-%d %H:%M}")
    Console().print(table)


@user.command("add")
@click.argument("company")
@click.argument("email")
@click.option("--role", type=ROLES, default=UserRole.APPROVER.value, show_default=True,
              help="admin: settings, syncs, users and approving; approver: viewing and approving.")
@click.pass_obj
@user_errors
def add(app, company: str, email: str, role: str) -> None:
    """Add EMAIL to COMPANY and e-mail them a link to set their password.

    Example: hrsync user add "Acme GmbH" clerk@acme.example --role approver
    """
    with opened_services(app) as services:
        target = resolve_company(services, company)
        invitation = users.add_user(services, target.id, email, role, actor=ACTOR)
    click.echo(f"added {invitation.user.email} to {target.name} as {invitation.user.role.value}")
    _report(invitation)


@user.command("remove")
@click.argument("company")
@click.argument("email")
@click.pass_obj
@user_errors
def remove(app, company: str, email: str) -> None:
    """Remove EMAIL from COMPANY (the last admin stays: make another user an admin first).

    Example: hrsync user remove "Acme GmbH" clerk@acme.example
    """
    with opened_services(app) as services:
        target = resolve_company(services, company)
        removed = users.remove_user(services, target.id, users.find_user(services, target.id, email).id, actor=ACTOR)
    click.echo(f"removed {removed.email} ({removed.role.value}) from {target.name}")


@user.command("reset-password")
@click.argument("company")
@click.argument("email")
@click.pass_obj
@user_errors
def reset_password(app, company: str, email: str) -> None:
    """End EMAIL's password at COMPANY and e-mail them a link to set a new one.

    Example: hrsync user reset-password "Acme GmbH" clerk@acme.example
    """
    with opened_services(app) as services:
        target = resolve_company(services, company)
        invitation = users.reset_password(services, target.id, users.find_user(services, target.id, email).id,
                                          actor=ACTOR)
    click.echo(f"the password of {invitation.user.email} no longer works")
    _report(invitation)


def status(entry: User) -> str:
    if entry.has_password:
        return "active"
    return "invited: link sent, not used yet" if entry.link_pending else "no password"


def _report(invitation: Invitation) -> None:
    if invitation.mailed:
        click.echo(f"a link to set the password was e-mailed to {invitation.user.email}")
    elif invitation.outbox_file:
        click.echo(f"no mail server (SMTP_URL) is set: the e-mail with the link is in {invitation.outbox_file}")
    else:
        # Only this terminal has the link now: it is what the person needs to set their password.
        click.echo("the e-mail could not be sent (see the warning above); give them this link, which works once:")
        click.echo(invitation.url)
