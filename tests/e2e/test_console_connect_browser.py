"""Connecting an HR system in a real browser, as its help text tells it (issue 15 pages 1, 2 and 5; issue 17), against
the sandbox's HR systems over HTTP and a real `hrsync worker`:

- BambooHR: sign in → choose BambooHR → a wrong key is refused on the form → the right key is saved → Sync now →
  its progress → the preview → "Last, First" → password → applied → the sync history and the audit log show it;
- Personio: credentials → Load fields → a custom attribute mapped → Save → Sync now → approve: the mapped value is
  on the new stakeholders;
- HiBob and Humaans: connect → Load fields → Sync now → approve.

Screenshots of the two pages at 1280 and 390 px into tests/artifacts (docs/screens with HRSYNC_WRITE_SCREENS=1)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sandbox.hibob_tenant import add_hibob_tenant
from sandbox.humaans_tenant import add_humaans_tenant
from store.db import transaction
from store.repositories import companies, stakeholders
from tests import secret_registry
from tests.e2e.sandbox_fixtures import sandbox, settings, tables_from_models  # noqa: F401  (fixtures)
from tests.e2e.test_console_users_browser import ADMIN, ADMIN_PASSWORD, _screenshots, _sign_in
from tests.integration.pipeline.pipeline_env import WorkerProcess
from tests.integration.pipeline.pipeline_support import staff

BAMBOO_KEY, WRONG_KEY = "sandbox-key-for-the-console", "a-key-bamboohr-never-issued"
PERSONIO_ID, PERSONIO_SECRET = "papi-console-client", "papi-console-secret-0123456789"
BOB_USER, BOB_TOKEN = "SERVICE-CONSOLE", "bob-console-token-0123456789"
secret_registry.register("sandbox HR credentials of the console test", BAMBOO_KEY, WRONG_KEY, PERSONIO_SECRET,
                         BOB_TOKEN)
# How long a sync may take from "Sync now" to its preview (a worker polls its queue; the machine may be busy).
SYNC_TIMEOUT_MS = 90_000
PEOPLE = (("Ana", "Lima"), ("Ben", "Okafor"), ("Cleo", "Brandt"))


@pytest.fixture
def worker(live_app, settings, tmp_path):
    process = WorkerProcess(settings, "e2e-connect", tmp_path).start()
    yield process
    process.stop()


@pytest.fixture
def company(live_app):
    base_url, services = live_app
    with transaction(services.session_factory) as session:
        return companies.create_company(session, "Acme GmbH", ADMIN, ADMIN_PASSWORD).company_id


@pytest.fixture
def page(browser_page: Page, live_app, company) -> Page:
    base_url, _ = live_app
    problems: list[str] = []
    # A Content-Security-Policy violation shows up as a console error; refusals (4xx/5xx answers) are expected.
    browser_page.on("console", lambda message: problems.append(message.text) if message.type == "error" and not
                    re.search(r"status of (4|5)\d\d", message.text) else None)
    browser_page.goto(base_url + "/login")
    _sign_in(browser_page, ADMIN, ADMIN_PASSWORD)
    yield browser_page
    assert problems == []


def open_integration(page: Page) -> None:
    page.get_by_role("navigation", name="Console").get_by_role("link", name="HR integration").click()
    expect(page.get_by_role("heading", name="HR integration", exact=True)).to_be_visible()


def sync_and_open_the_preview(page: Page, label: str) -> None:
    """Sync now on the integration page; the sync's page follows it until the preview opens."""
    open_integration(page)
    followed: list[str] = []
    page.on("response", lambda response: followed.append(response.url))
    page.get_by_role("button", name="Sync now").click()
    expect(page.get_by_role("heading", name=f"Changes from {label}")).to_be_visible(timeout=SYNC_TIMEOUT_MS)
    # The way there: the sync's page (its progress while it runs; a quick sync may end before it first shows).
    assert any(re.search(r"/console/syncs/\d+\?follow=1$", url) for url in followed), followed


def approve(page: Page) -> None:
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.locator("button.js-apply").click()
    expect(page.get_by_role("heading", name="Changes applied")).to_be_visible(timeout=60_000)


def registry(services, company_id: str) -> list:
    with transaction(services.session_factory) as session:
        return stakeholders.list_stakeholders(session, company_id)


