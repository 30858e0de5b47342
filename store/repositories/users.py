"""Users: a company's people with a role (admin or approver) and an argon2 password, or an unused set-password link."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store import passwords
from store.enums import UserRole
from store.errors import DuplicateUser, InvalidSetting, NotFound
from store.models import CompanyRow, UserRow
from store.models.base import MAX_ID

MAX_EMAIL = 320


@dataclass(frozen=True, slots=True)
class User:
    id: int
    company_id: str
    email: str
    role: UserRole
    # False: invited (or reset) and the set-password link not used yet.
    has_password: bool
    # True: a set-password link was sent and not used yet.
    link_pending: bool
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Membership:
    """A user row as signing in sees it: which company, which role, and the password hash to check."""

    user_id: int
    company_id: str
    company_name: str
    email: str
    role: UserRole
    password_hash: str | None = field(repr=False)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def checked_email(email: str) -> str:
    """The address as stored (trimmed, lower case); InvalidSetting when it is not one."""
    address = normalise_email(email)
    local, at, domain = address.partition("@")
    if not (local and at and domain) or len(address) > MAX_EMAIL or any(char.isspace() for char in address):
        raise InvalidSetting("enter an e-mail address such as name@example.com")
    return address


def add_user(session: Session, company_id: str, email: str, role: UserRole, password: str | None = None) -> User:
    """A new user; without a password it can neither sign in nor approve until a set-password link is used."""
    address = checked_email(email)
    if password is not None and not password:
        raise InvalidSetting("a user needs a password")
    if _find(session, company_id, address) is not None:
        raise DuplicateUser(f"{address} is already a user of this company")
    row = UserRow(company_id=company_id, email=address, role=UserRole(role).value,
                  password_hash=passwords.hash_password(password) if password is not None else None)
    session.add(row)
    session.flush()
    return _to_user(row)


def list_users(session: Session, company_id: str) -> list[User]:
    query = select(UserRow).where(UserRow.company_id == company_id).order_by(UserRow.email)
    return [_to_user(row) for row in session.scalars(query)]


def get_user(session: Session, company_id: str, user_id: int) -> User:
    return _to_user(_row(session, company_id, user_id))


def find_user(session: Session, company_id: str, email: str) -> User | None:
    row = _find(session, company_id, normalise_email(email))
    return None if row is None else _to_user(row)


@dataclass(frozen=True, slots=True)
class AdminCount:
    """A company's admins: all of them, and those who can sign in (a password set; not an unused invitation)."""

    admins: int
    active: int


def lock_company_users(session: Session, company_id: str) -> AdminCount:
    """Lock the company's row (one user change at a time per company) and count its admins."""
    session.get(CompanyRow, company_id, with_for_update=True)
    query = (select(func.count(), func.count(UserRow.password_hash)).select_from(UserRow)
             .where(UserRow.company_id == company_id, UserRow.role == UserRole.ADMIN.value))
    admins, active = session.execute(query).one()
    return AdminCount(admins or 0, active or 0)


def set_role(session: Session, company_id: str, user_id: int, role: UserRole) -> User:
    row = _row(session, company_id, user_id)
    row.role = UserRole(role).value
    session.flush()
    return _to_user(row)


def remove_user(session: Session, company_id: str, user_id: int) -> User:
    row = _row(session, company_id, user_id)
    user = _to_user(row)
    session.delete(row)
    session.flush()
    return user


def set_password_link(session: Session, company_id: str, user_id: int, link_hash: str, *,
                      clear_password: bool) -> User:
    """Make `link_hash` the one set-password link that works (older ones stop); `clear_password` also ends the
    current password (a reset: the account is closed until the link is used)."""
    row = _row(session, company_id, user_id)
    row.password_link_hash = link_hash
    if clear_password:
        row.password_hash = None
    session.flush()
    return _to_user(row)


def membership(session: Session, user_id: int) -> Membership | None:
    """A user with their company (a session's, a set-password link's); None when the user is gone."""
    if not 0 < user_id <= MAX_ID:
        return None
    found = session.execute(select(UserRow, CompanyRow.name).join(CompanyRow, CompanyRow.id == UserRow.company_id)
                            .where(UserRow.id == user_id)).first()
    return None if found is None else _membership(*found)


def link_hash_of(session: Session, user_id: int, *, for_update: bool = False) -> str | None:
    query = select(UserRow.password_link_hash).where(UserRow.id == user_id)
    return session.scalar(query.with_for_update() if for_update else query)


def use_password_link(session: Session, user_id: int, password: str) -> None:
    """Set the password and spend the link (the caller has checked the link against `link_hash_of`)."""
    row = session.get(UserRow, user_id)
    if row is None:
        raise NotFound("this user no longer exists")
    row.password_hash = passwords.hash_password(password)
    row.password_link_hash = None


def memberships(session: Session, email: str) -> list[Membership]:
    """Every company's user with this address (signing in checks the password against each), by company name."""
    query = (select(UserRow, CompanyRow.name).join(CompanyRow, CompanyRow.id == UserRow.company_id)
             .where(UserRow.email == normalise_email(email)).order_by(CompanyRow.name_key, UserRow.id))
    return [_membership(row, name) for row, name in session.execute(query)]


def rehash_if_needed(session: Session, user_id: int, password_hash: str, password: str) -> str:
    """After a right password: store a hash with today's parameters if this one is weaker; returns the hash
    stored now."""
    if not passwords.needs_rehash(password_hash):
        return password_hash
    row = session.get(UserRow, user_id)
    if row is None or row.password_hash != password_hash:
        return password_hash
    row.password_hash = passwords.hash_password(password)
    return row.password_hash


def _row(session: Session, company_id: str, user_id: int) -> UserRow:
    row = session.get(UserRow, user_id) if 0 < user_id <= MAX_ID else None
    if row is None or row.company_id != company_id:
        raise NotFound("no such user in this company")
    return row


def _find(session: Session, company_id: str, address: str) -> UserRow | None:
    query = select(UserRow).where(UserRow.company_id == company_id, UserRow.email == address)
    return session.scalar(query)


def _to_user(row: UserRow) -> User:
    return User(id=row.id, company_id=row.company_id, email=row.email, role=UserRole(row.role),
                has_password=row.password_hash is not None, link_pending=row.password_link_hash is not None,
                created_at=row.created_at)


def _membership(row: UserRow, company_name: str) -> Membership:
    return Membership(user_id=row.id, company_id=row.company_id, company_name=company_name, email=row.email,
                      role=UserRole(row.role), password_hash=row.password_hash)
