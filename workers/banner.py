"""What `hrsync worker` says at start: the database, Redis, queues and HR systems it works with — never a secret."""

from __future__ import annotations

from typing import Iterable, Mapping
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from core.bootstrap import provider_settings
from core.settings import Settings
from providers.registry import PROVIDERS, provider_class


def banner(settings: Settings, worker_name: str, redis: Mapping, queues: Iterable[str]) -> list[str]:
    """The lines to print; `redis` is the connection's keyword arguments (host, port, db or a socket path)."""
    redis_line = f"{_redis_place(redis)} db {redis.get('db', 0)}"
    namespace = settings.namespace
    if namespace:
        redis_line += f", namespace {namespace}"
    lines = [f"hrsync worker {worker_name}", f"  database  {database_place(settings.database_url)}",
             f"  redis     {redis_line}", f"  queues    {', '.join(queues)}"]
    for name in sorted(PROVIDERS):
        label = provider_class(name).label
        lines.append(f"  {label:<9} {_without_user_info(provider_settings(settings, name).base_url)}")
    return lines


def database_place(url: str) -> str:
    """The database URL without its password and query (where a password may also be given)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "(unparsable DATABASE_URL)"
    return parsed.set(query={}).render_as_string(hide_password=True)


def _redis_place(redis: Mapping) -> str:
    if redis.get("path"):
        return f"unix:{redis['path']}"
    return f"{redis.get('host', 'localhost')}:{redis.get('port', 6379)}"


def _without_user_info(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
