"""Fixtures of the hostile-input unit tests: the app on in-memory SQLite + fakeredis (tests/plugin.py) with a fake HR
system, a company with a BambooHR integration (webhook secret set), a pending change set to approve, and a snapshot
of everything stored."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import text

from store.models import Base
from tests.approval_scenario import build_scenario
from tests.plugin import make_test_settings
from tests.unit.webhook_app.admin_fakes import FakeHR
from tests.unit.webhook_app.webhook_senders import configure

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


@pytest.fixture
def settings(tmp_path):
    return make_test_settings(tmp_path, secret_key="hostile-" + "k" * 32, cron_token=CRON_TOKEN)


@pytest.fixture
def provider_factory():
    return FakeHR().factory  # a body that got through validation would never reach a network


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
