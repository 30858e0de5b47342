"""Asking for syncs at once from two web processes (API and cron), on SQLite and PostgreSQL: one queued sync."""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from redis import Redis

from store.db import make_engine, transaction
from store.repositories import companies, integrations, sync_runs
from tests.plugin import redis_url
from webhook_app import create_app
from core import queueing
from core.bootstrap import build_services

CRON_TOKEN = "it-cron-token-for-sync-requests"
REQUESTS_PER_PROCESS = 6


@pytest.fixture
def two_web_processes(services, redis_db):
    """Two apps with an engine and a Redis connection each, as two gunicorn workers would have."""
    settings = dataclasses.replace(services.settings, cron_token=CRON_TOKEN)
    built = [build_services(settings, engine=make_engine(settings.database_url)) for _ in range(2)]
    connections = [Redis.from_url(redis_url(2)) for _ in range(2)]
    yield [create_app(settings, redis=redis, services=one) for one, redis in zip(built, connections)]
    for one, redis in zip(built, connections):
        one.dispose()
        redis.close()


@pytest.fixture
def company(services):
    with transaction(services.session_factory) as session:
        created = companies.create_company(session, "Acme GmbH", "cfo@acme.example", "correct horse battery staple")
        integrations.set_integration(session, services.box, created.company_id, "bamboohr",
                                     {"subdomain": "acme", "api_key": "it-api-key"})
    return created


def test_requests_racing_from_two_processes_queue_one_sync(services, redis_db, two_web_processes, company):
    start = threading.Barrier(2 * REQUESTS_PER_PROCESS)

    def ask(number: int) -> tuple[int, int, bool]:
        client = two_web_processes[number % 2].test_client()
        start.wait()
        if number % 3 == 0:
            response = client.post("/cron/resync", json={"company_id": company.company_id},
                                   headers={"Authorization": f"Bearer {CRON_TOKEN}"})
            body = response.get_json()
            return response.status_code, body["sync_ids"][0], bool(body.get("already_queued"))
        response = client.post("/api/v1/syncs", json={"mode": ("full", "incremental")[number % 2]},
                               headers={"Authorization": f"Bearer {company.api_token}"})
        body = response.get_json()
        return response.status_code, body["sync_id"], body.get("already_queued")

    with ThreadPoolExecutor(2 * REQUESTS_PER_PROCESS) as pool:
        answers = list(pool.map(ask, range(2 * REQUESTS_PER_PROCESS)))

    assert {status for status, _, _ in answers} == {202}
    (sync_id,) = {sync for _, sync, _ in answers}
    assert sorted(already for _, _, already in answers) == [False] + [True] * (2 * REQUESTS_PER_PROCESS - 1)
    with transaction(services.session_factory) as session:
        runs = sync_runs.active_runs(session, company.company_id)
    assert [(run.id, run.status.value, run.mode.value) for run in runs] == [(sync_id, "queued", "full")]
    namespace = services.settings.namespace
    assert queueing.queue(redis_db, namespace).job_ids == [queueing.sync_job_id(namespace, sync_id)]
