"""Reading change sets: one with its items, the stakeholders they touch, what became of a replaced one."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.bootstrap import Services
from core.errors import InvalidLink
from domain.stakeholder import Stakeholder
from store.db import transaction
from store.enums import ChangeSetStatus
from store.errors import NotFound
from store.repositories import approvers, changeset_lists, companies, stakeholders
from store.repositories.changeset_lists import ChangeSetPage, ChangeSetSummary
from store.repositories.changeset_reads import StoredChangeSet, StoredItem, load_changeset, pending_changeset_id
from store.repositories.companies import Company

__all__ = ["ChangeSetDetail", "ChangeSetPage", "ChangeSetSummary", "PendingApproval", "StoredChangeSet", "StoredItem",
           "detail", "for_link", "get_changeset", "list_changesets", "newest", "pending_approvals", "pending_detail"]

# Bounds the walk along superseded_by (a chain is short; this only guards against a cycle).
MAX_CHAIN = 100


@dataclass(frozen=True)
class ChangeSetDetail:
    """A change set with its company and the stakeholders its items name (as targets or review candidates)."""

    changeset: StoredChangeSet
    company: Company
    stakeholders: dict[int, Stakeholder] = field(default_factory=dict)

    @property
    def names(self) -> dict[int, str]:
        return {stakeholder_id: stakeholder.name for stakeholder_id, stakeholder in self.stakeholders.items()}


@dataclass(frozen=True)
class PendingApproval:
    changeset_id: int
    approvers: tuple[str, ...]


def get_changeset(services: Services, changeset_id: int, company_id: str | None = None) -> StoredChangeSet:
    """A change set with its items (only the company's when `company_id` is given); raises NotFound."""
    with transaction(services.session_factory) as session:
        return load_changeset(session, changeset_id, company_id)


def list_changesets(services: Services, company_id: str, *, cursor: str | None = None, limit: int = 50,
                    status: ChangeSetStatus | None = None) -> ChangeSetPage:
    """One page of the company's change sets, newest first, each with its items counted per kind (`next`: the
    cursor of older ones); optionally only those in `status`."""
    with transaction(services.session_factory) as session:
        return changeset_lists.list_page(session, company_id, cursor=cursor, limit=limit, status=status)


def for_link(services: Services, changeset_id: int) -> ChangeSetDetail:
    """The change set an approve link names, in detail; a link naming none is not a valid link."""
    try:
        return detail(services, changeset_id)
    except NotFound:
        raise InvalidLink() from None


def detail(services: Services, changeset_id: int, company_id: str | None = None) -> ChangeSetDetail:
    """A change set with its company and the stakeholders its items name; raises NotFound."""
    with transaction(services.session_factory) as session:
        stored = load_changeset(session, changeset_id, company_id)
        return ChangeSetDetail(stored, companies.get_company(session, stored.company_id),
                               stakeholders.get_stakeholders(session, stored.company_id, _mentioned(stored)))


def pending_detail(services: Services, company_id: str) -> ChangeSetDetail:
    """The company's pending change set in detail; raises NotFound when it has none."""
    with transaction(services.session_factory) as session:
        changeset_id = pending_changeset_id(session, company_id)
    if changeset_id is None:
        raise NotFound("this company has no pending change set")
    return detail(services, changeset_id, company_id)


def newest(services: Services, stored: StoredChangeSet) -> StoredChangeSet:
    """The newest change set along the chain of those that replaced `stored` (itself if none did)."""
    current, seen = stored, {stored.id}
    with transaction(services.session_factory) as session:
        while current.status is ChangeSetStatus.SUPERSEDED and current.superseded_by not in (None, *seen):
            if len(seen) > MAX_CHAIN:
                break
            current = load_changeset(session, current.superseded_by, with_items=False)
            seen.add(current.id)
    return current


def pending_approvals(services: Services) -> list[PendingApproval]:
    """Every pending change set of the installation with its company's approvers, oldest first."""
    with transaction(services.session_factory) as session:
        found = []
        for company in companies.list_companies(session):
            changeset_id = pending_changeset_id(session, company.id)
            if changeset_id is not None:
                found.append(PendingApproval(changeset_id, tuple(approvers.approver_emails(session, company.id))))
    return sorted(found, key=lambda pending: pending.changeset_id)


def _mentioned(stored: StoredChangeSet) -> set[int]:
    ids = {entry.item.stakeholder_id for entry in stored.items if entry.item.stakeholder_id is not None}
    return ids | {candidate for entry in stored.items for candidate in entry.item.candidates}
