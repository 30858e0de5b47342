"""The Stakeholders pages: the registry searched by name, filtered by group and linked / unlinked, paged; one
stakeholder with its fields and its audit history."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from services import audit, stakeholders
from webhook_app.console import auth, listing
from webhook_app.context import services

bp = Blueprint("stakeholders_pages", __name__, url_prefix="/console/stakeholders")

LINKED = {"linked": True, "unlinked": False}
LINKED_OPTIONS = [("", "All"), ("linked", "Linked to the HR system"), ("unlinked", "Not linked")]
# The fields a stakeholder's page lists, in the registry's order.
SHOWN = ("first_name", "last_name", "unique_identifier", "email", "group", "street", "postal_code", "city",
         "country", "birth_date", "nationality", "phone")


@bp.get("")
@auth.signed_in
def list_stakeholders():
    """The registry in name order: searched by name, by group, linked or not, 25 a page."""
    user = auth.current_user()
    query = request.args.get("q", "").strip()[:200]
    groups = [entry.group for entry in stakeholders.groups(services(), user.company_id) if entry.group]
    group = request.args.get("group", "")
    group = group if group in groups else ""
    linked = request.args.get("linked", "")
    linked = linked if linked in LINKED else ""
    page = stakeholders.search(services(), user.company_id, query=query or None, group=group or None,
                               linked=LINKED.get(linked), cursor=request.args.get("cursor") or None,
                               limit=listing.PAGE_SIZE)
    return render_template("console/stakeholders.html", company_name=user.company_name, people=page.items,
                           query=query, group=group, linked=linked, filtered=bool(query or group or linked),
                           group_options=[("", "All")] + [(name, name) for name in groups],
                           linked_options=LINKED_OPTIONS,
                           pages=listing.pages("stakeholders_pages.list_stakeholders", page.next, q=query,
                                               group=group, linked=linked))


@bp.get("/<int:stakeholder_id>")
@auth.signed_in
def stakeholder(stakeholder_id: int):
    """One stakeholder (another company's is 404) with its audit history, newest first, paged."""
    user = auth.current_user()
    person = stakeholders.get_stakeholder(services(), user.company_id, stakeholder_id)
    history = audit.log_page(services(), user.company_id, stakeholder_id=stakeholder_id,
                             cursor=request.args.get("cursor") or None, limit=listing.PAGE_SIZE)
    return render_template("console/stakeholder.html", company_name=user.company_name, person=person,
                           fields=[(name, getattr(person, name)) for name in SHOWN], history=history.items,
                           pages=listing.pages("stakeholders_pages.stakeholder", history.next,
                                               stakeholder_id=stakeholder_id))
