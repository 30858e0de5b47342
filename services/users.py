"""A company's users: list, add (with an invitation), change a role, remove, reset a password, and set one from a
link. The last admin, and the only admin who can sign in, can be neither removed nor demoted; `actor` (who does it)
goes into the audit log."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field

from core.bootstrap import Services
from core.errors import DuplicateUser, InvalidField, InvalidPasswordLink, LastAdmin, NotFound, UsedPasswordLink
from core.password_links import PasswordLinkSigner
from services import invitations, notify
from services.companies import MIN_PASSWORD
from store.db import transaction
from store.enums import UserRole
from store.errors import DuplicateUser as StoreDuplicate, InvalidSetting
from store.errors import NotFound as NoRow
from store.repositories import audit, companies, users
from store.repositories.audit import AuditEntry
from store.repositories.users import User

__all__ = ["Invitation", "LinkHolder", "MIN_PASSWORD", "User", "UserRole", "add_user", "change_role", "find_user", "get_user",
           "list_users", "mail_configured", "open_password_link", "parse_role", "remove_user", "reset_password",
           "set_password_from_link"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Invitation:
    """A user with a fresh set-password link; `delivered`: "smtp", the outbox file, or None (not sent: `url` is
    the only copy)."""

    user: User
    url: str = field(repr=False)
    delivered: str | None

    @property
    def mailed(self) -> bool:
        """Handed to the mail server."""
        return self.delivered == notify.SMTP

    @property
    def outbox_file(self) -> str | None:
        """The development outbox file the e-mail was written to because mail is not configured (None: mailed, or
        not sent at all)."""
        return None if self.delivered is None or self.mailed else self.delivered


@dataclass(frozen=True, slots=True)
class LinkHolder:
    user_id: int
    email: str
    company_name: str


def parse_role(text: str) -> UserRole:
    try:
        return UserRole(text)
    except ValueError:
        allowed = " or ".join(role.value for role in UserRole)
        raise InvalidField("role", f"choose a role: {allowed}") from None


def mail_configured(services: Services) -> bool:
    """Whether invitations and resets are e-mailed; otherwise they are written to the development outbox."""
    return notify.mail_configured(services.settings)


def list_users(services: Services, company_id: str) -> list[User]:
    """The company's users by e-mail."""
    with transaction(services.session_factory) as session:
        return users.list_users(session, company_id)


def get_user(services: Services, company_id: str, user_id: int) -> User:
    """One of the company's users; NotFound for another company's (or none)."""
    with transaction(services.session_factory) as session:
        try:
            return users.get_user(session, company_id, user_id)
        except NoRow:
            raise NotFound("there is no such user in this company") from None


def find_user(services: Services, company_id: str, email: str) -> User:
    """The company's user with this e-mail (case does not count); NotFound otherwise."""
    with transaction(services.session_factory) as session:
        user = users.find_user(session, company_id, email)
    if user is None:
        raise NotFound(f"{users.normalise_email(email)} is not a user of this company")
    return user


def add_user(services: Services, company_id: str, email: str, role: str, *, actor: str,
             links: PasswordLinkSigner | None = None) -> Invitation:
    """A new user without a password, and the e-mail with the link that sets it."""
    role = parse_role(role)
    address = _email(email)
    links = links or PasswordLinkSigner.for_settings(services.settings)
    with transaction(services.session_factory) as session:
        users.lock_company_users(session, company_id)
        try:
            user = users.add_user(session, company_id, address, role)
        except StoreDuplicate as duplicate:
            raise DuplicateUser(str(duplicate)) from None
        issued = links.issue(user.id)
        user = users.set_password_link(session, company_id, user.id, issued.nonce_hash, clear_password=False)
        _audit(session, company_id, actor, "add_user", f"{address} added as {role.value}")
        company_name = companies.get_company(session, company_id).name
    return Invitation(user, issued.url, _send(services, user, company_name, actor, issued.url, reset=False))


def change_role(services: Services, company_id: str, user_id: int, role: str, *, actor: str) -> User:
    """Make a user an admin or an approver; refuses to demote the last admin who can sign in."""
    role = parse_role(role)
    with transaction(services.session_factory) as session:
        admins = users.lock_company_users(session, company_id)
        user = users.get_user(session, company_id, user_id)
        if user.role is role:
            return user
        _keep_an_admin(user, admins, "made an approver")
        changed = users.set_role(session, company_id, user_id, role)
        _audit(session, company_id, actor, "change_role", f"{user.email}: {user.role.value} → {role.value}")
        return changed


