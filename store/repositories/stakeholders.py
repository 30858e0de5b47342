"""Reading the registry: all stakeholders of a company for matching, pages for the API."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, fields
from typing import Any, Iterable

from sqlalchemy import Select, and_, func, literal, or_, select
from sqlalchemy.orm import Session

from domain.stakeholder import Stakeholder
from store.errors import InvalidCursor, NotFound
from store.folding import fold, fold_text
from store.models import StakeholderRow
from store.models.base import MAX_ID
from store.paging import NOT_ISSUED, decode_id_cursor

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


def search_page(session: Session, company_id: str, *, query: str | None = None, cursor: str | None = None,
                limit: int = 50, group: str | None = None, linked: bool | None = None) -> StakeholderPage:
    """One page in name order (without case, then by id), optionally only names containing `query` (without case,
    `%` and `_` taken literally); `next` is the opaque cursor of the following page.

    The order is the database's lower(name), which an index serves (SQLite's lower() folds ASCII letters only, so
    "Özil" sorts under Ö there and under ö on PostgreSQL); a search for non-ASCII text compares through `fold`,
    which folds every letter on both.
    """
    limit = max(1, min(limit, MAX_PAGE))
    key = func.lower(StakeholderRow.name)
    selected = _filtered(company_id, group, linked).add_columns(key.label("name_key"))
    if query:
        folded = fold_text(query)
        compared = key if folded.isascii() else fold(StakeholderRow.name)
        selected = selected.where(compared.like(literal("%" + _escape_like(folded) + "%"), escape="\\"))
    if cursor is not None:
        after_key, after_id = _decode_name_cursor(cursor)
        selected = selected.where(or_(key > after_key, and_(key == after_key, StakeholderRow.id > after_id)))
    rows = session.connection().execute(selected.order_by(key, StakeholderRow.id).limit(limit + 1)).all()
    items = [Stakeholder(*row[:len(FIELD_NAMES)]) for row in rows[:limit]]
    more = len(rows) > limit
    return StakeholderPage(items, _name_cursor(rows[limit - 1].name_key, items[-1].id) if more else None)


def group_counts(session: Session, company_id: str) -> dict[str | None, int]:
    """Stakeholders per group (None: no group), for a filter's choices."""
    query = (select(StakeholderRow.group, func.count()).where(StakeholderRow.company_id == company_id)
             .group_by(StakeholderRow.group))
    return {group: number for group, number in session.execute(query)}


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
    return decode_id_cursor(cursor)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _name_cursor(name_key: str, stakeholder_id: int) -> str:
    raw = json.dumps([name_key, stakeholder_id], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_name_cursor(cursor: str) -> tuple[str, int]:
    try:
        if len(cursor) > 4096 or not cursor.isascii():
            raise ValueError(cursor)
        name_key, stakeholder_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, binascii.Error):
        raise InvalidCursor(NOT_ISSUED) from None
    valid_id = isinstance(stakeholder_id, int) and not isinstance(stakeholder_id, bool) and 0 < stakeholder_id <= MAX_ID
    if not isinstance(name_key, str) or not valid_id or "\x00" in name_key:
        raise InvalidCursor(NOT_ISSUED)
    return name_key, stakeholder_id


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
