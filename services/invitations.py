"""The set-password e-mail: an invitation for a new user, or a reset; through the notify mechanism (SMTP, else the
outbox). It carries the link and who sent it, never a password."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from core.settings import Settings
from services import notify
from store.enums import UserRole

log = logging.getLogger(__name__)

ROLE_WORDS = {UserRole.ADMIN: "an admin (settings, syncs, users and approving)",
              UserRole.APPROVER: "an approver (viewing and approving changes)"}


@dataclass(frozen=True, slots=True)
class PasswordMail:
    user_id: int
    email: str
    company_name: str
    role: UserRole
    sent_by: str
    url: str = field(repr=False)
    valid_days: int
    reset: bool = False


def build_message(mail: PasswordMail, sender: str, sign_in_url: str) -> EmailMessage:
    message = EmailMessage()
    if mail.reset:
        message["Subject"] = f"hrsync: set a new password ({mail.company_name})"
        opening = [f"{mail.sent_by} reset your hrsync password for {mail.company_name}.",
                   "Your old password no longer works. Choose a new one here:"]
    else:
        message["Subject"] = f"hrsync: you are invited to {mail.company_name}"
        opening = [f"{mail.sent_by} added you to {mail.company_name} on hrsync as {ROLE_WORDS[mail.role]}.",
                   "Choose your password here:"]
    message["From"] = sender
    message["To"] = mail.email
    message["Date"] = format_datetime(dt.datetime.now(dt.timezone.utc))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    days = f"{mail.valid_days} day{'s' if mail.valid_days != 1 else ''}"
    lines = [*opening, mail.url, "",
             f"The link works once, for {days}. Then sign in at {sign_in_url} with {mail.email}.",
             "If you did not expect this e-mail, you can ignore it."]
    message.set_content("\n".join(lines) + "\n")
    return message


def send(settings: Settings, mail: PasswordMail) -> str:
    """Deliver it; returns where it went ("smtp" or the outbox file)."""
    sign_in_url = f"{settings.public_base_url.rstrip('/')}/login"
    message = build_message(mail, notify.sender(settings), sign_in_url)
    where = notify.deliver(settings, message, f"user-{mail.user_id}")
    # Where it went, not the link: the link sets a password.
    log.info("set-password e-mail for user %s of %s: %s", mail.user_id, mail.company_name, where)
    return where
