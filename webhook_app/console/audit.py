"""The Audit log page: who applied what and when, each changed field before → after, filtered by stakeholder and by
change set, paged (another company's stakeholder or change set is 404)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from services import audit, changesets, stakeholders
from webhook_app.console import auth, listing
from webhook_app.context import services

bp = Blueprint("audit_pages", __name__, url_prefix="/console/audit")


@bp.get("")
@auth.signed_in
def audit_log():
    """The company's audit log, newest first, optionally one stakeholder's or one change set's entries."""
    user = auth.current_user()
    stakeholder_id, change_set_id = listing.number("stakeholder_id"), listing.number("change_set_id")
    person = stakeholders.get_stakeholder(services(), user.company_id, stakeholder_id) if stakeholder_id else None
    if change_set_id:
        changesets.overview(services(), change_set_id, user.company_id)
    page = audit.log_page(services(), user.company_id, cursor=request.args.get("cursor") or None,
                          limit=listing.PAGE_SIZE, stakeholder_id=stakeholder_id, change_set_id=change_set_id)
    return render_template("console/audit.html", company_name=user.company_name, lines=page.items, person=person,
                           change_set_id=change_set_id, filtered=bool(stakeholder_id or change_set_id),
                           typed_change_set=request.args.get("change_set_id", "")[:12],
                           pages=listing.pages("audit_pages.audit_log", page.next, stakeholder_id=stakeholder_id,
                                               change_set_id=change_set_id))
