"""Fixtures of the fault tests: per module a migrated PostgreSQL database, the sandbox, a private Redis and
one long-running `hrsync worker` (each test works on companies of its own); private servers to break."""

from __future__ import annotations

import dataclasses
import secrets

import pytest
from redis import Redis

from store import migrate

from tests.integration.pipeline.pipeline_env import PrivateRedis, WorkerProcess
from tests.integration.pipeline.pipeline_support import make_settings
from tests.plugin import open_services


@pytest.fixture(scope="module")
def database_url(scratch_database):
    url = scratch_database("postgresql", prefix="hrsync_faults")
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    """A redis-server of the module's own: no other test run (a CI clone, another helper) shares its queues."""
    server = PrivateRedis(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def redis(redis_server):
    client = Redis.from_url(redis_server.url)
    yield client
    client.close()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("faults")


@pytest.fixture(scope="module")
def settings(database_url, sandbox, folder, redis_server):
    return make_settings(database_url, sandbox, folder / "instance", redis_url=redis_server.url)


@pytest.fixture(scope="module")
def services(settings):
    """The module's own (its worker and database outlive each test)."""
    with open_services(settings, tables_from_models=False) as built:
        yield built


@pytest.fixture(scope="module")
def worker(request, settings, folder):
    """One `hrsync worker` for the module's tests: it outlives each test, as a deployed one would.

    A module may give it a provider timeout of its own (PROVIDER_TIMEOUT); set-up syncs keep the default.
    """
    timeout = getattr(request.module, "PROVIDER_TIMEOUT", settings.provider_timeout)
    own = dataclasses.replace(settings, provider_timeout=timeout)
    process = WorkerProcess(own, f"faults-{secrets.token_hex(3)}", folder).start()
    yield process
    process.stop()


@pytest.fixture
def start_worker(settings, tmp_path):
    """Factory: start an `hrsync worker` of the test's own (settings may differ); all stop at the end."""
    started: list[WorkerProcess] = []

    def start(name: str | None = None, *, burst: bool = False, worker_settings=None) -> WorkerProcess:
        worker = WorkerProcess(worker_settings or settings, name or f"f{len(started) + 1}-{secrets.token_hex(2)}",
                               tmp_path, burst=burst)
        started.append(worker)
        return worker.start()

    yield start
    for process in reversed(started):
        process.stop()
