"""The Audit log page: who applied what and when, each changed field before → after, filtered by stakeholder and by
change set, paged (another company's stakeholder or change set is 404).

The stakeholder filter is a name typed on the page, resolved on the server (no script): one match filters at once,
several are offered in a list to choose from."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, request

from domain.stakeholder import Stakeholder
from services import audit, changesets, stakeholders
from webhook_app.console import auth, listing
from webhook_app.context import services

bp = Blueprint("audit_pages", __name__, url_prefix="/console/audit")

# How many stakeholders a typed name offers to choose from (a longer name narrows it).
MATCHES = 20
MAX_NAME = 100


@dataclass(frozen=True)
class NameLookup:
    """What a typed name found: `chosen` the one stakeholder it names, else `matches` to choose from (`more`: not
    all of them are listed)."""

    typed: str
    chosen: Stakeholder | None = None
    matches: tuple[Stakeholder, ...] = ()
    more: bool = False


@bp.get("")
@auth.signed_in
def audit_log():
    """The company's audit log, newest first, optionally one stakeholder's or one change set's entries."""
    user = auth.current_user()
    change_set_id = listing.number("change_set_id")
    typed = " ".join(request.args.get("stakeholder", "").split())[:MAX_NAME]
    lookup = _look_up(user.company_id, typed) if typed else None
    if lookup is not None:
        person = lookup.chosen
    else:
        stakeholder_id = listing.number("stakeholder_id")
        person = stakeholders.get_stakeholder(services(), user.company_id, stakeholder_id) if stakeholder_id else None
    if change_set_id:
        changesets.overview(services(), change_set_id, user.company_id)
    choosing = lookup is not None and person is None
    page = None if choosing else audit.log_page(
        services(), user.company_id, cursor=request.args.get("cursor") or None, limit=listing.PAGE_SIZE,
        stakeholder_id=person.id if person else None, change_set_id=change_set_id)
    return render_template("console/audit.html", company_name=user.company_name,
                           lines=page.items if page else [], person=person, lookup=lookup, choosing=choosing,
                           match_options=[(match.id, _described(match)) for match in lookup.matches] if lookup else [],
                           change_set_id=change_set_id, filtered=bool(person or change_set_id or lookup),
                           typed_change_set=request.args.get("change_set_id", "")[:12],
                           pages=listing.pages("audit_pages.audit_log", page.next if page else None,
                                               stakeholder_id=person.id if person else None,
                                               change_set_id=change_set_id))


def _look_up(company_id: str, typed: str) -> NameLookup:
    """The stakeholders whose name contains `typed` (without case); the one named exactly so, or the only one."""
    found = stakeholders.search(services(), company_id, query=typed, limit=MATCHES + 1).items
    exact = [person for person in found if person.name.casefold() == typed.casefold()]
    if len(found) == 1 or len(exact) == 1:
        return NameLookup(typed, chosen=(exact or found)[0])
    return NameLookup(typed, matches=tuple(found[:MATCHES]), more=len(found) > MATCHES)


def _described(person: Stakeholder) -> str:
    """A stakeholder as the list of matches names them: two people of the same name differ by group or number."""
    return f"{person.name} · {person.group or 'no group'} · #{person.id}"
