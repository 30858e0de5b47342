"""Change sets on both backends: supersede, 10k items in bulk, targeted merge, one approval only."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

from domain.changeset import ChangeItem, ChangeKind, ChangeSet, FieldChange, Reason
from store.db import transaction
from store.enums import ChangeSetStatus
from store.errors import InvalidTransition
from store.repositories import changeset_reads as reads
from store.repositories import changesets, sync_runs
from store.repositories import stakeholder_writes as writes


def _run(session_factory, company_id, mode="full") -> int:
    with transaction(session_factory) as session:
        return sync_runs.create_run(session, company_id, "personio", mode).id


def _save(session_factory, company_id, items, versions=None) -> int:
    run_id = _run(session_factory, company_id)
    with transaction(session_factory) as session:
        return changesets.save_changeset(session, company_id, run_id, ChangeSet.of(items), versions or {})


def _big_changeset(size: int, stakeholder_ids: list[int]) -> ChangeSet:
    kinds = [ChangeKind.CREATE, ChangeKind.UPDATE, ChangeKind.REVIEW, ChangeKind.SKIP]
    items = []
    for n in range(size):
        kind = kinds[n % len(kinds)]
        target = stakeholder_ids[n % len(stakeholder_ids)] if kind is ChangeKind.UPDATE else None
        items.append(ChangeItem(
            kind, f"r{n:05d}", f"Person {n}", stakeholder_id=target,
            reason=Reason.SIMILAR_NAME if kind is ChangeKind.REVIEW else None,
            fields={"email": FieldChange(None, f"p{n}@x.example")},
            proposed={"name": f"Person {n}"},
            candidates=tuple(stakeholder_ids[:2]) if kind is ChangeKind.REVIEW else ()))
    return ChangeSet.of(items)


def test_newer_pending_set_supersedes_the_older(session_factory, company_id, other_company_id):
    first = _save(session_factory, company_id, [ChangeItem(ChangeKind.CREATE, "1", "A")])
    theirs = _save(session_factory, other_company_id, [ChangeItem(ChangeKind.CREATE, "1", "A")])
    second = _save(session_factory, company_id, [ChangeItem(ChangeKind.CREATE, "2", "B")])
    with session_factory() as session:
        old = reads.load_changeset(session, first)
        assert (old.status, old.superseded_by) == (ChangeSetStatus.SUPERSEDED, second)
        assert reads.pending_changeset_id(session, company_id) == second
        assert reads.load_changeset(session, theirs).status is ChangeSetStatus.PENDING


def test_ten_thousand_items_are_saved_in_bulk(session_factory, engine, company_id):
    with transaction(session_factory) as session:
        people = writes.create_stakeholders(session, company_id, [{"name": f"S{n}"} for n in range(50)])
    ids = [person.id for person in people]
    big = _big_changeset(10_000, ids)
    run_id = _run(session_factory, company_id)
    executions: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        executions.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with transaction(session_factory) as session:
            changeset_id = changesets.save_changeset(session, company_id, run_id, big,
                                                     {person_id: 1 for person_id in ids})
    finally:
        event.remove(engine, "before_cursor_execute", count)
    item_inserts = sum("INSERT INTO change_items" in statement for statement in executions)
    # Batches of ~1000 rows at most, never one round trip per item; PostgreSQL: one COPY, no INSERT at all.
    assert (1 <= item_inserts <= 20) if engine.dialect.name == "sqlite" else item_inserts == 0
    assert len(executions) <= 40
    with session_factory() as session:
        stored = reads.load_changeset(session, changeset_id)
        assert stored.changeset == big
        assert reads.counts(session, changeset_id) == big.counts()


def test_targeted_merge_across_transactions(session_factory, company_id):
    pending = _save(session_factory, company_id, [ChangeItem(ChangeKind.CREATE, "1", "A"),
                                                   ChangeItem(ChangeKind.CREATE, "2", "B")])
    run_id = _run(session_factory, company_id, "targeted")
    with transaction(session_factory) as session:
        merged = changesets.merge_targeted(
            session, company_id, run_id, ChangeSet.of([ChangeItem(ChangeKind.CREATE, "2", "Bea")]),
            remote_ids=["2"], stakeholder_versions={})
    with session_factory() as session:
        stored = reads.load_changeset(session, merged)
        assert merged == pending
        assert [(e.item.remote_id, e.item.employee_name) for e in stored.items] == [("1", "A"), ("2", "Bea")]
        assert sync_runs.get_run(session, run_id).changeset_id == pending


def test_a_change_set_is_applied_once_even_by_concurrent_approvers(session_factory, engine, company_id):
    changeset_id = _save(session_factory, company_id, [ChangeItem(ChangeKind.CREATE, "1", "A")])
    with transaction(session_factory) as first:
        changesets.mark_applied(first, changeset_id, "first@acme.example")
        # While the first approval is uncommitted, a second one cannot even take the row.
        with pytest.raises(DBAPIError):
            _lock_without_waiting(engine, changeset_id)
    with pytest.raises(InvalidTransition):
        with transaction(session_factory) as second:
            changesets.mark_applied(second, changeset_id, "second@acme.example")
    with session_factory() as session:
        assert reads.load_changeset(session, changeset_id).applied_by == "first@acme.example"


def _lock_without_waiting(engine, changeset_id: int) -> None:
    """Try to take the change set's write lock, failing at once instead of queueing."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '50ms'"))
            connection.execute(text("SELECT id FROM change_sets WHERE id = :id FOR UPDATE"),
                               {"id": changeset_id})
        return
    raw = engine.raw_connection()  # SQLite: the writer lock is database-wide
    try:
        raw.driver_connection.execute("PRAGMA busy_timeout = 50")
        raw.driver_connection.execute("BEGIN IMMEDIATE")
    except Exception as error:
        raise DBAPIError("BEGIN IMMEDIATE", None, error) from error
    finally:
        raw.close()
