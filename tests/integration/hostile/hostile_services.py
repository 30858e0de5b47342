"""Fixtures of the hostile-input and secrets tiers on real services: Redis db 5 (flushed per test), a migrated
SQLite file / PostgreSQL database, the sandbox over HTTP, the app on a free port and `hrsync worker --burst`
processes (the pipeline tests' helpers). Database, app and sandbox are shared by a module's tests; each test works
in a company of its own. Each tier's conftest imports these fixtures."""

from __future__ import annotations

import secrets

import pytest

from store import migrate
from tests.integration.pipeline.pipeline_env import WebServer, WorkerProcess
from tests.integration.pipeline.pipeline_support import make_settings
from tests.plugin import BACKENDS, flushed_redis, open_services, redis_url

REDIS_URL = redis_url(5)  # the hostile-input tests' own db index


@pytest.fixture
def redis():
    with flushed_redis(REDIS_URL) as client:
        yield client


def migrated(scratch_database, backend: str, prefix: str) -> str:
    """A scratch database of `backend` at the current schema."""
    url = scratch_database(backend, prefix=prefix)
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="module", params=BACKENDS)
def database_url(request, scratch_database):
    return migrated(scratch_database, request.param, "hrsync_hostile")


@pytest.fixture(scope="module")
def settings(database_url, sandbox, tmp_path_factory):
    return make_settings(database_url, sandbox, tmp_path_factory.mktemp("instance"), redis_url=REDIS_URL, debounce=0)


@pytest.fixture(scope="module")
def services(settings):
    """The module's own (its database and app are shared by the module's tests)."""
    with open_services(settings, tables_from_models=False) as built:
        yield built


@pytest.fixture(scope="module")
def web(settings, services):
    with WebServer(settings, services) as server:
        yield server


@pytest.fixture
def run_worker(settings, tmp_path, redis):
    """Run one `hrsync worker --burst` to the end (it drains the queue, then exits); returns its log text."""
    def run() -> str:
        worker = WorkerProcess(settings, f"hostile-{secrets.token_hex(3)}", tmp_path, burst=True).start()
        assert worker.wait(timeout=60) == 0, worker.log()
        return worker.log()
    return run
