"""Fixtures of the hostile-input unit tests: the app on in-memory SQLite + fakeredis, a company with a BambooHR
integration (webhook secret set), a pending change set to approve, and a snapshot of everything stored."""

from __future__ import annotations

from dataclasses import dataclass, field

import fakeredis
import pytest
from argon2 import PasswordHasher
from cryptography.fernet import Fernet
from sqlalchemy import text

from core.settings import Settings
from store import passwords
from store.db import make_engine
from store.models import Base
from tests import secret_registry
from tests.approval_scenario import build_scenario
from tests.unit.webhook_app.admin_fakes import FakeHR
from tests.unit.webhook_app.webhook_senders import configure
from webhook_app import create_app
from core.bootstrap import build_services

APPROVER_EMAIL = "cfo@hostile.example"
APPROVER_PASSWORD = "hostile-approver-password-1"
CRON_TOKEN = "cron-hostile-0123456789abcdef"


@dataclass(frozen=True)
class Target:
    """The company every hostile request is aimed at: its token, pending change set and webhook set-up."""

    company_id: str
    token: str = field(repr=False)
    changeset_id: int

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def cron_auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {CRON_TOKEN}"}


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)


@pytest.fixture
def services(tmp_path):
    settings = Settings(database_url="sqlite://", secret_key="hostile-" + "k" * 32,
                        encryption_keys=(Fernet.generate_key().decode(),), instance_path=tmp_path,
                        cron_token=CRON_TOKEN, public_base_url="https://hrsync.test", sync_debounce_seconds=0)
    secret_registry.register("settings key or token", settings.secret_key, CRON_TOKEN, *settings.encryption_keys)
    engine = make_engine(settings.database_url)
    Base.metadata.create_all(engine)
    built = build_services(settings, engine=engine)
    built.provider_factory = FakeHR().factory  # a body that got through validation would never reach a network
    yield built
    built.dispose()


@pytest.fixture
def fake_redis():
    return fakeredis.FakeRedis()


@pytest.fixture
def client(services, fake_redis):
    app = create_app(services.settings, redis=fake_redis, services=services)
    app.config["TESTING"] = True
    return app.test_client()


@pytest.fixture
def target(services) -> Target:
    scenario = build_scenario(services.session_factory, APPROVER_EMAIL, APPROVER_PASSWORD, company_name="Hostile AG")
    configure(services, scenario.company_id, "bamboohr")
    return Target(scenario.company_id, scenario.api_token, scenario.changeset_id)


@pytest.fixture
def snapshot(services, fake_redis):
    """Callable: every row of every table and every Redis key with its value (compare before and after)."""

    def take() -> tuple:
        with services.engine.connect() as connection:
            rows = {table.name: sorted(map(repr, connection.execute(text(f'SELECT * FROM "{table.name}"')).all()))
                    for table in Base.metadata.sorted_tables}
        return rows, {key: _value(fake_redis, key) for key in sorted(fake_redis.keys("*"))}

    return take


def _value(redis, key: bytes):
    kind = redis.type(key).decode()
    readers = {"string": redis.get, "hash": redis.hgetall, "set": redis.smembers, "list": lambda k: redis.lrange(k, 0, -1),
               "zset": lambda k: redis.zrange(k, 0, -1, withscores=True)}
    return kind, readers.get(kind, lambda k: None)(key)
