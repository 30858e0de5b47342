"""The Change sets page: pending, applied and superseded change sets with their items counted per kind, and the
way from the console into a change set's approve page without an e-mailed link."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from services import changesets
from store.enums import ChangeSetStatus
from webhook_app.console import auth, listing
from webhook_app.context import link_signer, services
from webhook_app.labels import changeset_status_label

bp = Blueprint("changesets_pages", __name__, url_prefix="/console/changesets")

KINDS = ("create", "update", "link", "leaver", "review", "skip")


@bp.get("")
@auth.signed_in
def list_changesets():
    """The company's change sets, newest first, by status, paged."""
    user = auth.current_user()
    status = listing.choice("status", ChangeSetStatus)
    page = changesets.list_changesets(services(), user.company_id, cursor=request.args.get("cursor") or None,
                                      limit=listing.PAGE_SIZE, status=status)
    return render_template("console/changesets.html", company_name=user.company_name, changesets=page.items,
                           kinds=KINDS, status=status,
                           status_options=[("", "All")] + [(s.value, changeset_status_label(s))
                                                           for s in ChangeSetStatus],
                           pages=listing.pages("changesets_pages.list_changesets", page.next,
                                               status=status and status.value))


@bp.get("/<int:changeset_id>/open")
@auth.signed_in
def open_changeset(changeset_id: int):
    """The change set's approve page, through a link minted now for the signed-in user of its company (another
    company's change set is 404). Applying there still asks for the password."""
    user = auth.current_user()
    changesets.overview(services(), changeset_id, user.company_id)
    return redirect(url_for("approvals.preview", token=link_signer().token(changeset_id)), 303)
