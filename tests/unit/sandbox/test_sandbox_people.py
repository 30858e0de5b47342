"""generate_people: deterministic, realistic, and covering the cases a sync must handle."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from sandbox.people import Person, coerce_changes, generate_people

TODAY = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def crowd() -> list[Person]:
    return generate_people(2000, seed=7, today=TODAY)


def test_same_seed_gives_the_same_people():
    first = [p.to_json() for p in generate_people(300, seed=3, today=TODAY)]
    again = [p.to_json() for p in generate_people(300, seed=3, today=TODAY)]
    assert first == again


def test_another_seed_gives_other_people():
    names = [(p.first_name, p.last_name) for p in generate_people(50, seed=3, today=TODAY)]
    others = [(p.first_name, p.last_name) for p in generate_people(50, seed=4, today=TODAY)]
    assert names != others


def test_ids_are_sequential_strings_from_first_id():
    people = generate_people(5, seed=1, today=TODAY, first_id=100001)
    assert [p.id for p in people] == ["100001", "100002", "100003", "100004", "100005"]


def test_every_locale_is_represented(crowd):
    assert set(Counter(p.locale for p in crowd)) == {"de_DE", "de_CH", "fr_FR", "es_ES", "en_US"}


def test_names_carry_accents_and_compound_surnames(crowd):
    assert any(not (p.first_name + p.last_name).isascii() for p in crowd)
    assert any("-" in p.last_name for p in crowd)
    assert any(" " in p.last_name for p in crowd if p.locale == "es_ES")


def test_some_people_share_a_full_name(crowd):
    counts = Counter((p.first_name, p.last_name) for p in crowd)
    assert any(n > 1 for n in counts.values())


def test_leavers_are_inactive_with_a_termination_date_after_hiring(crowd):
    leavers = [p for p in crowd if p.termination_date]
    assert leavers
    assert all(p.status == "inactive" and p.hire_date < p.termination_date <= TODAY for p in leavers)


def test_future_hires_have_a_future_hire_date_and_no_termination(crowd):
    future = [p for p in crowd if p.status == "onboarding"]
    assert future
    assert all(p.hire_date > TODAY and p.termination_date is None for p in future)


def test_some_people_have_no_hire_date(crowd):
    undated = [p for p in crowd if p.hire_date is None]
    assert undated and all(p.status == "active" for p in undated)


def test_work_emails_are_unique_and_some_people_only_have_a_home_email(crowd):
    work = [p.work_email for p in crowd if p.work_email]
    assert len(work) == len(set(work))
    assert any(p.work_email is None and p.home_email for p in crowd)


def test_us_addresses_carry_a_state_and_others_do_not(crowd):
    assert all(p.state for p in crowd if p.locale == "en_US")
    assert not any(p.state for p in crowd if p.locale != "en_US")


def test_to_json_renders_dates_as_iso_text():
    person = generate_people(1, seed=1, today=TODAY)[0]
    data = person.to_json()
    assert data["id"] == "1"
    assert data["date_of_birth"] == person.date_of_birth.isoformat()
    assert isinstance(data["languages"], list)


def test_editing_a_person_in_place_is_counted():
    person = generate_people(1, seed=1, today=TODAY)[0]
    before = Person.mutations()
    person.first_name = "Anna"
    assert Person.mutations() > before


@pytest.mark.parametrize("changes, message", [
    ({"salary": 1}, "unknown person fields: salary"),
    ({"id": "9"}, "unknown person fields: id"),
    ({"status": "retired"}, "status must be one of"),
    ({"hire_date": 20240101}, "hire_date must be an ISO date"),
    ({"hire_date": "01.02.2024"}, "Invalid isoformat"),
    ({"first_name": ["Anna"]}, "first_name must be text"),
    ({"languages": "English"}, "languages must be a list"),
], ids=["unknown-field", "id-is-not-editable", "bad-status", "date-as-number", "date-not-iso", "name-as-list",
        "languages-as-text"])
def test_coerce_changes_rejects_nonsense(changes, message):
    with pytest.raises(ValueError, match=message):
        coerce_changes(changes)


def test_coerce_changes_parses_iso_dates_and_empties():
    out = coerce_changes({"hire_date": "2024-02-29", "termination_date": "", "languages": ["English"]})
    assert out == {"hire_date": dt.date(2024, 2, 29), "termination_date": None, "languages": ("English",)}
