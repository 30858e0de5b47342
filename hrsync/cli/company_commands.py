"""`hrsync company create`: a company, its first approver and its API token."""

from __future__ import annotations

import click

from hrsync.cli.admin_support import opened_services, read_secret
from hrsync.cli.errors import user_errors
from providers.registry import PROVIDERS
from services import companies


@click.group()
def company() -> None:
    """Companies: each has approvers, an API token and one HR integration."""


@company.command("create")
@click.argument("name")
@click.option("--approver", "approver", required=True, metavar="EMAIL",
              help="E-mail of the first approver: the person who applies change sets with a password.")
@click.pass_obj
@user_errors
def create(app, name: str, approver: str) -> None:
    """Create a company with its first approver; prints the company id and the API token (once).

    The approver's password is asked twice at a hidden prompt, or read from the first line of
    standard input when that is not a terminal.

    Example: hrsync company create "Acme GmbH" --approver cfo@acme.example
    """
    with opened_services(app) as services:
        companies.check_name_free(services, name)  # before the password is typed twice for nothing
        created = companies.create_company(services, name, approver, read_secret("Approver password", confirm=True))
    click.echo(f"company id: {created.company_id}")
    click.echo(f"API token:  {created.api_token}")
    click.echo("The token is shown this once (only its hash is stored): keep it in a password manager. "
               "It authenticates /api/v1 as 'Authorization: Bearer <token>'.")
    click.echo(f"Next: hrsync integration set {created.company_id} --provider {'|'.join(PROVIDERS)} …")
