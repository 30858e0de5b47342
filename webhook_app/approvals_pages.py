"""The approval pages that are not the preview: bad or expired links, applied, superseded, locked."""

from __future__ import annotations

import datetime as dt

from flask import Response, render_template, url_for

from core.errors import minutes
from core.links import Link
from core.lockout import LOCK_SECONDS
from store.db import transaction
from store.enums import ChangeSetStatus
from store.repositories.changeset_reads import StoredChangeSet, load_changeset
from webhook_app.context import link_signer, services

# Bounds the walk along superseded_by (a chain is short; this only guards against a cycle).
MAX_CHAIN = 100


def message_page(title: str, message: str, status: int, *, link: tuple[str, str] | None = None) -> Response:
    """A page with a title, a paragraph and optionally one link (text, href)."""
    html = render_template("approvals_message.html", title=title, message=message, link=link)
    return Response(html, status=status, mimetype="text/html")


def invalid_link_page() -> Response:
    return message_page("This link is not valid",
                        "The approve link is incomplete or was changed. Open it again from the e-mail you "
                        "received; if it still fails, ask for a new sync.", 404)


def expired_link_page() -> Response:
    days = max(1, link_signer().max_age // 86400)
    return message_page("This link has expired",
                        f"Approve links are valid for {days} day{'s' if days != 1 else ''}. The next sync sends "
                        "a new link to the approvers.", 410)


def status_page(stored: StoredChangeSet, link: Link, *, conflict: bool = False) -> Response:
    """What became of a change set that is no longer pending (409 when the visitor tried to apply it)."""
    if stored.status is ChangeSetStatus.APPLIED:
        return message_page("Already applied", f"{applied_text(stored)} Nothing more to do here.",
                            409 if conflict else 200)
    if stored.status is ChangeSetStatus.SUPERSEDED:
        return _superseded(stored, link, conflict)
    return message_page("This change set has expired",
                        "It was not applied in time. The next sync proposes the changes again.", 410)


def applied_text(stored: StoredChangeSet) -> str:
    return f"These changes were applied on {when(stored.applied_at)} by {stored.applied_by}."


def when(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%d %B %Y at %H:%M UTC") if moment else "an unknown date"


def wrong_password_text(remaining: int) -> str:
    if remaining <= 0:
        return (f"The e-mail address or password is not right. Approving is now locked for "
                f"{minutes(LOCK_SECONDS)}.")
    tries = "one more try" if remaining == 1 else f"{remaining} more tries"
    return f"The e-mail address or password is not right. You have {tries} before approving is locked for a while."


def locked_page(retry_after: int) -> Response:
    response = message_page("Approving is locked for now",
                            f"Too many wrong passwords were entered. Try again in {minutes(retry_after)}; if you "
                            "have forgotten your password, ask another approver or your hrsync administrator.",
                            423)
    response.headers["Retry-After"] = str(retry_after)
    return response


def paused_page() -> Response:
    """Redis is away: password tries cannot be counted, so nobody may try one."""
    response = message_page("Approving is paused for a moment",
                            "Try again in a minute: nothing was applied, and your choices are still on the previous "
                            "page if you go back.", 503)
    response.headers["Retry-After"] = "60"
    return response


def registry_conflict_page(back: str) -> Response:
    return message_page("Nothing was applied",
                        "Someone changed the registry while these changes were being applied, so none of them were "
                        "applied. Open the change set again and apply it once more.", 409,
                        link=("Back to the change set", back))


def _superseded(stored: StoredChangeSet, link: Link, conflict: bool) -> Response:
    newest = _newest(stored)
    status = 409 if conflict else 200
    if newest.status is ChangeSetStatus.PENDING:
        # The link handed on expires with the one it replaces: an old (perhaps leaked) link never renews itself.
        href = url_for("approvals.preview", token=link_signer().token(newest.id, issued_at=link.issued_at))
        return message_page("A newer change set replaces this one",
                            "A later sync found more changes and replaced this change set. Review the newest one "
                            "instead.", status, link=("Open the newest change set", href))
    if newest.status is ChangeSetStatus.APPLIED:
        return message_page("A newer change set was applied",
                            f"A later sync replaced this change set. {applied_text(newest)}", status)
    return message_page("This change set was replaced",
                        "A later sync replaced it, and that one is no longer pending either. The next sync sends "
                        "a new link to the approvers.", status)


def _newest(stored: StoredChangeSet) -> StoredChangeSet:
    current, seen = stored, {stored.id}
    with transaction(services().session_factory) as session:
        while current.status is ChangeSetStatus.SUPERSEDED and current.superseded_by not in (None, *seen):
            if len(seen) > MAX_CHAIN:
                break
            current = load_changeset(session, current.superseded_by, with_items=False)
            seen.add(current.id)
    return current
