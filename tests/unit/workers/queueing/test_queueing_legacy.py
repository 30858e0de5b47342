"""Upgrading to namespaces: a worker adopts its installation's jobs and webhook state left under the shared names
(and nothing of another installation's), so that nothing queued before the upgrade waits forever."""

from __future__ import annotations

import datetime as dt
import time

from rq import Queue
from rq.job import Job, JobStatus
from rq.rate_limit import RateLimit
from rq.serializers import JSONSerializer

from store.db import transaction
from store.enums import SyncMode, SyncStatus
from store.repositories import sync_runs
from core import coalescing, queueing
from services import legacy

from pipeline_fakes import NAMESPACE as NS, employee, get_run, make_company, work


def _row(services, company_id: str, mode: SyncMode = SyncMode.FULL) -> int:
    with transaction(services.session_factory) as session:
        return sync_runs.create_run(session, company_id, "bamboohr", mode).id


def _legacy_job(redis, sync_id: int, company_id: str, *, scheduled: bool = False) -> Job:
    """A sync job as hrsync queued it before namespaces: queue `sync`, id `sync-<n>`, slot `company-<id>`."""
    shared = Queue("sync", connection=redis, serializer=JSONSerializer)
    job = shared.create_job(queueing.RUN_SYNC, args=(sync_id,), job_id=f"sync-{sync_id}",
                            rate_limit=RateLimit(key=f"company-{company_id}", concurrency=1))
    if scheduled:
        return shared.schedule_job(job, dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=5))
    return shared.enqueue_job(job)


def test_a_worker_adopts_its_installations_waiting_sync_jobs_and_leaves_the_others(services, fake_redis, hr,
                                                                                   job_runtime):
    hr.add(employee("1", "Anna", "Muller"))
    mine, busy = make_company(services), make_company(services, name="Globex")
    first, second, scheduled = _row(services, mine), _row(services, mine), _row(services, busy)
    _legacy_job(fake_redis, first, mine)
    _legacy_job(fake_redis, second, mine)  # waits for the company's slot (rate-limited)
    _legacy_job(fake_redis, scheduled, busy, scheduled=True)
    theirs = _legacy_job(fake_redis, 4, "co_of_another_installation")  # our database has no sync 4

    assert sorted(legacy.adopt(job_runtime.services, fake_redis)) == [first, second, scheduled]
    assert legacy.adopt(job_runtime.services, fake_redis) == []  # once only

    assert Queue("sync", connection=fake_redis).get_job_ids() == [theirs.id]
    assert theirs.get_status(refresh=True) is JobStatus.QUEUED
    work(fake_redis)
    assert [get_run(services, sync_id).status for sync_id in (first, second, scheduled)] == [SyncStatus.SUCCEEDED] * 3


def test_a_legacy_job_whose_row_names_another_company_is_not_adopted(services, fake_redis, job_runtime):
    """Fresh databases number their syncs alike: the company is what tells two installations' `sync-1` apart."""
    mine = make_company(services)
    sync_id = _row(services, mine)
    theirs = _legacy_job(fake_redis, sync_id, "co_of_another_installation")

    assert legacy.adopt(job_runtime.services, fake_redis) == []
    assert theirs.get_status(refresh=True) is JobStatus.QUEUED
    assert not Job.exists(queueing.sync_job_id(NS, sync_id), connection=fake_redis)


def test_webhook_ids_waiting_under_the_shared_names_get_their_sync(services, fake_redis, hr, job_runtime):
    hr.add(employee("7", "Anna", "Muller"), employee("8", "Ben", "Meier"))
    mine = make_company(services)
    fake_redis.sadd(f"hrsync:ids:{mine}", "7", "8")  # an accepted burst whose sync was not created yet
    fake_redis.set(f"hrsync:pending:{mine}", coalescing.NEW)
    fake_redis.zadd("hrsync:unscheduled", {mine: time.time() - 1, "co_of_another_installation": time.time()})
    fake_redis.sadd("hrsync:ids:co_of_another_installation", "9")

    legacy.adopt(job_runtime.services, fake_redis)

    (run,) = [get_run(services, sync_id) for sync_id in _ids(services, mine)]
    assert run.mode is SyncMode.TARGETED
    assert fake_redis.get(coalescing.pending_key(NS, mine)) == str(run.id).encode()
    assert not fake_redis.exists(f"hrsync:ids:{mine}", f"hrsync:pending:{mine}")
    assert fake_redis.zrange("hrsync:unscheduled", 0, -1) == [b"co_of_another_installation"]
    assert fake_redis.smembers("hrsync:ids:co_of_another_installation") == {b"9"}
    work(fake_redis)
    assert get_run(services, run.id).remote_ids == ("7", "8")


def test_adopting_never_stops_a_worker_from_starting(services, fake_redis, redis_server, job_runtime):
    redis_server.connected = False
    assert legacy.adopt(job_runtime.services, fake_redis) == []


def _ids(services, company_id: str) -> list[int]:
    with transaction(services.session_factory) as session:
        return [run.id for run in sync_runs.recent_runs(session, company_id, 10)]
