"""Reading change sets: one with its items, the pending one, counts per kind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
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
