"""Reading the audit log: who applied what and when, with the values before and after, newest first."""

from __future__ import annotations

from core.bootstrap import Services
from store.db import transaction
from store.repositories import audit
from store.repositories.audit import AuditEntry, AuditPage

__all__ = ["AuditEntry", "AuditPage", "list_entries"]


def list_entries(services: Services, company_id: str, *, cursor: str | None, limit: int,
                 change_set_id: int | None = None) -> AuditPage:
    """One page of the company's audit log, newest first (`next`: the cursor of older entries)."""
    with transaction(services.session_factory) as session:
        return audit.list_entries(session, company_id, cursor=cursor, limit=limit, change_set_id=change_set_id)
