"""Review decisions: saved once by an approver, honoured by every later sync of that provider."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from domain.decisions import DecisionKind, ReviewDecision
from store.models import ReviewDecisionRow, utcnow

_UPSERT_DIALECTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def save_decision(session: Session, company_id: str, provider: str, decision: ReviewDecision,
                  decided_by: str, at: dt.datetime | None = None) -> bool:
    """Record a decision; False when it was already recorded (idempotent, even concurrently)."""
    dialect_insert = _UPSERT_DIALECTS[session.get_bind().dialect.name]
    statement = dialect_insert(ReviewDecisionRow.__table__).values(
        company_id=company_id, provider=provider, remote_id=decision.remote_id,
        stakeholder_id=decision.stakeholder_id, kind=DecisionKind(decision.kind).value,
        decided_by=decided_by, decided_at=at or utcnow(),
    ).on_conflict_do_nothing().returning(ReviewDecisionRow.id)
    # RETURNING rather than rowcount: drivers disagree on rowcount for a skipped upsert.
    return session.connection().execute(statement).scalar() is not None


def list_decisions(session: Session, company_id: str, provider: str) -> list[ReviewDecision]:
    query = (select(ReviewDecisionRow.kind, ReviewDecisionRow.remote_id, ReviewDecisionRow.stakeholder_id)
             .where(ReviewDecisionRow.company_id == company_id, ReviewDecisionRow.provider == provider)
             .order_by(ReviewDecisionRow.id))
    return [ReviewDecision(DecisionKind(row.kind), row.remote_id, row.stakeholder_id)
            for row in session.execute(query)]
