"""Stakeholders: create, update with version bumps, constraints, listing and pages."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from domain.stakeholder import Stakeholder
from store.errors import DuplicateStakeholder, InvalidCursor, InvalidStakeholder, NotFound, StaleVersion
from store.models import StakeholderRow
from store.repositories import stakeholder_writes as writes
from store.repositories import stakeholders


def _create(session, company_id, name="Anna Müller", **values):
    return writes.create_stakeholder(session, company_id, {"name": name, **values})


def test_create_returns_a_domain_stakeholder_at_version_1(session, company_id):
    created = _create(session, company_id, first_name="Anna", last_name="Müller",
                      unique_identifier="E-1", birth_date="1990-02-03", group="Employees")
    assert isinstance(created, Stakeholder)
    assert created.version == 1 and created.id > 0
    assert created.birth_date == dt.date(1990, 2, 3)
    assert stakeholders.get_stakeholder(session, company_id, created.id) == created


def test_every_write_bumps_the_version(session, company_id):
    created = _create(session, company_id)
    first = writes.update_stakeholder(session, company_id, created.id, {"email": "a@x.example"})
    second = writes.update_stakeholder(session, company_id, created.id,
                                       {"hr_provider": "personio", "hr_remote_id": "7"})
    assert (created.version, first.version, second.version) == (1, 2, 3)
    row = session.get(StakeholderRow, created.id)
    row.city = "Berlin"
    session.flush()
    assert stakeholders.get_stakeholder(session, company_id, created.id).version == 4


def test_update_refuses_a_stale_expected_version(session, company_id):
    created = _create(session, company_id)
    writes.update_stakeholder(session, company_id, created.id, {"city": "Bonn"})
    with pytest.raises(StaleVersion):
        writes.update_stakeholder(session, company_id, created.id, {"city": "Köln"},
                                  expected_version=created.version)
    assert stakeholders.get_stakeholder(session, company_id, created.id).city == "Bonn"


def test_update_of_another_companys_stakeholder_is_not_found(session, company_id, other_company_id):
    created = _create(session, other_company_id)
    with pytest.raises(NotFound):
        writes.update_stakeholder(session, company_id, created.id, {"city": "Bonn"})
    with pytest.raises(NotFound):
        stakeholders.get_stakeholder(session, company_id, created.id)


def test_empty_identifier_is_stored_as_null(session, company_id):
    first = _create(session, company_id, "A", unique_identifier="")
    second = _create(session, company_id, "B", unique_identifier="  ")
    assert first.unique_identifier is None and second.unique_identifier is None
    raw = session.scalars(select(StakeholderRow.unique_identifier)).all()
    assert raw == [None, None]


def test_duplicate_identifier_in_one_company_is_refused(session, company_id):
    _create(session, company_id, "A", unique_identifier="E-1")
    with pytest.raises(DuplicateStakeholder, match="unique identifier"):
        _create(session, company_id, "B", unique_identifier="E-1")


def test_duplicate_hr_link_is_refused(session, company_id):
    _create(session, company_id, "A", hr_provider="personio", hr_remote_id="7")
    with pytest.raises(DuplicateStakeholder, match="linked"):
        _create(session, company_id, "B", hr_provider="personio", hr_remote_id="7")


def test_same_identifier_in_two_companies_is_fine(session, company_id, other_company_id):
    _create(session, company_id, unique_identifier="E-1")
    _create(session, other_company_id, unique_identifier="E-1")


@pytest.mark.parametrize("values, message", [
    ({"name": ""}, "name"),
    ({"name": "A", "colour": "blue"}, "unknown"),
    ({"name": "A", "email": 5}, "text"),
    ({"name": "A", "birth_date": "03.02.1990"}, "birth_date"),
    ({"name": "A", "hr_provider": "personio"}, "both"),
], ids=["no-name", "unknown-field", "not-text", "bad-date", "half-link"])
def test_invalid_values_are_refused(session, company_id, values, message):
    with pytest.raises(InvalidStakeholder, match=message):
        writes.create_stakeholder(session, company_id, values)


def test_unlinking_half_a_link_is_refused(session, company_id):
    created = _create(session, company_id, hr_provider="personio", hr_remote_id="7")
    with pytest.raises(InvalidStakeholder):
        writes.update_stakeholder(session, company_id, created.id, {"hr_remote_id": None})


def test_bulk_update_checks_every_version(session, company_id):
    a, b = (_create(session, company_id, name) for name in ("A", "B"))
    updated = writes.update_stakeholders(session, company_id, {a.id: {"group": "X"}, b.id: {"group": "Y"}},
                                         {a.id: 1, b.id: 1})
    assert {s.group for s in updated.values()} == {"X", "Y"}
    with pytest.raises(StaleVersion):
        writes.update_stakeholders(session, company_id, {a.id: {"group": "Z"}}, {a.id: 1})


def test_list_for_matching_is_in_id_order_and_company_scoped(session, company_id, other_company_id):
    made = writes.create_stakeholders(session, company_id, [{"name": f"P{n}"} for n in range(5)])
    _create(session, other_company_id, "Elsewhere")
    listed = stakeholders.list_stakeholders(session, company_id)
    assert listed == made
    assert stakeholders.versions(listed) == {s.id: 1 for s in made}


def test_get_stakeholders_leaves_out_other_companies(session, company_id, other_company_id):
    mine = _create(session, company_id)
    theirs = _create(session, other_company_id)
    assert stakeholders.get_stakeholders(session, company_id, [mine.id, theirs.id]) == {mine.id: mine}


def test_pages_follow_the_cursor_to_the_end(session, company_id):
    made = writes.create_stakeholders(session, company_id, [{"name": f"P{n}"} for n in range(7)])
    seen, cursor = [], None
    while True:
        page = stakeholders.list_page(session, company_id, cursor=cursor, limit=3)
        seen.extend(page.items)
        if page.next is None:
            break
        cursor = page.next
    assert seen == made


def test_exact_page_size_has_no_next(session, company_id):
    writes.create_stakeholders(session, company_id, [{"name": f"P{n}"} for n in range(3)])
    assert stakeholders.list_page(session, company_id, limit=3).next is None


@pytest.mark.parametrize("group, linked, expected", [
    ("Employees", None, {"linked employee", "manual employee"}),
    (None, True, {"linked employee"}),
    (None, False, {"manual employee", "investor"}),
    ("Employees", False, {"manual employee"}),
], ids=["group", "linked", "unlinked", "group-and-unlinked"])
def test_page_filters(session, company_id, group, linked, expected):
    writes.create_stakeholders(session, company_id, [
        {"name": "linked employee", "group": "Employees", "hr_provider": "bamboohr", "hr_remote_id": "1"},
        {"name": "manual employee", "group": "Employees"},
        {"name": "investor", "group": "Investors"},
    ])
    page = stakeholders.list_page(session, company_id, group=group, linked=linked)
    assert {s.name for s in page.items} == expected


@pytest.mark.parametrize("cursor", ["abc", "-1", "1e3", "٣", "9" * 40],
                         ids=["letters", "negative", "float", "arabic-digit", "huge"])
def test_foreign_cursors_are_refused(session, company_id, cursor):
    with pytest.raises(InvalidCursor):
        stakeholders.list_page(session, company_id, cursor=cursor)


def test_snapshot_is_json_ready(session, company_id):
    created = _create(session, company_id, birth_date=dt.date(1990, 2, 3))
    snap = stakeholders.snapshot(created)
    assert snap["birth_date"] == "1990-02-03" and snap["version"] == 1 and snap["id"] == created.id
