"""The console's settings pages in a real browser (issue 15, pages 3 and 4; issue 17's garden leave):

- an admin changes the sync settings from the keyboard — a blank ex-employee group is refused on its field and
  nothing is saved — and HiBob's garden-leave option with them;
- the Webhooks page: HiBob's key pasted (a short one refused on the field), Personio's token generated and shown
  once, Humaans' plain statement;
- (c) an approver signed in finds none of the settings pages in the navigation, gets the 403 page on each, sees no
  Sync now and is refused its POST.

Screenshots at 1280 and 390 px into tests/artifacts (docs/screens with HRSYNC_WRITE_SCREENS=1)."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from services import integration as setup
from services import syncs, users
from store.db import transaction
from store.repositories import companies, integrations
from tests import secret_registry
from tests.e2e.test_console_users_browser import ADMIN, ADMIN_PASSWORD, _screenshots, _sign_in
from tests.outbox import last_link_to

CLERK, CLERK_PASSWORD = "clerk@acme.example", "the clerk chose this one"
BOB_KEY = "bob-webhook-secret-key-0123456789"
CREDENTIALS = {"hibob": {"service_user_id": "SERVICE-1", "service_user_token": "bob-token-of-the-settings-test"},
               "personio": {"client_id": "client-1", "client_secret": "personio-secret-of-the-settings-test"},
               "humaans": {"access_token": "humaans-token-of-the-settings-test"}}
# Only the secret ones: ids such as "client-1" are not secret and occur in other tests' pages and logs.
secret_registry.register("HR credential or webhook key of the settings test", BOB_KEY,
                         CREDENTIALS["hibob"]["service_user_token"], CREDENTIALS["personio"]["client_secret"],
                         CREDENTIALS["humaans"]["access_token"])
SETTINGS_PAGES = ("/console/integration", "/console/integration/fields", "/console/settings", "/console/webhooks",
                  "/console/users")


def _company(services) -> str:
    with transaction(services.session_factory) as session:
        company_id = companies.create_company(session, "Acme GmbH", ADMIN, ADMIN_PASSWORD).company_id
    _connect(services, company_id, "hibob")
    return company_id


def _connect(services, company_id: str, provider: str) -> None:
    with transaction(services.session_factory) as session:
        integrations.set_integration(session, services.box, company_id, provider, CREDENTIALS[provider])


def _errors(page: Page, problems: list[str]) -> None:
    """Console errors, the expected 403 and 422 answers aside."""
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" and not any(
        f"status of {status}" in message.text for status in (403, 422)) else None)


def test_an_admin_changes_the_sync_settings_and_sets_up_webhooks(live_app, browser_page: Page, artifacts):
    base_url, services = live_app
    company_id = _company(services)
    page, problems = browser_page, []
    _errors(page, problems)
    page.goto(base_url + "/login")
    _sign_in(page, ADMIN, ADMIN_PASSWORD)

    page.get_by_role("navigation", name="Console").get_by_role("link", name="Sync settings").click()
    expect(page.get_by_role("heading", name="Sync settings", exact=True)).to_be_visible()
    expect(page.get_by_text("e.g. “Müller, Anna”")).to_be_visible()
    _screenshots(page, artifacts, "console-settings")
    page.get_by_label("Last name, comma, first name").check()
    page.get_by_label("Use the preferred name instead of the first name").press("Space")  # from the keyboard
    # The examples follow the box at once (the person is known in HR as Anni), and back when it is unticked.
    expect(page.get_by_text("e.g. “Müller, Anni”")).to_be_visible()
    expect(page.get_by_text("e.g. “Anni Müller”")).to_be_visible()
    page.get_by_label("Use the preferred name instead of the first name").uncheck()
    expect(page.get_by_text("e.g. “Müller, Anna”")).to_be_visible()
    page.get_by_label("Use the preferred name instead of the first name").check()
    page.get_by_label("People on garden leave have left").uncheck()
    page.get_by_label("Ex-employee group", exact=True).fill(" ")
    page.get_by_role("button", name="Save sync settings").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(page.get_by_label("Ex-employee group", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Enter the name of the group leavers move to")).to_be_visible()
    expect(page.get_by_label("Last name, comma, first name")).to_be_checked()  # the rest stays as chosen
    _screenshots(page, artifacts, "console-settings-refused")
    assert setup.read_state(services, company_id).company.name_format.value == "first_last"

    page.get_by_label("Ex-employee group", exact=True).fill("Alumni")
    page.get_by_label("Ex-employee group", exact=True).press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Sync settings saved")
    state = setup.read_state(services, company_id)
    assert (state.company.name_format.value, state.company.use_preferred_name, state.company.ex_employee_group) == (
        "last_comma_first", True, "Alumni")
    assert state.integration.options == {"garden_leave_leaver": False}
    expect(page.get_by_label("People on garden leave have left")).not_to_be_checked()

    page.get_by_role("navigation", name="Console").get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", name="Set up the webhook in HiBob")).to_be_visible()
    expect(page.get_by_label("Paste this URL into HiBob")).to_have_value(
        f"http://localhost:8000/webhooks/hibob/{company_id}")
    page.get_by_label("Webhook secret key").fill("too-short")
    page.get_by_role("button", name="Save the key").click()
    expect(page.get_by_text("16 to 512 characters")).to_be_visible()
    _screenshots(page, artifacts, "console-webhooks-refused")
    page.get_by_label("Webhook secret key").fill(BOB_KEY)
    page.get_by_role("button", name="Save the key").click()
    expect(page.get_by_role("status")).to_contain_text("The key is saved")
    assert BOB_KEY not in page.content()
    _screenshots(page, artifacts, "console-webhooks")

    _connect(services, company_id, "personio")
    page.reload()
    page.get_by_role("button", name="Generate new webhook token").click()
    token = page.get_by_label("Your new webhook token").input_value()
    secret_registry.register("generated webhook token", token)
    assert len(token) >= 16
    _screenshots(page, artifacts, "console-webhooks-token")
    page.goto(base_url + "/console/webhooks")
    expect(page.get_by_text("A webhook token is set")).to_be_visible()
    assert token not in page.content()

    _connect(services, company_id, "humaans")
    page.reload()
    expect(page.get_by_role("heading", name="No webhook for Humaans")).to_be_visible()
    _screenshots(page, artifacts, "console-webhooks-none")
    assert problems == []


def test_an_approver_cannot_open_the_settings_pages_nor_sync_now(live_app, browser_page: Page, artifacts):
    base_url, services = live_app
    company_id = _company(services)
    users.add_user(services, company_id, CLERK, "approver", actor=ADMIN)
    page, problems = browser_page, []
    _errors(page, problems)
    page.goto(base_url + urlsplit(last_link_to(services.settings.instance_path, CLERK)).path)
    page.get_by_label("New password").fill(CLERK_PASSWORD)
    page.get_by_label("The same password again").fill(CLERK_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    _sign_in(page, CLERK, CLERK_PASSWORD)
    expect(page.get_by_text("an approver")).to_be_visible()

    nav = page.get_by_role("navigation", name="Console")
    expect(nav.get_by_role("link", name="Syncs")).to_be_visible()
    for label in ("HR integration", "Fields and mapping", "Sync settings", "Webhooks", "Users"):
        expect(nav.get_by_role("link", name=label)).to_have_count(0)
    expect(page.get_by_role("button", name="Sync now")).to_have_count(0)
    page.goto(base_url + "/console/syncs")
    expect(page.get_by_role("button", name="Sync now")).to_have_count(0)
    token = page.locator("form[action='/logout'] input[name=csrf_token]").input_value()

    for path in SETTINGS_PAGES:
        answer = page.goto(base_url + path)
        assert answer.status == 403, path
        expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    _screenshots(page, artifacts, "console-forbidden")
    refused = page.request.post(base_url + "/console/syncs/now", form={"csrf_token": token}, max_redirects=0)
    assert refused.status == 403
    assert syncs.recent_syncs(services, company_id, 10) == []
    assert problems == []
