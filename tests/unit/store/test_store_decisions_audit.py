"""Review decisions (idempotent, NULL-safe uniqueness) and the audit log."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.decisions import DecisionKind, ReviewDecision
from store.errors import InvalidCursor
from store.repositories import audit, decisions
from store.repositories import stakeholder_writes as writes

NOT_SAME = DecisionKind.NOT_SAME_PERSON
IGNORE = DecisionKind.IGNORE_EMPLOYEE


@pytest.fixture
def anna(session, company_id):
    return writes.create_stakeholder(session, company_id, {"name": "Anna"})


def test_decisions_round_trip_per_company_and_provider(session, company_id, other_company_id, anna):
    saved = [ReviewDecision(NOT_SAME, "7", anna.id), ReviewDecision(IGNORE, "8")]
    for decision in saved:
        assert decisions.save_decision(session, company_id, "personio", decision, "boss@acme.example")
    decisions.save_decision(session, company_id, "bamboohr", ReviewDecision(IGNORE, "9"), "boss")
    decisions.save_decision(session, other_company_id, "personio", ReviewDecision(IGNORE, "10"), "cfo")
    assert decisions.list_decisions(session, company_id, "personio") == saved


@pytest.mark.parametrize("with_stakeholder", [False, True], ids=["ignore-employee", "not-same-person"])
def test_saving_twice_records_once(session, company_id, anna, with_stakeholder):
    decision = ReviewDecision(NOT_SAME, "7", anna.id) if with_stakeholder else ReviewDecision(IGNORE, "8")
    assert decisions.save_decision(session, company_id, "personio", decision, "boss")
    assert not decisions.save_decision(session, company_id, "personio", decision, "boss")
    assert decisions.list_decisions(session, company_id, "personio") == [decision]


def test_audit_entries_newest_first_with_pages(session, company_id, other_company_id, anna):
    at = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.timezone.utc)
    written = audit.append_many(session, company_id, [
        audit.AuditEntry("boss@acme.example", "stakeholder.update", stakeholder_id=anna.id,
                         before={"city": None}, after={"city": "Bonn"}, at=at + dt.timedelta(seconds=n))
        for n in range(5)
    ])
    audit.append(session, other_company_id, audit.AuditEntry("cfo", "stakeholder.create"))
    assert written == 5
    first = audit.list_entries(session, company_id, limit=3)
    second = audit.list_entries(session, company_id, cursor=first.next, limit=3)
    entries = first.items + second.items
    assert second.next is None and len(entries) == 5
    assert [entry.at for entry in entries] == sorted((entry.at for entry in entries), reverse=True)
    assert entries[0].after == {"city": "Bonn"} and entries[0].at.tzinfo is not None
    assert {entry.company_id for entry in entries} == {company_id}


def test_audit_filter_by_change_set_and_cursor_check(session, company_id):
    audit.append(session, company_id, audit.AuditEntry("boss", "changeset.apply", detail="3 items"))
    assert audit.list_entries(session, company_id, change_set_id=999).items == []
    with pytest.raises(InvalidCursor):
        audit.list_entries(session, company_id, cursor="x1")
