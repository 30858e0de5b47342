"""Approving: every user of a company with a password (admin or approver) may apply its change sets."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store import passwords
from store.enums import UserRole
from store.errors import InvalidSetting
from store.models import UserRow
from store.repositories import users
from store.repositories.users import normalise_email

__all__ = ["add_approver", "approver_emails", "normalise_email", "set_password", "verify_approver"]


def add_approver(session: Session, company_id: str, email: str, password: str,
                 role: UserRole = UserRole.APPROVER) -> int:
    """A user who can approve at once (with this password); returns its id."""
    if not password:
        raise InvalidSetting("an approver needs a password")
    return users.add_user(session, company_id, email, role, password).id


def verify_approver(session: Session, company_id: str, email: str, password: str) -> bool:
    """True when `email` is a user of the company with a password and it matches."""
    row = _find(session, company_id, normalise_email(email))
    if row is None or row.password_hash is None:
        # Spend the same time as a real check, so the answer time does not reveal who exists.
        passwords.verify_password(passwords.dummy_hash(), password)
        return False
    if not passwords.verify_password(row.password_hash, password):
        return False
    users.rehash_if_needed(session, row.id, row.password_hash, password)
    return True


def set_password(session: Session, company_id: str, email: str, password: str) -> bool:
    """Replace a user's password; False when there is no such user."""
    if not password:
        raise InvalidSetting("an approver needs a password")
    row = _find(session, company_id, normalise_email(email))
    if row is None:
        return False
    row.password_hash = passwords.hash_password(password)
    row.password_link_hash = None
    return True


def approver_emails(session: Session, company_id: str) -> list[str]:
    """Who to notify about a new change set (the users who can approve), in a stable order."""
    query = (select(UserRow.email).where(UserRow.company_id == company_id, UserRow.password_hash.is_not(None))
             .order_by(UserRow.email))
    return list(session.scalars(query))


def _find(session: Session, company_id: str, address: str) -> UserRow | None:
    query = select(UserRow).where(UserRow.company_id == company_id, UserRow.email == address)
    return session.scalar(query)
