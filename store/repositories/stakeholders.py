"""Reading the registry: all stakeholders of a company for matching, pages for the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any, Iterable

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from domain.stakeholder import Stakeholder
from store.errors import InvalidCursor, NotFound
from store.models import StakeholderRow
from store.models.base import MAX_ID

# Columns in the order of domain.Stakeholder's fields, so a row builds one positionally.
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Stakeholder))
_COLUMNS = tuple(getattr(StakeholderRow, name) for name in FIELD_NAMES)
MAX_PAGE = 500
# Bound on ids per IN (...) list: SQLite allows 32766 parameters, but big lists plan badly.
IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class StakeholderPage:
    items: list[Stakeholder]
    next: str | None


def list_stakeholders(session: Session, company_id: str) -> list[Stakeholder]:
    """Every stakeholder of the company, by id: plain tuples, no ORM identity map (100k rows)."""
    query = select(*_COLUMNS).where(StakeholderRow.company_id == company_id).order_by(StakeholderRow.id)
    # Through the Connection: a plain Core select, skipping the ORM's result layer (~2x faster).
    return [Stakeholder(*row) for row in session.connection().execute(query)]


def versions(stakeholders: Iterable[Stakeholder]) -> dict[int, int]:
    """id → version, as `save_changeset` wants it."""
    return {stakeholder.id: stakeholder.version for stakeholder in stakeholders}


def get_stakeholder(session: Session, company_id: str, stakeholder_id: int) -> Stakeholder:
    found = get_stakeholders(session, company_id, [stakeholder_id])
    if stakeholder_id not in found:
        raise NotFound(f"no stakeholder {stakeholder_id} in this company")
    return found[stakeholder_id]


def get_stakeholders(session: Session, company_id: str, ids: Iterable[int]) -> dict[int, Stakeholder]:
    """The company's stakeholders among `ids` (others' ids are silently absent)."""
    wanted = sorted(set(ids))
    found: dict[int, Stakeholder] = {}
    for start in range(0, len(wanted), IN_CHUNK):
        query = select(*_COLUMNS).where(StakeholderRow.company_id == company_id,
                                        StakeholderRow.id.in_(wanted[start:start + IN_CHUNK]))
        found.update((row.id, Stakeholder(*row)) for row in session.connection().execute(query))
    return found


def list_page(session: Session, company_id: str, *, cursor: str | None = None, limit: int = 100,
              group: str | None = None, linked: bool | None = None) -> StakeholderPage:
    """One page by id; `next` is the opaque cursor of the following page (None at the end)."""
    limit = max(1, min(limit, MAX_PAGE))
    query = _filtered(company_id, group, linked)
    if cursor is not None:
        query = query.where(StakeholderRow.id > _decode_cursor(cursor))
    rows = session.connection().execute(query.order_by(StakeholderRow.id).limit(limit + 1)).all()
    items = [Stakeholder(*row) for row in rows[:limit]]
    return StakeholderPage(items, str(items[-1].id) if len(rows) > limit else None)


def snapshot(stakeholder: Stakeholder) -> dict[str, Any]:
    """JSON-ready values of a stakeholder (dates as ISO text), for the audit log and the API."""
    return {name: _jsonable(getattr(stakeholder, name)) for name in FIELD_NAMES}


def _filtered(company_id: str, group: str | None, linked: bool | None) -> Select:
    query = select(*_COLUMNS).where(StakeholderRow.company_id == company_id)
    if group is not None:
        query = query.where(StakeholderRow.group == group)
    if linked is True:
        query = query.where(StakeholderRow.hr_remote_id.is_not(None))
    elif linked is False:
        query = query.where(StakeholderRow.hr_remote_id.is_(None))
    return query


def _decode_cursor(cursor: str) -> int:
    if not cursor.isascii() or not cursor.isdigit() or len(cursor) > 18 or int(cursor) > MAX_ID:
        raise InvalidCursor("this page cursor was not issued by hrsync")
    return int(cursor)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
