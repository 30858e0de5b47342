"""Review decisions ("not the same person", "ignore this employee") that later syncs honour."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from domain.decisions import DecisionKind
from store.enums import sql_in
from store.models.base import Base, UTCDateTime, utcnow

_WITH = text("stakeholder_id IS NOT NULL")
_WITHOUT = text("stakeholder_id IS NULL")


class ReviewDecisionRow(Base):
    __tablename__ = "review_decisions"
    __table_args__ = (
        CheckConstraint(sql_in("kind", DecisionKind), name="kind"),
        # Two partial indexes instead of one constraint: SQL NULLs are distinct, so a plain
        # UNIQUE would let "ignore employee 7" (no stakeholder) be recorded twice.
        Index("uq_review_decisions_with_stakeholder", "company_id", "provider", "remote_id",
              "stakeholder_id", "kind", unique=True, sqlite_where=_WITH, postgresql_where=_WITH),
        Index("uq_review_decisions_without_stakeholder", "company_id", "provider", "remote_id",
              "kind", unique=True, sqlite_where=_WITHOUT, postgresql_where=_WITHOUT),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[str] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(32))
    remote_id: Mapped[str] = mapped_column(Text)
    stakeholder_id: Mapped[int | None] = mapped_column(
        ForeignKey("stakeholders.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    decided_by: Mapped[str] = mapped_column(String(320))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
