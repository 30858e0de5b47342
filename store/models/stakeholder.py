"""The stakeholder registry table."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func, literal_column
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base, UTCDateTime, utcnow


class StakeholderRow(Base):
    __tablename__ = "stakeholders"
    __table_args__ = (
        # NULL identifiers never collide (SQL NULLs are distinct), so unidentified stakeholders coexist.
        UniqueConstraint("company_id", "unique_identifier"),
        UniqueConstraint("company_id", "hr_provider", "hr_remote_id"),
        Index(None, "company_id", "group"),
        Index(None, "company_id", "id"),
        # The console's list in name order without case (keyset pages): lower() is built in on both backends.
        Index("ix_stakeholders_company_id_lower_name_id", "company_id", func.lower(literal_column("name")), "id"),
        # Empty strings would defeat the NULL rule above: the repositories store "" as NULL.
        CheckConstraint("unique_identifier IS NULL OR unique_identifier <> ''", name="identifier_not_empty"),
        CheckConstraint("(hr_provider IS NULL) = (hr_remote_id IS NULL)", name="link_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[str] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    first_name: Mapped[str | None] = mapped_column(Text)
    last_name: Mapped[str | None] = mapped_column(Text)
    unique_identifier: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    street: Mapped[str | None] = mapped_column(Text)
    postal_code: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(Text)
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    nationality: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    group: Mapped[str | None] = mapped_column(Text)
    hr_provider: Mapped[str | None] = mapped_column(String(32))
    hr_remote_id: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # The ORM bumps `version` on every UPDATE and adds `WHERE version = <read>`: a concurrent
    # writer makes the flush fail instead of silently overwriting (optimistic concurrency).
    __mapper_args__ = {"version_id_col": version}
