"""Applying change items and review resolutions to stakeholder values (the store's reference)."""

from __future__ import annotations

import datetime as dt

import pytest
from domain_builders import PROVIDER, employee, leaver, linked, only, policy, stakeholder

from domain.apply import Applied, apply_items, resolve_review
from domain.changeset import ChangeItem, ChangeKind, Reason
from domain.decisions import DecisionKind, ReviewDecision
from domain.errors import IdentifierTaken, InvalidResolution
from domain.matching import match
from domain.names import NameFormat
from domain.proposal import proposed_values

POLICY = policy()


def unlinked(sid: int, name: str = "Anna Müller", display: str | None = None, **values):
    first, _, last = name.partition(" ")
    return stakeholder(sid, display or name, first_name=first, last_name=last, **values)


def apply(registry, items, resolutions=None, name_format=NameFormat.FIRST_LAST, next_id=100):
    return apply_items(registry, items, name_format, resolutions or {}, next_id, POLICY)


def test_create_gets_the_next_id_the_link_and_the_chosen_name_format():
    people = [employee("1", birth_date=dt.date(1990, 1, 2), city="Köln"), employee("2", "Zoe", "Stone")]
    items = match(people, [], POLICY).items
    registry, results = apply([], items, name_format=NameFormat.LAST_COMMA_FIRST, next_id=100)
    assert registry == {
        100: stakeholder(100, "Müller, Anna", first_name="Anna", last_name="Müller", city="Köln",
                         birth_date=dt.date(1990, 1, 2), group="Employees", hr_provider=PROVIDER,
                         hr_remote_id="1", version=1),
        101: stakeholder(101, "Stone, Zoe", first_name="Zoe", last_name="Stone", group="Employees",
                         hr_provider=PROVIDER, hr_remote_id="2", version=1)}
    assert results == [Applied("1", ChangeKind.CREATE, 100), Applied("2", ChangeKind.CREATE, 101)]


def test_create_without_both_names_keeps_the_proposed_name():
    registry, _ = apply([], match([employee("7", first=None, last=None)], [], POLICY).items)
    assert registry[100].name == "#7"


def test_update_writes_fields_bumps_the_version_and_links():
    before = unlinked(10, city="Bonn", version=4)
    item = only(match([employee("1", city="Köln")], [before], POLICY))
    registry, results = apply([before], [item])
    assert registry[10] == stakeholder(10, "Anna Müller", first_name="Anna", last_name="Müller", city="Köln",
                                       hr_provider=PROVIDER, hr_remote_id="1", version=5)
    assert results == [Applied("1", ChangeKind.UPDATE, 10)]


def test_link_only_links():
    before = unlinked(10, email="anna@x.de")
    registry, results = apply([before], [only(match([employee("1")], [before], POLICY))])
    assert registry[10] == stakeholder(10, "Anna Müller", first_name="Anna", last_name="Müller",
                                       email="anna@x.de", hr_provider=PROVIDER, hr_remote_id="1", version=2)
    assert results == [Applied("1", ChangeKind.LINK, 10)]


def test_leaver_moves_to_the_ex_employee_group():
    before = linked(10, "1")
    registry, _ = apply([before], [only(match([leaver("1")], [before], POLICY))])
    assert (registry[10].group, registry[10].version) == ("Ex-employee", 2)


def test_a_leaver_hr_marks_terminated_without_a_date_moves_all_the_same():
    before = linked(10, "1")
    undated = leaver("1", termination_date=None, marked_terminated=True)
    item = only(match([undated], [before], POLICY))
    assert (item.kind, item.reason, item.termination_date) == (ChangeKind.LEAVER, Reason.TERMINATED, None)
    registry, results = apply([before], [item])
    assert (registry[10].group, registry[10].version) == ("Ex-employee", 2)
    assert results == [Applied("1", ChangeKind.LEAVER, 10)]


def test_skip_items_and_unresolved_reviews_write_nothing():
    registry = [unlinked(10), unlinked(11)]
    items = match([employee("1"), leaver("2", "Zoe", "Stone")], registry, POLICY).items
    assert [item.kind for item in items] == [ChangeKind.REVIEW, ChangeKind.SKIP]
    after, results = apply(registry, items)
    assert after == {10: registry[0], 11: registry[1]}
    assert results == [Applied("1", ChangeKind.SKIP), Applied("2", ChangeKind.SKIP)]


AMBIGUOUS = [unlinked(10, city="Bonn"), unlinked(11, phone="+49 1")]


@pytest.mark.parametrize("choice, kind, written", [
    (10, ChangeKind.UPDATE, 10),
    ("11", ChangeKind.LINK, 11),
    ("create", ChangeKind.CREATE, 100),
    ("skip", ChangeKind.SKIP, None),
], ids=["stakeholder-id", "stakeholder-id-as-text", "create", "skip"])
def test_review_resolutions(choice, kind, written):
    review = only(match([employee("1", city=None, phone="+49 1")], AMBIGUOUS, POLICY))
    registry, results = apply(AMBIGUOUS, [review], {"1": choice})
    assert results == [Applied("1", kind, written)]
    if written is not None:
        assert (registry[written].hr_remote_id, registry[written].version) == ("1", 2 if written < 100 else 1)
        assert (registry[written].city, registry[written].phone) == ("Bonn" if written == 10 else None, "+49 1")
    assert len(registry) == (3 if kind is ChangeKind.CREATE else 2)


