"""Pages at a phone's width (issue 14 item 5): at 390 px the approve page never scrolls sideways; a wide table
scrolls inside its card instead. At 1280 px nothing scrolls. A phone's overview shows the first rows of each kind."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from core.links import LinkSigner
from domain.employee import Employee, EmploymentStatus
from tests.approval_scenario import build_scenario
from tests.e2e.test_console_users_browser import _sign_in
from tests.first_import import first_import

EMAIL, PASSWORD = "cfo@acme.example", "correct horse battery staple"
# A long name and e-mail make the new stakeholders' table wider than a phone.
LONG = Employee("7", "E-7", "Maximiliane-Theodora", "Von Hohenzollern-Sigmaringen",
                email="maximiliane.von.hohenzollern@acme-international.example", city="Sankt Gallen",
                hire_date=dt.date(2021, 2, 1), status=EmploymentStatus.ACTIVE)
WIDE_TABLES = "Array.from(document.querySelectorAll('.table-scroll')).filter(box => box.scrollWidth > box.clientWidth)"


@pytest.mark.parametrize("width", [390, 1280])
def test_the_approve_page_fits_the_screen_and_wide_tables_scroll_in_their_card(live_app, browser_page: Page, width):
    base_url, services = live_app
    scenario = build_scenario(services.session_factory, EMAIL, PASSWORD, extra=(LONG,))
    signer = LinkSigner(services.settings.secret_key, services.settings.approve_link_max_age, base_url)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(signer.url(scenario.changeset_id))

    assert page.evaluate("document.documentElement.scrollWidth") == width  # the page itself never scrolls sideways
    scrolling = page.evaluate(f"{WIDE_TABLES}.map(box => box.closest('.card').id)")
    if width == 390:
        assert "create" in scrolling  # …the wide table does, inside its card
    else:
        assert scrolling == []
    for url in (f"{base_url}/nowhere", f"{base_url}/approvals/not-a-link"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") == width


def test_the_overview_shows_a_phone_the_first_rows_of_each_kind_and_the_way_to_all(live_app, browser_page: Page):
    """25 rows of every kind made the overview some 22,000 px tall at 390 px: a phone sees 5 rows of a table and 2
    reviews, each kind with its "Show all" link; a desktop still sees 25 (and every review, when there are few)."""
    base_url, services = live_app
    big = first_import(services.session_factory, EMAIL, PASSWORD, creates=30, updates=3, reviews=4)
    page = browser_page
    page.goto(LinkSigner(services.settings.secret_key, services.settings.approve_link_max_age, base_url).url(
        big.changeset_id))
    creates, reviews = page.locator("#create tbody tr"), page.locator("#review fieldset.review")
    show_reviews = page.get_by_role("link", name="Show all 4 to review")

    def visible(rows) -> int:
        return sum(row.is_visible() for row in rows.all())

    page.set_viewport_size({"width": 1280, "height": 900})
    assert (visible(creates), visible(page.locator("#update tbody tr")), visible(reviews)) == (25, 3, 4)
    expect(page.get_by_role("link", name="Show all 30 new stakeholders")).to_be_visible()
    expect(show_reviews).to_be_hidden()

    page.set_viewport_size({"width": 390, "height": 900})
    assert (visible(creates), visible(page.locator("#update tbody tr")), visible(reviews)) == (5, 3, 2)
    expect(page.get_by_role("link", name="Show all 30 new stakeholders")).to_be_visible()
    expect(show_reviews).to_be_visible()
    expect(page.get_by_role("link", name="Show all 3 updates")).to_be_hidden()  # all three are shown
    show_reviews.click()
    assert visible(reviews) == 4  # a kind's own page shows a phone all its rows


def test_a_phone_sees_every_column_of_the_syncs_and_change_sets(live_app, browser_page: Page):
    """Their rows become cards on a phone: a change set's "Review and approve" is in view, not behind the table's
    sideways scroll; at 1280 px they stay tables."""
    base_url, services = live_app
    scenario = build_scenario(services.session_factory, EMAIL, PASSWORD)
    page = browser_page
    page.goto(base_url + "/login")
    _sign_in(page, EMAIL, PASSWORD)
    page.wait_for_url(base_url + "/console")
    for width, display in ((390, "block"), (1280, "table")):
        page.set_viewport_size({"width": width, "height": 900})
        for path in ("/console/syncs", "/console/changesets"):
            page.goto(base_url + path)
            assert page.evaluate(f"{WIDE_TABLES}.length") == 0, (path, width)
            assert page.evaluate("getComputedStyle(document.querySelector('table.phone-cards')).display") == display
        review = page.get_by_role("link", name=f"Review and approve change set {scenario.changeset_id}")
        box = review.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width
