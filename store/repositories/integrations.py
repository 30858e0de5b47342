"""A company's HR integration: provider, encrypted credentials and webhook secret, mapping, cursor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store import tokens
from store.crypto import SecretBox
from store.enums import IntegrationStatus
from store.errors import NotFound
from store.models import IntegrationRow, utcnow


@dataclass(frozen=True, slots=True)
class Integration:
    """What may be shown of an integration: no secret, only whether one is set."""

    company_id: str
    provider: str
    mapping: dict[str, str] | None
    cursor: str | None
    status: IntegrationStatus
    last_error: str | None
    last_error_at: dt.datetime | None
    has_webhook_secret: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    # The company's provider options as stored (the provider's description fills in the defaults).
    options: dict[str, bool] | None = None


def set_integration(session: Session, box: SecretBox, company_id: str, provider: str,
                    credentials: Mapping[str, Any],
                    mapping: Mapping[str, str] | None = None) -> Integration:
    """Create or replace the integration; switching provider drops the old cursor, secret and options."""
    row = _row(session, company_id, required=False)
    if row is None:
        row = IntegrationRow(company_id=company_id, provider=provider)
        session.add(row)
    elif row.provider != provider:
        row.provider, row.cursor, row.webhook_secret_ciphertext, row.options = provider, None, None, None
    row.credentials_ciphertext = box.encrypt_json(dict(credentials))
    row.mapping = dict(mapping) if mapping is not None else None
    _healthy(row)
    session.flush()
    return _to_integration(row)


def get_integration(session: Session, company_id: str) -> Integration | None:
    row = _row(session, company_id, required=False)
    return None if row is None else _to_integration(row)


def get_credentials(session: Session, box: SecretBox, company_id: str) -> dict[str, Any]:
    return box.decrypt_json(_row(session, company_id).credentials_ciphertext)


def set_credentials(session: Session, box: SecretBox, company_id: str,
                    credentials: Mapping[str, Any]) -> None:
    row = _row(session, company_id)
    row.credentials_ciphertext = box.encrypt_json(dict(credentials))
    _healthy(row)


def set_webhook_secret(session: Session, box: SecretBox, company_id: str,
                       secret: str | None = None) -> str:
    """Store `secret` (or a freshly generated one) encrypted; returns it to show once."""
    secret = secret or tokens.generate_webhook_secret()
    _row(session, company_id).webhook_secret_ciphertext = box.encrypt_text(secret)
    return secret


def get_webhook_secret(session: Session, box: SecretBox, company_id: str) -> str | None:
    ciphertext = _row(session, company_id).webhook_secret_ciphertext
    return None if ciphertext is None else box.decrypt_text(ciphertext)


def webhook_secrets(session: Session, box: SecretBox, company_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """company id → (provider, decrypted webhook secret), in one query, for those of `company_ids` having both."""
    rows = session.execute(select(IntegrationRow.company_id, IntegrationRow.provider,
                                  IntegrationRow.webhook_secret_ciphertext).where(
        IntegrationRow.company_id.in_(list(company_ids)), IntegrationRow.webhook_secret_ciphertext.is_not(None)))
    return {company_id: (provider, box.decrypt_text(ciphertext)) for company_id, provider, ciphertext in rows}


def set_mapping(session: Session, company_id: str, mapping: Mapping[str, str]) -> None:
    """Store a mapping the caller validated (domain.errors.InvalidMapping is raised upstream)."""
    _row(session, company_id).mapping = dict(mapping)


def set_options(session: Session, company_id: str, options: Mapping[str, bool]) -> None:
    """Store provider options the caller validated against the provider's description (merged into the stored)."""
    row = _row(session, company_id)
    row.options = {**(row.options or {}), **options}


def set_cursor(session: Session, company_id: str, cursor: str | None) -> None:
    _row(session, company_id).cursor = cursor


def mark_needs_attention(session: Session, company_id: str, error: str, at: dt.datetime | None = None) -> None:
    """Flag the integration with what went wrong and when (default: now); `error` must hold no secret."""
    row = _row(session, company_id)
    row.status, row.last_error = IntegrationStatus.NEEDS_ATTENTION.value, error
    row.last_error_at = at or utcnow()


def mark_ok(session: Session, company_id: str) -> None:
    _healthy(_row(session, company_id))


def record_sync_failure(session: Session, company_id: str, provider: str, error: str, at: dt.datetime) -> None:
    """A sync of `provider` failed: its integration needs attention (none when the company moved to another one)."""
    row = _row(session, company_id, required=False)
    if row is not None and row.provider == provider:
        mark_needs_attention(session, company_id, error, at)


def companies_with_integration(session: Session) -> list[tuple[str, str]]:
    """(company id, provider) of every configured integration, for the cron resync."""
    query = select(IntegrationRow.company_id, IntegrationRow.provider).order_by(IntegrationRow.company_id)
    return [(row.company_id, row.provider) for row in session.execute(query)]


def rotate_keys(session: Session, box: SecretBox) -> int:
    """Re-encrypt every stored secret with the box's first key; returns the rows rewritten.

    Run after putting a new key first in ENCRYPTION_KEYS; once it returns, the old keys can go.
    """
    rows = session.execute(select(IntegrationRow.id, IntegrationRow.credentials_ciphertext,
                                  IntegrationRow.webhook_secret_ciphertext)).all()
    rewritten = [
        {"id": row.id, "credentials_ciphertext": box.rotate(row.credentials_ciphertext),
         "webhook_secret_ciphertext": _rotate_optional(box, row.webhook_secret_ciphertext)}
        for row in rows
    ]
    if rewritten:
        session.execute(update(IntegrationRow), rewritten)  # ORM bulk UPDATE by primary key
    return len(rows)


def _healthy(row: IntegrationRow) -> None:
    row.status, row.last_error, row.last_error_at = IntegrationStatus.OK.value, None, None


def _rotate_optional(box: SecretBox, ciphertext: str | None) -> str | None:
    return None if ciphertext is None else box.rotate(ciphertext)


def _row(session: Session, company_id: str, required: bool = True) -> IntegrationRow | None:
    row = session.scalar(select(IntegrationRow).where(IntegrationRow.company_id == company_id))
    if row is None and required:
        raise NotFound(f"company {company_id!r} has no HR integration")
    return row


def _to_integration(row: IntegrationRow) -> Integration:
    return Integration(
        company_id=row.company_id, provider=row.provider,
        mapping=dict(row.mapping) if row.mapping is not None else None, cursor=row.cursor,
        status=IntegrationStatus(row.status), last_error=row.last_error, last_error_at=row.last_error_at,
        has_webhook_secret=row.webhook_secret_ciphertext is not None,
        created_at=row.created_at, updated_at=row.updated_at,
        options=dict(row.options) if row.options is not None else None,
    )
