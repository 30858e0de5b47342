"""Suite-wide: record every log record, error body and hrsync subprocess output for the secret-leak scan
(tests/secret_registry.py), and run that scan after every other test."""

from __future__ import annotations

import pytest

from tests import secret_registry

# Settings, services, Redis, cheap hashing, the app and its client for every tier: tests/plugin.py.
pytest_plugins = ["tests.plugin"]

SCAN_MARKER = "secret_scan"


def pytest_configure(config):
    config.addinivalue_line("markers", f"{SCAN_MARKER}: the suite-wide secret-leak scan; runs after every other test")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    scans = [item for item in items if item.get_closest_marker(SCAN_MARKER)]
    items[:] = [item for item in items if not item.get_closest_marker(SCAN_MARKER)] + scans


@pytest.fixture(scope="session", autouse=True)
def secret_recording(tmp_path_factory):
    """Installed before the first test: a root log handler and a Flask `request_finished` receiver."""
    recorder = secret_registry.Recorder(tmp_path_factory.mktemp("secret-scan"))
    handler = secret_registry.start(recorder)
    yield recorder
    secret_registry.stop(handler)
