"""Database-level guarantees on both backends: uniqueness, checks, foreign keys, version bumps."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from store.db import transaction
from store.errors import DuplicateCompany, DuplicateStakeholder, StaleVersion
from store.models import ChangeSetRow, CompanyRow, ReviewDecisionRow, StakeholderRow, SyncRunRow, utcnow
from store.repositories import companies
from store.repositories import stakeholder_writes as writes
from store.repositories import stakeholders


def _raw_insert(session_factory, **values) -> None:
    """Straight to the table, past every repository check: only the database can refuse."""
    row = {"name": "X", "version": 1, "created_at": utcnow(), "updated_at": utcnow(), **values}
    with transaction(session_factory) as session:
        session.execute(insert(StakeholderRow.__table__), [row])


def _count(session_factory, company_id) -> int:
    with session_factory() as session:
        return len(stakeholders.list_stakeholders(session, company_id))


@pytest.mark.parametrize("values", [
    {"unique_identifier": "E-1"},
    {"hr_provider": "personio", "hr_remote_id": "7"},
], ids=["identifier", "hr-link"])
def test_duplicates_in_one_company_are_refused_by_the_database(session_factory, company_id, values):
    _raw_insert(session_factory, company_id=company_id, **values)
    with pytest.raises(IntegrityError):
        _raw_insert(session_factory, company_id=company_id, **values)
    assert _count(session_factory, company_id) == 1


@pytest.mark.parametrize("values, match", [
    ({"unique_identifier": "E-1"}, "unique identifier"),
    ({"hr_provider": "personio", "hr_remote_id": "7"}, "linked"),
], ids=["identifier", "hr-link"])
def test_duplicates_surface_as_a_store_error(session_factory, company_id, values, match):
    with transaction(session_factory) as session:
        writes.create_stakeholder(session, company_id, {"name": "A", **values})
    with pytest.raises(DuplicateStakeholder, match=match):
        with transaction(session_factory) as session:
            writes.create_stakeholder(session, company_id, {"name": "B", **values})


def test_same_identifier_and_link_in_two_companies_are_fine(session_factory, company_id, other_company_id):
    for owner in (company_id, other_company_id):
        _raw_insert(session_factory, company_id=owner, unique_identifier="E-1",
                    hr_provider="personio", hr_remote_id="7")
    assert _count(session_factory, company_id) == _count(session_factory, other_company_id) == 1


def test_many_stakeholders_without_identifier_or_link(session_factory, company_id):
    for _ in range(3):
        _raw_insert(session_factory, company_id=company_id)
    assert _count(session_factory, company_id) == 3


@pytest.mark.parametrize("values", [
    {"unique_identifier": ""},
    {"hr_provider": "personio"},
    {"hr_remote_id": "7"},
], ids=["empty-identifier", "provider-without-id", "id-without-provider"])
def test_check_constraints(session_factory, company_id, values):
    with pytest.raises(IntegrityError):
        _raw_insert(session_factory, company_id=company_id, **values)


def test_repository_stores_empty_identifier_as_null(session_factory, company_id):
    with transaction(session_factory) as session:
        for name in ("A", "B"):
            writes.create_stakeholder(session, company_id, {"name": name, "unique_identifier": ""})
    with session_factory() as session:
        assert session.scalars(select(StakeholderRow.unique_identifier)).all() == [None, None]


def test_foreign_keys_are_enforced(session_factory):
    with pytest.raises(IntegrityError):
        _raw_insert(session_factory, company_id="co_doesnotexist0000")


def test_version_is_bumped_by_every_write(session_factory, company_id):
    with transaction(session_factory) as session:
        created = writes.create_stakeholder(session, company_id, {"name": "Anna"})
    with transaction(session_factory) as session:
        writes.update_stakeholder(session, company_id, created.id, {"city": "Bonn"})
    with transaction(session_factory) as session:
        writes.update_stakeholders(session, company_id, {created.id: {"group": "Ex-employee"}})
    with transaction(session_factory) as session:
        session.get(StakeholderRow, created.id).phone = "+49 1"
    with session_factory() as session:
        assert session.scalar(select(StakeholderRow.version)) == 4


def test_stale_expected_version_is_refused_across_transactions(session_factory, company_id):
    with transaction(session_factory) as session:
        seen = writes.create_stakeholder(session, company_id, {"name": "Anna"})
    with transaction(session_factory) as session:
        writes.update_stakeholder(session, company_id, seen.id, {"city": "Bonn"})
    with pytest.raises(StaleVersion):
        with transaction(session_factory) as session:
            writes.update_stakeholder(session, company_id, seen.id, {"city": "Köln"},
                                      expected_version=seen.version)


def test_write_between_read_and_flush_is_detected(session_factory, company_id):
    with transaction(session_factory) as session:
        created = writes.create_stakeholder(session, company_id, {"name": "Anna"})
    with pytest.raises(StaleVersion):
        with transaction(session_factory) as session:
            read = session.get(StakeholderRow, created.id)  # held: the session keeps what it read
            assert read.version == 1
            # Another writer, after our read: bypasses the ORM, bumps the version like any write.
            session.connection().execute(update(StakeholderRow.__table__)
                                         .where(StakeholderRow.__table__.c.id == created.id)
                                         .values(city="Elsewhere", version=2))
            writes.update_stakeholders(session, company_id, {created.id: {"city": "Bonn"}})
    with session_factory() as session:  # the refused unit of work left nothing behind
        stored = session.get(StakeholderRow, created.id)
        assert (stored.city, stored.version) == (None, 1)


def test_one_pending_change_set_per_company(session_factory, company_id):
    with transaction(session_factory) as session:
        run = SyncRunRow(company_id=company_id, provider="personio", mode="full")
        session.add(run)
        session.flush()
        session.add(ChangeSetRow(company_id=company_id, provider="personio", sync_run_id=run.id))
        run_id = run.id
    with pytest.raises(IntegrityError):
        with transaction(session_factory) as session:
            session.add(ChangeSetRow(company_id=company_id, provider="personio", sync_run_id=run_id))
    with transaction(session_factory) as session:
        session.add(ChangeSetRow(company_id=company_id, provider="personio", sync_run_id=run_id,
                                 status="applied"))


@pytest.mark.parametrize("with_stakeholder", [False, True], ids=["ignore-employee", "not-same-person"])
def test_review_decisions_are_unique_even_without_stakeholder(session_factory, company_id,
                                                              with_stakeholder):
    stakeholder_id = None
    if with_stakeholder:
        with transaction(session_factory) as session:
            stakeholder_id = writes.create_stakeholder(session, company_id, {"name": "A"}).id
    kind = "not_same_person" if with_stakeholder else "ignore_employee"
    values = dict(company_id=company_id, provider="personio", remote_id="7",
                  stakeholder_id=stakeholder_id, kind=kind, decided_by="boss")
    with transaction(session_factory) as session:
        session.add(ReviewDecisionRow(**values))
    with pytest.raises(IntegrityError):
        with transaction(session_factory) as session:
            session.add(ReviewDecisionRow(**values))


def test_a_company_name_differing_only_in_case_is_refused_by_the_database(session_factory, company_id):
    with pytest.raises(IntegrityError):
        with transaction(session_factory) as session:
            session.add(CompanyRow(name="ACME  gmbh"))
    with session_factory() as session:
        assert session.scalars(select(CompanyRow.name)).all() == ["Acme GmbH"]


def test_concurrent_creates_of_one_name_leave_one_company_and_name_it(session_factory):
    """Both threads check for the name before either inserts (barrier): the database decides."""
    start, outcomes = threading.Barrier(2), []

    def create(name: str) -> None:
        start.wait()
        try:
            with transaction(session_factory) as session:
                outcomes.append(companies.create_company(session, name, "cfo@acme.example", "pw").company_id)
        except DuplicateCompany as error:
            outcomes.append(error)

    threads = [threading.Thread(target=create, args=(name,)) for name in ("Acme GmbH", "acme gmbh")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    created = [outcome for outcome in outcomes if isinstance(outcome, str)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, DuplicateCompany)]
    assert len(created) == 1 and len(refused) == 1, outcomes
    assert created[0] in str(refused[0])
    with session_factory() as session:
        assert session.scalars(select(CompanyRow.id)).all() == created
