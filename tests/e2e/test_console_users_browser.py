"""The console in a real browser: an admin signs in, adds an approver on the Users page, the invitation's link sets
the approver's password, and the approver signs in and is refused the Users page. Screenshots at 1280 and 390 px into
tests/artifacts (docs/screens has `make screens`' own)."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from store.db import transaction
from store.repositories import companies
from tests.outbox import last_link_to

ADMIN, ADMIN_PASSWORD = "cfo@acme.example", "correct horse battery staple"
CLERK, CLERK_PASSWORD = "clerk@acme.example", "the clerk chose this one"
WIDTHS = (1280, 390)
# What sticks out to the right of the page (to name it when the page scrolls sideways).
WIDE = """[...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth)
    .slice(0, 8).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))"""


def test_an_admin_invites_an_approver_who_cannot_open_users(live_app, browser_page: Page, artifacts):
    base_url, services = live_app
    with transaction(services.session_factory) as session:
        companies.create_company(session, "Acme GmbH", ADMIN, ADMIN_PASSWORD)
    page = browser_page
    problems: list[str] = []
    # A Content-Security-Policy violation shows up as a console error; the 401 and 403 answers are expected.
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" and not any(
        f"status of {status}" in message.text for status in (401, 403)) else None)

    page.goto(base_url + "/")
    expect(page).to_have_url(f"{base_url}/login")
    _screenshots(page, artifacts, "console-login")
    _sign_in(page, ADMIN, ADMIN_PASSWORD)
    expect(page.get_by_role("heading", name="Acme GmbH")).to_be_visible()

    page.get_by_role("navigation", name="Console").get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="Users", exact=True)).to_be_visible()
    page.get_by_label("E-mail").fill(CLERK)
    page.get_by_label("Role", exact=True).select_option("approver")
    page.get_by_role("button", name="Add and send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text(f"{CLERK} was added as approver")
    expect(page.get_by_label(f"Role of {CLERK}")).to_have_value("approver")
    _screenshots(page, artifacts, "console-users")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You are signed out")

    link = last_link_to(services.settings.instance_path, CLERK)
    page.goto(base_url + urlsplit(link).path)
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    page.get_by_label("New password").fill(CLERK_PASSWORD)
    page.get_by_label("The same password again").fill(CLERK_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password is set")

    _sign_in(page, CLERK, CLERK_PASSWORD)
    expect(page.get_by_text("Signed in as clerk@acme.example, an approver")).to_be_visible()
    expect(page.get_by_role("navigation", name="Console").get_by_role("link", name="Users")).to_have_count(0)
    answer = page.goto(base_url + "/console/users")
    assert answer.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    assert problems == []


def _sign_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _screenshots(page: Page, artifacts, name: str) -> None:
    """The page at each width: nothing may scroll sideways, and every input has a label."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px: {page.evaluate(WIDE)}"
        unlabelled = page.evaluate("""[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(el => !(el.labels && el.labels.length)).map(el => el.name)""")
        assert unlabelled == [], f"{name}: inputs without a label at {width}px: {unlabelled}"
        target = artifacts / f"{name}-{width}.png"
        page.screenshot(path=str(target), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
