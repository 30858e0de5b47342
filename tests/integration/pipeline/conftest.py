"""Fixtures of the pipeline tests: real Redis (db 1, flushed per test), SQLite file / PostgreSQL, the sandbox
over HTTP, the web app on loopback and real `hrsync worker` processes."""

from __future__ import annotations

import secrets

import pytest

from core.settings import Settings
from store import migrate
from tests.plugin import BACKENDS, flushed_redis

from pipeline_env import WebServer, WorkerProcess
from pipeline_support import REDIS_URL, make_settings


@pytest.fixture
def redis():
    with flushed_redis(REDIS_URL) as client:
        yield client


@pytest.fixture(params=BACKENDS)
def database_url(request, scratch_database):
    url = scratch_database(request.param, prefix="hrsync_pipe")
    migrate.upgrade(url)
    return url


@pytest.fixture
def settings(database_url, sandbox, tmp_path, redis):
    return make_settings(database_url, sandbox, tmp_path / "instance")


@pytest.fixture
def web(settings, services):
    with WebServer(settings, services) as server:
        yield server


@pytest.fixture
def start_worker(settings, tmp_path):
    """Factory: start an `hrsync worker` (long-running, or `burst=True`); all are stopped at the end."""
    started: list[WorkerProcess] = []

    def start(name: str | None = None, *, burst: bool = False, worker_settings: Settings | None = None):
        worker = WorkerProcess(worker_settings or settings, name or f"w{len(started) + 1}-{secrets.token_hex(2)}",
                               tmp_path, burst=burst)
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        worker.stop()


