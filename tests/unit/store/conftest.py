"""Fixtures for the store's unit tests: an in-memory SQLite store built from the models."""

from __future__ import annotations

import pytest

from store.db import make_engine, make_session_factory
from store.models import Base
from store.repositories import companies

PASSWORD = "correct horse battery staple"


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def engine():
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine):
    return make_session_factory(engine)


@pytest.fixture
def session(session_factory):
    with session_factory() as session, session.begin():
        yield session


@pytest.fixture
def company(session):
    """A fresh company: (id, plain API token)."""
    return companies.create_company(session, "Acme GmbH", "Boss@Acme.example", PASSWORD)


@pytest.fixture
def company_id(company):
    return company.company_id


@pytest.fixture
def other_company_id(session):
    return companies.create_company(session, "Globex", "cfo@globex.example", PASSWORD).company_id
