"""Queue wiring and the sync job: job shape, targeted claims, retries, permanent failures, notifications."""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from rq.exceptions import AbandonedJobError
from rq.job import Job, JobStatus
from rq.registry import ScheduledJobRegistry
from rq.serializers import JSONSerializer

from providers.base import ChangeNotice
from providers.errors import ProviderAuthError, ProviderError, ProviderUnavailable
from store.db import transaction
from store.enums import ChangeSetStatus, IntegrationStatus, SyncMode, SyncStatus
from store.repositories import companies, integrations, sync_runs
from store.repositories.changeset_reads import load_changeset
from core import coalescing, queueing
from core.coalescing import Intake
from services.syncs import request_sync
from core.errors import NotConfigured, QueueUnavailable
from services.intake import accept_notice, schedule_companies
from workers.jobs import on_sync_failure, run_sync

from pipeline_fakes import NAMESPACE as NS, employee, get_run, make_company, work


def _job(redis, sync_id) -> Job:
    return Job.fetch(queueing.sync_job_id(NS, sync_id), connection=redis, serializer=JSONSerializer)


def _notice(*ids: str, delivery: str = "d-1") -> ChangeNotice:
    return ChangeNotice(event="employee.updated", delivery_id=delivery, remote_ids=ids)


def _deliver(services, redis, company_id: str, notice: ChangeNotice) -> tuple[Intake, int]:
    """A webhook accepted, and its company's due sync scheduled at once (as the web app's scheduler thread
    does); returns the intake and the company's pending sync."""
    intake = accept_notice(redis, NS, company_id, notice)
    if intake is Intake.SCHEDULED:
        schedule_companies(services, redis, [(company_id, "bamboohr")], debounce=0)
    return intake, int(redis.get(coalescing.pending_key(NS, company_id)))


def test_a_sync_job_has_a_deterministic_id_a_company_slot_and_the_retry_ladder(services, fake_redis):
    company_id = make_company(services)
    sync_id = request_sync(services, fake_redis, company_id, "full")

    job = _job(fake_redis, sync_id)
    assert job.id == f"{NS}-sync-{sync_id}" and job.func_name == "workers.jobs.run_sync" and job.args == [sync_id]
    assert (job.rate_limit_key, job.rate_limit_concurrency) == (f"{NS}-company-{company_id}", 1)
    assert job.origin == f"{NS}-sync"
    assert job.retries_left == 5 and job.retry_intervals == [10, 30, 60, 120, 300]
    assert job.get_status() is JobStatus.QUEUED and get_run(services, sync_id).status is SyncStatus.QUEUED


def test_a_second_sync_of_the_same_company_waits_for_the_first(services, fake_redis):
    company_id, other = make_company(services), make_company(services, name="Globex")
    first = request_sync(services, fake_redis, company_id)
    with transaction(services.session_factory) as session:
        sync_runs.start_run(session, first)  # running: a new request gets a sync of its own, which waits
    second = request_sync(services, fake_redis, company_id)
    elsewhere = request_sync(services, fake_redis, other)

    assert _job(fake_redis, first).get_status() is JobStatus.QUEUED
    assert _job(fake_redis, second).get_status() is JobStatus.RATE_LIMITED
    assert _job(fake_redis, elsewhere).get_status() is JobStatus.QUEUED


def test_request_sync_refuses_a_company_without_integration(services, fake_redis):
    with transaction(services.session_factory) as session:
        company_id = companies.create_company(session, "Bare", "a@b.example", "pw").company_id
    with pytest.raises(NotConfigured):
        request_sync(services, fake_redis, company_id)


def test_redis_down_when_asking_queues_nothing(services, fake_redis, redis_server):
    company_id = make_company(services)
    redis_server.connected = False
    with pytest.raises(QueueUnavailable):
        request_sync(services, fake_redis, company_id)
    with transaction(services.session_factory) as session:
        assert sync_runs.active_runs(session, company_id) == []


def test_redis_down_when_queueing_leaves_the_row_failed(services, fake_redis, monkeypatch):
    company_id = make_company(services)

    def lost(*args):
        raise RedisConnectionError("connection reset by peer")

    monkeypatch.setattr(queueing, "enqueue_sync", lost)
    with pytest.raises(QueueUnavailable):
        request_sync(services, fake_redis, company_id)
    with transaction(services.session_factory) as session:
        assert sync_runs.active_runs(session, company_id) == []  # nothing waits for a job never queued
        assert sync_runs.get_run(session, 1).error == "could not be queued: Redis did not answer"


