"""POST /cron/resync: bearer token (constant time, 503 while unset), body validation, one sync per company."""

from __future__ import annotations

import dataclasses

import pytest
from rq.job import Job
from rq.serializers import JSONSerializer

from store.db import transaction
from store.enums import SyncMode, SyncStatus
from store.repositories import sync_runs
from webhook_app import create_app
from core import queueing
from core.bootstrap import build_services

from webhook_senders import bare_company, configure

TOKEN = "cron-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _run(services, sync_id):
    with transaction(services.session_factory) as session:
        return sync_runs.get_run(session, sync_id)


@pytest.mark.parametrize("headers", [
    pytest.param({}, id="no-header"),
    pytest.param({"Authorization": "Bearer wrong-token"}, id="wrong-token"),
    pytest.param({"Authorization": f"Basic {TOKEN}"}, id="wrong-scheme"),
    pytest.param({"Authorization": f"Bearer {TOKEN}x"}, id="token-prefix"),
    pytest.param({"Authorization": "Bearer ünïcode"}, id="non-ascii"),
])
def test_a_wrong_or_missing_token_is_401(client, headers):
    response = client.post("/cron/resync", headers=headers)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_cron_is_disabled_while_no_token_is_set(settings, services, fake_redis):
    unset = dataclasses.replace(settings, cron_token=None)
    app = create_app(unset, redis=fake_redis, services=build_services(unset, engine=services.engine))
    response = app.test_client().post("/cron/resync", headers=AUTH)
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "cron_disabled"


@pytest.mark.parametrize("body, status, code", [
    pytest.param(b"{", 400, "invalid_json", id="broken-json"),
    pytest.param(b"[]", 422, "invalid_request", id="not-an-object"),
    pytest.param(b'{"mode": "sometimes"}', 422, "invalid_request", id="unknown-mode"),
    pytest.param(b'{"mode": "targeted"}', 422, "invalid_request", id="targeted-is-internal"),
    pytest.param(b'{"company_id": 7}', 422, "invalid_request", id="company-not-a-string"),
    pytest.param(b'{"everyone": true}', 422, "invalid_request", id="unknown-field"),
])
def test_invalid_bodies_are_refused(client, body, status, code):
    response = client.post("/cron/resync", data=body, headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == status and response.get_json()["error"]["code"] == code


def test_default_resyncs_every_company_with_an_integration_in_full(client, services, company, other_company,
                                                                    fake_redis, namespace):
    configure(services, company.id, "bamboohr")
    configure(services, other_company.id, "personio")
    bare_company(services, "No HR yet")

    response = client.post("/cron/resync", headers=AUTH)

    assert response.status_code == 202
    sync_ids = response.get_json()["sync_ids"]
    runs = [_run(services, sync_id) for sync_id in sync_ids]
    assert sorted(run.company_id for run in runs) == sorted([company.id, other_company.id])
    assert {run.mode for run in runs} == {SyncMode.FULL} and {run.status for run in runs} == {SyncStatus.QUEUED}
    for sync_id in sync_ids:
        assert Job.fetch(queueing.sync_job_id(namespace, sync_id), connection=fake_redis, serializer=JSONSerializer)


def test_one_company_incrementally(client, services, company, other_company):
    configure(services, company.id, "bamboohr")
    configure(services, other_company.id, "bamboohr")
    response = client.post("/cron/resync", json={"company_id": company.id, "mode": "incremental"}, headers=AUTH)
    (sync_id,) = response.get_json()["sync_ids"]
    run = _run(services, sync_id)
    assert response.status_code == 202 and run.company_id == company.id and run.mode is SyncMode.INCREMENTAL


def test_an_unknown_company_is_404_and_one_without_integration_409(client, company):
    unknown = client.post("/cron/resync", json={"company_id": "co_0000000000000000"}, headers=AUTH)
    bare = client.post("/cron/resync", json={"company_id": company.id}, headers=AUTH)
    assert unknown.status_code == 404 and unknown.get_json()["error"]["code"] == "unknown_company"
    assert bare.status_code == 409 and bare.get_json()["error"]["code"] == "provider_not_configured"


def test_no_company_configured_queues_nothing(client):
    response = client.post("/cron/resync", headers=AUTH)
    assert response.status_code == 202 and response.get_json() == {"sync_ids": [], "already_queued": []}


def test_redis_down_is_503_with_retry_after(client, services, company, redis_server):
    configure(services, company.id, "bamboohr")
    redis_server.connected = False
    response = client.post("/cron/resync", headers=AUTH)
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
    with transaction(services.session_factory) as session:
        assert sync_runs.active_runs(session, company.id) == []
