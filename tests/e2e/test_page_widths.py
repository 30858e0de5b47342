"""Pages at a phone's width (issue 14 item 5): at 390 px the approve page never scrolls sideways; a wide table
scrolls inside its card instead. At 1280 px nothing scrolls."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page

from core.links import LinkSigner
from domain.employee import Employee, EmploymentStatus
from tests.approval_scenario import build_scenario

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
