"""API tokens of a company: issued once in plain text, stored as SHA-256 digests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store import tokens as token_values
from store.models import ApiTokenRow, utcnow


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: int
    prefix: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


def issue_token(session: Session, company_id: str) -> str:
    """A new token for the company; only its digest is stored, so show the return value once."""
    token = token_values.generate_token()
    session.add(ApiTokenRow(company_id=company_id, token_hash=token_values.hash_token(token),
                            prefix=token_values.display_prefix(token)))
    session.flush()
    return token


def company_for_token(session: Session, token: str) -> str | None:
    """The company a live token belongs to, or None."""
    if not token:
        return None
    digest = token_values.hash_token(token)
    # The lookup is by digest, so its timing says nothing about the secret token; the
    # compare_digest re-check guards against a collation that is looser than byte equality.
    row = session.execute(
        select(ApiTokenRow.company_id, ApiTokenRow.token_hash)
        .where(ApiTokenRow.token_hash == digest, ApiTokenRow.revoked_at.is_(None))
    ).first()
    if row is None or not token_values.digests_equal(row.token_hash, digest):
        return None
    return row.company_id


def list_tokens(session: Session, company_id: str) -> list[TokenInfo]:
    query = (select(ApiTokenRow.id, ApiTokenRow.prefix, ApiTokenRow.created_at, ApiTokenRow.revoked_at)
             .where(ApiTokenRow.company_id == company_id).order_by(ApiTokenRow.id))
    return [TokenInfo(*row) for row in session.execute(query)]


def revoke_token(session: Session, company_id: str, token_id: int) -> bool:
    result = session.execute(
        update(ApiTokenRow)
        .where(ApiTokenRow.id == token_id, ApiTokenRow.company_id == company_id,
               ApiTokenRow.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount == 1