def test_full_sync_job_stores_a_pending_changeset_and_queues_the_notification(
        services, fake_redis, hr, job_runtime):
    hr.add(employee("1", "Anna", "Muller"), employee("2", "Ben", "Meier"))
    company_id = make_company(services)
    sync_id = request_sync(services, fake_redis, company_id)

    work(fake_redis)

    run = get_run(services, sync_id)
    assert run.status is SyncStatus.SUCCEEDED and run.counts["create"] == 2
    assert _job(fake_redis, sync_id).get_status() is JobStatus.FINISHED
    outbox = list((services.settings.instance_path / "outbox").glob("*.eml"))
    assert len(outbox) == 1  # the notify job ran in the same burst
    text = outbox[0].read_text()
    assert "https://hrsync.test/approvals/" in text and "create: 2" in text and "cfo@acme.example" in text
    assert "api-key-never-shown" not in text and "whsec-never-shown" not in text


def test_no_notification_for_a_changeset_without_actionable_items(services, fake_redis, hr, job_runtime):
    company_id = make_company(services)
    request_sync(services, fake_redis, company_id)
    work(fake_redis)
    assert not (services.settings.instance_path / "outbox").exists()


def test_targeted_sync_claims_the_coalesced_ids_and_clears_the_pending_flag(
        services, fake_redis, hr, job_runtime):
    hr.add(employee("1", "Anna", "Muller"), employee("2", "Ben", "Meier"), employee("3", "Cem", "Yilmaz"))
    company_id = make_company(services)
    _, sync_id = _deliver(services, fake_redis, company_id, _notice("1"))
    _, joined = _deliver(services, fake_redis, company_id, _notice("2", delivery="d-2"))

    work(fake_redis)

    assert joined == sync_id and hr.fetched_ids == [("1", "2")]
    run = get_run(services, sync_id)
    assert run.status is SyncStatus.SUCCEEDED and run.mode is SyncMode.TARGETED
    assert run.remote_ids == ("1", "2") and run.counts["create"] == 2
    assert not fake_redis.exists(coalescing.pending_key(NS, company_id), coalescing.ids_key(NS, company_id),
                                 coalescing.claim_key(NS, sync_id))


def test_a_delivery_during_a_running_sync_makes_exactly_one_follow_up(services, fake_redis, hr, job_runtime):
    hr.add(employee("1", "Anna", "Muller"), employee("2", "Ben", "Meier"), employee("3", "Cem", "Yilmaz"))
    company_id = make_company(services)
    _, first = _deliver(services, fake_redis, company_id, _notice("1"))
    follow_ups = []

    def deliveries_meanwhile():
        for number, remote_id in enumerate(("2", "3", "2"), start=2):
            follow_ups.append(_deliver(services, fake_redis, company_id,
                                       _notice(remote_id, delivery=f"d-{number}")))

    hr.during_fetch = deliveries_meanwhile
    work(fake_redis)

    scheduled = {sync_id for _intake, sync_id in follow_ups}
    assert len(scheduled) == 1 and first not in scheduled
    assert [intake.value for intake, _ in follow_ups] == ["scheduled", "joined", "joined"]
    assert hr.fetched_ids == [("1",), ("2", "3")]
    (second,) = scheduled
    assert get_run(services, second).status is SyncStatus.SUCCEEDED


def test_a_retried_targeted_run_uses_the_ids_on_its_row(services, fake_redis, hr, job_runtime):
    hr.add(employee("1", "Anna", "Muller"))
    hr.errors.append(ProviderUnavailable("BambooHR is throttling (HTTP 503)"))
    company_id = make_company(services)
    _, sync_id = _deliver(services, fake_redis, company_id, _notice("1"))

    work(fake_redis)  # first attempt: transient failure, retry scheduled 10 s later

    run, job = get_run(services, sync_id), _job(fake_redis, sync_id)
    assert run.status is SyncStatus.QUEUED and "will retry" in run.error and run.remote_ids == ("1",)
    assert job.get_status() is JobStatus.SCHEDULED and job.retries_left == 4
    assert not fake_redis.exists(coalescing.ids_key(NS, company_id), coalescing.claim_key(NS, sync_id))

    ScheduledJobRegistry(queue=queueing.queue(fake_redis, NS)).requeue(job)  # as if 10 s had passed
    work(fake_redis)

    assert get_run(services, sync_id).status is SyncStatus.SUCCEEDED
    assert hr.fetched_ids == [("1",), ("1",)]


@pytest.mark.parametrize("error, reason", [
    pytest.param(ProviderAuthError("BambooHR rejected the API key for subdomain acme"), "rejected the API key",
                 id="auth-error"),
    pytest.param(ProviderError("BambooHR answered /v1/reports with something that is not JSON"), "not JSON",
                 id="provider-error"),
    pytest.param(KeyError("bug"), "internal error (KeyError)", id="unexpected-exception"),
])
def test_permanent_failures_fail_the_sync_at_once_without_retry(services, fake_redis, hr, job_runtime,
                                                                error, reason):
    hr.add(employee("1", "Anna", "Muller"))
    hr.errors.append(error)
    company_id = make_company(services)
    sync_id = request_sync(services, fake_redis, company_id)

    work(fake_redis)

    run, job = get_run(services, sync_id), _job(fake_redis, sync_id)
    assert run.status is SyncStatus.FAILED and reason in run.error
    assert job.get_status() is JobStatus.FAILED and job.retries_left == 0
    with transaction(services.session_factory) as session:
        integration = integrations.get_integration(session, company_id)
    assert integration.status is IntegrationStatus.NEEDS_ATTENTION and integration.last_error == run.error
    assert integration.last_error_at == run.finished_at and run.changeset_id is None