def remove_user(services: Services, company_id: str, user_id: int, *, actor: str) -> User:
    """Remove a user (their sessions end with them); refuses to remove the last admin who can sign in."""
    with transaction(services.session_factory) as session:
        admins = users.lock_company_users(session, company_id)
        user = users.get_user(session, company_id, user_id)
        _keep_an_admin(user, admins, "removed")
        users.remove_user(session, company_id, user_id)
        _audit(session, company_id, actor, "remove_user", f"{user.email} ({user.role.value}) removed")
        return user


def _keep_an_admin(user: User, admins: users.AdminCount, done: str) -> None:
    """Refuse to take away the company's last admin, or its last admin who can sign in: admins who were invited
    and never set a password cannot sign in, so counting them would let a company lock itself out of its
    settings and users until an invitation e-mail (perhaps never configured) is answered."""
    if user.role is not UserRole.ADMIN:
        return
    if admins.admins <= 1:
        raise LastAdmin(f"a company needs at least one admin: make another user an admin before this one is {done}")
    if user.has_password and admins.active <= 1:
        raise LastAdmin(f"a company needs an admin who can sign in: {user.email} is the only admin who can sign in "
                        "(the other admins have not set a password from their invitation yet); once one of them "
                        f"has, this one can be {done}")


def reset_password(services: Services, company_id: str, user_id: int, *, actor: str,
                   links: PasswordLinkSigner | None = None) -> Invitation:
    """End the user's password (and with it their sessions) and e-mail them a link to set a new one."""
    links = links or PasswordLinkSigner.for_settings(services.settings)
    with transaction(services.session_factory) as session:
        users.lock_company_users(session, company_id)
        issued = links.issue(user_id)
        user = users.set_password_link(session, company_id, user_id, issued.nonce_hash, clear_password=True)
        _audit(session, company_id, actor, "reset_password", f"password of {user.email} reset")
        company_name = companies.get_company(session, company_id).name
    return Invitation(user, issued.url, _send(services, user, company_name, actor, issued.url, reset=True))


def open_password_link(services: Services, token: str, links: PasswordLinkSigner | None = None) -> LinkHolder:
    """Who a set-password link is for; raises InvalidPasswordLink, ExpiredPasswordLink or UsedPasswordLink."""
    link = (links or PasswordLinkSigner.for_settings(services.settings)).read(token)
    with transaction(services.session_factory) as session:
        holder = users.membership(session, link.user_id)
        if holder is None:
            raise InvalidPasswordLink("this user was removed from the company")
        if not link.matches(users.link_hash_of(session, link.user_id)):
            raise UsedPasswordLink()
    return LinkHolder(holder.user_id, holder.email, holder.company_name)


def set_password_from_link(services: Services, token: str, password: str, confirm: str,
                           links: PasswordLinkSigner | None = None) -> LinkHolder:
    """Set the password a link allows (once); refuses a short password or a confirmation that differs."""
    link = (links or PasswordLinkSigner.for_settings(services.settings)).read(token)
    if len(password) < MIN_PASSWORD:
        raise InvalidField("password", f"a password needs at least {MIN_PASSWORD} characters")
    if password != confirm:
        raise InvalidField("confirm", "the two passwords are not the same")
    with transaction(services.session_factory) as session:
        holder = users.membership(session, link.user_id)
        if holder is None:
            raise InvalidPasswordLink("this user was removed from the company")
        # Locked: two submissions of one link race; the second finds it spent.
        if not link.matches(users.link_hash_of(session, link.user_id, for_update=True)):
            raise UsedPasswordLink()
        users.use_password_link(session, link.user_id, password)
        _audit(session, holder.company_id, holder.email, "set_password", f"{holder.email} set a password")
    return LinkHolder(holder.user_id, holder.email, holder.company_name)


def _email(text: str) -> str:
    try:
        return users.checked_email(text)
    except InvalidSetting as refused:
        raise InvalidField("email", str(refused)) from None


def _audit(session, company_id: str, actor: str, action: str, detail: str) -> None:
    audit.append(session, company_id, AuditEntry(actor=actor[:320], action=action, detail=detail))


def _send(services: Services, user: User, company_name: str, actor: str, url: str, *, reset: bool) -> str | None:
    settings = services.settings
    mail = invitations.PasswordMail(user.id, user.email, company_name, user.role, actor, url,
                                    max(1, PasswordLinkSigner.for_settings(settings).max_age // 86400), reset)
    try:
        return invitations.send(settings, mail)
    except (OSError, smtplib.SMTPException, ValueError) as error:
        # The user and the link exist: the admin is told, and "Reset password" sends a new link.
        log.warning("the set-password e-mail for user %s could not be sent: %s", user.id, type(error).__name__)
        return None
