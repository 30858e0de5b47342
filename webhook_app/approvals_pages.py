"""The approval pages that are not the preview: what became of a change set that is no longer pending."""

from __future__ import annotations

from flask import Response, url_for

from core.links import Link
from services import changesets
from services.changesets import StoredChangeSet
from store.enums import ChangeSetStatus
from webhook_app.context import link_signer, services
from webhook_app.errors import message_page
from webhook_app.labels import when


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


def _superseded(stored: StoredChangeSet, link: Link, conflict: bool) -> Response:
    newest = changesets.newest(services(), stored)
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
