"""`hrsync integration …`, `hrsync fields` and `hrsync mapping …`: connect a company to its HR system."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console
from rich.table import Table

from core.errors import NotConfigured
from hrsync.cli.admin_support import opened_services, read_secret, resolve_company
from hrsync.cli.errors import UserError, user_errors
from providers.description import CredentialField, ProviderDescription, ProviderOption, WebhookSecret
from providers.registry import PROVIDERS, describe, provider_class
from services import integration as setup
from services import mapping as mapping_setup
from services import webhook_registration
from services.integration import IntegrationState
from services.mapping import parse_pairs


def _by_key(attribute: str) -> dict[str, list[tuple[ProviderDescription, Any]]]:
    """Every credential field (`credentials`) or option (`options`) of every provider, by key: one CLI option each
    (providers may share one)."""
    found: dict[str, list[tuple[ProviderDescription, Any]]] = {}
    for description in PROVIDERS.values():
        for item in getattr(description, attribute):
            found.setdefault(item.key, []).append((description, item))
    return found


CREDENTIAL_FIELDS: dict[str, list[tuple[ProviderDescription, CredentialField]]] = _by_key("credentials")


def credential_options(command):
    """One option per credential field of the registered providers, its help from their descriptions."""
    for key, owners in reversed(CREDENTIAL_FIELDS.items()):
        helps = [f"{d.label} {f.label}: {f.help}" for d, f in owners]
        secret = any(f.secret for _, f in owners)
        choices = owners[0][1].choices if len(owners) == 1 else ()
        text = "; ".join(helps) + (" (better: leave it out and type it at the prompt)" if secret else "")
        command = click.option(owners[0][1].option, key, help=text,
                               type=click.Choice(choices) if choices else None)(command)
    return command


PROVIDER_OPTIONS: dict[str, list[tuple[ProviderDescription, ProviderOption]]] = _by_key("options")


def provider_option_switches(command):
    """One --x/--no-x switch per provider option, its help from the descriptions (unset: left as it is)."""
    for key, owners in reversed(PROVIDER_OPTIONS.items()):
        text = "; ".join(f"{d.label}: {o.label} (default {'on' if o.default else 'off'}). {o.help}"
                         for d, o in owners)
        command = click.option(owners[0][1].flag, key, default=None, help=text)(command)
    return command


def setup_hint(description: ProviderDescription) -> str:
    """What to do in the HR system once connected (`{company}` is filled in)."""
    webhooks = description.webhooks
    if webhooks.secret is WebhookSecret.PASTED:
        return (f"{webhooks.setup} Then hand that key to hrsync:\n"
                "  hrsync integration webhook-secret {company}   (asks for the key)")
    return webhooks.setup


def _example() -> str:
    first = next(iter(PROVIDERS.values()))
    shown = next((f for f in first.credentials if not f.secret), None)
    option = f" {shown.option} {shown.example or shown.key}" if shown else ""
    return f"hrsync integration set co_0123456789abcdef --provider {first.name}{option}"


_SET_HELP = f"""Connect COMPANY to its HR system and/or change its sync settings.

New credentials are checked with one call to the HR system first: refused ones, or ones that
cannot be checked because the HR system does not answer, are not saved (--no-verify saves them
unchecked). They are stored encrypted and never shown again. A secret left out is asked for at a
hidden prompt (or read from stdin when that is not a terminal). Prints the webhook URL to paste
into the HR system, and the webhook token where hrsync generates it, this once.

Example: {_example()}
"""


@click.group()
def integration() -> None:
    """A company's HR integration: provider, credentials, settings, webhook secret."""


@integration.command("set", help=_SET_HELP)
@click.argument("company")
@click.option("--provider", type=click.Choice(sorted(PROVIDERS)), help="The HR system.")
@credential_options
@click.option("--name-format", type=click.Choice(["first_last", "last_first", "last_comma_first"]),
              help="Display name of new stakeholders.")
@click.option("--termination-policy", type=click.Choice(["propose_group", "ignore"]),
              help="What a leaver's stakeholder gets: a proposed move to the ex-employee group, or nothing.")
@click.option("--ex-employee-group", help="Group proposed for leavers (default Ex-employee).")
@click.option("--import-terminated/--no-import-terminated", default=None,
              help="Propose terminated people who were never imported.")
@click.option("--use-preferred-name/--no-use-preferred-name", default=None,
              help="Use the preferred name instead of the first name.")
