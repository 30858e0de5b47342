"""Browser-test fixtures: the real app on a free port (SQLite file, Redis db 2) and Debian's Chromium via Playwright."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from tests.plugin import flushed_redis, make_test_settings, redis_url
from webhook_app import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]
REDIS_URL = redis_url(2)  # db 2 belongs to the approval tests
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(f"the browser test needs Debian's Chromium at {CHROMIUM}: run `make system-deps` "
                    "(or `apt-get install chromium` as root); a downloaded browser is never used", pytrace=False)
    return CHROMIUM


@pytest.fixture
def redis_db():
    with flushed_redis(REDIS_URL) as client:
        yield client


@pytest.fixture
def settings(tmp_path):
    # Served over plain HTTP: the session cookie (and with it the CSRF token) must not be Secure.
    return make_test_settings(tmp_path, database_url=f"sqlite:///{tmp_path / 'hrsync.db'}",
                              secret_key="e2e-" + "k" * 40, redis_url=REDIS_URL, public_base_url="http://localhost:8000",
                              cron_token=None, sync_debounce_seconds=5.0)


@pytest.fixture
def live_app(settings, services, redis_db):
    """The real WSGI app served by werkzeug in a thread; yields (base URL, services)."""
    server = make_server("127.0.0.1", 0, create_app(settings, redis=redis_db, services=services), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-app", daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    _wait_until_ready(base_url)
    yield base_url, services
    server.shutdown()
    thread.join(timeout=10)


def _wait_until_ready(base_url: str) -> None:
    # serve_forever is already listening once make_server returns; this proves the app answers.
    with requests.Session() as session:
        for _ in range(100):
            try:
                if session.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                continue
    raise RuntimeError(f"the app at {base_url} did not answer /healthz")


@pytest.fixture
def browser_page(chromium, tmp_path):
    """A page in a fresh headless Chromium profile."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(chromium), headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1366, "height": 900}, locale="en-GB")
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
