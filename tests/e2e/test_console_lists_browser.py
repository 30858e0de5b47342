"""The console's list pages in a real browser (issue 15, pages 7–10): syncs, a sync, change sets, stakeholders, a
stakeholder and the audit log open from the navigation, filter from the keyboard, and never scroll the page sideways
at 390 px. Screenshots at 1280 and 390 px into tests/artifacts (docs/screens has `make screens`' own)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from core import errors
from services import stakeholders, users
from store.db import transaction
from store.repositories import sync_runs
from tests.approval_scenario import build_scenario
from tests.e2e.test_console_users_browser import ADMIN, ADMIN_PASSWORD, _screenshots, _sign_in


def _history(services, company_id: str) -> None:
    """Syncs of each kind (one failed with a long message, one running) and audit entries with long values."""
    with transaction(services.session_factory) as session:
        for trigger in ("cron", "webhook"):
            run = sync_runs.create_run(session, company_id, "bamboohr", "full", trigger=trigger)
            sync_runs.start_run(session, run.id)
            sync_runs.succeed_run(session, run.id, {"create": 120, "update": 14, "link": 3, "leaver": 2})
        failed = sync_runs.create_run(session, company_id, "bamboohr", "full", requested_by=ADMIN)
        sync_runs.start_run(session, failed.id)
        sync_runs.fail_run(session, failed.id, "BambooHR refused the API key (401 Unauthorized): the key was revoked "
                           "or belongs to another company domain", errors.ProviderAuthFailed.code)
        running = sync_runs.create_run(session, company_id, "bamboohr", "full", requested_by=ADMIN)
        sync_runs.start_run(session, running.id)
    stakeholders.create_stakeholder(services, company_id, {
        "first_name": "Maximiliane-Theodora", "last_name": "von Hohenzollern-Sigmaringen",
        "email": "maximiliane-theodora.von-hohenzollern-sigmaringen@subsidiary.acme.example",
        "street": "Sehr lange Straße mit einem besonders langen Namen 123", "city": "Garmisch-Partenkirchen"},
        actor=ADMIN, detail="typed in by hand")
    users.add_user(services, company_id, "clerk@acme.example", "approver", actor=ADMIN)


def test_the_list_pages_open_filter_and_fit_a_phone(live_app, browser_page: Page, artifacts):
    base_url, services = live_app
    scenario = build_scenario(services.session_factory, ADMIN, ADMIN_PASSWORD)
    _history(services, scenario.company_id)
    page = browser_page
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)

    page.goto(base_url + "/login")
    _sign_in(page, ADMIN, ADMIN_PASSWORD)
    nav = page.get_by_role("navigation", name="Console")

    nav.get_by_role("link", name="Syncs").click()
    expect(page.get_by_role("heading", name="Syncs", exact=True)).to_be_visible()
    expect(page.get_by_text("Check the credentials")).to_be_visible()
    _screenshots(page, artifacts, "console-syncs")
    page.get_by_label("Status").select_option("failed")
    page.get_by_label("Status").press("Tab")  # from the keyboard: on to "Started by", then to Show
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base_url}/console/syncs?status=failed&trigger=")
    page.get_by_role("row").nth(1).get_by_role("link").click()
    expect(page.get_by_role("alert")).to_contain_text("BambooHR refused the API key")
    _screenshots(page, artifacts, "console-sync")

    nav.get_by_role("link", name="Change sets").click()
    expect(page.get_by_role("heading", name="Change sets", exact=True)).to_be_visible()
    _screenshots(page, artifacts, "console-changesets")
    page.get_by_role("link", name=f"Review and approve change set {scenario.changeset_id}").click()
    expect(page.get_by_label("Password")).to_be_visible()  # the approve page, reached without an e-mailed link

    page.goto(base_url + "/console/stakeholders")
    search = page.get_by_label("Name")
    search.fill("hohenzollern")
    search.press("Enter")
    expect(page.get_by_role("link", name="Maximiliane-Theodora von Hohenzollern-Sigmaringen")).to_be_visible()
    page.goto(base_url + "/console/stakeholders")
    _screenshots(page, artifacts, "console-stakeholders")
    page.get_by_role("link", name="Maximiliane-Theodora von Hohenzollern-Sigmaringen").click()
    expect(page.get_by_text("typed in by hand")).to_be_visible()
    _screenshots(page, artifacts, "console-stakeholder")

    nav.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", name="Audit log", exact=True)).to_be_visible()
    expect(page.get_by_text("Added a user")).to_be_visible()
    _screenshots(page, artifacts, "console-audit")
    assert problems == []
