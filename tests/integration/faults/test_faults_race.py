"""Two syncs and an approval racing for one company: two `hrsync worker`s, the app over HTTP, PostgreSQL.

A gate (a trigger that waits while a row exists) holds one side inside its transaction until the other
side is seen blocked on a row lock, then opens: each interleaving is forced, not hoped for.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import text

from store.db import transaction
from store.enums import ChangeSetStatus, SyncStatus
from store.repositories import audit, stakeholders
from core import queueing
from services.syncs import request_sync

from faults_support import crew, pending_sets, retries_left, sync_inline
from tests.integration.pipeline.pipeline_env import WebServer, wait_until
from tests.integration.pipeline.pipeline_support import add_company, adopt, changesets_of, finished, runs_of

pytestmark = pytest.mark.postgres

GATE = """
CREATE TABLE fault_gate (closed int);
INSERT INTO fault_gate VALUES (1);
CREATE FUNCTION fault_gate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WHILE EXISTS (SELECT 1 FROM fault_gate) LOOP PERFORM pg_sleep(0.05); END LOOP;
  RETURN NULL;
END $$;
CREATE TRIGGER fault_gate AFTER {event} ON {table} FOR EACH STATEMENT EXECUTE FUNCTION fault_gate();
"""
REMOVE = "DROP TRIGGER fault_gate ON {table}; DROP FUNCTION fault_gate(); DROP TABLE fault_gate"
CHANGED = [str(number) for number in range(1, 11)]


@pytest.fixture
def web(settings, services):
    with WebServer(settings, services) as server:
        yield server


class Gate:
    def __init__(self, services, event: str, table: str) -> None:
        self.services, self.table = services, table
        self._run(GATE.format(event=event, table=table))

    def _run(self, sql: str) -> None:
        with self.services.engine.begin() as connection:
            connection.exec_driver_sql(sql)

    def _count(self, condition: str) -> int:
        with self.services.engine.connect() as connection:
            return connection.execute(text(f"SELECT count(*) FROM pg_stat_activity WHERE {condition} "
                                           "AND datname = current_database()")).scalar()

    def holding(self) -> bool:
        return self._count("wait_event = 'PgSleep'") > 0

    def someone_blocked(self) -> bool:
        return self._count("wait_event_type = 'Lock'") > 0

    def open(self) -> None:
        self._run("DELETE FROM fault_gate")

    def remove(self) -> None:
        self._run(REMOVE.format(table=self.table))


def _company(services, sandbox):
    """30 people in the registry; a pending change set moving ten of them; one more change in HR since."""
    company = add_company(services, sandbox, people=crew(30))
    adopt(services, company, sync_inline(services, company.id, "bamboohr"))
    for person in CHANGED:
        sandbox.state.update_person(company.tenant, person, city="Racetown")
    pending = sync_inline(services, company.id, "bamboohr")
    sandbox.state.update_person(company.tenant, "11", first_name="Later")
    return company, pending


def _two_syncs(services, redis, company_id: str) -> list[int]:
    """Two syncs of the company: the second asked once the first runs (asked while it waits, it is that one)."""
    first = request_sync(services, redis, company_id)
    wait_until(lambda: runs_of(services, company_id)[-1].status is SyncStatus.RUNNING, 20, "the first sync running")
    return [first, request_sync(services, redis, company_id)]


def _approve(web, company, changeset_id: int) -> requests.Response:
    return requests.post(f"{web.url}/api/v1/changesets/{changeset_id}/approve", headers=company.auth,
                         json={"email": f"cfo@{company.tenant.key}.example", "password": "pw"}, timeout=60)


@pytest.mark.parametrize("first", ["approval", "sync"], ids=["approval-holds-the-set", "sync-supersedes-first"])
def test_two_syncs_and_an_approval_race_without_overlap_mix_or_double_apply(first, services, sandbox, redis, web,
                                                                            worker, start_worker):
    """Invariant: the company's syncs never overlap; the approval of the racing set either applies it whole
    (200) or is refused as superseded (409), never a mix; approving what is pending at the end leaves every
    stakeholder changed exactly once."""
    start_worker()  # two workers: only the per-company limit keeps the syncs apart
    company, racing = _company(services, sandbox)
    event, table = ("UPDATE", "stakeholders") if first == "approval" else ("INSERT", "change_items")
    gate = Gate(services, event, table)
    try:
        with ThreadPoolExecutor(1) as pool:
            if first == "approval":
                approval = pool.submit(_approve, web, company, racing)
                wait_until(gate.holding, 20, "the apply held inside its transaction")
                syncs = _two_syncs(services, redis, company.id)
            else:
                syncs = _two_syncs(services, redis, company.id)
                wait_until(gate.holding, 20, "the first sync held inside its change-set transaction")
                approval = pool.submit(_approve, web, company, racing)
            wait_until(gate.someone_blocked, 20, "the other side blocked on a row lock")
            assert [run.status for run in runs_of(services, company.id)[-2:]] == [SyncStatus.RUNNING,
                                                                                 SyncStatus.QUEUED]
            gate.open()
            answer = approval.result(timeout=30)
    finally:
        gate.remove()

    runs = sorted(wait_until(finished(services, company.id, 4), 30, "both syncs")[-2:], key=lambda r: r.started_at)
    assert sorted(run.id for run in runs) == syncs and {run.status for run in runs} == {SyncStatus.SUCCEEDED}
    assert runs[0].finished_at <= runs[1].started_at  # one after the other
    # No attempt failed: neither side was picked as a deadlock victim.
    namespace = services.settings.namespace
    assert [retries_left(redis, namespace, sync_id) for sync_id in syncs] == [len(queueing.RETRY_INTERVALS)] * 2
    racing_set = next(stored for stored in changesets_of(services, company.id) if stored.id == racing)
    if first == "approval":
        assert answer.status_code == 200 and answer.json()["counts"] == {"update": 10}, answer.text
        assert racing_set.status is ChangeSetStatus.APPLIED
    else:
        assert answer.status_code == 409 and answer.json()["error"]["code"] == "superseded", answer.text
        assert racing_set.status is ChangeSetStatus.SUPERSEDED and _versions(services, company.id) == {1: 30}

    (last,) = pending_sets(services, company.id)
    assert last.id == runs[1].changeset_id
    assert _approve(web, company, last.id).status_code == 200
    with transaction(services.session_factory) as session:
        registry = {person.hr_remote_id: person for person in stakeholders.list_stakeholders(session, company.id)}
        entries = audit.list_entries(session, company.id, limit=500).items
    assert {remote_id for remote_id, person in registry.items() if person.version == 2} == {*CHANGED, "11"}
    assert {registry[person].city for person in CHANGED} == {"Racetown"} and len(registry) == 30
    assert [entry.action for entry in entries].count("apply_changeset") == (2 if first == "approval" else 1)


def _versions(services, company_id: str) -> dict[int, int]:
    with transaction(services.session_factory) as session:
        found = [person.version for person in stakeholders.list_stakeholders(session, company_id)]
    return {version: found.count(version) for version in set(found)}
