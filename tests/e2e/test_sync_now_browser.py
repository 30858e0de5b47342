"""Sync now in a real browser (issue 15, page 5), against the sandbox's BambooHR over HTTP and a real `hrsync worker`:
pressed while no worker runs, the sync's page says so plainly and keeps waiting; progress recorded for the sync
(what a worker writes while it reads employees: here written by the test, so the sync stands still where it is
looked at) appears in place, "N of M", without reloading the page or moving the keyboard focus; once a worker
starts, the page follows the sync by itself into the preview of its changes. With a refused key the sync fails and its page shows
BambooHR's message and what to do. Screenshots at 1280 and 390 px into tests/artifacts."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from services.sync_progress import LiveProgress
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


def test_sync_now_waits_for_a_worker_then_opens_the_preview_and_shows_a_failure(live_app, browser_page: Page,
                                                                                 artifacts, sandbox, worker, settings,
                                                                                 redis_db):
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
    progress = page.locator("[role=status][aria-live=polite]")
    expect(progress).to_contain_text("Waiting for a worker")
    _screenshots(page, artifacts, "console-sync-waiting")

    # The sync reads employees: its progress shows in the live region, the page neither reloads nor loses focus.
    sync_id = int(page.url.split("/console/syncs/")[1].split("?")[0])
    live = LiveProgress(redis_db, settings.namespace, sync_id, company_id, interval=0)
    page.evaluate("window.notReloaded = true")
    back = page.get_by_role("link", name="← All syncs")
    back.focus()
    live.fetched(40, 80)
    expect(progress).to_contain_text("Reading employees from the HR system: 40 of 80 employees read")
    live.fetched(60, 80)
    expect(progress).to_contain_text("60 of 80 employees read")
    expect(page.get_by_role("heading", name="Running")).to_be_visible()
    assert page.evaluate("window.notReloaded === true")
    assert page.evaluate("document.activeElement.textContent") == "← All syncs"
    page.reload()  # drawn while it runs (no "no worker" warning: something is reading) for the pictures
    expect(progress).to_contain_text("60 of 80 employees read")
    _screenshots(page, artifacts, "console-sync-running")

    worker()
    # The script follows the sync; once it ends it opens the preview: the approve page.
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
