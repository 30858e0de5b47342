"""Turn the errors a person can fix into one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import functools

import click

from domain.errors import DomainError
from hrsync.config import ConfigError
from providers.errors import ProviderError

USER_ERRORS: tuple[type[Exception], ...] = (ConfigError, DomainError, ProviderError)


class UserError(click.ClickException):
    """A mistake the user can fix; click prints `Error: <message>` and exits 1."""


def user_errors(command):
    """Decorator: known error types become UserError with their own (secret-free) message."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except USER_ERRORS as error:
            raise UserError(str(error)) from None

    return wrapper
