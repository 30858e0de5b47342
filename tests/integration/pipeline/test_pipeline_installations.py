"""Two installations on one Redis (issue 12 item 10): each `hrsync worker` runs, and cleans up after, only the
jobs of its own installation (HRSYNC_NAMESPACE, derived from each one's database)."""

from __future__ import annotations

import os
import signal

import pytest
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry
from rq.serializers import JSONSerializer

from store import migrate
from store.enums import SyncStatus
from core import queueing
from core.bootstrap import build_services
from services.syncs import request_sync

from pipeline_env import wait_until
from pipeline_support import add_company, finished, make_settings, runs_of


@pytest.fixture
def other(scratch_database, sandbox, tmp_path, redis):
    """A second installation: a database of its own, the same Redis (its services)."""
    url = scratch_database("sqlite", prefix="hrsync_other")
    migrate.upgrade(url)
    built = build_services(make_settings(url, sandbox, tmp_path / "other-instance"))
    yield built
    built.dispose()


def _job(redis, services, sync_id: int) -> Job:
    return Job.fetch(queueing.sync_job_id(services.settings.namespace, sync_id), connection=redis,
                     serializer=JSONSerializer)


def test_each_installations_worker_runs_only_its_own_jobs(services, other, sandbox, redis, start_worker):
    assert services.settings.namespace != other.settings.namespace
    mine, theirs = add_company(services, sandbox, people=3), add_company(other, sandbox, people=3)
    # Theirs first: a worker that saw both installations' queues would take it first.
    their_sync = request_sync(other, redis, theirs.id)
    my_sync = request_sync(services, redis, mine.id)
    assert my_sync == their_sync  # fresh databases number their syncs alike

    mine_worker = start_worker("mine", burst=True)
    assert mine_worker.wait() == 0, mine_worker.log()

    (run,) = runs_of(services, mine.id)
    assert run.status is SyncStatus.SUCCEEDED, run.error
    (waiting,) = runs_of(other, theirs.id)
    assert waiting.status is SyncStatus.QUEUED and _job(redis, other, their_sync).get_status() is JobStatus.QUEUED

    theirs_worker = start_worker("theirs", burst=True, worker_settings=other.settings)
    assert theirs_worker.wait() == 0, theirs_worker.log()

    (done,) = runs_of(other, theirs.id)
    assert done.status is SyncStatus.SUCCEEDED and done.counts["create"] == 3, done.error
    assert _job(redis, services, my_sync).worker_name == mine_worker.name
    assert _job(redis, other, their_sync).worker_name == theirs_worker.name


def test_one_installations_housekeeping_leaves_the_others_abandoned_job_alone(services, other, sandbox, redis,
                                                                              start_worker):
    """A worker that dies mid-job leaves its job to the housekeeping of its own installation's workers only:
    another installation's worker would have run the job against its own database."""
    mine = add_company(services, sandbox, people=3)
    sandbox.state.inject_fault(mine.tenant, "slow", delay=3, path="/v1/reports/custom")
    runner = start_worker("runner")
    sync_id = request_sync(services, redis, mine.id, retry=queueing.retry_policy([0, 0]))
    wait_until(lambda: runs_of(services, mine.id)[0].status is SyncStatus.RUNNING, what="the sync fetching")
    horse = _job(redis, services, sync_id).meta["pid"]
    os.kill(horse, signal.SIGKILL)  # the work horse (a session of its own) and its worker, as a lost machine
    os.killpg(runner.process.pid, signal.SIGKILL)
    runner.process.wait(timeout=10)
    started = StartedJobRegistry(queue=queueing.queue(redis, services.settings.namespace))
    redis.zadd(started.key, {member: 1 for member in redis.zrange(started.key, 0, -1)}, xx=True)  # heartbeat lapsed

    other_worker = start_worker("other", burst=True, worker_settings=other.settings)  # its housekeeping, then exit
    assert other_worker.wait() == 0, other_worker.log()

    assert _job(redis, services, sync_id).get_status() is JobStatus.STARTED
    assert started.get_job_ids(cleanup=False) == [queueing.sync_job_id(services.settings.namespace, sync_id)]
    assert runs_of(services, mine.id)[0].status is SyncStatus.RUNNING

    rescuer = start_worker("rescuer", burst=True)  # this installation's own housekeeping retries it
    assert rescuer.wait() == 0, rescuer.log()
    (run,) = wait_until(finished(services, mine.id), what="the retried sync")
    assert run.status is SyncStatus.SUCCEEDED, run.error
