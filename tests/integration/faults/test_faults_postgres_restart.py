"""PostgreSQL stopped or crashed during a sync run by a real `hrsync worker` (a private cluster of the test's own).

Invariant of both cases: the sync is retried and ends succeeded with one whole change set (superseding the
earlier pending one); the change set the interrupted attempt was writing never appears, not even in part;
the registry and the audit log are untouched.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from store import migrate
from store.enums import ChangeSetStatus, SyncStatus
from core import queueing
from services.syncs import request_sync

from fault_servers import PrivatePostgres
from faults_support import Untouched, crew, pending_sets, retries_left, with_pending
from tests.integration.pipeline.pipeline_env import wait_until
from tests.integration.pipeline.pipeline_support import changesets_of, finished, runs_of

pytestmark = pytest.mark.postgres

RETRIES = (1, 1, 2, 2)
# Sleeps inside the change-set transaction, but only until the server restarts (a crash would undo any
# bookkeeping the sleeping transaction did, so the server's own start time is the switch).
SLOW_UNTIL_RESTART = """
CREATE TABLE fault_armed AS SELECT pg_postmaster_start_time() AS started;
CREATE FUNCTION fault_pause() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF pg_postmaster_start_time() = (SELECT started FROM fault_armed) THEN PERFORM pg_sleep(60); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER fault_pause AFTER INSERT ON change_items FOR EACH STATEMENT EXECUTE FUNCTION fault_pause();
"""


@pytest.fixture(scope="module")
def cluster():
    server = PrivatePostgres().init().start()
    yield server
    server.destroy()


@pytest.fixture(scope="module")
def database_url(cluster):
    """Overrides the shared database: this module's syncs run against the cluster it breaks."""
    admin = create_engine(cluster.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql('CREATE DATABASE "hrsync"')
    admin.dispose()
    migrate.upgrade(cluster.url("hrsync"))
    return cluster.url("hrsync")


def _company(services, sandbox):
    baseline = with_pending(services, sandbox, "bamboohr", crew(40), "1")
    sandbox.state.update_person(baseline.company.tenant, "2", first_name="Restarted")
    return baseline, Untouched.of(services, baseline.company.id)


def _sleeping_in_the_trigger(services) -> bool:
    with services.engine.connect() as connection:
        return bool(connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()"
        )).scalar())


def test_postgres_down_while_the_sync_fetches(services, sandbox, redis, cluster, worker):
    """Invariant: retried to one whole change set, registry untouched. PostgreSQL is down from mid-fetch until
    the job has failed once on the unreachable database, then back."""
    baseline, before = _company(services, sandbox)
    fault = sandbox.state.inject_fault(baseline.company.tenant, "slow", 1, delay=2, path="/v1/reports/custom")
    sync_id = request_sync(services, redis, baseline.company.id, retry=queueing.retry_policy(RETRIES))
    wait_until(lambda: fault.remaining == 0, 20, "the sync fetching")

    cluster.stop("fast")
    namespace = services.settings.namespace
    wait_until(lambda: retries_left(redis, namespace, sync_id) < len(RETRIES), 20, "an attempt failed on the database")
    cluster.start()

    _assert_whole(services, baseline, before, sync_id)


def test_postgres_crashes_inside_the_change_set_transaction(services, sandbox, redis, cluster, worker):
    """Invariant: the half-written change set never appears; retried to one whole one, registry untouched.
    The attempt is held inside its transaction (items inserted, nothing committed); then a crash."""
    baseline, before = _company(services, sandbox)
    with services.engine.begin() as connection:
        connection.exec_driver_sql(SLOW_UNTIL_RESTART)
    try:
        sync_id = request_sync(services, redis, baseline.company.id, retry=queueing.retry_policy(RETRIES))
        wait_until(lambda: _sleeping_in_the_trigger(services), 20, "the change set half-written, uncommitted")

        cluster.stop("immediate")
        cluster.start()

        _assert_whole(services, baseline, before, sync_id)
    finally:
        with services.engine.begin() as connection:
            connection.exec_driver_sql("DROP TRIGGER fault_pause ON change_items; DROP FUNCTION fault_pause();"
                                       "DROP TABLE fault_armed")


def _assert_whole(services, baseline, before, sync_id: int) -> None:
    company_id = baseline.company.id
    *_, run = wait_until(finished(services, company_id, 3), 30, "the retried sync")
    assert run.id == sync_id and run.status is SyncStatus.SUCCEEDED, run.error
    (pending,) = pending_sets(services, company_id)
    assert pending.id == run.changeset_id and pending.sync_run_id == sync_id
    assert sorted((e.item.kind.value, e.item.remote_id) for e in pending.items) == [("update", "1"), ("update", "2")]
    assert sum(run.counts.values()) == len(pending.items)
    assert [(s.id, s.status) for s in changesets_of(services, company_id)] == [
        (s_id, ChangeSetStatus.APPLIED if n == 0 else ChangeSetStatus.SUPERSEDED)
        for n, (s_id, *_) in enumerate(before.changesets)] + [(pending.id, ChangeSetStatus.PENDING)]
    after = Untouched.of(services, company_id)
    assert after.registry == before.registry and after.audit == before.audit
    assert len(runs_of(services, company_id)) == 3
