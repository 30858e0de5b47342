"""The process applying a change set is SIGKILLed mid-transaction (`hrsync web` under gunicorn, PostgreSQL).

A trigger holds the apply half-way through its writes (a hundred and fifty stakeholder rows written, none
committed); the test kills the gunicorn worker running it, as the OOM killer would.
"""

from __future__ import annotations

import os
import signal
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import text

from store.db import transaction
from store.enums import ChangeSetStatus
from store.repositories import audit, stakeholders

from fault_servers import HrsyncWeb
from faults_support import Untouched, crew, sync_inline
from tests.integration.pipeline.pipeline_env import wait_until
from tests.integration.pipeline.pipeline_support import add_company, adopt, changesets_of

pytestmark = pytest.mark.postgres

HALF_WAY = 150  # of 200 stakeholder rows the apply writes (100 created, 100 updated)
HOLD = """
CREATE SEQUENCE fault_rows;
CREATE FUNCTION fault_hold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.company_id = '{company}' AND nextval('fault_rows') = {half} THEN PERFORM pg_sleep(60); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER fault_hold AFTER INSERT OR UPDATE ON stakeholders FOR EACH ROW EXECUTE FUNCTION fault_hold();
"""
UNHOLD = "DROP TRIGGER fault_hold ON stakeholders; DROP FUNCTION fault_hold(); DROP SEQUENCE fault_rows"
IN_TRANSACTION = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                      "AND pid <> pg_backend_pid() AND (xact_start IS NOT NULL OR wait_event = 'PgSleep')")


@pytest.fixture
def web(settings, services, tmp_path):
    with services.engine.connect() as connection:  # a killed client's session ends at once, not after the sleep
        connection.exec_driver_sql(f'ALTER DATABASE "{services.engine.url.database}" '
                                   "SET client_connection_check_interval = '200ms'")
        connection.commit()
    server = HrsyncWeb(settings, tmp_path / "web.log").start()
    yield server
    server.stop()


def _big_pending(services, sandbox):
    """A registry of 100 linked people and a pending change set creating 100 and updating 100."""
    people = crew(200)
    company = add_company(services, sandbox, people=people[:100])
    adopt(services, company, sync_inline(services, company.id, "bamboohr"))
    for person in people[100:]:
        sandbox.state.add_person(company.tenant, **person)
    for number in range(1, 101):
        sandbox.state.update_person(company.tenant, str(number), city="Killville")
    return company, sync_inline(services, company.id, "bamboohr")


def _approve(web, company, changeset_id: int) -> requests.Response:
    return requests.post(f"{web.url}/api/v1/changesets/{changeset_id}/approve", headers=company.auth,
                         json={"email": f"cfo@{company.tenant.key}.example", "password": "pw"}, timeout=90)


def _open_transactions(services) -> int:
    with services.engine.connect() as connection:
        return connection.execute(IN_TRANSACTION).scalar()


def test_a_worker_killed_mid_apply_leaves_nothing_and_the_next_approval_applies_once(services, sandbox, web):
    """Invariant: all or nothing — after the kill the registry and audit log are as before and the change
    set still pending; the second approval applies every item once; a third is refused (409)."""
    company, changeset_id = _big_pending(services, sandbox)
    before = Untouched.of(services, company.id)
    with services.engine.begin() as connection:
        connection.exec_driver_sql(HOLD.format(company=company.id, half=HALF_WAY))
    try:
        with ThreadPoolExecutor(1) as pool:
            attempt = pool.submit(_approve, web, company, changeset_id)
            wait_until(lambda: _held(services), 30, "the apply held half-way")
            (victim,) = web.worker_pids()
            os.kill(victim, signal.SIGKILL)
            with pytest.raises(requests.ConnectionError):
                attempt.result(timeout=30)
        wait_until(lambda: _open_transactions(services) == 0, 30, "the killed transaction rolled back")

        assert Untouched.of(services, company.id) == before  # registry, change sets, audit log
        wait_until(lambda: web.worker_pids() and web.worker_pids() != [victim], 30, "gunicorn's new worker")
        applied = _approve(web, company, changeset_id)
        again = _approve(web, company, changeset_id)
    finally:
        with services.engine.begin() as connection:
            connection.exec_driver_sql(UNHOLD)

    assert applied.status_code == 200, applied.text
    assert applied.json()["counts"] == {"create": 100, "update": 100}
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_applied"
    with transaction(services.session_factory) as session:
        registry = stakeholders.list_stakeholders(session, company.id)
        entries = audit.list_entries(session, company.id, limit=500).items
    assert len(registry) == 200 and len({person.hr_remote_id for person in registry}) == 200
    assert sorted(p.version for p in registry if p.city == "Killville") == [2] * 100
    assert [entry.action for entry in entries].count("apply_changeset") == 1
    assert changesets_of(services, company.id)[-1].status is ChangeSetStatus.APPLIED


def _held(services) -> bool:
    with services.engine.connect() as connection:
        return bool(connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()"
        )).scalar())
