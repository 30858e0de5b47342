"""Connecting a company to HiBob or Humaans through the integration service, against the sandbox over HTTP: what a
person is told. HiBob's 401/403 stop at once with the permission-group checklist and nothing is saved; a Humaans token
without private:read, or of a member with the user role, is saved with a warning saying what to change."""

from __future__ import annotations

import pytest

from core.errors import CredentialsRejected
from providers.hibob_client import CHECKLIST
from sandbox.hibob_tenant import add_hibob_tenant
from sandbox.humaans_tenant import add_humaans_tenant
from sandbox.server import SandboxServer
from services import companies, integration
from store.migrate import upgrade
from tests import secret_registry
from tests.plugin import make_test_settings

TOKEN = "bob-connect-token-0123456789"
secret_registry.register("HiBob connect token", TOKEN)


@pytest.fixture(scope="module")
def sandbox():
    with SandboxServer() as server:
        yield server


@pytest.fixture
def settings(sandbox, tmp_path):
    """The plugin's settings (its `services` build on them) on a migrated SQLite file, every HR system the sandbox."""
    database_url = f"sqlite:///{tmp_path / 'connect.db'}"
    upgrade(database_url)
    return make_test_settings(tmp_path, database_url=database_url,
                              provider_timeout=5).with_provider_urls(sandbox.settings)


@pytest.fixture
def company_id(services):
    return companies.create_company(services, "Initech SE", "cfo@initech.example", "correct horse battery").company_id


def test_a_hibob_service_user_without_permissions_is_refused_with_the_checklist(sandbox, services, company_id):
    tenant = add_hibob_tenant(sandbox.state, "SERVICE-NOPERM", TOKEN, people=5, seed=3)
    sandbox.state.inject_fault(tenant, "auth_failure", status=403, count=5)
    with pytest.raises(CredentialsRejected) as refused:
        integration.configure(services, company_id, provider="hibob",
                              credentials={"service_user_id": "SERVICE-NOPERM", "service_user_token": TOKEN})
    assert CHECKLIST in str(refused.value) and TOKEN not in str(refused.value)
    assert integration.read_state(services, company_id).integration is None  # nothing was saved


def test_a_hibob_service_user_that_sees_everything_connects_without_warnings(sandbox, services, company_id):
    add_hibob_tenant(sandbox.state, "SERVICE-FULL", TOKEN, people=30, seed=3)
    state = integration.configure(services, company_id, provider="hibob",
                                  credentials={"service_user_id": "SERVICE-FULL", "service_user_token": TOKEN})
    assert state.integration.provider == "hibob" and state.notes == ()
    assert state.webhook_url.endswith(f"/webhooks/hibob/{company_id}") and state.webhook_secret is None


@pytest.mark.parametrize("scopes, role, warning", [
    (("public:read",), "owner", "private:read"),
    (("public:read", "private:read"), "user", "user role"),
], ids=["no-private-read", "user-role"])
def test_a_humaans_token_that_cannot_see_everyone_is_saved_with_a_warning(sandbox, services, company_id, scopes,
                                                                          role, warning):
    tenant = add_humaans_tenant(sandbox.state, f"initech-{role}-{len(scopes)}", people=30, seed=4)
    token = tenant.grant(scopes, role)
    secret_registry.register("Humaans connect token", token)
    state = integration.configure(services, company_id, provider="humaans", credentials={"access_token": token})
    assert state.integration.provider == "humaans" and state.webhook_url is None
    assert any(warning in note for note in state.notes), state.notes
