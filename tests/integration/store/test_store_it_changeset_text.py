"""Change items whose text and JSON need escaping come back exactly as saved (PostgreSQL saves them with COPY)."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.changeset import ChangeItem, ChangeKind, ChangeSet, FieldChange, Reason
from store.db import transaction
from store.repositories import changeset_reads as reads
from store.repositories import changesets, sync_runs
from store.repositories import stakeholder_writes as writes

AWKWARD = [
    pytest.param("Tab\there", id="tab"),
    pytest.param("Line\nbreak\r\nand return", id="newlines"),
    pytest.param("Back\\slash \\N \\. \\t", id="backslashes-and-copy-markers"),
    pytest.param('Quote " and \' and {"json": [1]}', id="quotes-and-json-text"),
    pytest.param("Zoë Ünsal-Łukasiewicz 王秀英 🙂", id="unicode"),
    pytest.param("Robert'); DROP TABLE change_items;--", id="sql"),
    pytest.param("\\N", id="null-marker-alone"),
    pytest.param("", id="empty"),
]


@pytest.mark.parametrize("text", AWKWARD)
def test_awkward_text_round_trips(session_factory, company_id, text):
    """Invariant: a stored change set reads back equal to the one saved, whatever characters its text holds."""
    with transaction(session_factory) as session:
        target = writes.create_stakeholders(session, company_id, [{"name": "Target"}])[0]
        run_id = sync_runs.create_run(session, company_id, "personio", "full").id
    saved = ChangeSet.of([
        ChangeItem(ChangeKind.UPDATE, text or "r1", text or "Name", stakeholder_id=target.id,
                   fields={"city": FieldChange(text or None, text), "email": FieldChange(None, None)},
                   proposed={"name": text, "nested": {"list": [text, None, 1]}}),
        ChangeItem(ChangeKind.LEAVER, "r2", "Leaver", stakeholder_id=target.id, reason=Reason.TERMINATED,
                   termination_date=dt.date(2026, 3, 31), proposed={}),
        ChangeItem(ChangeKind.REVIEW, "r3", "Review", reason=Reason.AMBIGUOUS_NAME, candidates=(target.id, 7)),
    ])

    with transaction(session_factory) as session:
        changeset_id = changesets.save_changeset(session, company_id, run_id, saved, {target.id: 3})

    with session_factory() as session:
        stored = reads.load_changeset(session, changeset_id)
    assert stored.changeset == saved
    assert {entry.item.kind: entry.stakeholder_version for entry in stored.items} == {
        ChangeKind.UPDATE: 3, ChangeKind.LEAVER: 3, ChangeKind.REVIEW: None}
