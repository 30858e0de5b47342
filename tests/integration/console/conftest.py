"""The console on real services: a migrated SQLite file or PostgreSQL database, Redis db 9, the app over HTTP
(settings here; services, cheap hashing: tests/plugin.py)."""

from __future__ import annotations

import threading

import pytest
import requests
from sqlalchemy import delete
from werkzeug.serving import make_server

from store import migrate
from store.models import CompanyRow
from tests.plugin import BACKENDS, flushed_redis, make_test_settings, redis_url
from webhook_app import create_app

REDIS_URL = redis_url(9)  # db 9 belongs to the console tests


@pytest.fixture(scope="module", params=BACKENDS)
def database_url(request, scratch_database):
    url = scratch_database(request.param, "hrsync_console")
    migrate.upgrade(url)
    return url


@pytest.fixture
def settings(database_url, tmp_path):
    # Served over plain HTTP: the session cookie (and with it the CSRF token) must not be Secure.
    return make_test_settings(tmp_path, database_url=database_url, secret_key="it-" + "c" * 40, redis_url=REDIS_URL,
                              public_base_url="http://localhost:8000")


@pytest.fixture
def tables_from_models() -> bool:
    return False


@pytest.fixture(autouse=True)
def empty_database(services):
    """Each test starts without companies (their users, tokens and audit go with them: ON DELETE CASCADE)."""
    with services.engine.begin() as connection:
        connection.execute(delete(CompanyRow))


@pytest.fixture
def redis_db():
    with flushed_redis(REDIS_URL) as client:
        yield client


@pytest.fixture
def live_app(services, redis_db):
    """The real app served by werkzeug (threaded) on a free port; yields its base URL."""
    server = make_server("127.0.0.1", 0, create_app(services.settings, redis=redis_db, services=services),
                         threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="console-it", daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    with requests.Session() as session:
        assert session.get(f"{base_url}/healthz", timeout=5).status_code == 200
    yield base_url
    server.shutdown()
    thread.join(timeout=10)
