"""Turn the errors a person can fix into one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import functools

import click
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import OperationalError

from core.errors import PipelineError
from core.settings import ConfigError
from domain.errors import DomainError
from providers.errors import ProviderError
from store.errors import StoreError

USER_ERRORS: tuple[type[Exception], ...] = (ConfigError, DomainError, ProviderError, StoreError, PipelineError)


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
        except OperationalError as error:
            raise UserError(f"cannot reach the database (check DATABASE_URL): {_first_line(error)}") from None
        except (RedisConnectionError, RedisTimeoutError) as error:
            raise UserError(f"cannot reach Redis (check REDIS_URL): {str(error).splitlines()[0]}") from None

    return wrapper


def _first_line(error: OperationalError) -> str:
    # The driver's own message names host and port, never the password; SQLAlchemy's wrapper adds SQL.
    text = str(error.orig or error).strip().splitlines()
    return text[0] if text else type(error.orig).__name__
