"""The console's lists on both backends: syncs (trigger, status), change sets (counts per kind), the audit log
(by stakeholder, by change set) and stakeholders (search by name); paged newest first, company-scoped, a bounded
number of statements per page."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from domain.changeset import ChangeItem, ChangeKind, ChangeSet
from store.db import transaction
from store.enums import ChangeSetStatus, SyncStatus, SyncTrigger
from store.errors import InvalidCursor
from store.repositories import audit, changeset_lists, changesets, stakeholders, sync_runs
from store.repositories import stakeholder_writes as writes


@contextmanager
def counted(engine):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _runs(session_factory, company_id, triggers):
    with transaction(session_factory) as session:
        return [sync_runs.create_run(session, company_id, "personio", "targeted" if trigger == "webhook" else "full",
                                     trigger=trigger, requested_by=f"{trigger}-asker").id for trigger in triggers]


def test_a_sync_records_its_trigger_and_who_asked(session_factory, company_id):
    [manual, webhook, cron] = _runs(session_factory, company_id, ["manual", "webhook", "cron"])
    with transaction(session_factory) as session:
        assert [(run.trigger, run.requested_by) for run in map(lambda i: sync_runs.get_run(session, i),
                                                                 (manual, webhook, cron))] == [
            (SyncTrigger.MANUAL, "manual-asker"), (SyncTrigger.WEBHOOK, "webhook-asker"), (SyncTrigger.CRON, "cron-asker")]


def test_syncs_page_newest_first_filtered_and_scoped(session_factory, company_id, other_company_id):
    ids = _runs(session_factory, company_id, ["manual", "webhook", "cron", "cron", "manual"])
    _runs(session_factory, other_company_id, ["manual", "cron"])
    with transaction(session_factory) as session:
        sync_runs.start_run(session, ids[2])
        sync_runs.fail_run(session, ids[2], "Personio rejected the client id", error_code="provider_auth_failed")
        first = sync_runs.list_page(session, company_id, limit=2)
        second = sync_runs.list_page(session, company_id, limit=2, cursor=first.next)
        third = sync_runs.list_page(session, company_id, limit=2, cursor=second.next)
        crons = sync_runs.list_page(session, company_id, limit=10, trigger=SyncTrigger.CRON)
        failed = sync_runs.list_page(session, company_id, limit=10, status=SyncStatus.FAILED)
        failed_manual = sync_runs.list_page(session, company_id, limit=10, status=SyncStatus.FAILED,
                                            trigger=SyncTrigger.MANUAL)
    assert [run.id for run in first.items + second.items + third.items] == ids[::-1]
    assert third.next is None
    assert [run.id for run in crons.items] == [ids[3], ids[2]]
    assert [(run.id, run.error, run.error_code) for run in failed.items] == [
        (ids[2], "Personio rejected the client id", "provider_auth_failed")]
    assert failed_manual.items == []


def test_a_syncs_page_costs_one_statement(session_factory, engine, company_id):
    _runs(session_factory, company_id, ["manual"] * 30)
    with counted(engine) as statements, transaction(session_factory) as session:
        page = sync_runs.list_page(session, company_id, limit=25, status=SyncStatus.QUEUED,
                                   trigger=SyncTrigger.MANUAL)
    assert len(page.items) == 25 and page.next is not None
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def _changeset(session_factory, company_id, kinds) -> int:
    [run_id] = _runs(session_factory, company_id, ["manual"])
    items = [ChangeItem(kind, f"r{n}", f"Person {n}") for n, kind in enumerate(kinds)]
    with transaction(session_factory) as session:
        return changesets.save_changeset(session, company_id, run_id, ChangeSet.of(items), {})


def test_change_sets_page_with_counts_per_kind(session_factory, engine, company_id, other_company_id):
    first = _changeset(session_factory, company_id, [ChangeKind.CREATE, ChangeKind.CREATE, ChangeKind.SKIP])
    second = _changeset(session_factory, company_id, [ChangeKind.REVIEW])
    third = _changeset(session_factory, company_id, [ChangeKind.CREATE, ChangeKind.LEAVER])
    _changeset(session_factory, other_company_id, [ChangeKind.CREATE])
    with transaction(session_factory) as session:
        changesets.mark_applied(session, third, "cfo@acme.example")
    with counted(engine) as statements, transaction(session_factory) as session:
        page = changeset_lists.list_page(session, company_id, limit=10)
    assert [summary.id for summary in page.items] == [third, second, first]
    assert [summary.status for summary in page.items] == [ChangeSetStatus.APPLIED, ChangeSetStatus.SUPERSEDED,
                                                           ChangeSetStatus.SUPERSEDED]
    assert page.items[2].counts == {**{kind.value: 0 for kind in ChangeKind}, "create": 2, "skip": 1}
    assert page.items[2].superseded_by == second and page.items[0].applied_by == "cfo@acme.example"
    assert page.items[2].total == 3
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2  # the page, its counts
    with transaction(session_factory) as session:
        superseded = changeset_lists.list_page(session, company_id, limit=1, status=ChangeSetStatus.SUPERSEDED)
        rest = changeset_lists.list_page(session, company_id, limit=1, status=ChangeSetStatus.SUPERSEDED,
                                         cursor=superseded.next)
        pending = changeset_lists.list_page(session, company_id, limit=5, status=ChangeSetStatus.PENDING)
    assert [s.id for s in superseded.items + rest.items] == [second, first] and rest.next is None
    assert pending.items == []


def test_audit_filtered_by_stakeholder_and_change_set(session_factory, company_id, other_company_id):
    with transaction(session_factory) as session:
        anna, bob = writes.create_stakeholders(session, company_id, [{"name": "Anna"}, {"name": "Bob"}])
        [theirs] = writes.create_stakeholders(session, other_company_id, [{"name": "Eve"}])
    changeset_id = _changeset(session_factory, company_id, [ChangeKind.UPDATE])
    with transaction(session_factory) as session:
        for stakeholder, change_set in ((anna, None), (bob, changeset_id), (anna, changeset_id)):
            audit.append(session, company_id, audit.AuditEntry(
                actor="cfo@acme.example", action="stakeholder.updated", stakeholder_id=stakeholder.id,
                change_set_id=change_set, before={"city": "Bonn"}, after={"city": "Köln"}))
        audit.append(session, other_company_id, audit.AuditEntry(actor="x", action="stakeholder.created",
                                                                 stakeholder_id=theirs.id))
    with transaction(session_factory) as session:
        annas = audit.list_entries(session, company_id, stakeholder_id=anna.id)
        both = audit.list_entries(session, company_id, stakeholder_id=anna.id, change_set_id=changeset_id)
        none = audit.list_entries(session, company_id, stakeholder_id=theirs.id)
    assert [(e.stakeholder_id, e.change_set_id) for e in annas.items] == [(anna.id, changeset_id), (anna.id, None)]
    assert [(e.before, e.after) for e in both.items] == [({"city": "Bonn"}, {"city": "Köln"})]
    assert none.items == []


def test_stakeholders_searched_by_name_in_name_order(session_factory, company_id, other_company_id):
    with transaction(session_factory) as session:
        writes.create_stakeholders(session, company_id, [
            {"name": "Anna Müller", "group": "Employees"}, {"name": "Bernd Mueller", "group": "Investors"},
            {"name": "Carla 100%_müller", "group": "Employees"}, {"name": "Dora Schmidt"},
            {"name": "anna müller", "group": "Employees"}])
        writes.create_stakeholders(session, other_company_id, [{"name": "Anna Müller"}])
        first = stakeholders.search_page(session, company_id, query="MÜLLER", limit=2)
        second = stakeholders.search_page(session, company_id, query="MÜLLER", limit=2, cursor=first.next)
        literal = stakeholders.search_page(session, company_id, query="100%_", limit=10)
        wildcard = stakeholders.search_page(session, company_id, query="%", limit=10)
        employees = stakeholders.search_page(session, company_id, query="müller", group="Employees", limit=10)
        everyone = stakeholders.search_page(session, company_id, limit=10, linked=False)
    # Case-insensitive name order, then by id: the same on SQLite and PostgreSQL.
    assert [s.name for s in first.items + second.items] == ["Anna Müller", "anna müller", "Carla 100%_müller"]
    assert second.next is None
    assert [s.name for s in literal.items] == ["Carla 100%_müller"]
    assert [s.name for s in wildcard.items] == ["Carla 100%_müller"]
    assert all(s.group == "Employees" for s in employees.items) and len(employees.items) == 3
    assert len(everyone.items) == 5
    assert [s.name for s in everyone.items] == sorted((s.name for s in everyone.items), key=str.casefold)


def test_a_search_cursor_not_issued_by_hrsync_is_refused(session):
    with pytest.raises(InvalidCursor):
        stakeholders.search_page(session, "co_x", cursor="not-a-cursor")


def test_groups_with_counts(session_factory, company_id, other_company_id):
    with transaction(session_factory) as session:
        writes.create_stakeholders(session, company_id, [
            {"name": "A", "group": "Employees"}, {"name": "B", "group": "Employees"}, {"name": "C"},
            {"name": "D", "group": "Investors"}])
        writes.create_stakeholders(session, other_company_id, [{"name": "E", "group": "Founders"}])
        assert stakeholders.group_counts(session, company_id) == {None: 1, "Employees": 2, "Investors": 1}
