"""Scale-out as production runs it: three `hrsync worker` processes, one PostgreSQL, one Redis, 20 companies.

Every company's sync is held back a little by its HR system, so that a second sync of the same company
would run alongside the first if anything but the per-company limit kept them apart.
"""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest
from redis import Redis
from rq.job import Job
from rq.serializers import JSONSerializer

from sandbox.server import SandboxServer
from sandbox.state import SandboxState
from store import migrate
from store.enums import ChangeSetStatus, SyncStatus
from core import queueing
from services.syncs import request_sync

from tests.integration.pipeline.pipeline_env import PrivateRedis, WorkerProcess, wait_until
from tests.integration.pipeline.pipeline_support import add_company, changesets_of, make_settings, runs_of

pytestmark = pytest.mark.postgres

WORKERS, COMPANIES, PEOPLE = 3, 20, 30
LISTING = {"bamboohr": "/v1/reports/custom", "personio": "/v1/company/employees"}


@pytest.fixture
def redis_server(tmp_path):
    """The one Redis of the layout: a redis-server of the test's own, shared with no other test run."""
    server = PrivateRedis(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def redis(redis_server):
    client = Redis.from_url(redis_server.url)
    yield client
    client.close()


@pytest.fixture
def sandbox():
    with SandboxServer(SandboxState()) as server:
        yield server


@pytest.fixture
def settings(scratch_database, sandbox, tmp_path, redis_server):
    url = scratch_database("postgresql", prefix="hrsync_scaleout")
    migrate.upgrade(url)
    return make_settings(url, sandbox, tmp_path / "instance", redis_url=redis_server.url)


@pytest.fixture
def workers(services, tmp_path):
    """Three `hrsync worker` processes, started and stopped side by side."""
    started = [WorkerProcess(services.settings, f"scale{number}-{secrets.token_hex(2)}", tmp_path)
               for number in range(WORKERS)]
    with ThreadPoolExecutor(WORKERS) as pool:
        try:
            yield list(pool.map(WorkerProcess.start, started))
        finally:
            list(pool.map(WorkerProcess.stop, started))


def test_three_workers_sync_twenty_companies_one_sync_per_company_at_a_time(services, sandbox, redis, workers):
    """Invariant: every requested sync finishes (succeeded); a company's syncs never overlap in time (the
    sync rows' started_at/finished_at intervals); each company ends with one pending change set, whole."""
    companies = [add_company(services, sandbox, "personio" if number % 4 == 0 else "bamboohr", people=PEOPLE,
                             seed=number) for number in range(COMPANIES)]
    for company in companies:  # each listing answered after a pause: long enough for a rival to start
        provider = "bamboohr" if company.tenant.kind == "bamboohr" else "personio"
        sandbox.state.inject_fault(company.tenant, "slow", 2, delay=0.4, path=LISTING[provider])

    requested = [request_sync(services, redis, company.id) for company in companies]
    # Every other company twice: a free worker would take the second while the first runs but for the company
    # limit. Asked once the first has started (asked while it waits, it is that same sync: one queued at a time).
    for company in companies[::2]:
        wait_until(lambda: runs_of(services, company.id)[-1].started_at, 60, "its first sync started")
        requested.append(request_sync(services, redis, company.id))

    def all_done():
        runs = [run for company in companies for run in runs_of(services, company.id)]
        return runs if len(runs) == len(requested) and all(run.finished_at for run in runs) else None

    runs = wait_until(all_done, 90, "every sync finished")
    assert sorted(run.id for run in runs) == sorted(requested)
    assert {run.status for run in runs} == {SyncStatus.SUCCEEDED}, [run.error for run in runs if run.error]
    for company in companies:
        own = sorted(runs_of(services, company.id), key=lambda run: run.started_at)
        for earlier, later in zip(own, own[1:]):
            assert earlier.finished_at <= later.started_at, f"syncs {earlier.id} and {later.id} overlapped"
        (pending,) = [s for s in changesets_of(services, company.id) if s.status is ChangeSetStatus.PENDING]
        assert pending.id == own[-1].changeset_id and len(pending.items) == PEOPLE
    namespace = services.settings.namespace
    used = {Job.fetch(queueing.sync_job_id(namespace, sync_id), connection=redis,
                      serializer=JSONSerializer).worker_name for sync_id in requested}
    assert used == {worker.name for worker in workers}  # the work really was spread over the three
