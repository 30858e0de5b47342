"""Which pages the screenshots show: every navigation entry that is registered (a page another branch adds to
`nav.NAV` appears once its blueprint does), the detail pages reached from them, the sign-in page, the set-password
page and the company picker.

`tests/unit/webhook_app/test_screens_cover_the_console.py` checks that every page the app serves is here or named in
NOT_SHOWN with the reason, so a new page without a screenshot fails there."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

from flask import Flask, url_for

from webhook_app.console import nav

# Pictures of pages reached from the navigation: (name, endpoint, its URL's arguments from the company's ids).
DETAILS = (
    ("console-sync", "syncs_pages.sync_detail", lambda ids: {"sync_id": ids.sync_id}),
    ("console-sync-failed", "syncs_pages.sync_detail", lambda ids: {"sync_id": ids.failed_sync_id}),
    ("console-changeset-replaced", "changesets_pages.changeset",
     lambda ids: {"changeset_id": ids.replaced_changeset_id}),
    ("console-stakeholder", "stakeholders_pages.stakeholder", lambda ids: {"stakeholder_id": ids.stakeholder_id}),
    ("console-user-reset", "users.reset_password", lambda ids: {"user_id": ids.approver_id}),
)
# Pictures of what a page's button leads to: (name, endpoint, the button).
PRESSED = (
    ("console-fields-loaded", "integration_pages.fields", "Load fields"),
)
# Served pages that get no picture of their own, each with why.
NOT_SHOWN = {
    "console.index": "redirects to the overview or the sign-in page",
    "changesets_pages.open_changeset": "redirects to the approve page, which is shown (approve-overview)",
    "approvals.applying": "the progress while applying: tests/e2e/test_first_import_browser.py shows it",
    "approvals.progress": "JSON read by the applying page",
    "syncs_pages.sync_progress": "JSON read by a running sync's page (console-sync.js); the running page itself: "
                                 "tests/e2e/test_sync_now_browser.py (docs/screens/console-sync-running-*.png)",
    "users.remove_user": "the same confirmation page as resetting a password (console-user-reset)",
}
# Not pages: machine endpoints, the JSON API, files.
MACHINE = re.compile(r"^(api_|[a-z_]*_api\.|health\.|metrics\.|openapi\.|cron\.|webhooks\.)|(^|\.)static$")


@dataclass(frozen=True)
class Shot:
    """One picture: `name` (the file is NAME-WIDTH.png), the page's `endpoint` and URL arguments, who looks."""

    name: str
    endpoint: str
    role: str = "admin"  # admin, approver, several (a user of several companies, at the picker) or nobody
    args: Mapping[str, int | str] = field(default_factory=dict)
    # The approve page is reached through the console's link (a token minted for the signed-in user).
    via: str | None = None
    # A button to press on the page first (the picture is of what it leads to).
    press: str | None = None


def slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def shots(app: Flask, ids=None) -> list[Shot]:
    """Every picture to take for `app` as it is registered; `ids` (company.Ids) fills the detail pages' URLs (None:
    placeholders, for checking the list)."""
    registered = app.view_functions
    found = [Shot("console-login", "signin.login", role="nobody"),
             # The first page an invited user sees: the invitation's link.
             Shot("console-set-password", "signin.set_password", role="nobody",
                  args={"token": ids.invitation_token} if ids else {}),
             Shot("console-pick-company", "signin.pick_company", role="several")]
    found += [Shot(f"console-{slug(item.label)}", item.endpoint) for item in nav.NAV
              if item.endpoint in registered]
    found.append(Shot("console-overview-approver", "console.home", role="approver"))
    for name, endpoint, args in DETAILS:
        if endpoint in registered:
            found.append(Shot(name, endpoint, args=args(ids) if ids else {}))
    found += [Shot(name, endpoint, press=button) for name, endpoint, button in PRESSED if endpoint in registered]
    found.append(Shot("approve-overview", "approvals.preview", via="changesets_pages.open_changeset"))
    return found


def path(app: Flask, shot: Shot, ids) -> str:
    """The URL path to open for `shot` (for the approve page: the console's link to it)."""
    with app.test_request_context():
        if shot.via:
            return url_for(shot.via, changeset_id=ids.changeset_id)
        return url_for(shot.endpoint, **shot.args)


def unshown(app: Flask, ids=None) -> set[str]:
    """The pages `app` serves that have neither a picture nor a reason in NOT_SHOWN."""
    return pages(app) - {shot.endpoint for shot in shots(app, ids)} - set(NOT_SHOWN)


def pages(app: Flask) -> set[str]:
    """The endpoints of every HTML page `app` serves (GET, not a machine endpoint)."""
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not MACHINE.search(rule.endpoint)}
