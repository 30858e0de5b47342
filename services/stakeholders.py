"""The stakeholder registry as people see it: pages of it, and stakeholders typed in by hand (audited)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from core.bootstrap import Services
from domain.names import format_name
from domain.stakeholder import Stakeholder
from store.db import transaction
from store.repositories import audit, companies, stakeholder_writes, stakeholders
from store.repositories.stakeholders import FIELD_NAMES, StakeholderPage

__all__ = ["FIELD_NAMES", "GroupCount", "StakeholderPage", "create_stakeholder", "get_stakeholder", "groups",
           "import_stakeholders", "list_page", "search"]


@dataclass(frozen=True, slots=True)
class GroupCount:
    """A stakeholder group and how many stakeholders it holds (`group` None: those without a group)."""

    group: str | None
    count: int


def list_page(services: Services, company_id: str, *, cursor: str | None, limit: int, group: str | None = None,
              linked: bool | None = None) -> StakeholderPage:
    """One page of the company's registry by id (`next`: the cursor of the following page)."""
    with transaction(services.session_factory) as session:
        return stakeholders.list_page(session, company_id, cursor=cursor, limit=limit, group=group, linked=linked)


def search(services: Services, company_id: str, *, query: str | None = None, group: str | None = None,
           linked: bool | None = None, cursor: str | None = None, limit: int = 50) -> StakeholderPage:
    """One page of the company's registry in name order (without case), optionally only names containing
    `query` (without case), one group, linked or unlinked ones; `next`: the cursor of the following page."""
    with transaction(services.session_factory) as session:
        return stakeholders.search_page(session, company_id, query=query, cursor=cursor, limit=limit, group=group,
                                        linked=linked)


def groups(services: Services, company_id: str) -> list[GroupCount]:
    """The company's stakeholder groups with their sizes, by name (no group last)."""
    with transaction(services.session_factory) as session:
        counts = stakeholders.group_counts(session, company_id)
    return [GroupCount(group, counts[group]) for group in sorted(counts, key=lambda g: (g is None, g or ""))]


def get_stakeholder(services: Services, company_id: str, stakeholder_id: int) -> Stakeholder:
    """One stakeholder of the company; another company's is NotFound."""
    with transaction(services.session_factory) as session:
        return stakeholders.get_stakeholder(session, company_id, stakeholder_id)


def create_stakeholder(services: Services, company_id: str, values: Mapping[str, Any], actor: str,
                       detail: str) -> Stakeholder:
    """A stakeholder typed in by hand (no HR link), named in the company's format unless a name is given; the
    audit log records it with `actor` and `detail` (where it came from)."""
    values = dict(values)
    with transaction(services.session_factory) as session:
        if values.get("name") is None:
            name_format = companies.get_company(session, company_id).name_format
            values["name"] = format_name(values["first_name"], values["last_name"], name_format)
        created = stakeholder_writes.create_stakeholder(session, company_id, values)
        audit.append(session, company_id, audit.AuditEntry(
            actor=actor, action="stakeholder.created", stakeholder_id=created.id,
            after=stakeholders.snapshot(created), detail=detail))
    return created


def import_stakeholders(services: Services, company_id: str, rows: Iterable[Mapping[str, Any]]) -> int:
    """A registry kept elsewhere until now, taken over as it is (the demo's earlier syncs and hand edits);
    returns how many stakeholders were written."""
    rows = list(rows)
    with transaction(services.session_factory) as session:
        stakeholder_writes.create_stakeholders(session, company_id, rows)
    return len(rows)
