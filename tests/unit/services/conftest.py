"""Fixtures for the service layer's unit tests: a company and the sign-in lockout (settings, services on in-memory
SQLite, fakeredis, cheap hashing: tests/plugin.py)."""

from __future__ import annotations

import pytest

from core import namespace
from store.db import transaction
from store.repositories import companies

ADMIN_EMAIL = "boss@acme.example"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def signin_lockout(fake_redis, settings):
    return namespace.signin_lockout(fake_redis, settings.namespace)


def make_company(services, name: str, email: str = ADMIN_EMAIL) -> str:
    with transaction(services.session_factory) as session:
        return companies.create_company(session, name, email, PASSWORD).company_id


@pytest.fixture
def company_id(services) -> str:
    return make_company(services, "Acme GmbH")
