"""The suite's shared test support, one pytest plugin (registered by tests/conftest.py): cheap password hashing for
every test, settings, services, Redis (fakeredis in the unit tier; the test Redis server, `HRSYNC_TEST_REDIS`, on
real services), the app and its client. A folder overrides a fixture by defining one of the same name (its
`settings`, a `provider_factory` with a fake HR system, `tables_from_models = False` on migrated databases).

Forms on pages are read with `tests.pages.Page` (an HTML parser), never with regular expressions."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import fakeredis
import pytest
from argon2 import PasswordHasher
from cryptography.fernet import Fernet
from redis import Redis

from core.bootstrap import Services, build_services
from core.settings import Settings
from store import passwords
from store.crypto import SecretBox
from store.db import make_engine
from store.models import Base
from tests import secret_registry
from tests.approval_scenario import Scenario, build_scenario
from webhook_app import create_app

# argon2 at its production cost makes every company creation (and every password check) slow; the logic is the same.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
# Both database backends, for tests parametrised over them (PostgreSQL: the `postgres` marker).
BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]
CRON_TOKEN = "cron-token-for-tests"
# The approver of the `scenario` company.
APPROVER_EMAIL, APPROVER_PASSWORD = "cfo@acme.example", "correct horse battery staple"


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch) -> Iterator[PasswordHasher]:
    """Every test hashes cheaply; the dummy hash (checked for unknown e-mails) is made anew with the cheap hasher and
    forgotten afterwards, so no test sees another's."""
    monkeypatch.setattr(passwords, "_hasher", lambda: CHEAP_HASHER)
    passwords.dummy_hash.cache_clear()
    yield CHEAP_HASHER
    passwords.dummy_hash.cache_clear()


def make_test_settings(instance_path: Path, **overrides) -> Settings:
    """Settings for a test: in-memory SQLite, a fresh encryption key, https links, no webhook debounce; `overrides`
    replace any of them. Its secrets are registered for the suite's leak scan."""
    values = dict(database_url="sqlite://", secret_key="s" * 32, encryption_keys=(Fernet.generate_key().decode(),),
                  instance_path=instance_path, cron_token=CRON_TOKEN, public_base_url="https://hrsync.test",
                  sync_debounce_seconds=0)
    built = Settings(**(values | overrides))
    secret_registry.register("settings key or token", built.secret_key, *filter(None, [built.cron_token]),
                             *built.encryption_keys)
    return built


@contextmanager
def open_services(settings: Settings, *, tables_from_models: bool = True,
                  provider_factory: Callable | None = None) -> Iterator[Services]:
    """The composition root for `settings`, disposed afterwards. `tables_from_models` creates the tables from the
    models (a scratch SQLite database); a migrated database keeps its own."""
    engine = make_engine(settings.database_url)
    if tables_from_models:
        Base.metadata.create_all(engine)
    options = {"provider_factory": provider_factory} if provider_factory is not None else {}
    built = build_services(settings, engine=engine, **options)
    try:
        yield built
    finally:
        built.dispose()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return make_test_settings(tmp_path)


@pytest.fixture
def namespace(settings) -> str:
    """The installation's Redis namespace (derived from the database when not given, as in production)."""
    return settings.namespace


@pytest.fixture
def provider_factory() -> Callable | None:
    """The HR systems the services reach; None: the real providers. A folder with a fake HR system overrides it."""
    return None


@pytest.fixture
def tables_from_models() -> bool:
    """Whether `services` creates the tables from the models; False where the database is migrated."""
    return True


@pytest.fixture
def services(settings, provider_factory, tables_from_models) -> Iterator[Services]:
    with open_services(settings, tables_from_models=tables_from_models, provider_factory=provider_factory) as built:
        yield built


@pytest.fixture
def scenario(services) -> Scenario:
    """A company with a registry and a pending change set holding every kind of item (tests/approval_scenario.py),
    its approver APPROVER_EMAIL with APPROVER_PASSWORD."""
    return build_scenario(services.session_factory, APPROVER_EMAIL, APPROVER_PASSWORD)


@pytest.fixture
def encryption_key() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture
def box(encryption_key) -> SecretBox:
    return SecretBox([encryption_key])


@pytest.fixture
def redis_server() -> fakeredis.FakeServer:
    return fakeredis.FakeServer()


@pytest.fixture
def fake_redis(redis_server) -> fakeredis.FakeRedis:
    return fakeredis.FakeRedis(server=redis_server)


@pytest.fixture
def app(settings, services, fake_redis):
    app = create_app(settings, redis=fake_redis, services=services)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def redis_url(db: int) -> str:
    """The URL of Redis db `db` on the test Redis server: `HRSYNC_TEST_REDIS` (e.g. redis://127.0.0.1:6390) or the
    machine's own on 6379. Suites running side by side on one machine each point it at a server of their own."""
    base = os.environ.get("HRSYNC_TEST_REDIS", "redis://127.0.0.1:6379").rstrip("/")
    return f"{base}/{int(db)}"


@contextmanager
def flushed_redis(url: str) -> Iterator[Redis]:
    """A client of the Redis db at `url`, emptied before and after (each suite has a db index of its own)."""
    client = Redis.from_url(url)
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()
