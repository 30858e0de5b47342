"""Sync now in a real browser (issue 15, page 5), against the sandbox's BambooHR over HTTP and a real `hrsync worker`:
pressed while no worker runs, the sync's page says so plainly and keeps waiting; once a worker starts, the page
follows the sync by itself into the preview of its changes. With a refused key the sync fails and its page shows
BambooHR's message and what to do. Screenshots at 1280 and 390 px into tests/artifacts."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from store.db import transaction
from store.repositories import companies, integrations
from tests import secret_registry
from tests.e2e.sandbox_fixtures import sandbox, settings, tables_from_models  # noqa: F401  (fixtures)
from tests.e2e.test_console_users_browser import ADMIN, ADMIN_PASSWORD, _screenshots, _sign_in
from tests.integration.pipeline.pipeline_env import WorkerProcess
from tests.integration.pipeline.pipeline_support import staff

API_KEY = "sandbox-key-for-sync-now"
secret_registry.register("sandbox BambooHR key", API_KEY)


@pytest.fixture
def worker(settings, tmp_path):
    started: list[WorkerProcess] = []

    def start() -> WorkerProcess:
        started.append(WorkerProcess(settings, "e2e-sync-now", tmp_path).start())
        return started[-1]

    yield start
    for process in started:
        process.stop()


def _hold_still(page: Page) -> None:
    """Stop the page's self-refresh (a scheduled reload) so that it can be measured and photographed."""
    page.evaluate("window.stop()")


def test_sync_now_waits_for_a_worker_then_opens_the_preview_and_shows_a_failure(live_app, browser_page: Page,
                                                                                 artifacts, sandbox, worker):
    base_url, services = live_app
    sandbox.state.add_bamboohr_tenant("acme", API_KEY, staff(("Eva", "Neumann"), ("Tom", "Berg")))
    with transaction(services.session_factory) as session:
        company_id = companies.create_company(session, "Acme GmbH", ADMIN, ADMIN_PASSWORD).company_id
        integrations.set_integration(session, services.box, company_id, "bamboohr",
                                     {"subdomain": "acme", "api_key": API_KEY})
    page = browser_page
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)

    page.goto(base_url + "/login")
    _sign_in(page, ADMIN, ADMIN_PASSWORD)
    expect(page.get_by_role("heading", name="Acme GmbH")).to_be_visible()
    _screenshots(page, artifacts, "console-overview")
    page.get_by_role("button", name="Sync now").click()

    expect(page.get_by_role("alert")).to_contain_text("No hrsync worker is running")
    expect(page.get_by_role("status").first).to_contain_text("Waiting for a worker")
    _hold_still(page)
    _screenshots(page, artifacts, "console-sync-waiting")
    page.reload()  # the page's own refresh, stopped above for the pictures

    worker()
    # The page reloads itself every 2 s; once the sync ends it opens the preview: the approve page.
    expect(page.get_by_label("Password")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Eva Neumann").first).to_be_visible()
    assert "/approvals/" in page.url

    with transaction(services.session_factory) as session:
        integrations.set_credentials(session, services.box, company_id,
                                     {"subdomain": "acme", "api_key": "revoked-" + API_KEY})
    page.goto(base_url + "/console/syncs")
    page.get_by_role("button", name="Sync now").click()
    expect(page.get_by_role("alert")).to_contain_text("Check the credentials on the HR integration page",
                                                      timeout=60_000)
    expect(page.get_by_role("button", name="Sync again")).to_be_visible()
    _screenshots(page, artifacts, "console-sync-failed")
    assert problems == []
