"""One company's life through the repositories, committed step by step, on both backends."""

from __future__ import annotations

from domain.changeset import ChangeItem, ChangeKind, ChangeSet, FieldChange
from domain.decisions import DecisionKind, ReviewDecision
from store.db import transaction
from store.enums import ChangeSetStatus, SyncStatus
from store.repositories import (audit, changesets, companies, decisions, integrations, stakeholders,
                                sync_runs, tokens)
from store.repositories import changeset_reads as reads
from store.repositories import stakeholder_writes as writes


def test_company_sync_and_approval_flow(session_factory, box):
    with transaction(session_factory) as session:
        created = companies.create_company(session, "Acme", "Boss@Acme.example", "pw")
        company_id = created.company_id
        integrations.set_integration(session, box, company_id, "personio",
                                     {"client_id": "i", "client_secret": "s"})
        anna = writes.create_stakeholder(session, company_id,
                                         {"name": "Anna Müller", "unique_identifier": "E-1"})
    with session_factory() as session:
        assert tokens.company_for_token(session, created.api_token) == company_id
        assert integrations.companies_with_integration(session) == [(company_id, "personio")]
        policy = companies.policy_for(session, company_id, "personio", ["email"])
        registry = stakeholders.list_stakeholders(session, company_id)
    assert policy.provider == "personio" and registry == [anna]

    with transaction(session_factory) as session:
        run = sync_runs.create_run(session, company_id, "personio", "full")
    with transaction(session_factory) as session:
        sync_runs.start_run(session, run.id)
    proposed = ChangeSet.of([ChangeItem(ChangeKind.UPDATE, "7", "Anna Müller", stakeholder_id=anna.id,
                                        fields={"email": FieldChange(None, "anna@acme.example")})])
    with transaction(session_factory) as session:
        changeset_id = changesets.save_changeset(session, company_id, run.id, proposed,
                                                 stakeholders.versions(registry))
        sync_runs.succeed_run(session, run.id, proposed.counts(), cursor_after="c-1")

    with transaction(session_factory) as session:
        stored = reads.load_changeset(session, changeset_id, company_id)
        entry = stored.items[0]
        before = stakeholders.get_stakeholder(session, company_id, entry.item.stakeholder_id)
        after = writes.update_stakeholder(
            session, company_id, before.id,
            {"email": entry.item.fields["email"].new, "hr_provider": "personio", "hr_remote_id": "7"},
            expected_version=entry.stakeholder_version)
        changesets.mark_applied(session, changeset_id, "boss@acme.example")
        audit.append(session, company_id, audit.AuditEntry(
            "boss@acme.example", "stakeholder.update", change_set_id=changeset_id, stakeholder_id=before.id,
            before=stakeholders.snapshot(before), after=stakeholders.snapshot(after)))
        decisions.save_decision(session, company_id, "personio",
                                ReviewDecision(DecisionKind.IGNORE_EMPLOYEE, "99"), "boss@acme.example")

    with session_factory() as session:
        assert sync_runs.get_run(session, run.id).status is SyncStatus.SUCCEEDED
        assert reads.load_changeset(session, changeset_id).status is ChangeSetStatus.APPLIED
        linked = stakeholders.list_page(session, company_id, linked=True).items
        assert [(s.email, s.hr_remote_id, s.version) for s in linked] == [("anna@acme.example", "7", 2)]
        entry = audit.list_entries(session, company_id).items[0]
        assert entry.before["email"] is None and entry.after["email"] == "anna@acme.example"
        assert decisions.list_decisions(session, company_id, "personio") == [
            ReviewDecision(DecisionKind.IGNORE_EMPLOYEE, "99")]


def test_save_decision_says_whether_it_recorded_something(session_factory, company_id):
    ignore = ReviewDecision(DecisionKind.IGNORE_EMPLOYEE, "43")
    with transaction(session_factory) as session:
        first = decisions.save_decision(session, company_id, "bamboohr", ignore, "boss@acme.example")
        again = decisions.save_decision(session, company_id, "bamboohr", ignore, "boss@acme.example")
    assert (first, again) == (True, False)
