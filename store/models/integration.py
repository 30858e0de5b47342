"""A company's one HR integration: provider, encrypted secrets, field mapping, cursor, health."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.enums import IntegrationStatus, sql_in
from store.models.base import Base, UTCDateTime, utcnow


class IntegrationRow(Base):
    __tablename__ = "integrations"
    __table_args__ = (CheckConstraint(sql_in("status", IntegrationStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[str] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), unique=True)
    provider: Mapped[str] = mapped_column(String(32))
    # Fernet tokens (store.crypto.SecretBox); never plaintext.
    credentials_ciphertext: Mapped[str] = mapped_column(Text)
    webhook_secret_ciphertext: Mapped[str | None] = mapped_column(Text)
    mapping: Mapped[dict | None] = mapped_column(JSON)
    # The company's provider options (providers.description.ProviderOption): key → on/off; NULL: the defaults.
    options: Mapped[dict | None] = mapped_column(JSON)
    cursor: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32), default=IntegrationStatus.OK.value)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"IntegrationRow(company_id={self.company_id!r}, provider={self.provider!r})"
