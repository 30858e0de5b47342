"""Sync runs: one row per sync job, holding its status and progress (the DB row is the truth)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.enums import SyncMode, SyncStatus, SyncTrigger, sql_in
from store.models.base import Base, UTCDateTime, utcnow


class SyncRunRow(Base):
    __tablename__ = "sync_runs"
    __table_args__ = (
        CheckConstraint(sql_in("mode", SyncMode), name="mode"),
        CheckConstraint(sql_in("status", SyncStatus), name="status"),
        CheckConstraint(sql_in("trigger", SyncTrigger), name="trigger"),
        Index(None, "company_id", "status"),
        # The history, newest first, whole or by trigger (the console's and GET /api/v1/syncs' pages).
        Index(None, "company_id", "id"),
        Index(None, "company_id", "trigger", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[str] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(32))
    mode: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=SyncStatus.QUEUED.value)
    trigger: Mapped[str] = mapped_column(String(16), default=SyncTrigger.MANUAL.value,
                                         server_default=SyncTrigger.MANUAL.value)
    # Who asked, when known: a user's e-mail, an API token's display prefix, "cron"; never a secret.
    requested_by: Mapped[str | None] = mapped_column(String(320))
    remote_ids: Mapped[list | None] = mapped_column(JSON)
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    matched: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    counts: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    # The error's code in core.errors (provider_auth_failed, provider_unavailable…): what to do about it.
    error_code: Mapped[str | None] = mapped_column(String(64))
    # use_alter: change_sets also points at sync_runs, and PostgreSQL needs one side added later.
    changeset_id: Mapped[int | None] = mapped_column(
        ForeignKey("change_sets.id", ondelete="SET NULL", use_alter=True))
    cursor_after: Mapped[str | None] = mapped_column(Text)
    # Mapped source fields the HR system sent for no employee (the credential probably cannot read them), sorted;
    # NULL: none, or a sync from before they were kept.
    missing_fields: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
