"""Helpers of the fault tests: setting a company up in-process, snapshots of what must not change."""

from __future__ import annotations

from dataclasses import dataclass

from rq.job import Job
from rq.serializers import JSONSerializer

from store.db import transaction
from store.enums import ChangeSetStatus, SyncMode
from store.repositories import audit, integrations, stakeholders, sync_runs
from core import queueing
from services.sync_run import execute_sync

from tests.integration.pipeline.pipeline_support import (Company, add_company, adopt, changesets_of, item_summary,
                                                          staff)

FIRST = ("Anna", "Ben", "Cem", "Dora", "Eva", "Fritz", "Gül", "Hans", "Ida", "Jon")
LAST = ("Meier", "Kraus", "Yilmaz", "Stein", "Neumann", "Klein", "Brandt", "Vogel", "Roth", "Lang")


def crew(size: int) -> list[dict]:
    """`size` hired, active people with distinct names and ids 1..size: every one becomes a plain item."""
    names = [(f"{FIRST[n % 10]}{'' if n < 10 else n // 10}", LAST[(n * 7) % 10]) for n in range(size)]
    return staff(*names)


def sync_inline(services, company_id: str, provider: str, mode: SyncMode = SyncMode.FULL) -> int:
    """A sync run in this process (set-up only: the syncs under test run in `hrsync worker`)."""
    with transaction(services.session_factory) as session:
        sync_id = sync_runs.create_run(session, company_id, provider, mode).id
    outcome = execute_sync(services, sync_id)
    assert outcome.changeset_id is not None
    return outcome.changeset_id


@dataclass
class Baseline:
    """A company whose registry holds its people, and a pending change set made by an earlier sync."""

    company: Company
    provider: str
    pending_id: int


def with_pending(services, sandbox, provider: str, people, changed_id: str) -> Baseline:
    company = add_company(services, sandbox, provider, people=people)
    adopt(services, company, sync_inline(services, company.id, provider), provider)
    sandbox.state.update_person(company.tenant, changed_id, last_name="Earlier-Change")
    return Baseline(company, provider, sync_inline(services, company.id, provider))


@dataclass(frozen=True)
class Untouched:
    """What a failed sync must leave as it was: the registry, the change sets, the audit log."""

    registry: tuple
    changesets: tuple
    audit: tuple

    @classmethod
    def of(cls, services, company_id: str) -> "Untouched":
        with transaction(services.session_factory) as session:
            registry = tuple(stakeholders.list_stakeholders(session, company_id))
            entries = tuple(audit.list_entries(session, company_id, limit=500).items)
        sets = tuple((stored.id, stored.status, stored.superseded_by, tuple(item_summary(stored)))
                     for stored in changesets_of(services, company_id))
        return cls(registry, sets, entries)


def pending_sets(services, company_id: str) -> list:
    return [stored for stored in changesets_of(services, company_id) if stored.status is ChangeSetStatus.PENDING]


def integration_of(services, company_id: str):
    with transaction(services.session_factory) as session:
        return integrations.get_integration(session, company_id)


def retries_left(redis, namespace: str, sync_id: int) -> int:
    """How many retries RQ still holds for the sync's job (fewer than given: an attempt failed)."""
    return Job.fetch(queueing.sync_job_id(namespace, sync_id), connection=redis,
                     serializer=JSONSerializer).retries_left
