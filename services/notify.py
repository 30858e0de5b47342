"""Notifications (approve links; the invitations of services/users.py): e-mail over SMTP when SMTP_URL is set, else
the log and `instance/outbox/`.

The message carries the approve link and counts only: no credential, no employee data. The link
alone applies nothing (the approver re-enters their password), but it is still only sent to the
company's approvers.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from core.bootstrap import Services
from core.links import LinkSigner
from core.settings import Settings
from domain.changeset import ACTIONABLE_KINDS
from providers import provider_class
from store.db import transaction
from store.enums import ChangeSetStatus
from store.repositories import approvers, changeset_reads, companies, sync_runs

log = logging.getLogger(__name__)

SMTP_TIMEOUT = 20
# What `deliver` answers for a message handed to the mail server (otherwise: the outbox file's path).
SMTP = "smtp"


@dataclass(frozen=True, slots=True)
class ApprovalNotice:
    company_name: str
    provider_label: str
    changeset_id: int
    approve_url: str = field(repr=False)
    counts: dict[str, int]
    recipients: tuple[str, ...]
    expires_in_days: int


def notify_approvers(services: Services, signer: LinkSigner, changeset_id: int, sync_id: int) -> str:
    """Send the approve link of a pending change set to the company's approvers; returns where it went (or why
    nothing was sent: the change set's status, or "nobody")."""
    with transaction(services.session_factory) as session:
        run = sync_runs.get_run(session, sync_id)
        company = companies.get_company(session, run.company_id)
        recipients = tuple(approvers.approver_emails(session, run.company_id))
        changeset = changeset_reads.load_changeset(session, changeset_id, run.company_id, with_items=False)
        counts = changeset_reads.counts(session, changeset_id)
    if changeset.status is not ChangeSetStatus.PENDING:
        log.info("change set %s is %s: no notification", changeset_id, changeset.status.value)
        return changeset.status.value
    if not recipients:
        log.warning("change set %s: company %s has no approver to notify", changeset_id, run.company_id)
        return "nobody"
    settings = services.settings
    notice = ApprovalNotice(
        company_name=company.name, provider_label=provider_class(run.provider).label, changeset_id=changeset_id,
        approve_url=signer.url(changeset_id),
        counts={kind: count for kind, count in counts.items() if kind in ACTIONABLE_KINDS},
        recipients=recipients, expires_in_days=max(1, settings.approve_link_max_age // 86400))
    return send(settings, notice)


def build_message(notice: ApprovalNotice, sender: str) -> EmailMessage:
    total = sum(notice.counts.values())
    message = EmailMessage()
    message["Subject"] = (f"hrsync: {total} change{'s' if total != 1 else ''} from {notice.provider_label} "
                          f"await approval ({notice.company_name})")
    message["From"] = sender
    message["To"] = ", ".join(notice.recipients)
    message["Date"] = format_datetime(dt.datetime.now(dt.timezone.utc))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    lines = [f"{notice.provider_label} reported changes for {notice.company_name}.", "",
             *(f"  {kind}: {count}" for kind, count in notice.counts.items() if count), "",
             "Review and apply them here (you will be asked for your password):", notice.approve_url, "",
             f"The link is valid for {notice.expires_in_days} days; a newer sync replaces it."]
    message.set_content("\n".join(lines) + "\n")
    return message


def send(settings: Settings, notice: ApprovalNotice) -> str:
    """Deliver the notice; returns where it went ("smtp" or the outbox file)."""
    message = build_message(notice, sender(settings))
    where = deliver(settings, message, f"changeset-{notice.changeset_id}")
    if where == SMTP:
        log.info("change set %s: approve link mailed to %d approver(s)", notice.changeset_id,
                 len(notice.recipients))
    else:
        # No mail server configured: the log line is how a developer finds the link.
        log.info("change set %s: approve link for %s: %s (also in %s)", notice.changeset_id,
                 ", ".join(notice.recipients), notice.approve_url, where)
    return where


def deliver(settings: Settings, message: EmailMessage, name: str) -> str:
    """Send over SMTP when mail is configured (returns SMTP), else write `<time>-<name>.eml` to the outbox (returns
    its path)."""
    if mail_configured(settings):
        _send_smtp(settings.smtp_url, message)
        return SMTP
    return str(_write_outbox(outbox_folder(settings), message, name))


def mail_configured(settings: Settings) -> bool:
    """Whether e-mail leaves the machine (SMTP_URL is set); otherwise it goes to the development outbox."""
    return bool(settings.smtp_url)


def outbox_folder(settings: Settings) -> Path:
    """Where e-mails go while mail is not configured (one .eml file each)."""
    return settings.instance_path / "outbox"


def sender(settings: Settings) -> str:
    """The From address: `?from=` of SMTP_URL, else hrsync@ the public host."""
    if settings.smtp_url:
        sender = parse_qs(urlsplit(settings.smtp_url).query).get("from")
        if sender:
            return sender[0]
    host = urlsplit(settings.public_base_url).hostname or "localhost"
    return f"hrsync@{host}"


def _send_smtp(url: str, message: EmailMessage) -> None:
    """`smtp://user:password@host:587` (STARTTLS when offered) or `smtps://…:465` (TLS from the start)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("SMTP_URL must look like smtp://user:password@host:587 or smtps://…")
    context = ssl.create_default_context()
    if parts.scheme == "smtps":
        client = smtplib.SMTP_SSL(parts.hostname, parts.port or 465, timeout=SMTP_TIMEOUT, context=context)
    else:
        client = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=SMTP_TIMEOUT)
    with client:
        if parts.scheme == "smtp":
            client.ehlo()
            if client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)


def _write_outbox(outbox: Path, message: EmailMessage, name: str) -> Path:
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    path = outbox / f"{stamp}-{name}.eml"
    path.write_bytes(bytes(message))
    return path
