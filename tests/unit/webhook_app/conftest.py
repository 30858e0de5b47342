"""Fixtures for the web app's unit tests: in-memory SQLite, fakeredis, a company with an API token."""

from __future__ import annotations

from dataclasses import dataclass

import fakeredis
import pytest
from argon2 import PasswordHasher
from cryptography.fernet import Fernet

from core.settings import Settings
from store import passwords
from store.db import make_engine, transaction
from store.models import Base
from store.repositories import companies
from tests import secret_registry
from webhook_app import create_app
from core.bootstrap import build_services

APPROVER_EMAIL = "cfo@acme.example"
APPROVER_PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class CompanyFixture:
    id: str
    token: str
    approver_email: str = APPROVER_EMAIL
    approver_password: str = APPROVER_PASSWORD

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)


@pytest.fixture
def settings(tmp_path):
    built = Settings(database_url="sqlite://", secret_key="s" * 32,
                     encryption_keys=(Fernet.generate_key().decode(),), instance_path=tmp_path,
                     cron_token="cron-token-for-tests", public_base_url="https://hrsync.test",
                     sync_debounce_seconds=0)
    secret_registry.register("settings key or token", built.secret_key, built.cron_token, *built.encryption_keys)
    return built


@pytest.fixture
def namespace(settings) -> str:
    """The installation's Redis namespace (derived from the database when not given, as in production)."""
    return settings.namespace


@pytest.fixture
def redis_server():
    return fakeredis.FakeServer()


@pytest.fixture
def fake_redis(redis_server):
    return fakeredis.FakeRedis(server=redis_server)


@pytest.fixture
def services(settings):
    engine = make_engine(settings.database_url)
    Base.metadata.create_all(engine)
    built = build_services(settings, engine=engine)
    yield built
    built.dispose()


@pytest.fixture
def app(settings, services, fake_redis):
    app = create_app(settings, redis=fake_redis, services=services)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def make_company(services, name: str = "Acme GmbH", email: str = APPROVER_EMAIL) -> CompanyFixture:
    with transaction(services.session_factory) as session:
        created = companies.create_company(session, name, email, APPROVER_PASSWORD)
    secret_registry.register("company api token / approver password", created.api_token, APPROVER_PASSWORD)
    return CompanyFixture(created.company_id, created.api_token, email)


@pytest.fixture
def company(services) -> CompanyFixture:
    return make_company(services)


@pytest.fixture
def other_company(services) -> CompanyFixture:
    return make_company(services, "Globex AG", "cfo@globex.example")
