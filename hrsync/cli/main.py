"""The root `hrsync` group and its shared context (settings are read once, here)."""

from __future__ import annotations

import logging
import sys

import click

from core.settings import Settings
from providers.registry import PROVIDERS


# The loggers whose INFO lines `hrsync web` and `hrsync worker` print (other commands: WARNING and up).
OWN_LOGGERS = ("hrsync", "core", "services", "workers", "providers", "store", "webhook_app", "sandbox")


class AppContext:
    """Lazily read settings so that `--help` works without any environment."""

    def __init__(self, verbose: bool = False):
        self._settings: Settings | None = None
        self.verbose = verbose

    def log_progress(self) -> None:
        """For the long-running processes (web, worker): their own INFO lines are their output."""
        if not self.verbose:
            for name in OWN_LOGGERS:
                logging.getLogger(name).setLevel(logging.INFO)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings.from_env()  # a ConfigError is one line (hrsync.cli.errors)
        return self._settings


_HELP = f"""hrsync keeps the stakeholder registry in step with the company's HR system
({', '.join(d.label for d in PROVIDERS.values())}).

Configuration comes from environment variables (see README): DATABASE_URL, REDIS_URL,
SECRET_KEY, ENCRYPTION_KEYS, ...
"""


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, help=_HELP)
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail to stderr.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """The command line (its help text: _HELP, naming the registered HR systems)."""
    # A command's output is what it prints; warnings and errors go to stderr, progress detail only with -v.
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = AppContext(verbose)


def _register() -> None:
    from hrsync.cli import db_commands, demo_commands, serve_commands

    main.add_command(db_commands.db)
    main.add_command(serve_commands.web)
    main.add_command(serve_commands.worker)
    main.add_command(demo_commands.demo)
    main.add_command(demo_commands.sandbox)

    from hrsync.cli import changes_commands, company_commands, integration_commands, sync_commands  # issue 6
    from hrsync.cli import syncs_commands
    main.add_command(company_commands.company)
    main.add_command(integration_commands.integration)
    main.add_command(integration_commands.fields)
    main.add_command(integration_commands.mapping)
    main.add_command(sync_commands.sync)
    main.add_command(syncs_commands.syncs)
    main.add_command(changes_commands.changes)


_register()
