"""The Change sets page: pending, applied and superseded change sets with their items counted per kind, and the
way from the console into a change set's approve page without an e-mailed link (or, for one that was replaced or
expired and can no longer be applied, into its items read-only)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from services import changesets
from services.approval_choices import Choices
from store.enums import ChangeSetStatus
from webhook_app.approvals_view import Where, build_preview
from webhook_app.console import auth, listing
from webhook_app.context import link_signer, services
from webhook_app.labels import changeset_status_label

bp = Blueprint("changesets_pages", __name__, url_prefix="/console/changesets")

KINDS = ("create", "update", "link", "leaver", "review", "skip")
# Change sets that can no longer be applied: the console shows their items read-only (the approve page only says
# what became of them).
READ_ONLY = frozenset({ChangeSetStatus.SUPERSEDED, ChangeSetStatus.EXPIRED})


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
    found = changesets.overview(services(), changeset_id, user.company_id)
    if found.changeset.status in READ_ONLY:
        return redirect(url_for("changesets_pages.changeset", changeset_id=changeset_id), 303)
    return redirect(url_for("approvals.preview", token=link_signer().token(changeset_id)), 303)


@bp.get("/<int:changeset_id>")
@auth.signed_in
def changeset(changeset_id: int):
    """A replaced or expired change set's items, read-only, a page per kind (the same tables as the approve page,
    without its boxes); with the newer change set that replaced it. A pending or applied one is its approve page."""
    user = auth.current_user()
    found = changesets.overview(services(), changeset_id, user.company_id)
    if found.changeset.status not in READ_ONLY:
        return redirect(url_for("changesets_pages.open_changeset", changeset_id=changeset_id), 303)
    where = Where.of(request.args)
    if where.kind is None:
        pages_of = changesets.first_pages(services(), found, search=where.search, limit=where.rows)
    elif found.counts.get(where.kind.value):
        pages_of = {where.kind: changesets.items_page(services(), found.changeset, where.kind, search=where.search,
                                                      offset=(where.page - 1) * where.rows, limit=where.rows)}
    else:
        pages_of = {}
    newest = changesets.newest(services(), found.changeset)
    return render_template("console/changeset.html", company_name=user.company_name,
                           preview=build_preview(found, where, pages_of, Choices()), where=where,
                           newest=newest if newest.id != changeset_id else None,
                           here=url_for("changesets_pages.changeset", changeset_id=changeset_id))
