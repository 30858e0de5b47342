"""Planning an approval from literal values: what gets written, what is stale or refused, and why."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.changeset import ChangeItem, ChangeKind, FieldChange, Reason
from domain.names import NameFormat
from domain.policy import SyncPolicy
from domain.stakeholder import Stakeholder
from store.enums import ChangeSetStatus
from store.repositories.changeset_reads import StoredChangeSet, StoredItem
from services.apply_plan import Outcome, build_plan, claimed_values
from services.apply_selection import Selection, touched_ids

POLICY = SyncPolicy(provider="personio", owned_fields=frozenset({"first_name", "last_name", "unique_identifier"}))
ANNA = Stakeholder(1, "Anna Müller", "Anna", "Müller", unique_identifier="P-1", version=3)
ANNE = Stakeholder(2, "Anne Müller", "Anne", "Müller", version=1)
OTTO = Stakeholder(3, "Otto Linked", "Otto", "Linked", unique_identifier="P-9", hr_provider="personio",
                   hr_remote_id="90", version=1)
PROPOSED = {"name": "Anna Müller", "first_name": "Anna", "last_name": "Müller", "unique_identifier": "P-1"}


def changeset(*items: tuple[ChangeItem, int | None]) -> StoredChangeSet:
    stored = tuple(StoredItem(id=100 + n, position=n, item=item, stakeholder_version=version, resolution=None)
                   for n, (item, version) in enumerate(items))
    return StoredChangeSet(1, "co_1", "personio", 1, ChangeSetStatus.PENDING, None,
                           dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), None, None, stored)


def review(remote_id: str, *candidates: int, proposed=PROPOSED) -> ChangeItem:
    return ChangeItem(ChangeKind.REVIEW, remote_id, proposed["name"], reason=Reason.SIMILAR_NAME,
                      proposed=proposed, candidates=candidates)


def plan(stored, selection=Selection(), current=(ANNA, ANNE), holders=()):
    return build_plan(stored, selection, {person.id: person for person in current}, holders,
                      NameFormat.FIRST_LAST, POLICY)


def test_two_reviews_cannot_both_take_one_stakeholder():
    stored = changeset((review("10", 1, 2), None), (review("11", 1, 2), None))
    result = plan(stored, Selection(resolve={100: 1, 101: 1}))
    assert [outcome.outcome for outcome in result.outcomes] == [Outcome.APPLIED, Outcome.CONFLICT]
    assert "already changes stakeholder 1" in result.outcomes[1].message
    assert list(result.updates) == [1]


def test_creating_a_person_whose_identifier_is_held_is_refused():
    stored = changeset((review("10", 1), None))
    result = plan(stored, Selection(resolve={100: "create"}), holders=(ANNA,))
    assert result.outcomes[0].outcome is Outcome.CONFLICT and "P-1" in result.outcomes[0].message
    assert result.creates == []


def test_linking_to_a_stakeholder_linked_elsewhere_moves_the_link():
    # The approver's answer to an identifier conflict: this employee is the one the stakeholder is.
    proposed = PROPOSED | {"unique_identifier": "P-9", "first_name": "Otto", "last_name": "Linked",
                           "name": "Otto Linked"}
    stored = changeset((review("91", 3, proposed=proposed), None))
    result = plan(stored, Selection(resolve={100: 3}), current=(OTTO,))
    assert result.outcomes[0].outcome is Outcome.APPLIED
    assert result.updates[3][1].hr_remote_id == "91"


def test_an_item_whose_stakeholder_is_gone_is_refused():
    update = ChangeItem(ChangeKind.UPDATE, "10", "Anna Müller", stakeholder_id=77,
                        fields={"city": FieldChange("Bern", "Wien")}, proposed=PROPOSED)
    result = plan(changeset((update, 1)))
    assert result.outcomes[0].outcome is Outcome.CONFLICT and "77 no longer exists" in result.outcomes[0].message


def test_stale_is_decided_by_the_version_the_sync_saw():
    update = ChangeItem(ChangeKind.UPDATE, "10", "Anna Müller", stakeholder_id=1,
                        fields={"city": FieldChange(None, "Wien")}, proposed=PROPOSED)
    assert plan(changeset((update, 3))).outcomes[0].outcome is Outcome.APPLIED
    stale = plan(changeset((update, 2))).outcomes[0]
    assert stale.outcome is Outcome.STALE and "version 2 → 3" in stale.message


def test_new_stakeholders_get_distinct_temporary_ids_until_written():
    creates = [ChangeItem(ChangeKind.CREATE, str(n), f"P{n} X", fields={"name": FieldChange(None, f"P{n} X"),
                                                                     "first_name": FieldChange(None, f"P{n}"),
                                                                     "last_name": FieldChange(None, "X")})
               for n in range(3)]
    result = plan(changeset(*((item, None) for item in creates)))
    assert [person.id for person in result.creates] == [-1, -2, -3]
    assert [person.hr_remote_id for person in result.creates] == ["0", "1", "2"]


def test_two_creates_with_one_identifier_refuse_the_second():
    values = {"name": FieldChange(None, "Z"), "unique_identifier": FieldChange(None, "P-5")}
    stored = changeset((ChangeItem(ChangeKind.CREATE, "1", "Z", fields=values), None),
                       (ChangeItem(ChangeKind.CREATE, "2", "Z", fields=values), None))
    assert [outcome.outcome for outcome in plan(stored).outcomes] == [Outcome.APPLIED, Outcome.CONFLICT]


@pytest.mark.parametrize("selection, expected", [
    (Selection(), {1}),
    (Selection(exclude=frozenset({100})), set()),
    (Selection(resolve={101: "2"}), {1, 2}),
    (Selection(resolve={101: "create"}), {1}),
], ids=["update-target", "excluded", "candidate-as-text", "create-answer"])
def test_touched_ids_are_what_will_be_locked(selection, expected):
    update = ChangeItem(ChangeKind.UPDATE, "10", "Anna", stakeholder_id=1, proposed=PROPOSED)
    assert touched_ids(changeset((update, 3), (review("11", 1, 2), None)), selection) == expected


def test_claimed_values_cover_fields_and_proposals():
    update = ChangeItem(ChangeKind.UPDATE, "10", "Anna", stakeholder_id=1, proposed=PROPOSED,
                        fields={"unique_identifier": FieldChange("P-0", "P-1")})
    assert claimed_values(changeset((update, 3), (review("11", 1, proposed={"name": "N"}), None))) == (
        {"P-1"}, {"10", "11"})
