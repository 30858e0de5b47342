"""`make screens` photographs every console page (tests/screens): each registered navigation entry, the detail pages
and the sign-in page; a page the app serves without a picture (or a reason in NOT_SHOWN) fails here."""

from __future__ import annotations

from flask import Blueprint

from tests.screens import shots as screens
from tests.screens.company import Ids
from webhook_app import create_app
from webhook_app.console import nav

IDS = Ids(company_id="co_1", sync_id=1, failed_sync_id=5, stakeholder_id=2, changeset_id=3, approver_id=4,
          invitation_token="a.token", replaced_changeset_id=6)


def _page(blueprint: str, endpoint: str) -> Blueprint:
    bp = Blueprint(blueprint, __name__, url_prefix=f"/console/{blueprint}")
    bp.add_url_rule("", endpoint, lambda: "a page")
    return bp


def test_every_registered_navigation_entry_is_photographed_for_an_admin(app):
    registered = [item for item in nav.NAV if item.endpoint in app.view_functions]
    photographed = {shot.endpoint for shot in screens.shots(app, IDS) if shot.role == "admin"}
    assert registered and {item.endpoint for item in registered} <= photographed


def test_every_page_the_app_serves_is_photographed_or_says_why_not(app):
    assert screens.unshown(app, IDS) == set()
    assert set(screens.NOT_SHOWN) <= screens.pages(app)  # no reason left for a page that is gone


def test_a_navigation_entry_is_photographed_once_its_page_is_registered(settings, services, fake_redis, monkeypatch):
    monkeypatch.setattr(nav, "NAV", nav.NAV + (nav.NavItem("payroll_pages.payroll", "Payroll exports"),))
    before = create_app(settings, redis=fake_redis, services=services)
    assert "payroll_pages.payroll" not in {shot.endpoint for shot in screens.shots(before, IDS)}
    after = create_app(settings, redis=fake_redis, services=services)
    after.register_blueprint(_page("payroll_pages", "payroll"))
    shot = next(shot for shot in screens.shots(after, IDS) if shot.endpoint == "payroll_pages.payroll")
    assert (shot.name, screens.path(after, shot, IDS)) == ("console-payroll-exports", "/console/payroll_pages")


def test_a_page_outside_the_navigation_without_a_picture_is_found(app):
    app.register_blueprint(_page("reports_pages", "report"))
    assert screens.unshown(app, IDS) == {"reports_pages.report"}


def test_every_picture_has_its_address(app):
    paths = {shot.name: screens.path(app, shot, IDS) for shot in screens.shots(app, IDS)}
    assert paths["console-login"] == "/login"
    assert (paths["console-set-password"], paths["console-pick-company"]) == ("/set-password/a.token",
                                                                              "/login/company")
    assert (paths["console-sync"], paths["console-sync-failed"]) == ("/console/syncs/1", "/console/syncs/5")
    assert paths["console-stakeholder"] == "/console/stakeholders/2"
    assert paths["approve-overview"] == "/console/changesets/3/open"  # through the console, signed in
    assert paths["console-fields-loaded"] == "/console/integration/fields"  # then Load fields is pressed
    assert len(paths) == len(screens.shots(app, IDS))  # one file name per picture
