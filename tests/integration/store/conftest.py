"""The store on real databases: a SQLite file and a fresh PostgreSQL database, both migrated."""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager

import pytest
from argon2 import PasswordHasher
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from store import migrate, passwords
from store.crypto import SecretBox
from store.db import make_engine, make_session_factory, transaction
from store.models import Base
from store.repositories import companies

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]


@contextmanager
def _postgres_database(prefix: str):
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
def fresh_database(tmp_path_factory):
    """Factory: an empty database of the given backend, cleaned up at the end of the session."""
    stack = []

    def make(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'hrsync.db'}"
        context = _postgres_database("hrsync_test")
        stack.append(context)
        return context.__enter__()

    yield make
    for context in reversed(stack):
        context.__exit__(None, None, None)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, fresh_database):
    """A migrated database per backend, shared by the session's tests (truncated between them)."""
    url = fresh_database(request.param)
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine):
    _truncate(engine)
    return make_session_factory(engine)


def _truncate(engine) -> None:
    tables = [table.name for table in Base.metadata.sorted_tables]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for name in reversed(tables):
                connection.execute(text(f'DELETE FROM "{name}"'))


@pytest.fixture
def session(session_factory):
    with transaction(session_factory) as session:
        yield session


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)


@pytest.fixture
def encryption_key():
    return Fernet.generate_key().decode()


@pytest.fixture
def box(encryption_key):
    return SecretBox([encryption_key])


@pytest.fixture
def company_id(session_factory):
    with transaction(session_factory) as session:
        return companies.create_company(session, "Acme GmbH", "boss@acme.example", "pw").company_id


@pytest.fixture
def other_company_id(session_factory):
    with transaction(session_factory) as session:
        return companies.create_company(session, "Globex", "cfo@globex.example", "pw").company_id


@pytest.fixture(params=BACKENDS)
def fresh_url(request, fresh_database):
    """An empty, never-migrated database of each backend."""
    return fresh_database(request.param)
