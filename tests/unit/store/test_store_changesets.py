"""Change sets: save and load, supersede, targeted merge, status changes, counts."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select

from domain.changeset import ChangeItem, ChangeKind, ChangeSet, FieldChange, Reason
from store.enums import ChangeSetStatus
from store.errors import InvalidTransition, NotFound
from store.models import ChangeItemRow
from store.repositories import changeset_reads as reads
from store.repositories import changesets, sync_runs
from store.repositories import stakeholder_writes as writes


@pytest.fixture
def people(session, company_id):
    return writes.create_stakeholders(session, company_id, [{"name": "Anna Müller"}, {"name": "Ben Ode"}])


@pytest.fixture
def new_run(session, company_id):
    def make(mode="full", provider="bamboohr") -> int:
        return sync_runs.create_run(session, company_id, provider, mode).id
    return make


def _sample(anna, ben) -> ChangeSet:
    return ChangeSet.of([
        ChangeItem(ChangeKind.CREATE, "10", "Cara Neu", fields={"name": FieldChange(None, "Cara Neu")},
                   proposed={"name": "Cara Neu", "first_name": "Cara"}),
        ChangeItem(ChangeKind.UPDATE, "11", "Anna Müller", stakeholder_id=anna.id,
                   fields={"email": FieldChange("old@x.example", "new@x.example")}),
        ChangeItem(ChangeKind.REVIEW, "12", "Ben Ode", reason=Reason.AMBIGUOUS_NAME,
                   candidates=(anna.id, ben.id), proposed={"name": "Ben Ode"}),
        ChangeItem(ChangeKind.LEAVER, "13", "Ben Ode", stakeholder_id=ben.id, reason=Reason.TERMINATED,
                   fields={"group": FieldChange("Employees", "Ex-employee")},
                   termination_date=dt.date(2026, 3, 31)),
        ChangeItem(ChangeKind.SKIP, "14", "No Date", reason=Reason.NO_HIRE_DATE),
    ])


def test_save_and_load_round_trip(session, company_id, people, new_run):
    run_id = new_run()
    sample = _sample(*people)
    changeset_id = changesets.save_changeset(session, company_id, run_id, sample,
                                             {people[0].id: 4, people[1].id: 2})
    stored = reads.load_changeset(session, changeset_id, company_id)
    assert stored.changeset == sample
    assert stored.status is ChangeSetStatus.PENDING and stored.provider == "bamboohr"
    assert stored.sync_run_id == run_id
    versions = {entry.item.remote_id: entry.stakeholder_version for entry in stored.items}
    assert versions == {"10": None, "11": 4, "12": None, "13": 2, "14": None}
    assert sync_runs.get_run(session, run_id).changeset_id == changeset_id


def test_counts_from_the_database_match_the_domain(session, company_id, people, new_run):
    sample = _sample(*people)
    changeset_id = changesets.save_changeset(session, company_id, new_run(), sample, {})
    assert reads.counts(session, changeset_id) == sample.counts()
    assert reads.counts(session, changeset_id)["link"] == 0


def test_newer_pending_set_supersedes_the_older(session, company_id, people, new_run):
    first = changesets.save_changeset(session, company_id, new_run(), _sample(*people), {})
    second = changesets.save_changeset(session, company_id, new_run(), _sample(*people), {})
    old = reads.load_changeset(session, first, with_items=False)
    assert (old.status, old.superseded_by) == (ChangeSetStatus.SUPERSEDED, second)
    assert reads.pending_changeset_id(session, company_id) == second


def test_other_companies_are_not_superseded(session, company_id, other_company_id, people):
    def save(owner):
        run_id = sync_runs.create_run(session, owner, "bamboohr", "full").id
        return changesets.save_changeset(session, owner, run_id, ChangeSet(()), {})
    mine = save(company_id)
    save(other_company_id)
    assert reads.load_changeset(session, mine).status is ChangeSetStatus.PENDING


def test_targeted_merge_replaces_items_of_the_fetched_ids_and_keeps_the_rest(session, company_id, people,
                                                                             new_run):
    anna, ben = people
    pending = changesets.save_changeset(session, company_id, new_run(), _sample(anna, ben), {})
    kept_ids = {entry.item.remote_id: entry.id for entry in reads.load_changeset(session, pending).items}
    newer = ChangeSet.of([ChangeItem(ChangeKind.UPDATE, "11", "Anna Müller", stakeholder_id=anna.id,
                                     fields={"email": FieldChange("old@x.example", "newer@x.example")}),
                          ChangeItem(ChangeKind.CREATE, "20", "Dora Neu", proposed={"name": "Dora Neu"})])
    merged = changesets.merge_targeted(session, company_id, new_run("targeted"), newer,
                                       remote_ids=["11", "12", "20"], stakeholder_versions={anna.id: 9})
    assert merged == pending
    stored = reads.load_changeset(session, merged)
    by_remote = {entry.item.remote_id: entry for entry in stored.items}
    assert sorted(by_remote) == ["10", "11", "13", "14", "20"]  # 12 was fetched and produced nothing
    assert by_remote["11"].item.fields["email"].new == "newer@x.example"
    assert by_remote["11"].stakeholder_version == 9
    assert by_remote["10"].id == kept_ids["10"]  # untouched items keep their ids
    assert [entry.item for entry in stored.items] == sorted((e.item for e in stored.items),
                                                            key=lambda item: item.sort_key)
    assert len({entry.position for entry in stored.items}) == 5


def test_targeted_merge_without_pending_set_saves_a_new_one(session, company_id, people, new_run):
    merged = changesets.merge_targeted(session, company_id, new_run("targeted"), _sample(*people),
                                       remote_ids=["10"], stakeholder_versions={})
    assert reads.pending_changeset_id(session, company_id) == merged


def test_targeted_merge_of_another_provider_supersedes(session, company_id, people, new_run):
    old = changesets.save_changeset(session, company_id, new_run(), _sample(*people), {})
    merged = changesets.merge_targeted(session, company_id, new_run("targeted", "personio"),
                                       ChangeSet(()), remote_ids=["1"], stakeholder_versions={})
    assert merged != old
    assert reads.load_changeset(session, old).status is ChangeSetStatus.SUPERSEDED


def test_applied_once_only(session, company_id, people, new_run):
    changeset_id = changesets.save_changeset(session, company_id, new_run(), _sample(*people), {})
    changesets.mark_applied(session, changeset_id, "boss@acme.example")
    stored = reads.load_changeset(session, changeset_id)
    assert stored.status is ChangeSetStatus.APPLIED and stored.applied_by == "boss@acme.example"
    assert stored.applied_at is not None and stored.applied_at.tzinfo is not None
    with pytest.raises(InvalidTransition):
        changesets.mark_applied(session, changeset_id, "other@acme.example")
    assert reads.pending_changeset_id(session, company_id) is None


@pytest.mark.parametrize("first", ["supersede", "expire"])
def test_only_pending_sets_can_be_applied(session, company_id, people, new_run, first):
    changeset_id = changesets.save_changeset(session, company_id, new_run(), _sample(*people), {})
    if first == "supersede":
        changesets.save_changeset(session, company_id, new_run(), ChangeSet(()), {})
    else:
        changesets.expire_changeset(session, changeset_id)
    with pytest.raises(InvalidTransition):
        changesets.mark_applied(session, changeset_id, "boss@acme.example")


def test_resolutions_are_recorded(session, company_id, people, new_run):
    changeset_id = changesets.save_changeset(session, company_id, new_run(), _sample(*people), {})
    items = reads.load_changeset(session, changeset_id).items
    chosen = {items[0].id: "create", items[2].id: f"link:{people[0].id}"}
    changesets.set_resolutions(session, changeset_id, chosen)
    session.expire_all()
    resolutions = [entry.resolution for entry in reads.load_changeset(session, changeset_id).items]
    assert resolutions == ["create", None, f"link:{people[0].id}", None, None]


def test_changeset_of_another_company_is_not_found(session, company_id, other_company_id, people, new_run):
    changeset_id = changesets.save_changeset(session, company_id, new_run(), _sample(*people), {})
    with pytest.raises(NotFound):
        reads.load_changeset(session, changeset_id, other_company_id)


def test_saving_for_another_companys_run_is_refused(session, other_company_id, new_run):
    with pytest.raises(NotFound):
        changesets.save_changeset(session, other_company_id, new_run(), ChangeSet(()), {})


def test_items_are_written_in_one_statement(session, company_id, new_run, engine):
    many = ChangeSet.of([ChangeItem(ChangeKind.CREATE, str(n), f"P{n}") for n in range(500)])
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 (statement text)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        changesets.save_changeset(session, company_id, new_run(), many, {})
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert sum("INSERT INTO change_items" in text for text in statements) == 1
    assert session.scalar(select(ChangeItemRow.id).limit(1)) is not None