def test_bamboohr_as_its_help_tells_it(live_app, page: Page, sandbox, worker, company, artifacts):
    base_url, services = live_app
    sandbox.state.add_bamboohr_tenant("acme", BAMBOO_KEY, staff(("Eva", "Neumann"), ("Tom", "Berg")))

    open_integration(page)
    expect(page.get_by_text("Not connected yet")).to_be_visible()
    _screenshots(page, artifacts, "console-integration-new")
    page.get_by_label("HR system").select_option(label="BambooHR")
    expect(page.get_by_label("Subdomain")).to_be_visible()
    expect(page.get_by_label("Client ID")).to_be_hidden()  # only the chosen system's fields
    expect(page.get_by_text("API Keys")).to_be_visible()  # where to find the key, from the provider's help
    page.get_by_label("Subdomain").fill("acme")
    page.get_by_label("API key").fill(WRONG_KEY)
    page.get_by_role("button", name="Check and save").click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("rejected the API key.*nothing was saved", re.I))
    expect(page.get_by_label("Subdomain")).to_have_value("acme")  # kept as typed…
    expect(page.get_by_label("API key")).to_have_value("")  # …the key is not shown back
    _screenshots(page, artifacts, "console-integration-refused")

    page.get_by_label("API key").fill(BAMBOO_KEY)
    page.get_by_role("button", name="Check and save").click()
    expect(page.get_by_role("status").first).to_contain_text("Connected to BambooHR")
    expect(page.locator(".badge")).to_have_text("Connected")
    expect(page.get_by_text("Saved: leave blank to keep it")).to_be_visible()
    _screenshots(page, artifacts, "console-integration")

    sync_and_open_the_preview(page, "BambooHR")
    page.locator("input[name='name_format'][value='last_comma_first']").check()
    expect(page.locator("#create .js-name").filter(has_text="Neumann")).to_have_text("Neumann, Eva")
    approve(page)
    assert sorted(person.name for person in registry(services, company)) == ["Berg, Tom", "Neumann, Eva"]

    page.goto(base_url + "/console")  # the result page is the approve page's: back into the console
    nav = page.get_by_role("navigation", name="Console")
    nav.get_by_role("link", name="Syncs").click()
    row = page.get_by_role("row").nth(1)
    expect(row).to_contain_text("Finished")
    expect(row).to_contain_text(ADMIN)
    nav.get_by_role("link", name="Audit log").click()
    expect(page.get_by_text("Added the stakeholder").first).to_be_visible()
    expect(page.get_by_role("link", name="Neumann, Eva").first).to_be_visible()
    open_integration(page)
    expect(page.locator("#status")).to_contain_text("Last successful sync")
    expect(page.locator("#status a", has_text=re.compile(r"\d{4} at"))).to_be_visible()


def test_personio_maps_a_custom_attribute(live_app, page: Page, sandbox, worker, company, artifacts):
    base_url, services = live_app
    people = [dict(person, city=city) for person, city in zip(
        staff(("Lena", "Vogel"), ("Jonas", "Keller")), ("Freiburg im Breisgau", "Konstanz"))]
    sandbox.state.add_personio_tenant(PERSONIO_ID, PERSONIO_SECRET, people)

    open_integration(page)
    page.get_by_label("HR system").select_option(label="Personio")
    page.get_by_label("Client ID").fill(PERSONIO_ID)
    page.get_by_label("Client secret").fill(PERSONIO_SECRET)
    page.get_by_role("button", name="Check and save").click()
    expect(page.get_by_role("status").first).to_contain_text("Connected to Personio")

    page.get_by_role("link", name="Fields and mapping →").click()
    expect(page.get_by_role("heading", name="Fields and mapping", exact=True)).to_be_visible()
    _screenshots(page, artifacts, "console-fields-before")
    page.get_by_role("button", name="Load fields").click()
    expect(page.get_by_role("status")).to_contain_text("fields loaded")
    city = page.get_by_label("hrsync field for Ort")  # Personio's custom attribute dynamic_1006
    expect(city).to_have_value("")
    expect(page.get_by_label("hrsync field for First name")).to_have_value("first_name")  # the default, pre-filled
    city.select_option(label="First name")  # a slip: first name twice is refused on the row it concerns
    page.get_by_role("button", name="Save the mapping").click()
    expect(page.get_by_role("alert")).to_contain_text("The mapping was not saved: see Ort below")
    page.get_by_role("alert").get_by_role("link", name="Ort").click()
    expect(page.get_by_label("hrsync field for Ort")).to_be_in_viewport()
    expect(page.locator("tr.invalid")).to_contain_text("Ort")
    expect(page.locator("tr.invalid .error-text")).to_contain_text("First name is mapped from both")
    _screenshots(page, artifacts, "console-fields-refused")
    page.get_by_label("hrsync field for Ort").select_option(label="City")
    _screenshots(page, artifacts, "console-fields")
    page.get_by_role("button", name="Save the mapping").click()
    expect(page.get_by_role("status")).to_contain_text("The mapping is saved")
    expect(page.get_by_label("hrsync field for Ort")).to_have_value("city")

    sync_and_open_the_preview(page, "Personio")
    expect(page.locator("#create")).to_contain_text("Konstanz")  # the mapped value, in the preview
    approve(page)
    cities = {person.name: person.city for person in registry(services, company)}
    assert cities == {"Lena Vogel": "Freiburg im Breisgau", "Jonas Keller": "Konstanz"}


def _hibob(sandbox) -> dict[str, str]:
    add_hibob_tenant(sandbox.state, BOB_USER, BOB_TOKEN, staff(*PEOPLE))
    return {"Service user ID": BOB_USER, "Service user token": BOB_TOKEN}


def _humaans(sandbox) -> dict[str, str]:
    tenant = add_humaans_tenant(sandbox.state, "initech", staff(*PEOPLE))
    token = tenant.grant(("public:read", "private:read"), "owner")
    secret_registry.register("Humaans token of the console test", token)
    return {"API access token": token}


@pytest.mark.parametrize("label, tenant", [("HiBob", _hibob), ("Humaans", _humaans)], ids=["hibob", "humaans"])
def test_connect_load_fields_sync_and_approve(live_app, page: Page, sandbox, worker, company, label, tenant):
    base_url, services = live_app
    credentials = tenant(sandbox)

    open_integration(page)
    page.get_by_label("HR system").select_option(label=label)
    for field, value in credentials.items():
        page.get_by_label(field).fill(value)
    page.get_by_role("button", name="Check and save").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Connected to {label}")

    page.goto(base_url + "/console/integration/fields")
    page.get_by_role("button", name="Load fields").click()
    expect(page.get_by_role("status")).to_contain_text("fields loaded")
    expect(page.locator("select[name='target'] option[value='first_name']:checked")).to_have_count(1)

    sync_and_open_the_preview(page, label)
    approve(page)
    assert sorted(person.name for person in registry(services, company)) == sorted(
        f"{first} {last}" for first, last in PEOPLE)
