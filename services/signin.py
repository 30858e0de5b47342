"""Signing in to the console: e-mail and argon2 password, tries counted per e-mail (core/lockout.py), and the
companies an e-mail may enter when it belongs to several.

A session holds a user id and a stamp of that user's password hash: a new password (a reset, a set-password link)
ends every earlier session, a removed user has none, and the role is read afresh on every request.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from core.bootstrap import Services
from core.errors import Locked, LockoutUnavailable, SignInFailed, SignInLocked, SignInPaused
from core.lockout import Lockout
from store import passwords
from store.db import transaction
from store.enums import UserRole
from store.repositories import users

log = logging.getLogger(__name__)

# The lockout counts sign-in tries per e-mail across companies: one scope for all of them. Its per-address ceiling
# is therefore shared by every company, which core/lockout.py's own rule forbids for approvals: behind an office's
# NAT or a proxy, one person's typos would refuse every tenant's correct passwords for 15 minutes. OWASP's
# credential-stuffing guidance agrees: blocking an address is no primary defence (addresses are cheap to rotate),
# it should be a graduated response that spares legitimate users sharing the address. So the sign-in lockout
# (core/namespace.signin_lockout) lets an address past its ceiling still try an account with no wrong try counted,
# once: a colleague's right password opens their account, a wrong one makes that account failing too, and accounts
# that are failing stay refused from that address. The ceiling still stops the address from locking any further
# account (each gets one try, five lock it) and from going on guessing at the accounts it got wrong; the
# per-account lockout (five wrong tries lock an e-mail from everywhere) is unchanged.
SCOPE = "sign-in"


@dataclass(frozen=True, slots=True)
class Account:
    """A company an e-mail and password may enter: what the session keeps (`stamp`) and the picker shows."""

    user_id: int
    company_id: str
    company_name: str
    role: UserRole
    stamp: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class SignedInUser:
    """The user of a session, read afresh on each request."""

    id: int
    company_id: str
    company_name: str
    email: str
    role: UserRole

    @property
    def is_admin(self) -> bool:
        return self.role is UserRole.ADMIN


def sign_in(services: Services, lockout: Lockout, email: str, password: str, client: str) -> list[Account]:
    """The accounts (one per company, by company name) this e-mail and password open; raises SignInFailed (with
    the tries left), SignInLocked or SignInPaused. Several accounts: the person picks the company."""
    try:
        attempt = lockout.reserve(SCOPE, email, client)
    except Locked as locked:
        raise SignInLocked(locked.retry_after) from None
    except LockoutUnavailable:
        raise SignInPaused() from None
    accounts = _check(services, email, password)
    if not accounts:
        try:
            remaining = lockout.failed(attempt)
        except LockoutUnavailable:
            raise SignInPaused() from None
        if attempt.number == lockout.max_tries or attempt.client_number == lockout.client_max_tries:
            # Which client, not which e-mail: addresses stay out of the log.
            log.warning("signing in is locked for %s s (an e-mail address or client %s used up its tries)",
                        lockout.lock_seconds, client)
        raise SignInFailed(remaining, lockout.lock_seconds)
    lockout.succeeded(attempt)
    return accounts


def session_user(services: Services, user_id: int, stamp: str) -> SignedInUser | None:
    """The user a session names, if it still stands (the user exists and the password is the one signed in with)."""
    with transaction(services.session_factory) as session:
        found = users.membership(session, user_id)
    if found is None or found.password_hash is None or stamp_of(found.password_hash) != stamp:
        return None
    return SignedInUser(found.user_id, found.company_id, found.company_name, found.email, found.role)


def stamp_of(password_hash: str) -> str:
    """A short digest of the password hash: it changes with the password, and tells nothing about it."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:24]


def _check(services: Services, email: str, password: str) -> list[Account]:
    with transaction(services.session_factory) as session:
        found = [entry for entry in users.memberships(session, email) if entry.password_hash is not None]
        if not found:
            # Spend the same time as a real check, so the answer time does not reveal who exists.
            passwords.verify_password(passwords.dummy_hash(), password)
            return []
        # The session's stamp is of the hash stored after this sign-in (a weak one is replaced now).
        return [Account(entry.user_id, entry.company_id, entry.company_name, entry.role,
                        stamp_of(users.rehash_if_needed(session, entry.user_id, entry.password_hash, password)))
                for entry in found if passwords.verify_password(entry.password_hash, password)]
