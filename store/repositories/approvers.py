"""Approvers: the people who may apply a company's change sets, with argon2 passwords."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store import passwords
from store.errors import DuplicateApprover, InvalidSetting
from store.models import ApproverRow


def normalise_email(email: str) -> str:
    return email.strip().lower()


def add_approver(session: Session, company_id: str, email: str, password: str) -> int:
    address = normalise_email(email)
    if "@" not in address or len(address) > 320:
        raise InvalidSetting("an approver needs a valid e-mail address")
    if not password:
        raise InvalidSetting("an approver needs a password")
    if _find(session, company_id, address) is not None:
        raise DuplicateApprover(f"{address} is already an approver of this company")
    row = ApproverRow(company_id=company_id, email=address,
                      password_hash=passwords.hash_password(password))
    session.add(row)
    session.flush()
    return row.id


def verify_approver(session: Session, company_id: str, email: str, password: str) -> bool:
    """True when `email` is an approver of the company and the password matches."""
    row = _find(session, company_id, normalise_email(email))
    if row is None:
        # Spend the same time as a real check, so the answer time does not reveal who exists.
        passwords.verify_password(passwords.dummy_hash(), password)
        return False
    if not passwords.verify_password(row.password_hash, password):
        return False
    if passwords.needs_rehash(row.password_hash):
        row.password_hash = passwords.hash_password(password)
    return True


def set_password(session: Session, company_id: str, email: str, password: str) -> bool:
    """Replace an approver's password; False when there is no such approver."""
    if not password:
        raise InvalidSetting("an approver needs a password")
    row = _find(session, company_id, normalise_email(email))
    if row is None:
        return False
    row.password_hash = passwords.hash_password(password)
    return True


def approver_emails(session: Session, company_id: str) -> list[str]:
    """Who to notify about a new change set, in a stable order."""
    query = (select(ApproverRow.email).where(ApproverRow.company_id == company_id)
             .order_by(ApproverRow.email))
    return list(session.scalars(query))


def _find(session: Session, company_id: str, address: str) -> ApproverRow | None:
    query = select(ApproverRow).where(ApproverRow.company_id == company_id,
                                      ApproverRow.email == address)
    return session.scalar(query)
