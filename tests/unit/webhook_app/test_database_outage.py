"""A database that is missing, not migrated or unreachable makes the app unavailable, not broken (issue 12 item 12):
503 with Retry-After — JSON under /api, /webhooks and /cron, a page under /approvals — where it answered 500."""

from __future__ import annotations

import logging

import fakeredis
import pytest
from cryptography.fernet import Fernet

from core.settings import Settings
from store import migrate
from webhook_app import create_app
from core.links import LinkSigner

CRON_TOKEN = "cron-token-outage-0123456789"
DATABASES = {
    "not-migrated": lambda tmp_path: f"sqlite:///{tmp_path / 'empty.db'}",
    "unreachable": lambda tmp_path: "postgresql+psycopg://hrsync:never-shown@127.0.0.1:1/hrsync",
}


def _settings(database_url: str, instance) -> Settings:
    return Settings(database_url=database_url, secret_key="s" * 32, encryption_keys=(Fernet.generate_key().decode(),),
                    instance_path=instance, cron_token=CRON_TOKEN, public_base_url="https://hrsync.test")


@pytest.fixture(params=sorted(DATABASES))
def settings(request, tmp_path):
    return _settings(DATABASES[request.param](tmp_path), tmp_path)


@pytest.fixture
def client(settings):
    return create_app(settings, redis=fakeredis.FakeRedis()).test_client()


REQUESTS = [  # (method, path, headers, JSON body)
    ("GET", "/api/v1/integration", {"Authorization": "Bearer hrs_some-token-0123456789"}, None),
    ("POST", "/api/v1/syncs", {"Authorization": "Bearer hrs_some-token-0123456789"}, {"mode": "full"}),
    ("POST", "/webhooks/bamboohr/co_0123456789abcdef", {"X-BambooHR-Timestamp": "1"}, {"employees": []}),
    ("POST", "/webhooks/personio/co_0123456789abcdef", {"Authorization": "token"}, {"id": "1"}),
    ("POST", "/cron/resync", {"Authorization": f"Bearer {CRON_TOKEN}"}, None),
]


@pytest.mark.parametrize("method, path, headers, body", REQUESTS, ids=[f"{r[0]}-{r[1]}" for r in REQUESTS])
def test_machine_routes_answer_503_json_with_retry_after(client, caplog, method, path, headers, body):
    with caplog.at_level(logging.ERROR, logger="webhook_app"):
        answer = client.open(path, method=method, json=body, headers=headers)
    assert answer.status_code == 503, answer.get_data()[:300]
    assert answer.json["error"]["code"] == "database_unavailable"
    assert int(answer.headers["Retry-After"]) > 0
    logged = [record.getMessage() for record in caplog.records if record.name.startswith("webhook_app")]
    assert len(logged) == 1 and logged[0].startswith("database unavailable on ")
    assert "never-shown" not in logged[0] and "Traceback" not in caplog.text


def test_the_approve_page_answers_a_503_page(client, settings):
    token = LinkSigner(settings.secret_key, settings.approve_link_max_age, settings.public_base_url).token(7)
    answer = client.get(f"/approvals/{token}")
    assert answer.status_code == 503 and answer.mimetype == "text/html"
    assert int(answer.headers["Retry-After"]) > 0
    page = answer.get_data(as_text=True)
    assert "unavailable right now" in page and "try again" in page and token not in page


def test_health_still_answers_and_readiness_names_the_database(client):
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["failing"] == ["database"]


def test_once_migrated_the_same_app_serves_again(tmp_path):
    """Nothing of the outage sticks: after `db upgrade` the running app answers (401 for an unknown token)."""
    settings = _settings(f"sqlite:///{tmp_path / 'later.db'}", tmp_path)
    client = create_app(settings, redis=fakeredis.FakeRedis()).test_client()
    auth = {"Authorization": "Bearer hrs_some-token-0123456789"}
    assert client.get("/api/v1/integration", headers=auth).status_code == 503
    migrate.upgrade(settings.database_url)
    assert client.get("/api/v1/integration", headers=auth).status_code == 401
