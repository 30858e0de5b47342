"""Fixtures for the sandbox unit tests: a state with one tenant per provider, served by Flask's test client."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from sandbox.app import create_sandbox_app
from sandbox.state import SandboxState

TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def state() -> SandboxState:
    return SandboxState()


@pytest.fixture
def bamboo(state):
    return state.add_bamboohr_tenant("acme", "key-123", people=30, seed=1, today=TODAY)


@pytest.fixture
def perso(state):
    return state.add_personio_tenant("cid", "secret", people=250, seed=2, today=TODAY)


@pytest.fixture
def client(state):
    return create_sandbox_app(state).test_client()


@pytest.fixture
def basic_auth():
    """Headers for BambooHR: the API key as the Basic-auth user, any password, JSON wanted."""
    def headers(key: str = "key-123") -> dict[str, str]:
        token = base64.b64encode(f"{key}:x".encode()).decode()
        return {"Authorization": f"Basic {token}", "Accept": "application/json"}
    return headers


@pytest.fixture
def login(client):
    """POST /v1/auth and return the bearer headers for the token."""
    def headers(client_id: str = "cid", secret: str = "secret") -> dict[str, str]:
        response = client.post("/personio/v1/auth", json={"client_id": client_id, "client_secret": secret})
        assert response.status_code == 200, response.get_data(as_text=True)
        return {"Authorization": f"Bearer {response.get_json()['data']['token']}"}
    return headers
