"""The Webhooks page's "Register the webhook in Personio" in a real browser, against the sandbox's Personio over
HTTP: a credential without the webhooks scope is refused beside the button with where to tick it; with the scope
one click registers the webhook (the token stored, never shown), and a second click replaces it rather than adding
one. Screenshots at 1280 and 390 px into tests/artifacts."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from store.db import transaction
from store.repositories import companies, integrations
from tests import secret_registry
from tests.e2e.sandbox_fixtures import sandbox, settings, tables_from_models  # noqa: F401  (fixtures)
from tests.e2e.test_console_users_browser import ADMIN, ADMIN_PASSWORD, _screenshots, _sign_in

SECRET = "personio-secret-of-the-register-browser-test"
secret_registry.register("Personio client secret", SECRET)


def test_an_admin_registers_the_personio_webhook_with_one_button(live_app, sandbox, browser_page: Page,  # noqa: F811
                                                                  artifacts):
    base_url, services = live_app
    tenant = sandbox.state.add_personio_tenant("cid-register-browser", SECRET, people=3, seed=4,
                                               webhooks_scope=False, webhook_https_only=False)
    with transaction(services.session_factory) as session:
        company_id = companies.create_company(session, "Globex AG", ADMIN, ADMIN_PASSWORD).company_id
        integrations.set_integration(session, services.box, company_id, "personio",
                                     {"client_id": tenant.client_id, "client_secret": SECRET})
    page = browser_page
    page.goto(base_url + "/login")
    _sign_in(page, ADMIN, ADMIN_PASSWORD)
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", name="Register the webhook in Personio")).to_be_visible()
    expect(page.get_by_role("heading", name="Or set it up by hand in Personio")).to_be_visible()
    _screenshots(page, artifacts, "console-webhooks-register")

    page.get_by_role("button", name="Register the webhook in Personio").click()
    expect(page.get_by_role("alert")).to_contain_text("personio:webhooks:write")
    expect(page.get_by_role("alert")).to_contain_text("Settings › Integrations › API credentials")
    _screenshots(page, artifacts, "console-webhooks-register-refused")
    assert tenant.webhooks == {}

    tenant.webhooks_scope = True  # the admin ticked the scope in Personio
    page.get_by_role("button", name="Register the webhook in Personio").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Personio will now send changes to hrsync")
    with transaction(services.session_factory) as session:
        token = integrations.get_webhook_secret(session, services.box, company_id)
    secret_registry.register("registered webhook token", token)
    [hook] = tenant.webhooks.values()
    assert hook["token"] == token and hook["url"].endswith(f"/webhooks/personio/{company_id}")
    assert token not in page.content()
    _screenshots(page, artifacts, "console-webhooks-registered")

    page.get_by_role("button", name="Register the webhook in Personio").click()
    expect(page.get_by_role("status")).to_contain_text("replaced the earlier hrsync webhook")
    assert len(tenant.webhooks) == 1
