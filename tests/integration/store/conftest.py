"""The store on real databases: a SQLite file and a fresh PostgreSQL database, both migrated."""

from __future__ import annotations


import pytest
from sqlalchemy import text

from store import migrate
from store.db import make_engine, make_session_factory, transaction
from store.models import Base
from store.repositories import companies
from tests.plugin import BACKENDS


@pytest.fixture(scope="session")
def fresh_database(scratch_database):
    """Factory: an empty database of the given backend (see tests/integration/conftest.py)."""
    return lambda backend: scratch_database(backend, "hrsync_test")


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
