"""Reading change sets: one with its items, the pending one, counts per kind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from domain.changeset import ChangeItem, ChangeKind, ChangeSet
from store.enums import ChangeSetStatus
from store.errors import NotFound
from store.models import ChangeItemRow, ChangeSetRow
from store.repositories.changeset_codec import decode_item

_ITEM_COLUMNS = (ChangeItemRow.id, ChangeItemRow.position, ChangeItemRow.kind, ChangeItemRow.remote_id,
                 ChangeItemRow.stakeholder_id, ChangeItemRow.stakeholder_version, ChangeItemRow.reason,
                 ChangeItemRow.fields, ChangeItemRow.proposed, ChangeItemRow.candidates,
                 ChangeItemRow.employee_name, ChangeItemRow.termination_date, ChangeItemRow.resolution)


@dataclass(frozen=True, slots=True)
class StoredItem:
    """An item as stored: its id (what approvers exclude/resolve by) and bookkeeping."""

    id: int
    position: int
    item: ChangeItem
    stakeholder_version: int | None
    resolution: str | None


@dataclass(frozen=True, slots=True)
class StoredChangeSet:
    id: int
    company_id: str
    provider: str
    sync_run_id: int
    status: ChangeSetStatus
    superseded_by: int | None
    created_at: dt.datetime
    applied_at: dt.datetime | None
    applied_by: str | None
    items: tuple[StoredItem, ...] = ()

    @property
    def changeset(self) -> ChangeSet:
        return ChangeSet(tuple(stored.item for stored in self.items))

    def counts(self) -> dict[str, int]:
        return self.changeset.counts()


def load_changeset(session: Session, changeset_id: int, company_id: str | None = None,
                   with_items: bool = True) -> StoredChangeSet:
    """A change set (with `company_id`, another company's is NotFound), items in stable order."""
    row = session.get(ChangeSetRow, changeset_id)
    if row is None or (company_id is not None and row.company_id != company_id):
        raise NotFound(f"no change set {changeset_id}")
    items = _items(session, changeset_id) if with_items else ()
    return StoredChangeSet(
        id=row.id, company_id=row.company_id, provider=row.provider, sync_run_id=row.sync_run_id,
        status=ChangeSetStatus(row.status), superseded_by=row.superseded_by,
        created_at=row.created_at, applied_at=row.applied_at, applied_by=row.applied_by,
        items=items,
    )


def pending_changeset_id(session: Session, company_id: str) -> int | None:
    query = select(ChangeSetRow.id).where(ChangeSetRow.company_id == company_id,
                                          ChangeSetRow.status == ChangeSetStatus.PENDING.value)
    return session.scalar(query)


def counts(session: Session, changeset_id: int) -> dict[str, int]:
    """Items per kind (every kind present, zeros included), counted by the database."""
    query = (select(ChangeItemRow.kind, func.count()).where(ChangeItemRow.change_set_id == changeset_id)
             .group_by(ChangeItemRow.kind))
    found = {kind: number for kind, number in session.execute(query)}
    return {kind.value: found.get(kind.value, 0) for kind in ChangeKind}


def _items(session: Session, changeset_id: int) -> tuple[StoredItem, ...]:
    query = select(*_ITEM_COLUMNS).where(ChangeItemRow.change_set_id == changeset_id)
    stored = [StoredItem(id=row.id, position=row.position, item=decode_item(row),
                         stakeholder_version=row.stakeholder_version, resolution=row.resolution)
              for row in session.connection().execute(query)]
    # The domain order, not insertion order: a targeted merge appends items at the end.
    stored.sort(key=lambda entry: (*entry.item.sort_key, entry.position))
    return tuple(stored)


# -- pages of one change set (the approve page: a first import holds tens of thousands of items) ----------------

# What became of an applied item, as `resolution` records it (services.apply_writes), grouped for the summary.
APPLIED_RESOLUTIONS = ("applied", "create")
OUTCOME_FILTERS = {
    "applied": lambda column: column.in_(APPLIED_RESOLUTIONS) | column.like("link:%"),
    "excluded": lambda column: column == "excluded",
    "not_applied": lambda column: column.in_(("stale", "conflict")),
    "decided": lambda column: column.in_(("not_same_person", "ignore")),
    "later": lambda column: column.in_(("unresolved", "skip")) | column.is_(None),
}


@dataclass(frozen=True, slots=True)
class ItemPage:
    """One page of a change set's items: `total` is how many match the filter, `items` those on the page."""

    total: int
    items: tuple[StoredItem, ...]


def item_page(session: Session, changeset_id: int, *, kind: ChangeKind | None = None, search: str = "",
              outcome: str | None = None, offset: int = 0, limit: int = 50) -> ItemPage:
    """Items sorted by name (then id), filtered by kind, a case-insensitive part of the name and what became of
    them once applied (a key of OUTCOME_FILTERS); counted and cut by the database."""
    conditions = [ChangeItemRow.change_set_id == changeset_id]
    if kind is not None:
        conditions.append(ChangeItemRow.kind == kind.value)
    if search:
        conditions.append(func.lower(ChangeItemRow.employee_name).contains(search.lower(), autoescape=True))
    if outcome is not None:
        conditions.append(OUTCOME_FILTERS[outcome](ChangeItemRow.resolution))
    total = session.scalar(select(func.count()).select_from(ChangeItemRow).where(*conditions))
    query = (select(*_ITEM_COLUMNS).where(*conditions)
             .order_by(func.lower(ChangeItemRow.employee_name), ChangeItemRow.id).offset(offset).limit(limit))
    items = tuple(StoredItem(id=row.id, position=row.position, item=decode_item(row),
                             stakeholder_version=row.stakeholder_version, resolution=row.resolution)
                  for row in session.connection().execute(query))
    return ItemPage(total or 0, items)


def first_rows(session: Session, changeset_id: int, *, search: str = "", limit: int = 25,
               totals: dict[str, int] | None = None) -> dict[ChangeKind, ItemPage]:
    """Every kind's first `limit` items by name (matching `search`), in one query ranked per kind; `totals` (items
    per kind) spares counting again when there is no search."""
    conditions = [ChangeItemRow.change_set_id == changeset_id]
    if search:
        conditions.append(func.lower(ChangeItemRow.employee_name).contains(search.lower(), autoescape=True))
    if search or totals is None:
        counted = select(ChangeItemRow.kind, func.count()).where(*conditions).group_by(ChangeItemRow.kind)
        totals = {kind: number for kind, number in session.execute(counted)}
    rank = func.row_number().over(partition_by=ChangeItemRow.kind,
                                  order_by=(func.lower(ChangeItemRow.employee_name), ChangeItemRow.id))
    ranked = select(ChangeItemRow.id, rank.label("rank")).where(*conditions).subquery()
    query = (select(*_ITEM_COLUMNS, ranked.c.rank).join(ranked, ranked.c.id == ChangeItemRow.id)
             .where(ranked.c.rank <= limit).order_by(ChangeItemRow.kind, ranked.c.rank))
    found: dict[ChangeKind, list[StoredItem]] = {}
    for row in session.connection().execute(query):
        found.setdefault(ChangeKind(row.kind), []).append(
            StoredItem(id=row.id, position=row.position, item=decode_item(row),
                       stakeholder_version=row.stakeholder_version, resolution=row.resolution))
    return {kind: ItemPage(totals.get(kind.value, 0), tuple(found.get(kind, ()))) for kind in ChangeKind
            if totals.get(kind.value)}


def item_kinds(session: Session, changeset_id: int, ids=None) -> dict[int, ChangeKind]:
    """Item id → kind, for every item of the change set or only those among `ids` (others are absent)."""
    query = select(ChangeItemRow.id, ChangeItemRow.kind).where(ChangeItemRow.change_set_id == changeset_id)
    if ids is None:
        return {row.id: ChangeKind(row.kind) for row in session.connection().execute(query)}
    wanted, found = sorted(set(ids)), {}
    for start in range(0, len(wanted), 500):
        chunk = query.where(ChangeItemRow.id.in_(wanted[start:start + 500]))
        found.update((row.id, ChangeKind(row.kind)) for row in session.connection().execute(chunk))
    return found


def item_id_figures(session: Session, changeset_id: int) -> tuple[int, int, int, int]:
    """How many items, the smallest and largest id, and the ids' sum (what approvals.items_digest fingerprints)."""
    ids = ChangeItemRow.id
    query = select(func.count(ids), func.min(ids), func.max(ids), func.sum(ids)).where(
        ChangeItemRow.change_set_id == changeset_id)
    count, smallest, largest, total = session.execute(query).one()
    return int(count or 0), int(smallest or 0), int(largest or 0), int(total or 0)


def resolution_counts(session: Session, changeset_id: int) -> dict[tuple[ChangeKind, str | None], int]:
    """(kind, recorded resolution) → items, counted by the database ("link:<id>" counted as "link")."""
    resolution = ChangeItemRow.resolution
    folded = case((resolution.like("link:%"), literal("link")), else_=resolution)
    query = (select(ChangeItemRow.kind, folded.label("resolution"), func.count())
             .where(ChangeItemRow.change_set_id == changeset_id).group_by(ChangeItemRow.kind, folded))
    return {(ChangeKind(kind), value): number for kind, value, number in session.execute(query)}


def first_item(session: Session, changeset_id: int, kind: ChangeKind) -> StoredItem | None:
    """The change set's first item of `kind` by name (the name-format example), or None."""
    page = item_page(session, changeset_id, kind=kind, limit=1)
    return page.items[0] if page.items else None
