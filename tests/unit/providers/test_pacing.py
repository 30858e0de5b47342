"""The pacer: published budgets, shared through Redis by every process, keyed without secrets (on a fake clock)."""

from __future__ import annotations

import logging

import fakeredis
import limits.storage.memory
import limits.storage.redis
import pytest
from redis import Redis

from providers.base import ProviderSettings
from providers.pacing import (BAMBOOHR, HIBOB_METADATA, HIBOB_SEARCH, HUMAANS, PERSONIO_AUTH, PERSONIO_EMPLOYEES,
                              Pacer, pace_key)
from providers.personio_client import PersonioClient
from tests import secret_registry

SECRET = "pacing-client-secret-0123456789"
secret_registry.register("Personio client secret", SECRET)


class FakeTime:
    """The clock of the pacer and of the `limits` storages; sleeping moves it on."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr(limits.storage.redis, "time", fake)
    return fake


@pytest.fixture
def server() -> fakeredis.FakeServer:
    return fakeredis.FakeServer()


def shared(server, clock, **kwargs) -> Pacer:
    """A pacer as one process builds it: its own Redis client, the deployment's server."""
    client = fakeredis.FakeRedis(server=server)
    return Pacer.shared(connection_pool=client.connection_pool, sleep=clock.sleep, clock=clock.time, **kwargs)


def test_personio_listing_bursts_fifteen_then_averages_five_a_second(clock):
    pacer = Pacer.local(sleep=clock.sleep, clock=clock.time)
    key = pace_key("personio", "https://api.personio.de", "client-1")
    started = clock.now

    for _ in range(15):
        pacer.wait((PERSONIO_EMPLOYEES, key))
    assert clock.slept == []
    for _ in range(300 - 15):
        pacer.wait((PERSONIO_EMPLOYEES, key))

    # 300 calls: never more than 15 in 3 s, which no bucket of 15 refilled at 5/s refuses; 300 a minute.
    assert 56.9 <= clock.now - started <= 57.5


def test_the_budget_is_shared_by_every_process_using_the_credential(server, clock):
    worker, web_app = shared(server, clock), shared(server, clock)
    key = pace_key("personio", "https://api.personio.de", "client-1")

    for _ in range(15):
        worker.wait((PERSONIO_EMPLOYEES, key))
    waited = web_app.wait((PERSONIO_EMPLOYEES, key))  # "Load fields" while the worker's sync runs

    assert 2.9 <= waited <= 3.1


def test_credentials_have_budgets_of_their_own(server, clock):
    pacer = shared(server, clock)
    for _ in range(15):
        pacer.wait((PERSONIO_EMPLOYEES, pace_key("personio", "https://api.personio.de", "client-1")))

    assert pacer.wait((PERSONIO_EMPLOYEES, pace_key("personio", "https://api.personio.de", "client-2"))) == 0


def test_every_budget_of_a_call_must_have_room(clock):
    pacer = Pacer.local(sleep=clock.sleep, clock=clock.time)
    key = pace_key("personio", "https://api.personio.de", "client-1")
    for _ in range(60):
        pacer.wait((PERSONIO_AUTH, key))

    assert 59 <= pacer.wait((PERSONIO_AUTH, key), (BAMBOOHR, "other")) <= 61


def test_keys_carry_a_prefix_and_a_hash_never_the_credential(server, clock):
    client = PersonioClient("client-1", SECRET, ProviderSettings(
        base_url="https://api.personio.de", pacer=shared(server, clock, key_prefix="tenant-a:pace")))
    client._pacer.wait(*client._claims["/v1/auth"])

    keys = [key.decode() for key in fakeredis.FakeRedis(server=server).keys("*")]
    assert keys and all(key.startswith("tenant-a:pace:") for key in keys)
    assert not any("client-1" in key or SECRET in key for key in keys)


def test_an_empty_bucket_reported_by_the_server_holds_the_next_call(clock):
    pacer = Pacer.local(sleep=clock.sleep, clock=clock.time)
    key = pace_key("personio", "https://api.personio.de", "client-1")
    pacer.observe(key, {"X-RateLimit-Remaining": "0", "X-RateLimit-Replenish-Rate": "5"})

    assert pacer.wait((PERSONIO_EMPLOYEES, key)) == pytest.approx(0.2)
    pacer.observe(key, {"X-RateLimit-Remaining": "7"})
    assert pacer.wait((PERSONIO_EMPLOYEES, key)) == 0


