"""The console on real services: a migrated SQLite file or PostgreSQL database, Redis db 9, the app over HTTP."""

from __future__ import annotations

import threading

import pytest
import requests
from cryptography.fernet import Fernet
from werkzeug.serving import make_server

from core.bootstrap import build_services
from core.settings import Settings
from store import migrate
from store.db import make_engine
from tests import secret_registry
from tests.real_services import BACKENDS, flushed_redis, redis_url
from webhook_app import create_app

REDIS_URL = redis_url(9)  # db 9 belongs to the console tests


@pytest.fixture(scope="module", params=BACKENDS)
def database_url(request, scratch_database):
    url = scratch_database(request.param, "hrsync_console")
    migrate.upgrade(url)
    return url


@pytest.fixture
def services(database_url, tmp_path):
    settings = Settings(database_url=database_url, secret_key="it-" + "c" * 40, redis_url=REDIS_URL,
                        encryption_keys=(Fernet.generate_key().decode(),), instance_path=tmp_path)
    secret_registry.register("settings key", settings.secret_key, *settings.encryption_keys)
    built = build_services(settings, engine=make_engine(database_url))
    _empty(built)
    yield built
    built.dispose()


def _empty(services) -> None:
    from sqlalchemy import delete

    from store.models import CompanyRow
    with services.engine.begin() as connection:
        connection.execute(delete(CompanyRow))  # its users, tokens and audit go with it (ON DELETE CASCADE)


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
