"""Fixtures of the pipeline's unit tests: SQLite in memory, fakeredis, a scripted HR system, the job runtime."""

from __future__ import annotations

import fakeredis
import pytest
from argon2 import PasswordHasher
from cryptography.fernet import Fernet

from core.settings import Settings
from store import passwords
from store.db import make_engine
from store.models import Base
from workers import runtime
from core.bootstrap import build_services

from pipeline_fakes import NAMESPACE, ScriptedHR


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)


@pytest.fixture
def hr() -> ScriptedHR:
    return ScriptedHR()


@pytest.fixture
def redis_server():
    return fakeredis.FakeServer()


@pytest.fixture
def fake_redis(redis_server):
    return fakeredis.FakeRedis(server=redis_server)


@pytest.fixture
def services(tmp_path, hr):
    settings = Settings(database_url="sqlite://", secret_key="k" * 32,
                        encryption_keys=(Fernet.generate_key().decode(),), instance_path=tmp_path,
                        public_base_url="https://hrsync.test", sync_debounce_seconds=0, namespace=NAMESPACE)
    engine = make_engine(settings.database_url)
    Base.metadata.create_all(engine)
    built = build_services(settings, engine=engine, provider_factory=hr.factory)
    yield built
    built.dispose()


@pytest.fixture
def job_runtime(services, fake_redis):
    context = runtime.JobRuntime(services, fake_redis)
    runtime.use(context)
    return context
