"""Following a sync (issue 15, Sync now): its trigger, its phase and count while it runs (read without a database
transaction), the HR system's message with what to do when it fails; company-scoped, and Redis faults lose nothing."""

from __future__ import annotations

import time

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from providers.base import ChangeNotice
from providers.errors import ProviderAuthError
from services import sync_progress, sync_run, syncs
from services.intake import accept_notice, schedule_companies
from services.sync_progress import LiveProgress, Phase
from store.db import transaction
from store.enums import SyncStatus, SyncTrigger
from store.errors import NotFound
from store.repositories import changesets as changeset_writes
from store.repositories import sync_runs
from workers.jobs import run_sync

from pipeline_fakes import NAMESPACE, ScriptedProvider, employee, get_run, make_company


class BrokenRedis:
    """Redis gone: every command fails as redis-py's would."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise RedisConnectionError("Connection refused")
        return fail


@pytest.fixture
def company_id(services):
    return make_company(services)


@pytest.fixture
def watched(services, fake_redis, hr, company_id, monkeypatch):
    """Every employee handed over, and the start of matching and of storing, read the sync's progress."""
    seen: list = []
    current: dict = {}

    def look() -> None:
        seen.append(syncs.progress(services, fake_redis, company_id, current["sync_id"]))

    class Watched(ScriptedProvider):
        def iter_employees(self, progress=None):
            people = list(super().iter_employees())
            if progress is not None:
                progress(0, len(people))
            for person in people:
                yield person
                look()

    services.provider_factory = lambda name, credentials, mapping, **_: Watched(hr, name)
    original_match, original_save = sync_run.match, changeset_writes.save_changeset

    def matching(*args, **kwargs):
        look()
        return original_match(*args, **kwargs)

    def storing(*args, **kwargs):
        look()
        return original_save(*args, **kwargs)

    monkeypatch.setattr(sync_run, "match", matching)
    monkeypatch.setattr(changeset_writes, "save_changeset", storing)
    monkeypatch.setattr(sync_progress, "LIVE_INTERVAL", 0.0)
    return seen, current


def test_a_running_sync_shows_each_phase_with_fetched_of_total(services, fake_redis, hr, company_id, watched,
                                                               job_runtime):
    seen, current = watched
    hr.add(*(employee(str(n), f"F{n}", f"L{n}") for n in range(1, 4)))
    current["sync_id"] = sync_id = syncs.request_sync(services, fake_redis, company_id, "full")
    assert syncs.progress(services, fake_redis, company_id, sync_id).phase is Phase.QUEUED

    run_sync(sync_id)

    assert [(p.phase, p.fetched, p.total) for p in seen] == [
        (Phase.FETCHING, 1, 3), (Phase.FETCHING, 2, 3), (Phase.FETCHING, 3, 3), (Phase.MATCHING, 3, 3),
        (Phase.STORING, 3, 3)]
    assert all(p.status is SyncStatus.RUNNING and p.elapsed_seconds is not None for p in seen)
    done = syncs.progress(services, fake_redis, company_id, sync_id)
    assert (done.phase, done.status, done.fetched, done.counts["create"]) == (Phase.DONE, SyncStatus.SUCCEEDED, 3, 3)
    assert done.changeset_id is not None and done.elapsed_seconds >= 0 and done.error is None
    assert not fake_redis.exists(sync_progress.progress_key(NAMESPACE, sync_id))


def test_a_failed_sync_shows_the_hr_systems_message_and_what_to_do(services, fake_redis, hr, company_id,
                                                                   job_runtime):
    hr.errors.append(ProviderAuthError("BambooHR rejected the API key for subdomain acme"))
    sync_id = syncs.request_sync(services, fake_redis, company_id, "full")
    with pytest.raises(ProviderAuthError):
        run_sync(sync_id)
    failed = syncs.progress(services, fake_redis, company_id, sync_id)
    assert (failed.phase, failed.error, failed.error_code) == (
        Phase.FAILED, "BambooHR rejected the API key for subdomain acme", "provider_auth_failed")
    assert "credentials" in failed.advice
    assert not fake_redis.exists(sync_progress.progress_key(NAMESPACE, sync_id))