def test_a_failed_sync_leaves_the_earlier_pending_changeset_alone(services, fake_redis, hr, job_runtime):
    hr.add(employee("1", "Anna", "Muller"))
    company_id = make_company(services)
    first = request_sync(services, fake_redis, company_id)
    work(fake_redis)
    hr.errors.append(ProviderAuthError("BambooHR rejected the API key for subdomain acme"))
    second = request_sync(services, fake_redis, company_id)
    work(fake_redis)

    pending = get_run(services, first).changeset_id
    assert get_run(services, second).status is SyncStatus.FAILED
    with transaction(services.session_factory) as session:
        assert load_changeset(session, pending).status is ChangeSetStatus.PENDING


def test_transient_errors_on_the_last_attempt_fail_the_sync(services, fake_redis, hr, job_runtime):
    hr.errors.extend([ProviderUnavailable("BambooHR unavailable (HTTP 503)")] * 2)
    company_id = make_company(services)
    sync_id = request_sync(services, fake_redis, company_id, retry=queueing.retry_policy([0]))

    work(fake_redis)  # interval 0: the retry is queued at once and runs in the same burst

    run, job = get_run(services, sync_id), _job(fake_redis, sync_id)
    assert run.status is SyncStatus.FAILED and "HTTP 503" in run.error and "will retry" not in run.error
    assert job.get_status() is JobStatus.FAILED


def test_an_empty_claim_finishes_the_sync_without_a_changeset(services, fake_redis, hr, job_runtime):
    company_id = make_company(services)
    _, sync_id = _deliver(services, fake_redis, company_id, _notice("1"))
    fake_redis.delete(coalescing.ids_key(NS, company_id))  # e.g. an older sync took the ids already

    work(fake_redis)

    run = get_run(services, sync_id)
    assert run.status is SyncStatus.SUCCEEDED and run.changeset_id is None and hr.fetched_ids == []


def test_redis_errors_inside_the_job_are_transient(services, fake_redis, job_runtime, monkeypatch):
    company_id = make_company(services)
    _, sync_id = _deliver(services, fake_redis, company_id, _notice("1"))

    def connection_lost(*args):
        raise RedisConnectionError("connection reset by peer")

    monkeypatch.setattr(coalescing, "claim_ids", connection_lost)
    work(fake_redis)

    job = _job(fake_redis, sync_id)
    assert job.get_status() is JobStatus.SCHEDULED and job.retries_left == 4
    assert get_run(services, sync_id).status is SyncStatus.QUEUED


def test_a_retry_after_the_commit_repeats_nothing(services, fake_redis, hr, job_runtime):
    hr.add(employee("1", "Anna", "Muller"))
    company_id = make_company(services)
    sync_id = request_sync(services, fake_redis, company_id)
    work(fake_redis)
    changeset_id = get_run(services, sync_id).changeset_id

    result = run_sync(sync_id)  # as if the work horse died between the commit and RQ's bookkeeping

    assert result == {"sync_id": sync_id, "changeset_id": changeset_id, "counts": {}}
    assert hr.full_fetches == 1 and get_run(services, sync_id).status is SyncStatus.SUCCEEDED


@pytest.mark.parametrize("error, retries_after", [
    pytest.param(AbandonedJobError(), 3, id="worker-died-keeps-retries"),
    pytest.param(ProviderUnavailable("BambooHR unavailable (HTTP 503)"), 3, id="provider-down-keeps-retries"),
    pytest.param(ProviderAuthError("BambooHR rejected the API key for subdomain acme"), 0, id="auth-no-retry"),
    pytest.param(ValueError("bug"), 0, id="bug-no-retry"),
])
def test_the_failure_callback_keeps_retries_only_for_transient_errors(services, fake_redis, job_runtime,
                                                                     error, retries_after):
    company_id = make_company(services)
    job = _job(fake_redis, request_sync(services, fake_redis, company_id))
    job.retries_left = 3
    on_sync_failure(job, fake_redis, type(error), error, None)
    assert job.retries_left == retries_after


def test_a_dead_worker_without_retries_left_fails_the_row(services, fake_redis, job_runtime):
    company_id = make_company(services)
    sync_id = request_sync(services, fake_redis, company_id)
    job = _job(fake_redis, sync_id)
    job.retries_left = 0
    on_sync_failure(job, fake_redis, AbandonedJobError, AbandonedJobError(), None)
    run = get_run(services, sync_id)
    assert run.status is SyncStatus.FAILED and "died" in run.error
