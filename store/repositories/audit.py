"""The audit log: every applied change with who, when, before and after (SPEC §8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from store.models import AuditRow, utcnow
from store.paging import decode_id_cursor

MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class AuditEntry:
    actor: str
    action: str
    change_set_id: int | None = None
    stakeholder_id: int | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    detail: str | None = None
    at: dt.datetime = field(default_factory=utcnow)
    id: int | None = None
    company_id: str | None = None


@dataclass(frozen=True, slots=True)
class AuditPage:
    items: list[AuditEntry]
    next: str | None


def append(session: Session, company_id: str, entry: AuditEntry) -> None:
    append_many(session, company_id, [entry])


def append_many(session: Session, company_id: str, entries: Iterable[AuditEntry]) -> int:
    """Write entries in one bulk INSERT (applying 10k items must not mean 10k round trips)."""
    rows = [{"company_id": company_id, "at": entry.at, "actor": entry.actor, "action": entry.action,
             "change_set_id": entry.change_set_id, "stakeholder_id": entry.stakeholder_id,
             "before": entry.before, "after": entry.after, "detail": entry.detail}
            for entry in entries]
    if rows:
        session.execute(insert(AuditRow.__table__), rows)
    return len(rows)


def list_entries(session: Session, company_id: str, *, cursor: str | None = None,
                 limit: int = 100, change_set_id: int | None = None, stakeholder_id: int | None = None) -> AuditPage:
    """Newest first, optionally one change set's or one stakeholder's; `next` is the cursor of the older page."""
    limit = max(1, min(limit, MAX_PAGE))
    query = select(AuditRow).where(AuditRow.company_id == company_id)
    if change_set_id is not None:
        query = query.where(AuditRow.change_set_id == change_set_id)
    if stakeholder_id is not None:
        query = query.where(AuditRow.stakeholder_id == stakeholder_id)
    if cursor is not None:
        query = query.where(AuditRow.id < decode_id_cursor(cursor))
    rows = list(session.scalars(query.order_by(AuditRow.id.desc()).limit(limit + 1)))
    items = [_to_entry(row) for row in rows[:limit]]
    return AuditPage(items, str(items[-1].id) if len(rows) > limit else None)


def _to_entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(actor=row.actor, action=row.action, change_set_id=row.change_set_id,
                      stakeholder_id=row.stakeholder_id, before=row.before, after=row.after,
                      detail=row.detail, at=row.at, id=row.id, company_id=row.company_id)