def test_progress_of_another_companys_sync_is_not_found_even_while_it_runs(services, fake_redis, company_id):
    other = make_company(services, name="Globex")
    sync_id = syncs.request_sync(services, fake_redis, company_id, "full")
    LiveProgress(fake_redis, NAMESPACE, sync_id, company_id).phase(Phase.FETCHING)
    assert syncs.progress(services, fake_redis, company_id, sync_id).phase is Phase.FETCHING
    with pytest.raises(NotFound):
        syncs.progress(services, fake_redis, other, sync_id)


def test_a_stale_or_unreadable_live_record_gives_way_to_the_row(services, fake_redis, company_id):
    sync_id = syncs.request_sync(services, fake_redis, company_id, "full")
    with transaction(services.session_factory) as session:
        sync_runs.start_run(session, sync_id)
        sync_runs.record_progress(session, sync_id, 40, total=90)
    clock = [time.time() - sync_progress.STALE_SECONDS - 5]
    LiveProgress(fake_redis, NAMESPACE, sync_id, company_id, clock=lambda: clock[0]).phase(Phase.STORING)
    stale = syncs.progress(services, fake_redis, company_id, sync_id)
    unreadable = syncs.progress(services, BrokenRedis(), company_id, sync_id)
    for answer in (stale, unreadable):
        assert (answer.phase, answer.fetched, answer.total) == (Phase.FETCHING, 40, 90)


def test_a_sync_succeeds_when_its_progress_cannot_be_written(services, hr, company_id, fake_redis, caplog):
    hr.add(employee("1", "Anna", "Berg"))
    sync_id = syncs.request_sync(services, fake_redis, company_id, "full")
    live = LiveProgress(BrokenRedis(), NAMESPACE, sync_id, company_id, interval=0)
    outcome = sync_run.execute_sync(services, sync_id, live=live)
    assert outcome.counts["create"] == 1 and get_run(services, sync_id).status is SyncStatus.SUCCEEDED
    assert [r.message for r in caplog.records].count(
        "sync progress could not be written to Redis; it is read from the database instead") == 1


def test_each_sync_records_its_trigger_and_who_asked(services, fake_redis, company_id):
    asked = syncs.queue_sync(services, fake_redis, company_id, "full", requested_by="cfo@acme.example").id
    with transaction(services.session_factory) as session:
        sync_runs.start_run(session, asked)  # running: the cron request needs a new one
    [cron] = syncs.resync(services, fake_redis, company_id, "full")
    accept_notice(fake_redis, NAMESPACE, company_id, ChangeNotice("employee.updated", "d-1", ("7",)))
    [webhook] = schedule_companies(services, fake_redis, [(company_id, "bamboohr")], debounce=0)
    runs = {run.id: run for run in syncs.list_syncs(services, company_id).items}
    assert [(runs[i].trigger, runs[i].requested_by) for i in (asked, cron.id, webhook)] == [
        (SyncTrigger.MANUAL, "cfo@acme.example"), (SyncTrigger.CRON, "cron"), (SyncTrigger.WEBHOOK, "bamboohr")]
    assert [run.id for run in syncs.list_syncs(services, company_id, trigger=SyncTrigger.CRON).items] == [cron.id]


def test_progress_of_a_page_reads_the_running_syncs_in_one_round_trip(services, fake_redis, company_id):
    first = syncs.request_sync(services, fake_redis, company_id, "full")
    with transaction(services.session_factory) as session:
        sync_runs.start_run(session, first)
    second = syncs.request_sync(services, fake_redis, company_id, "full")
    live = LiveProgress(fake_redis, NAMESPACE, first, company_id)
    live.phase(Phase.MATCHING)
    runs = syncs.list_syncs(services, company_id).items
    found = syncs.progress_of(services, fake_redis, runs)
    assert (found[first].phase, found[second].phase) == (Phase.MATCHING, Phase.QUEUED)
    assert syncs.progress_of(services, BrokenRedis(), runs)[first].phase is Phase.FETCHING


def test_the_count_never_goes_back_when_a_page_is_reported_before_its_employees(fake_redis, company_id):
    """Personio reports a page (fetched 200 of 450) before the sync has taken its employees one by one."""
    live = LiveProgress(fake_redis, NAMESPACE, 7, company_id, interval=0)
    live.fetched(200, 450)
    live.fetched(1)
    raw = fake_redis.hgetall(sync_progress.progress_key(NAMESPACE, 7))
    assert (raw[b"fetched"], raw[b"total"]) == (b"200", b"450")
