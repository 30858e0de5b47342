"""Health probes and the JSON error shape of the app factory."""

from __future__ import annotations

import fakeredis
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine

from core.settings import Settings
from store import migrate
from webhook_app import create_app


@pytest.fixture
def settings(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'ready.db'}"
    migrate.upgrade(database_url)  # ready means reachable and at the current schema
    return Settings(database_url=database_url, secret_key="s" * 32,
                    encryption_keys=(Fernet.generate_key().decode(),), instance_path=tmp_path)


def make_client(settings, redis_server, engine=None):
    app = create_app(settings, redis=fakeredis.FakeRedis(server=redis_server), engine=engine)
    return app.test_client()


def test_healthz_answers_without_dependencies(settings, redis_server):
    redis_server.connected = False
    response = make_client(settings, redis_server).get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_is_ready_when_database_and_redis_answer(settings, redis_server):
    response = make_client(settings, redis_server).get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready"}


def test_readyz_names_redis_when_it_is_down(settings, redis_server):
    redis_server.connected = False
    response = make_client(settings, redis_server).get("/readyz")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    body = response.get_json()
    assert body["failing"] == ["redis"]
    assert body["error"] == {"code": "not_ready", "message": "not reachable: redis"}


def test_readyz_names_the_database_when_it_is_down(settings, redis_server, tmp_path):
    unreachable = create_engine(f"sqlite:///{tmp_path}/missing-dir/nope/db.sqlite")
    response = make_client(settings, redis_server, engine=unreachable).get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["database"]


def test_readyz_names_a_database_without_the_schema(settings, redis_server, tmp_path):
    empty = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    response = make_client(settings, redis_server, engine=empty).get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["database"]


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/webhooks/unknown/x", "/cron/nothing"])
def test_unknown_machine_routes_answer_in_the_json_error_shape(settings, redis_server, path):
    response = make_client(settings, redis_server).get(path)
    assert response.status_code == 404
    assert response.get_json() == {"error": {"code": "not_found", "message": response.get_json()["error"]["message"]}}
    assert response.get_json()["error"]["message"]


def test_unknown_page_for_people_is_html(settings, redis_server):
    response = make_client(settings, redis_server).get("/approvals-nothing")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
