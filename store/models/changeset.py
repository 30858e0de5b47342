"""Change sets and their items, as a sync recorded them for an approver."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column

from domain.changeset import ChangeKind
from store.enums import ChangeSetStatus, sql_in
from store.models.base import Base, UTCDateTime, utcnow

_PENDING = text("status = 'pending'")


class ChangeSetRow(Base):
    __tablename__ = "change_sets"
    __table_args__ = (
        CheckConstraint(sql_in("status", ChangeSetStatus), name="status"),
        Index(None, "company_id", "status"),
        Index(None, "company_id", "id"),  # the list, newest first
        # At most one pending change set per company: a second concurrent writer fails
        # instead of leaving two sets for the approver to choose between.
        Index("uq_change_sets_one_pending", "company_id", unique=True,
              sqlite_where=_PENDING, postgresql_where=_PENDING),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[str] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(32))
    sync_run_id: Mapped[int] = mapped_column(ForeignKey("sync_runs.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default=ChangeSetStatus.PENDING.value)
    superseded_by: Mapped[int | None] = mapped_column(
        ForeignKey("change_sets.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    applied_by: Mapped[str | None] = mapped_column(String(320))


class ChangeItemRow(Base):
    __tablename__ = "change_items"
    __table_args__ = (
        UniqueConstraint("change_set_id", "position"),
        Index(None, "change_set_id", "remote_id"),
        # No CHECK on `reason`: the matching engine may add reason codes without a migration.
        CheckConstraint(sql_in("kind", ChangeKind), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    change_set_id: Mapped[int] = mapped_column(ForeignKey("change_sets.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    remote_id: Mapped[str] = mapped_column(Text)
    stakeholder_id: Mapped[int | None] = mapped_column(
        ForeignKey("stakeholders.id", ondelete="SET NULL"))
    # The stakeholder's version when the item was made: applying refuses if it moved since.
    stakeholder_version: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(32))
    fields: Mapped[dict] = mapped_column(JSON)
    proposed: Mapped[dict] = mapped_column(JSON)
    candidates: Mapped[list] = mapped_column(JSON)
    employee_name: Mapped[str] = mapped_column(Text)
    termination_date: Mapped[dt.date | None] = mapped_column(Date)
    resolution: Mapped[str | None] = mapped_column(String(64))
