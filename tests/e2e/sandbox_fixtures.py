"""Fixtures of the browser tests that run against the sandbox's HR systems and a real `hrsync worker`: the sandbox
served over HTTP, the settings pointing every HR system at it on a migrated database (as a worker wants it), and the
tables made by migrations rather than from the models. Imported by the test modules that need them."""

from __future__ import annotations

import pytest

from sandbox.server import SandboxServer
from store import migrate


@pytest.fixture
def sandbox():
    with SandboxServer() as server:
        yield server


@pytest.fixture
def settings(settings, sandbox):
    """The browser tests' settings with every HR system at the sandbox, on a migrated database (a worker's)."""
    migrate.upgrade(settings.database_url)
    return settings.with_provider_urls(sandbox.settings)


@pytest.fixture
def tables_from_models() -> bool:
    return False