@click.option("--managed-group", "managed_groups", multiple=True,
              help="A further group HR data may merge into without review (repeat for several; "
                   "--managed-group '' clears them). Investors, advisors, founders are reviewed unless listed.")
@provider_option_switches
@click.option("--verify/--no-verify", default=True, show_default=True,
              help="Check new credentials with one call to the HR system before saving them.")
@click.pass_obj
@user_errors
def set_integration(app, company: str, provider: str | None, verify: bool, **settings) -> None:
    given = {key: settings.pop(key) for key in CREDENTIAL_FIELDS}
    options = {key: value for key in PROVIDER_OPTIONS if (value := settings.pop(key)) is not None}
    settings["managed_groups"] = [group for group in settings["managed_groups"] if group.strip()] if (
        settings["managed_groups"]) else None
    changes = {name: value for name, value in settings.items() if value is not None}
    if provider is None and any(v is not None for v in given.values()):
        raise UserError("credentials need --provider")
    if provider is None and not changes and not options:
        raise UserError("nothing to set: give --provider with its credentials, or a setting to change")
    with opened_services(app) as services:
        target = resolve_company(services, company)
        credentials = None if provider is None else _credentials(provider, given)
        state = setup.configure(services, target.id, provider=provider, credentials=credentials, settings=changes,
                                verify=verify, options=options)
    _print_state(state, fresh=provider is not None)


@integration.command("show")
@click.argument("company")
@click.pass_obj
@user_errors
def show(app, company: str) -> None:
    """Show COMPANY's provider, health, webhook URL and settings (never a secret).

    Example: hrsync integration show "Acme GmbH"
    """
    with opened_services(app) as services:
        state = setup.read_state(services, resolve_company(services, company).id)
    _print_state(state, fresh=False)


@integration.command("webhook-secret")
@click.argument("company")
@click.pass_obj
@user_errors
def webhook_secret(app, company: str) -> None:
    """Make a new webhook token (printed once) where hrsync generates it; else store the key the HR system generated.

    Example: hrsync integration webhook-secret co_0123456789abcdef
    """
    with opened_services(app) as services:
        target = resolve_company(services, company)
        integration_row = setup.read_state(services, target.id).integration
        if integration_row is None:
            raise NotConfigured()
        description = describe(integration_row.provider)
        pasted = description.webhooks.secret is WebhookSecret.PASTED
        key = read_secret(f"{description.label} {description.webhooks.secret_label}") if pasted else None
        state = setup.rotate_webhook_secret(services, target.id, key)
    if state.webhook_secret is not None:
        click.echo(f"webhook token (shown once): {state.webhook_secret}")
        click.echo(f"Replace the token of the company's {description.label} webhook with it; the old one stops "
                   "working now.")
    else:
        click.echo(f"{description.label}'s {description.webhooks.secret_label} is stored (encrypted); deliveries "
                   "signed with it are accepted.")


@integration.command("register-webhook")
@click.argument("company")
@click.pass_obj
@user_errors
def register_webhook(app, company: str) -> None:
    """Register COMPANY's webhook in its HR system with the stored credentials (where hrsync can do that).

    A new webhook token goes to the HR system and is stored here (never printed); earlier webhooks at the company's
    URL are replaced.

    Example: hrsync integration register-webhook co_0123456789abcdef
    """
    with opened_services(app) as services:
        done = webhook_registration.register_webhook(services, resolve_company(services, company).id)
    click.echo(f"{done.label} will now send changes to hrsync: webhook {done.webhook_id} posts to {done.url}")
    click.echo(f"  events: {', '.join(done.events)}")
    if done.replaced:
        click.echo(f"  replaced {done.replaced} earlier webhook(s) at that URL")
    if done.left_over:
        click.echo(f"  {done.label} kept earlier webhook(s) {', '.join(done.left_over)}: delete them there "
                   "(their token no longer works)")


