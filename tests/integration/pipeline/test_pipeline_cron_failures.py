"""Cron resyncs and failures end to end: supersede, provider 503 bursts retried, 401 failing readably."""

from __future__ import annotations

import requests
from rq.job import Job
from rq.serializers import JSONSerializer

from store.db import transaction
from store.enums import ChangeSetStatus, IntegrationStatus, SyncMode, SyncStatus
from store.repositories import integrations, stakeholders
from core import queueing
from services.syncs import request_sync

from pipeline_env import wait_until
from pipeline_support import CRON_TOKEN, add_company, changesets_of, finished, runs_of

CRON = {"Authorization": f"Bearer {CRON_TOKEN}"}


def test_cron_resyncs_each_company_and_a_second_full_sync_supersedes(web, services, sandbox, start_worker):
    acme, globex = add_company(services, sandbox, people=12), add_company(services, sandbox, "personio", people=9)

    response = requests.post(f"{web.url}/cron/resync", headers=CRON, timeout=10)
    assert response.status_code == 202 and len(response.json()["sync_ids"]) == 2
    start_worker(burst=True).wait()

    (acme_run,) = wait_until(finished(services, acme.id))
    (globex_run,) = wait_until(finished(services, globex.id))
    assert {acme_run.mode, globex_run.mode} == {SyncMode.FULL}
    assert acme_run.status is SyncStatus.SUCCEEDED and globex_run.status is SyncStatus.SUCCEEDED
    assert acme_run.changeset_id != globex_run.changeset_id
    assert [cs.id for cs in changesets_of(services, acme.id)] == [acme_run.changeset_id]
    assert [cs.id for cs in changesets_of(services, globex.id)] == [globex_run.changeset_id]

    again = requests.post(f"{web.url}/cron/resync", json={"company_id": acme.id}, headers=CRON, timeout=10)
    assert again.status_code == 202
    start_worker(burst=True).wait()

    _, second = wait_until(finished(services, acme.id, 2))
    first_set, second_set = changesets_of(services, acme.id)
    assert second.status is SyncStatus.SUCCEEDED and second_set.id == second.changeset_id
    assert first_set.status is ChangeSetStatus.SUPERSEDED and first_set.superseded_by == second_set.id
    assert second_set.status is ChangeSetStatus.PENDING
    assert second_set.counts() == first_set.counts()  # same HR data, same registry: same proposal


def test_a_burst_of_503s_is_retried_and_the_sync_succeeds(services, sandbox, start_worker, redis):
    company = add_company(services, sandbox, people=6)
    # Six 503s: more than the HTTP client's own retries, so the sync fails once and RQ retries it.
    sandbox.state.inject_fault(company.tenant, "rate_limit", count=6, status=503, retry_after=1,
                               path="/v1/reports/custom")
    start_worker()

    sync_id = request_sync(services, redis, company.id, "full", retry=queueing.retry_policy([1, 1]))

    (run,) = wait_until(finished(services, company.id), 40, "sync retried to success")
    assert run.id == sync_id and run.status is SyncStatus.SUCCEEDED and run.counts["create"] > 0, run.error
    job = Job.fetch(queueing.sync_job_id(services.settings.namespace, sync_id), connection=redis,
                    serializer=JSONSerializer)
    assert job.retries_left == 1  # one of the two retries was needed
    reports = [r for r in sandbox.state.request_log(company.tenant) if r.path.startswith("/v1/reports/custom")]
    assert [r.status for r in reports] == [503] * 6 + [200]


def test_credentials_refused_fail_the_sync_readably_and_change_nothing(web, services, sandbox, start_worker, redis):
    company = add_company(services, sandbox, people=4, api_key="not-the-key")

    response = requests.post(f"{web.url}/api/v1/syncs", json={"mode": "full"}, headers=company.auth, timeout=10)
    start_worker(burst=True).wait()

    (run,) = wait_until(finished(services, company.id))
    assert run.id == response.json()["sync_id"] and run.status is SyncStatus.FAILED
    assert "BambooHR rejected the API key" in run.error and "not-the-key" not in run.error
    document = requests.get(f"{web.url}/api/v1/syncs/{run.id}", headers=company.auth, timeout=10).json()
    assert document["status"] == "failed" and document["error"] == run.error
    with transaction(services.session_factory) as session:
        integration = integrations.get_integration(session, company.id)
        assert stakeholders.list_stakeholders(session, company.id) == []
    assert integration.status is IntegrationStatus.NEEDS_ATTENTION and changesets_of(services, company.id) == []
    job = Job.fetch(queueing.sync_job_id(services.settings.namespace, run.id), connection=redis,
                    serializer=JSONSerializer)
    assert job.retries_left == 0  # refused credentials are not retried
    assert runs_of(services, company.id) == [run]
