"""What an operator reads across companies: each company's last sync, integrations needing attention, pending change
sets (for `hrsync status` and the metrics read at scrape time)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.enums import ChangeSetStatus, IntegrationStatus
from store.models import ChangeSetRow, CompanyRow, IntegrationRow, SyncRunRow


@dataclass(frozen=True, slots=True)
class CompanyState:
    """One company with an integration: its integration's health, its newest sync, its pending change set."""

    company_id: str
    name: str
    provider: str
    integration_status: str
    last_error: str | None
    last_error_at: dt.datetime | None
    last_sync_id: int | None
    last_sync_status: str | None
    last_sync_mode: str | None
    last_sync_at: dt.datetime | None  # when it finished (or was queued, if it has not)
    pending_changeset_id: int | None
    pending_since: dt.datetime | None


def company_states(session: Session) -> list[CompanyState]:
    """Every company with an HR integration, by name (three queries, whatever the number of companies)."""
    newest = (select(SyncRunRow.company_id, func.max(SyncRunRow.id).label("id"))
              .group_by(SyncRunRow.company_id).subquery())
    last_runs = {row.company_id: row for row in session.scalars(
        select(SyncRunRow).join(newest, SyncRunRow.id == newest.c.id))}
    pending = {row.company_id: row for row in session.scalars(
        select(ChangeSetRow).where(ChangeSetRow.status == ChangeSetStatus.PENDING.value))}
    rows = session.execute(select(CompanyRow.id, CompanyRow.name, IntegrationRow)
                           .join(IntegrationRow, IntegrationRow.company_id == CompanyRow.id)
                           .order_by(CompanyRow.name_key))
    states = []
    for company_id, name, integration in rows:
        run, changeset = last_runs.get(company_id), pending.get(company_id)
        states.append(CompanyState(
            company_id, name, integration.provider, integration.status, integration.last_error,
            integration.last_error_at, run.id if run else None, run.status if run else None,
            run.mode if run else None, (run.finished_at or run.created_at) if run else None,
            changeset.id if changeset else None, changeset.created_at if changeset else None))
    return states


def needing_attention(session: Session) -> int:
    """How many integrations need attention (a failed sync, credentials saved unchecked)."""
    return session.scalar(select(func.count()).select_from(IntegrationRow)
                          .where(IntegrationRow.status == IntegrationStatus.NEEDS_ATTENTION.value)) or 0


def pending_since(session: Session) -> list[dt.datetime]:
    """When each pending change set was made (one a company at most), oldest first."""
    return list(session.scalars(select(ChangeSetRow.created_at)
                                .where(ChangeSetRow.status == ChangeSetStatus.PENDING.value)
                                .order_by(ChangeSetRow.created_at)))