def test_hibob_search_stays_under_fifty_a_minute(clock):
    """HiBob allows 50 searches a minute: 48 go at once, the next waits for the first to leave the window."""
    pacer = Pacer.local(sleep=clock.sleep, clock=clock.time)
    key = pace_key("hibob", "https://api.hibob.com", "SERVICE-1")
    started = clock.now
    for _ in range(48):
        pacer.wait((HIBOB_SEARCH, key))
    assert clock.slept == []
    for _ in range(52):
        pacer.wait((HIBOB_SEARCH, key))
    assert 119.9 <= clock.now - started <= 121  # 100 searches: 48, 48 a minute later, then 4 more
    assert pacer.wait((HIBOB_METADATA, key)) == 0  # the field list counts against its own budget


def test_humaans_is_paced_to_five_a_second(clock):
    pacer = Pacer.local(sleep=clock.sleep, clock=clock.time)
    key = pace_key("humaans", "https://app.humaans.io", "token")
    started = clock.now
    for _ in range(50):
        pacer.wait((HUMAANS, key))
    assert 8.9 <= clock.now - started <= 9.2


@pytest.mark.parametrize("reset, expected", [("1800000007", 7.0), ("3", 3.0), ("1799999990", 0.0),
                                             ("1800009999", 120.0)],
                         ids=["epoch", "delay", "past", "absurd-capped"])
def test_an_exhausted_window_holds_the_next_call_until_its_reset(clock, reset, expected):
    """HiBob's X-RateLimit-Reset is the window's end in epoch seconds: nothing is sent before it."""
    pacer = Pacer.local(sleep=clock.sleep, clock=clock.time)
    key = pace_key("hibob", "https://api.hibob.com", "SERVICE-1")
    pacer.observe(key, {"X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})

    assert pacer.wait((HIBOB_SEARCH, key)) == pytest.approx(expected)


def test_redis_away_the_process_paces_itself_and_says_so(clock, caplog):
    pacer = Pacer.shared("redis://127.0.0.1:9/0", sleep=clock.sleep, clock=clock.time)  # nothing listens on 9
    key = pace_key("bamboohr", "https://acme.bamboohr.com/api")

    with caplog.at_level(logging.WARNING, logger="providers.pacing"):
        waits = [pacer.wait((BAMBOOHR, key)) for _ in range(11)]

    assert waits[:10] == [0] * 10 and waits[10] > 4
    assert "paces itself alone" in caplog.text


def test_a_real_redis_keeps_the_budget_between_clients(clock):
    from tests.plugin import flushed_redis, redis_url

    with flushed_redis(redis_url(7)) as client:
        first = Pacer.shared(redis_url(7), sleep=clock.sleep, clock=clock.time)
        second = Pacer.shared(connection_pool=Redis.from_url(redis_url(7)).connection_pool, sleep=clock.sleep,
                              clock=clock.time)
        key = pace_key("personio", "https://api.personio.de", "client-1")
        for _ in range(15):
            first.wait((PERSONIO_EMPLOYEES, key))

        assert second.wait((PERSONIO_EMPLOYEES, key)) > 2.9
        assert all(name.startswith(b"hrsync:pace:") for name in client.keys("*"))


def test_every_provider_a_process_builds_draws_on_its_one_pacer(tmp_path):
    """The worker's syncs and the web app's "Load fields" build providers through the same services."""
    import dataclasses

    from cryptography.fernet import Fernet

    from core.settings import Settings
    from tests.plugin import redis_url
    from core.bootstrap import build_services

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'pace.db'}", secret_key="s" * 32,
                        encryption_keys=(Fernet.generate_key().decode(),), redis_url=redis_url(7),
                        provider_pacing="shared")
    services = build_services(settings)
    bamboo = services.provider_factory("bamboohr", {"subdomain": "acme", "api_key": "k"}, None)
    perso = services.provider_factory("personio", {"client_id": "c", "client_secret": SECRET}, None)

    assert isinstance(services.pacer, Pacer)
    assert bamboo.client._pacer is services.pacer is perso._client._pacer
    assert build_services(dataclasses.replace(settings, provider_pacing="off")).pacer is None
    for built in (bamboo, perso):
        built.close()
    services.dispose()
