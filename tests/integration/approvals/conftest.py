"""Approvals on real services: a migrated SQLite file or PostgreSQL database, Redis db 2, the app over HTTP."""

from __future__ import annotations

import threading

import pytest
import requests
from werkzeug.serving import make_server

from core import namespace
from store import migrate
from tests.plugin import BACKENDS, flushed_redis, make_test_settings, redis_url
from webhook_app import create_app

REDIS_URL = redis_url(2)  # db 2 belongs to the approval tests


@pytest.fixture(scope="module", params=BACKENDS)
def database_url(request, scratch_database):
    url = scratch_database(request.param, "hrsync_approvals")
    migrate.upgrade(url)
    return url


@pytest.fixture
def backend(database_url) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


@pytest.fixture
def settings(database_url, tmp_path):
    # Served over plain HTTP: the session cookie (and with it the CSRF token) must not be Secure.
    return make_test_settings(tmp_path, database_url=database_url, secret_key="it-" + "k" * 40, redis_url=REDIS_URL,
                              public_base_url="http://localhost:8000", cron_token=None, sync_debounce_seconds=5.0)


@pytest.fixture
def redis_db():
    with flushed_redis(REDIS_URL) as client:
        yield client


@pytest.fixture
def lockout(redis_db, services):
    """The lockout as the app counts it: in the installation's keys."""
    return namespace.lockout(redis_db, services.settings.namespace)


@pytest.fixture
def live_app(services, redis_db):
    """The real app served by werkzeug (threaded) on a free port; yields its base URL."""
    server = make_server("127.0.0.1", 0, create_app(services.settings, redis=redis_db, services=services),
                         threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="approvals-it", daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    with requests.Session() as session:
        # The socket listens once make_server returns; this proves the app answers before tests use it.
        assert session.get(f"{base_url}/healthz", timeout=5).status_code == 200
    yield base_url
    server.shutdown()
    thread.join(timeout=10)
