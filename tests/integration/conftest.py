"""Shared fixtures of the integration tier: scratch databases on SQLite and PostgreSQL, migrated (so `services`
keeps their schema rather than creating tables from the models)."""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from sandbox.server import SandboxServer


DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextmanager
def postgres_database(prefix: str):
    """A new, empty PostgreSQL database, dropped afterwards (even if connections linger)."""
    base = make_url(os.environ.get("HRSYNC_TEST_PG_URL", DEFAULT_PG_URL)).set(drivername="postgresql+psycopg")
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield base.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def scratch_database(tmp_path_factory):
    """Factory: an empty database of the given backend ("sqlite" | "postgresql"), dropped at the end."""
    opened = []

    def make(backend: str, prefix: str = "hrsync_it") -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'hrsync.db'}"
        context = postgres_database(prefix)
        opened.append(context)
        return context.__enter__()

    yield make
    for context in reversed(opened):
        context.__exit__(None, None, None)


@pytest.fixture(scope="module")
def sandbox():
    """The sandbox HR systems over HTTP on a free port, one per module (its tests add tenants of their own)."""
    with SandboxServer() as server:
        yield server


@pytest.fixture
def tables_from_models() -> bool:
    """The tier's databases are migrated (`store.migrate.upgrade`): their schema is the migrations'."""
    return False
