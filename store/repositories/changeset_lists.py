"""Pages of a company's change sets, newest first, each with its items counted per kind (two queries a page)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.changeset import ChangeKind
from store.enums import ChangeSetStatus
from store.models import ChangeItemRow, ChangeSetRow
from store.paging import decode_id_cursor

MAX_PAGE = 500
_COLUMNS = (ChangeSetRow.id, ChangeSetRow.status, ChangeSetRow.sync_run_id, ChangeSetRow.provider,
            ChangeSetRow.created_at, ChangeSetRow.applied_at, ChangeSetRow.applied_by, ChangeSetRow.superseded_by)


@dataclass(frozen=True, slots=True)
class ChangeSetSummary:
    """A change set without its items: what a list shows."""

    id: int
    status: ChangeSetStatus
    sync_run_id: int
    provider: str
    created_at: dt.datetime
    applied_at: dt.datetime | None
    applied_by: str | None
    superseded_by: int | None
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class ChangeSetPage:
    items: list[ChangeSetSummary]
    next: str | None


def list_page(session: Session, company_id: str, *, cursor: str | None = None, limit: int = 50,
              status: ChangeSetStatus | None = None) -> ChangeSetPage:
    """One page of the company's change sets, newest first; `next` is the cursor of the older page."""
    limit = max(1, min(limit, MAX_PAGE))
    query = select(*_COLUMNS).where(ChangeSetRow.company_id == company_id)
    if status is not None:
        query = query.where(ChangeSetRow.status == ChangeSetStatus(status).value)
    if cursor is not None:
        query = query.where(ChangeSetRow.id < decode_id_cursor(cursor))
    rows = session.execute(query.order_by(ChangeSetRow.id.desc()).limit(limit + 1)).all()
    page = rows[:limit]
    counts = _counts(session, [row.id for row in page])
    items = [ChangeSetSummary(id=row.id, status=ChangeSetStatus(row.status), sync_run_id=row.sync_run_id,
                              provider=row.provider, created_at=row.created_at, applied_at=row.applied_at,
                              applied_by=row.applied_by, superseded_by=row.superseded_by, counts=counts[row.id])
             for row in page]
    return ChangeSetPage(items, str(items[-1].id) if len(rows) > limit else None)


def _counts(session: Session, changeset_ids: list[int]) -> dict[int, dict[str, int]]:
    """Items per kind of each change set (every kind, zeros included), in one GROUP BY over the items' index."""
    counts = {changeset_id: {kind.value: 0 for kind in ChangeKind} for changeset_id in changeset_ids}
    if changeset_ids:
        query = (select(ChangeItemRow.change_set_id, ChangeItemRow.kind, func.count())
                 .where(ChangeItemRow.change_set_id.in_(changeset_ids))
                 .group_by(ChangeItemRow.change_set_id, ChangeItemRow.kind))
        for changeset_id, kind, number in session.execute(query):
            counts[changeset_id][kind] = number
    return counts
