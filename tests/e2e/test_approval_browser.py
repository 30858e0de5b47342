"""The approve link in a real browser: uncheck, resolve a review, pick a name format, mistype, approve."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from domain.employee import Employee, EmploymentStatus
from store.db import transaction
from store.repositories import audit, decisions, stakeholders
from tests.approval_scenario import build_scenario
from core.links import LinkSigner

EMAIL, PASSWORD = "cfo@acme.example", "correct horse battery staple"
HOSTILE = "<script>window.hacked=1</script>"


def test_approve_in_the_browser(live_app, browser_page: Page, artifacts):
    base_url, services = live_app
    hostile = Employee("7", "E-7", HOSTILE, "Evil", hire_date=dt.date(2021, 2, 1), status=EmploymentStatus.ACTIVE)
    scenario = build_scenario(services.session_factory, EMAIL, PASSWORD, extra=(hostile,))
    signer = LinkSigner(services.settings.secret_key, services.settings.approve_link_max_age, base_url)
    dialogs, console_errors = [], []
    page = browser_page
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # A Content-Security-Policy violation (e.g. an inline script) shows up as a console error. (The 401 of the
    # wrong-password page is logged as "Failed to load resource": expected, so only other errors count.)
    page.on("console", lambda message: console_errors.append(message.text)
            if message.type == "error" and "status of 401" not in message.text else None)

    page.goto(signer.url(scenario.changeset_id))
    expect(page.get_by_role("heading", name="Changes from BambooHR")).to_be_visible()
    expect(page.get_by_text(HOSTILE).first).to_be_visible()  # HR text shows as text, never runs

    first_new = page.locator("#create .js-name").filter(has_text="Neumann")  # rows are sorted by name
    expect(first_new).to_have_text("Eva Neumann")  # the company's format until the approver picks another
    apply_button = page.locator("button.js-apply")
    expect(apply_button).to_have_text("Apply 5 changes")  # 2 new, 1 update, 1 link, 1 leaver
    page.get_by_label("Apply: Anna Müller").uncheck()
    expect(apply_button).to_have_text("Apply 4 changes")  # the count follows the boxes
    review = page.locator(f"#review-{scenario.items['4']}")
    review.locator("input[value='not_same_person']").check()
    expect(apply_button).to_have_text("Apply 4 changes")  # a decision, no write
    review.locator(f"input[value='{scenario.person('dora')}']").check()
    expect(apply_button).to_have_text("Apply 5 changes")
    page.locator("input[name='name_format'][value='last_comma_first']").check()
    expect(first_new).to_have_text("Neumann, Eva")  # the live example follows the choice
    page.screenshot(path=str(artifacts / "approval.png"), full_page=True)

    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Password").fill("wrong password")
    apply_button.click()
    expect(page.get_by_role("alert")).to_contain_text("not right")
    # The page comes back as the approver left it; only the password is asked again.
    expect(page.get_by_label("Apply: Anna Müller")).not_to_be_checked()
    expect(review.locator(f"input[value='{scenario.person('dora')}']")).to_be_checked()
    expect(page.locator("input[name='name_format'][value='last_comma_first']")).to_be_checked()
    expect(page.get_by_role("button", name="Apply 5 changes")).to_be_visible()

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Apply 5 changes").click()
    expect(page.get_by_role("heading", name="Changes applied")).to_be_visible()
    page.screenshot(path=str(artifacts / "approval_result.png"), full_page=True)
    assert dialogs == [] and page.evaluate("window.hacked") is None
    assert console_errors == []

    _assert_registry_and_audit(services, scenario)


def _assert_registry_and_audit(services, scenario) -> None:
    with transaction(services.session_factory) as session:
        registry = {person.id: person for person in stakeholders.list_stakeholders(session, scenario.company_id)}
        entries = audit.list_entries(session, scenario.company_id, limit=50).items
        saved = decisions.list_decisions(session, scenario.company_id, "bamboohr")
    anna, dora, carl, ben = (registry[scenario.person(key)] for key in ("anna", "dora", "carl", "ben"))
    assert (anna.city, anna.version) == ("Bern", 1)  # unchecked: untouched
    assert (dora.hr_remote_id, dora.email) == ("4", "dora@acme.example")  # review resolved: linked to Dora
    assert carl.group == "Ex-employee" and ben.hr_remote_id == "2"
    created = {person.name for person in registry.values() if person.id not in scenario.people.values()}
    assert created == {"Neumann, Eva", f"Evil, {HOSTILE}"}
    assert saved == []
    actions = sorted((entry.action, entry.stakeholder_id) for entry in entries)
    written = sorted([("create_stakeholder", pid) for pid in registry if pid not in scenario.people.values()]
                     + [("link_stakeholder", ben.id), ("mark_leaver", carl.id), ("update_stakeholder", dora.id),
                        ("apply_changeset", None)], key=lambda pair: (pair[0], pair[1] or 0))
    assert sorted(actions, key=lambda pair: (pair[0], pair[1] or 0)) == written
    assert {entry.actor for entry in entries} == {"cfo@acme.example"}
    assert {entry.change_set_id for entry in entries} == {scenario.changeset_id}
