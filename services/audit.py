"""Reading the audit log: who applied what and when, with the values before and after, newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core.bootstrap import Services
from store.db import transaction
from store.repositories import audit, stakeholders
from store.repositories.audit import AuditEntry, AuditPage

__all__ = ["AuditEntry", "AuditLine", "AuditLogPage", "AuditPage", "FieldDiff", "field_diffs", "list_entries",
           "log_page"]

# Bookkeeping a person does not need to see change: every write bumps the version.
_HIDDEN = frozenset({"id", "version"})
_ORDER = {name: position for position, name in enumerate(stakeholders.FIELD_NAMES)}


@dataclass(frozen=True, slots=True)
class FieldDiff:
    """One field of a stakeholder as an entry changed it: before → after (None: empty, or not there)."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class AuditLine:
    """An audit entry as the console shows it: the stakeholder's current name and each changed field."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    change_set_id: int | None
    stakeholder_id: int | None
    stakeholder_name: str | None
    detail: str | None
    changes: tuple[FieldDiff, ...]


@dataclass(frozen=True, slots=True)
class AuditLogPage:
    items: list[AuditLine]
    next: str | None


def list_entries(services: Services, company_id: str, *, cursor: str | None, limit: int,
                 change_set_id: int | None = None, stakeholder_id: int | None = None) -> AuditPage:
    """One page of the company's audit log, newest first (`next`: the cursor of older entries), optionally one
    change set's or one stakeholder's entries."""
    with transaction(services.session_factory) as session:
        return audit.list_entries(session, company_id, cursor=cursor, limit=limit, change_set_id=change_set_id,
                                  stakeholder_id=stakeholder_id)


def log_page(services: Services, company_id: str, *, cursor: str | None = None, limit: int = 50,
             change_set_id: int | None = None, stakeholder_id: int | None = None) -> AuditLogPage:
    """A page of the audit log for people: each entry with its fields before → after and the stakeholder's name
    (one query for the page's names, whatever its size)."""
    with transaction(services.session_factory) as session:
        page = audit.list_entries(session, company_id, cursor=cursor, limit=limit, change_set_id=change_set_id,
                                  stakeholder_id=stakeholder_id)
        named = stakeholders.get_stakeholders(session, company_id, {entry.stakeholder_id for entry in page.items
                                                                    if entry.stakeholder_id is not None})
    lines = [AuditLine(id=entry.id, at=entry.at, actor=entry.actor, action=entry.action,
                       change_set_id=entry.change_set_id, stakeholder_id=entry.stakeholder_id,
                       stakeholder_name=_name(entry, named), detail=entry.detail, changes=field_diffs(entry))
             for entry in page.items]
    return AuditLogPage(lines, page.next)


def field_diffs(entry: AuditEntry) -> tuple[FieldDiff, ...]:
    """The fields whose value differs between before and after, in the stakeholder's field order."""
    before, after = entry.before or {}, entry.after or {}
    names = sorted((set(before) | set(after)) - _HIDDEN, key=lambda name: (_ORDER.get(name, len(_ORDER)), name))
    return tuple(FieldDiff(name, before.get(name), after.get(name)) for name in names
                 if before.get(name) != after.get(name))


def _name(entry: AuditEntry, named: dict) -> str | None:
    if entry.stakeholder_id in named:
        return named[entry.stakeholder_id].name
    for values in (entry.after, entry.before):  # a deleted stakeholder: the name it had
        if values and values.get("name"):
            return values["name"]
    return None
