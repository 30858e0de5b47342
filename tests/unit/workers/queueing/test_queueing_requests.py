"""Asking for a sync (cron, API, CLI, the approve page): a company has at most one queued sync."""

from __future__ import annotations

from rq.job import Job
from rq.serializers import JSONSerializer

from providers.base import ChangeNotice
from store.db import transaction
from store.enums import SyncMode, SyncStatus
from store.repositories import sync_runs
from core import coalescing, queueing
from services.syncs import LOST, QueuedSync, queue_sync
from services.intake import accept_notice, schedule_companies

from pipeline_fakes import NAMESPACE as NS, get_run, make_company, work


def active(services, company_id):
    with transaction(services.session_factory) as session:
        return [(run.id, run.mode.value, run.status.value) for run in sync_runs.active_runs(session, company_id)]


def test_asking_again_answers_the_sync_already_queued(services, fake_redis):
    company_id, other = make_company(services), make_company(services, name="Globex")
    first = queue_sync(services, fake_redis, company_id)
    answers = [queue_sync(services, fake_redis, company_id, mode) for mode in ("full", "incremental", "full")]
    assert first == QueuedSync(first.id, already_queued=False)
    assert answers == [QueuedSync(first.id, already_queued=True)] * 3
    assert active(services, company_id) == [(first.id, "full", "queued")]
    assert queue_sync(services, fake_redis, other).id != first.id  # per company


def test_asking_for_full_widens_a_waiting_incremental_sync(services, fake_redis, hr, job_runtime):
    company_id = make_company(services)
    waiting = queue_sync(services, fake_redis, company_id, "incremental")
    assert queue_sync(services, fake_redis, company_id, "incremental") == QueuedSync(waiting.id, True)
    assert queue_sync(services, fake_redis, company_id, "full") == QueuedSync(waiting.id, True)
    assert active(services, company_id) == [(waiting.id, "full", "queued")]
    work(fake_redis)
    assert hr.full_fetches == 1 and get_run(services, waiting.id).status is SyncStatus.SUCCEEDED


def test_a_running_sync_does_not_count(services, fake_redis):
    company_id = make_company(services)
    running = queue_sync(services, fake_redis, company_id).id
    with transaction(services.session_factory) as session:
        sync_runs.start_run(session, running)
    follow_up = queue_sync(services, fake_redis, company_id)
    assert follow_up.id != running and not follow_up.already_queued
    assert queue_sync(services, fake_redis, company_id) == QueuedSync(follow_up.id, True)


def test_the_webhooks_pending_targeted_sync_is_left_to_the_intake(services, fake_redis):
    company_id = make_company(services)
    notice = ChangeNotice(event="employee.updated", delivery_id="d-1", remote_ids=("1",))
    accept_notice(fake_redis, NS, company_id, notice)
    (targeted,) = schedule_companies(services, fake_redis, [(company_id, "bamboohr")], debounce=60)
    asked = queue_sync(services, fake_redis, company_id, "full")
    assert asked.id != targeted and not asked.already_queued
    assert get_run(services, targeted).mode is SyncMode.TARGETED  # its claimed ids stay its own
    assert int(fake_redis.get(coalescing.pending_key(NS, company_id))) == targeted


def test_a_queued_sync_whose_job_was_lost_is_failed_and_replaced(services, fake_redis):
    company_id = make_company(services)
    lost = queue_sync(services, fake_redis, company_id).id
    Job.fetch(queueing.sync_job_id(NS, lost), connection=fake_redis, serializer=JSONSerializer).delete()
    fresh = queue_sync(services, fake_redis, company_id)
    assert fresh.id != lost and not fresh.already_queued
    run = get_run(services, lost)
    assert run.status is SyncStatus.FAILED and run.error == LOST
    assert active(services, company_id) == [(fresh.id, "full", "queued")]


def test_a_failed_sync_does_not_count(services, fake_redis):
    company_id = make_company(services)
    first = queue_sync(services, fake_redis, company_id).id
    with transaction(services.session_factory) as session:
        sync_runs.start_run(session, first)
        sync_runs.fail_run(session, first, "BambooHR rejected the API key for subdomain acme")
    assert queue_sync(services, fake_redis, company_id).id != first
