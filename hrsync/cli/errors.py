"""The CLI's error edge: a refusal (core.errors, or what `classify` reads from the layers below) is one clear
`Error: …` line and exit status 1, never a traceback."""

from __future__ import annotations

import functools

import click

from core.errors import CLI, classify


class UserError(click.ClickException):
    """A mistake the user can fix; click prints `Error: <message>` and exits 1."""


def user_errors(command):
    """Decorator: known refusals become UserError with their own (secret-free) message, the command line's hint
    and, for operators, the detail (the database driver's or Redis's first line)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except click.ClickException:
            raise
        except Exception as error:
            known = classify(error)
            if known is None:
                raise
            text = known.text(CLI)
            raise UserError(f"{text}: {known.detail}" if known.detail else text) from None

    return wrapper
