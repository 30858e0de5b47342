"""PostgreSQL row locks: a writer holding a stakeholder makes the apply wait, then report the item stale."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from store import migrate
from store.db import transaction
from store.repositories import stakeholders
from tests.approval_scenario import build_scenario
from services.approvals import ApprovalRequest, approve
from services.apply_plan import Outcome

pytestmark = pytest.mark.postgres
EMAIL, PASSWORD = "cfo@acme.example", "correct horse battery staple"


@pytest.fixture(scope="module")
def database_url(scratch_database):
    # Only PostgreSQL: SQLite's BEGIN IMMEDIATE serialises whole transactions, there is no row to wait on.
    url = scratch_database("postgresql", "hrsync_approvals_locks")
    migrate.upgrade(url)
    return url


def test_a_writer_holding_a_stakeholder_makes_the_apply_wait_then_report_it_stale(services, lockout):
    scenario = build_scenario(services.session_factory, EMAIL, PASSWORD)
    anna = scenario.person("anna")
    with services.engine.connect() as writer, ThreadPoolExecutor(1) as pool:
        writer.begin()
        writer.execute(text("UPDATE stakeholders SET city = 'Genf', version = version + 1 WHERE id = :id"),
                       {"id": anna})
        request = ApprovalRequest(scenario.changeset_id, EMAIL, PASSWORD, "203.0.113.7")
        pending = pool.submit(approve, services, lockout, request)
        _wait_until_blocked(services)
        writer.commit()
        result = pending.result(timeout=60)

    assert [entry.remote_id for entry in result.with_outcome(Outcome.STALE)] == ["1"]
    assert result.counts()["leaver"] == 1  # the rest applied
    with transaction(services.session_factory) as session:
        current = stakeholders.get_stakeholder(session, scenario.company_id, anna)
    assert (current.city, current.version) == ("Genf", 2)


def _wait_until_blocked(services) -> None:
    """Poll until a session of this database waits on a lock: the apply's SELECT … FOR UPDATE."""
    query = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                 "AND datname = current_database()")
    with services.engine.connect() as connection:
        for _ in range(20_000):
            if connection.execute(query).scalar():
                return
            connection.rollback()
    raise AssertionError("the apply never waited for the row lock")
