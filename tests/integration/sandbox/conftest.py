"""Fixtures for the sandbox integration tests: a real SandboxServer and a tiny webhook receiver, both on loopback."""

from __future__ import annotations

import pytest
from webhook_receiver import Receiver

from sandbox.server import SandboxServer


@pytest.fixture
def sandbox():
    with SandboxServer() as server:
        yield server


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running
