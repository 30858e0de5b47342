"""Writing the registry: create and update stakeholders; every write bumps `version`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from domain.stakeholder import SYNCED_FIELDS, Stakeholder
from store.errors import DuplicateStakeholder, InvalidStakeholder, NotFound, StaleVersion
from store.models import StakeholderRow
from store.repositories.stakeholders import FIELD_NAMES, IN_CHUNK

WRITABLE_FIELDS = frozenset(SYNCED_FIELDS) | {"hr_provider", "hr_remote_id"}


def create_stakeholder(session: Session, company_id: str, values: Mapping[str, Any]) -> Stakeholder:
    return create_stakeholders(session, company_id, [values])[0]


def create_stakeholders(session: Session, company_id: str,
                        values_list: Sequence[Mapping[str, Any]]) -> list[Stakeholder]:
    """Insert in batches (the ORM groups the INSERTs); a conflict aborts the whole transaction."""
    rows = [StakeholderRow(company_id=company_id, **_clean(values, creating=True))
            for values in values_list]
    session.add_all(rows)
    _flush(session)
    return [_to_domain(row) for row in rows]


def update_stakeholder(session: Session, company_id: str, stakeholder_id: int,
                       changes: Mapping[str, Any], expected_version: int | None = None) -> Stakeholder:
    expected = None if expected_version is None else {stakeholder_id: expected_version}
    return update_stakeholders(session, company_id, {stakeholder_id: changes}, expected)[stakeholder_id]


def update_stakeholders(session: Session, company_id: str, changes: Mapping[int, Mapping[str, Any]],
                        expected_versions: Mapping[int, int] | None = None) -> dict[int, Stakeholder]:
    """Apply per-stakeholder changes; StaleVersion if any moved since `expected_versions`.

    The ORM's version column makes each UPDATE also check the version it read, so a
    concurrent writer between our read and our write is caught too.
    """
    rows = _load(session, company_id, changes.keys())
    cleaned = {stakeholder_id: _clean(values, creating=False) for stakeholder_id, values in changes.items()}
    # Check everything before touching any row: a refused batch leaves the session clean.
    for stakeholder_id, values in cleaned.items():
        row = rows[stakeholder_id]
        expected = (expected_versions or {}).get(stakeholder_id)
        if expected is not None and row.version != expected:
            raise StaleVersion(f"stakeholder {stakeholder_id} changed since it was read "
                               f"(version {expected} → {row.version})")
        _check_link(values.get("hr_provider", row.hr_provider), values.get("hr_remote_id", row.hr_remote_id))
    for stakeholder_id, values in cleaned.items():
        for name, value in values.items():
            setattr(rows[stakeholder_id], name, value)
    _flush(session)
    return {stakeholder_id: _to_domain(rows[stakeholder_id]) for stakeholder_id in changes}


def _load(session: Session, company_id: str, ids) -> dict[int, StakeholderRow]:
    wanted = sorted(set(ids))
    rows: dict[int, StakeholderRow] = {}
    for start in range(0, len(wanted), IN_CHUNK):
        query = select(StakeholderRow).where(StakeholderRow.company_id == company_id,
                                             StakeholderRow.id.in_(wanted[start:start + IN_CHUNK]))
        rows.update((row.id, row) for row in session.scalars(query))
    missing = [stakeholder_id for stakeholder_id in wanted if stakeholder_id not in rows]
    if missing:
        raise NotFound(f"no stakeholder {missing[0]} in this company")
    return rows


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise StaleVersion("a stakeholder changed while it was being written; read it again") from None
    except IntegrityError as error:
        text = str(error.orig)
        if "unique_identifier" in text:
            raise DuplicateStakeholder("another stakeholder of this company already has "
                                       "this unique identifier") from None
        if "hr_remote_id" in text:
            raise DuplicateStakeholder("another stakeholder of this company is already "
                                       "linked to this HR employee") from None
        raise


def _clean(values: Mapping[str, Any], creating: bool) -> dict[str, Any]:
    unknown = set(values) - WRITABLE_FIELDS
    if unknown:
        raise InvalidStakeholder(f"unknown stakeholder field(s): {', '.join(sorted(unknown))}")
    cleaned = {name: _clean_value(name, value) for name, value in values.items()}
    if (creating or "name" in cleaned) and not cleaned.get("name"):
        raise InvalidStakeholder("a stakeholder needs a name")
    if creating:
        _check_link(cleaned.get("hr_provider"), cleaned.get("hr_remote_id"))
    return cleaned


def _clean_value(name: str, value: Any) -> Any:
    if name == "birth_date":
        return _date(value)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidStakeholder(f"{name} must be text")
    # Blank means "no value": an empty identifier must not collide with another empty one.
    return value if value.strip() else None


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidStakeholder("birth_date must be a date (YYYY-MM-DD)")


def _check_link(provider: str | None, remote_id: str | None) -> None:
    if (provider is None) != (remote_id is None):
        raise InvalidStakeholder("an HR link needs both hr_provider and hr_remote_id")


def _to_domain(row: StakeholderRow) -> Stakeholder:
    return Stakeholder(*(getattr(row, name) for name in FIELD_NAMES))
