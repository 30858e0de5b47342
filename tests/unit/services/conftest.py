"""Fixtures for the service layer's unit tests: in-memory SQLite, fakeredis, cheap hashing, a company."""

from __future__ import annotations

import fakeredis
import pytest
from argon2 import PasswordHasher
from cryptography.fernet import Fernet

from core import namespace
from core.bootstrap import build_services
from core.settings import Settings
from store import passwords
from store.db import make_engine, transaction
from store.models import Base
from store.repositories import companies

ADMIN_EMAIL = "boss@acme.example"
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)
    passwords.dummy_hash.cache_clear()
    yield cheap
    passwords.dummy_hash.cache_clear()


@pytest.fixture
def settings(tmp_path):
    return Settings(database_url="sqlite://", secret_key="s" * 32, encryption_keys=(Fernet.generate_key().decode(),),
                    instance_path=tmp_path, public_base_url="https://hrsync.test")


@pytest.fixture
def services(settings):
    engine = make_engine(settings.database_url)
    Base.metadata.create_all(engine)
    built = build_services(settings, engine=engine)
    yield built
    built.dispose()


@pytest.fixture
def fake_redis():
    return fakeredis.FakeRedis()


@pytest.fixture
def signin_lockout(fake_redis, settings):
    return namespace.signin_lockout(fake_redis, settings.namespace)


def make_company(services, name: str, email: str = ADMIN_EMAIL) -> str:
    with transaction(services.session_factory) as session:
        return companies.create_company(session, name, email, PASSWORD).company_id


@pytest.fixture
def company_id(services) -> str:
    return make_company(services, "Acme GmbH")
