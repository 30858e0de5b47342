"""Reading change sets: one with its items, the stakeholders they touch, what became of a replaced one."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.bootstrap import Services
from core.errors import InvalidLink
from domain.changeset import ChangeKind
from domain.stakeholder import Stakeholder
from services.approvals import digest_of_figures
from store.db import transaction
from store.enums import ChangeSetStatus
from store.errors import NotFound
from store.repositories import approvers, changeset_lists, changeset_reads, companies, stakeholders
from store.repositories.changeset_lists import ChangeSetPage, ChangeSetSummary
from store.repositories.changeset_reads import StoredChangeSet, StoredItem, load_changeset, pending_changeset_id
from store.repositories.companies import Company

__all__ = ["ChangeSetDetail", "ChangeSetOverview", "ChangeSetPage", "ChangeSetSummary", "ItemsPage", "PendingApproval",
           "StoredChangeSet", "StoredItem", "applied_counts", "detail", "first_pages", "for_link", "get_changeset",
           "ids_by_kind", "item_kinds", "items_page", "list_changesets", "newest", "overview", "overview_for_link",
           "pending_approvals", "pending_detail"]

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


@dataclass(frozen=True)
class ChangeSetOverview:
    """A change set without its items: its company, items per kind, their digest, and the first new stakeholder
    by name (the name-format example). What the approve page opens with, whatever the size."""

    changeset: StoredChangeSet
    company: Company
    counts: dict[str, int]
    digest: str
    first_create: StoredItem | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class ItemsPage:
    """One page of a change set's items of one kind (sorted by name), with the stakeholders they name."""

    kind: ChangeKind | None
    total: int
    offset: int
    limit: int
    items: tuple[StoredItem, ...]
    stakeholders: dict[int, Stakeholder] = field(default_factory=dict)


def overview_for_link(services: Services, changeset_id: int) -> ChangeSetOverview:
    """The change set an approve link names, without its items; a link naming none is not a valid link."""
    try:
        return overview(services, changeset_id)
    except NotFound:
        raise InvalidLink() from None


def overview(services: Services, changeset_id: int, company_id: str | None = None) -> ChangeSetOverview:
    """A change set, its company and its items counted by the database; raises NotFound."""
    with transaction(services.session_factory) as session:
        stored = load_changeset(session, changeset_id, company_id, with_items=False)
        return ChangeSetOverview(stored, companies.get_company(session, stored.company_id),
                                 changeset_reads.counts(session, changeset_id),
                                 digest_of_figures(*changeset_reads.item_id_figures(session, changeset_id)),
                                 changeset_reads.first_item(session, changeset_id, ChangeKind.CREATE))


def items_page(services: Services, stored: StoredChangeSet, kind: ChangeKind | None, *, search: str = "",
               outcome: str | None = None, offset: int = 0, limit: int = 50) -> ItemsPage:
    """One page of items (of `kind`, matching `search` in the name, with `outcome` once applied) with the
    stakeholders they name as targets or review candidates."""
    with transaction(services.session_factory) as session:
        page = changeset_reads.item_page(session, stored.id, kind=kind, search=search, outcome=outcome,
                                         offset=offset, limit=limit)
        known = stakeholders.get_stakeholders(session, stored.company_id, _named(page.items))
    return ItemsPage(kind, page.total, offset, limit, page.items, known)


def first_pages(services: Services, overview: ChangeSetOverview, *, search: str = "",
                limit: int = 25) -> dict[ChangeKind, ItemsPage]:
    """Every kind's first `limit` items by name (matching `search`), with the stakeholders they name."""
    stored = overview.changeset
    with transaction(services.session_factory) as session:
        pages = changeset_reads.first_rows(session, stored.id, search=search, limit=limit, totals=overview.counts)
        known = stakeholders.get_stakeholders(session, stored.company_id,
                                              _named(entry for page in pages.values() for entry in page.items))
    return {kind: ItemsPage(kind, page.total, 0, limit, page.items, known) for kind, page in pages.items()}


def item_kinds(services: Services, changeset_id: int, ids=None) -> dict[int, ChangeKind]:
    """Item id → kind among `ids` (ids not in the change set are absent), or for every item."""
    with transaction(services.session_factory) as session:
        return changeset_reads.item_kinds(session, changeset_id, ids)


def ids_by_kind(services: Services, changeset_id: int) -> dict[ChangeKind, list[int]]:
    found: dict[ChangeKind, list[int]] = {kind: [] for kind in ChangeKind}
    for item_id, kind in item_kinds(services, changeset_id).items():
        found[kind].append(item_id)
    return found


def applied_counts(services: Services, changeset_id: int) -> dict[tuple[ChangeKind, str | None], int]:
    """(kind, what became of the item) → items, for an applied change set."""
    with transaction(services.session_factory) as session:
        return changeset_reads.resolution_counts(session, changeset_id)


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


def _named(entries) -> set[int]:
    """The stakeholders items name: their targets and their review candidates."""
    named: set[int] = set()
    for entry in entries:
        if entry.item.stakeholder_id is not None:
            named.add(entry.item.stakeholder_id)
        named.update(entry.item.candidates)
    return named


def _mentioned(stored: StoredChangeSet) -> set[int]:
    ids = {entry.item.stakeholder_id for entry in stored.items if entry.item.stakeholder_id is not None}
    return ids | {candidate for entry in stored.items for candidate in entry.item.candidates}