@click.command()
@click.argument("company")
@click.pass_obj
@user_errors
def fields(app, company: str) -> None:
    """List the source fields COMPANY's HR system offers, which the credential can read, and the mapping.

    Example: hrsync fields "Globex AG"
    """
    with opened_services(app) as services:
        provider, found, mapping = mapping_setup.load_fields(services, resolve_company(services, company).id)
    table = Table(title=f"{provider_class(provider).label} fields", title_justify="left")
    for column in ("key", "label", "type", "readable", "mapped to"):
        table.add_column(column)
    for field in found:
        table.add_row(field.key, field.label, field.type or "", "yes" if field.readable else "[red]no[/]",
                      mapping.get(field.key, ""))
    Console().print(table)
    hidden = [f.key for f in found if not f.readable]
    if hidden:
        click.echo(f"{len(hidden)} field(s) the credential cannot read: whitelist them in the HR system to sync them.")


@click.group()
def mapping() -> None:
    """The field mapping: HR source field → hrsync employee field."""


@mapping.command("set")
@click.argument("company")
@click.argument("pairs", nargs=-1, required=True, metavar="SRC=DST...")
@click.pass_obj
@user_errors
def set_mapping(app, company: str, pairs: tuple[str, ...]) -> None:
    """Replace COMPANY's mapping with SRC=DST pairs, checked against the HR system's fields.

    Targets: unique_identifier, first_name, last_name, middle_name, preferred_name, email, street,
    postal_code, city, country, birth_date, nationality, phone, hire_date, termination_date, status.

    Example: hrsync mapping set "Globex AG" first_name=first_name last_name=last_name dynamic_1009=unique_identifier
    """
    with opened_services(app) as services:
        state = mapping_setup.set_mapping(services, resolve_company(services, company).id, parse_pairs(pairs))
    click.echo(f"mapping saved: {len(state.mapping)} field(s)")
    for source in state.unreadable:
        click.echo(f"warning: the credential cannot read {source!r}; its values are left as they are")


@mapping.command("show")
@click.argument("company")
@click.pass_obj
@user_errors
def show_mapping(app, company: str) -> None:
    """Print COMPANY's mapping as SRC=DST lines (the provider's default until one is set).

    Example: hrsync mapping show "Globex AG"
    """
    with opened_services(app) as services:
        state = mapping_setup.read_mapping(services, resolve_company(services, company).id)
    click.echo(f"# {state.provider} mapping{' (default)' if state.default else ''}")
    for source, target in state.mapping.items():
        click.echo(f"{source}={target}")


def _credentials(provider: str, given: dict) -> dict[str, str]:
    description = describe(provider)
    foreign = [k for k, v in given.items() if v is not None and k not in {f.key for f in description.credentials}]
    if foreign:
        raise UserError(f"--{foreign[0].replace('_', '-')} is not a {provider} credential")
    credentials = {}
    for spec in description.credentials:
        value = given[spec.key]
        if value is None and spec.secret:
            value = read_secret(f"{description.label} {spec.option.removeprefix('--').replace('-', ' ')}")
        if value is None and spec.required:
            raise UserError(f"{provider} needs {spec.option}")
        if value is not None:
            credentials[spec.key] = value
    return credentials


def _print_state(state: IntegrationState, fresh: bool) -> None:
    company, current = state.company, state.integration
    click.echo(f"{company.name} ({company.id})")
    if current is None:
        click.echo("  no HR integration yet")
    else:
        click.echo(f"  provider:    {provider_class(current.provider).label} ({current.status.value})")
        if current.last_error:
            when = f" ({current.last_error_at:%Y-%m-%d %H:%M} UTC)" if current.last_error_at else ""
            click.echo(f"  last error:  {current.last_error}{when}")
        if state.webhook_url is None:
            click.echo("  webhooks:    none")
        else:
            click.echo(f"  webhook URL: {state.webhook_url}")
        if state.webhook_secret is not None:
            click.echo(f"  webhook token (shown once): {state.webhook_secret}")
        elif state.webhook_url is not None and not current.has_webhook_secret:
            click.echo("  webhook secret: not set yet")
    for note in state.notes:
        click.echo(f"  note:        {note}")
    settings = company.settings()
    click.echo("  settings:    " + ", ".join(f"{name}={_shown(value)}" for name, value in settings.items()))
    chosen = setup.option_choices(current)
    if chosen:
        click.echo("  options:     " + ", ".join(f"{option.key}={'on' if on else 'off'}" for option, on in chosen))
    if fresh and current is not None and state.webhook_url is not None:
        click.echo(setup_hint(describe(current.provider)).format(company=company.id))


def _shown(value) -> str:
    if isinstance(value, tuple):  # a list of group names
        return "|".join(value) or "-"
    return str(getattr(value, "value", value))