def test_not_same_person_records_a_decision_per_candidate():
    review = only(match([employee("1")], AMBIGUOUS, POLICY))
    registry, results = apply(AMBIGUOUS, [review], {"1": "not_same_person"})
    assert registry == {10: AMBIGUOUS[0], 11: AMBIGUOUS[1]}
    assert results == [Applied("1", ChangeKind.SKIP, None, (
        ReviewDecision(DecisionKind.NOT_SAME_PERSON, "1", 10), ReviewDecision(DecisionKind.NOT_SAME_PERSON, "1", 11)))]


@pytest.mark.parametrize("choice, message", [
    (12, "stakeholder 12 is not a candidate for employee 1"),
    ("link", "unknown resolution 'link'"),
    ("", "unknown resolution ''"),
    (True, "unknown resolution True"),
    ("١٠", "unknown resolution"),
], ids=["not-a-candidate", "unknown-word", "empty", "boolean", "arabic-digits"])
def test_review_resolution_refused(choice, message):
    review = only(match([employee("1")], AMBIGUOUS, POLICY))
    with pytest.raises(InvalidResolution, match=message):
        apply([*AMBIGUOUS, unlinked(12, "Zoe Stone")], [review], {"1": choice})


def test_resolution_to_a_vanished_stakeholder_is_refused():
    review = only(match([employee("1")], AMBIGUOUS, POLICY))
    with pytest.raises(InvalidResolution, match="stakeholder 11 does not exist"):
        apply(AMBIGUOUS[:1], [review], {"1": 11})


def test_update_of_a_vanished_stakeholder_is_refused():
    item = only(match([employee("1", city="Köln")], [linked(10, "1")], POLICY))
    with pytest.raises(InvalidResolution, match="stakeholder 10 does not exist"):
        apply([], [item])


@pytest.mark.parametrize("held", ["E1", " E1 "], ids=["same", "with-spaces"])
def test_identifier_already_taken_is_refused(held):
    item = only(match([employee("1", unique_identifier="E1")], [], POLICY))
    with pytest.raises(IdentifierTaken, match="stakeholder 10 already has identifier 'E1'"):
        apply([unlinked(10, "Zoe Stone", unique_identifier=held)], [item])


def test_second_link_to_one_employee_is_refused():
    reviews = match([employee("1"), employee("1", city="Köln")], [linked(10, "1")], POLICY).items
    with pytest.raises(InvalidResolution, match="employee 1 is already linked to stakeholder 10"):
        apply([linked(10, "1")], reviews, {"1": "create"})


def test_relinking_a_stakeholder_frees_its_old_link_and_identifier():
    registry = [linked(10, "9", unique_identifier="E1")]
    review = only(match([employee("1", unique_identifier="E1")], registry, POLICY))
    after, _ = apply(registry, [review], {"1": 10})
    assert (after[10].hr_remote_id, after[10].unique_identifier) == ("1", "E1")
    recreated, _ = apply(list(after.values()), match([employee("9", "Zoe", "Stone")], [], POLICY).items)
    assert recreated[100].hr_remote_id == "9"


RESOLVED = {
    "update": (employee("1", city="Köln"), unlinked(10, city="Bonn"), ChangeKind.UPDATE,
               {"city": ("Bonn", "Köln")}),
    "link": (employee("1"), unlinked(10), ChangeKind.LINK, {}),
    "leaver": (leaver("1"), unlinked(10, group="Employees"), ChangeKind.LEAVER,
               {"group": ("Employees", "Ex-employee")}),
    "leaver-without-date": (leaver("1", termination_date=None, marked_terminated=True),
                            unlinked(10, group="Employees"), ChangeKind.LEAVER, {"group": ("Employees", "Ex-employee")}),
    "rehire": (employee("1"), unlinked(10, group="Ex-employee"), ChangeKind.UPDATE,
               {"group": ("Ex-employee", "Employees")}),
    "names-in-own-format": (employee("1", "Anna", "Schmidt"), unlinked(10, display="Müller, Anna"),
                            ChangeKind.UPDATE, {"name": ("Müller, Anna", "Schmidt, Anna"),
                                                "last_name": ("Müller", "Schmidt")}),
    "linked-elsewhere-relinks": (employee("1", unique_identifier="E1"), linked(10, "9", unique_identifier="E1"),
                                 ChangeKind.LINK, {}),
}


def review_of(person, *candidates) -> ChangeItem:
    """The review item matching would make for `person` with these candidates."""
    return ChangeItem(kind=ChangeKind.REVIEW, remote_id=person.remote_id, employee_name="Anna",
                      reason=Reason.AMBIGUOUS_NAME, proposed=proposed_values(person, POLICY),
                      candidates=candidates, termination_date=person.termination_date if person.terminated else None)


@pytest.mark.parametrize("person, chosen, kind, expected", RESOLVED.values(), ids=RESOLVED.keys())
def test_resolve_review(person, chosen, kind, expected):
    review = review_of(person, chosen.id, 11)
    item = resolve_review(review, chosen, POLICY)
    assert (item.kind, item.remote_id, item.stakeholder_id) == (kind, "1", chosen.id)
    assert {name: (c.old, c.new) for name, c in item.fields.items()} == expected
    assert item.proposed == review.proposed


def test_resolve_review_to_a_stakeholder_in_step_still_links():
    chosen = linked(10, "1")
    item = resolve_review(review_of(employee("1"), 10), chosen, POLICY)
    assert (item.kind, item.stakeholder_id, dict(item.fields)) == (ChangeKind.LINK, 10, {})


def test_resolve_review_refuses_a_non_candidate():
    with pytest.raises(InvalidResolution, match="stakeholder 12 is not a candidate for employee 1"):
        resolve_review(review_of(employee("1"), 10, 11), unlinked(12), POLICY)
