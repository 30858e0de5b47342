"""A company's people: console users with a role, who sign in and approve change sets with an argon2 password."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.enums import UserRole, sql_in
from store.models.base import Base, UTCDateTime, utcnow


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("company_id", "email"),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint(sql_in("role", UserRole), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[str] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    # Indexed on its own: signing in looks an address up across every company.
    email: Mapped[str] = mapped_column(String(320), index=True)
    role: Mapped[str] = mapped_column(String(16), default=UserRole.APPROVER.value)
    # None: invited (or reset) and the set-password link not used yet; such a user can neither sign in nor approve.
    password_hash: Mapped[str | None] = mapped_column(Text)
    # The SHA-256 of the nonce in the one set-password link that still works (None: no such link); a new link
    # replaces it, using it clears it.
    password_link_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"UserRow(id={self.id!r}, company_id={self.company_id!r}, role={self.role!r})"
